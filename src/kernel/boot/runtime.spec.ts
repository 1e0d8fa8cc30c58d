import { checkRuntime, REQUIRED_NODE_MAJOR } from './runtime';
import { StartupError } from './prepare';

describe('runtime', () => {
  it('runs the tests on Node 24, the npm-installed runtime every script uses', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(REQUIRED_NODE_MAJOR);
    expect(() => checkRuntime()).not.toThrow();
  });

  it.each(['20.20.2', '22.12.0', 'garbage'])('refuses Node %s with a clear reason', (version) => {
    expect(() => checkRuntime(version)).toThrow(StartupError);
    expect(() => checkRuntime(version)).toThrow(`Node.js 24 or newer is required, this is ${version}`);
  });

  it('accepts a newer Node (a system Node 26 chosen by install.sh)', () => expect(() => checkRuntime('26.10.0')).not.toThrow());
});
