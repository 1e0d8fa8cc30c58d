import { parseValue } from './config-parse';

describe('parseValue', () => {
  const int = { kind: 'int', min: 1, max: 10 } as const;
  it.each([
    ['5', 5],
    [5, 5],
    [' 7 ', 7],
  ])('reads whole number %p', (raw, value) => expect(parseValue(int, raw)).toEqual({ ok: true, value }));
  it.each(['0', '11', '1.5', 'x', '', '1e3'])('refuses %p as a whole number from 1 to 10', (raw) => expect(parseValue(int, raw).ok).toBe(false));

  it.each([
    ['true', true],
    ['on', true],
    ['0', false],
    [false, false],
  ])('reads boolean %p', (raw, value) => expect(parseValue({ kind: 'bool' }, raw)).toEqual({ ok: true, value }));
  it('refuses a non-boolean', () => expect(parseValue({ kind: 'bool' }, 'maybe')).toEqual({ ok: false, expected: 'true or false' }));

  it('checks URL schemes', () => {
    const url = { kind: 'url', protocols: ['postgres:', 'postgresql:'] } as const;
    expect(parseValue(url, 'postgres://localhost/x').ok).toBe(true);
    expect(parseValue(url, 'http://localhost/x').ok).toBe(false);
    expect(parseValue(url, 'not a url').ok).toBe(false);
  });

  it('checks string length and enums', () => {
    expect(parseValue({ kind: 'string', minLength: 3 }, 'ab').ok).toBe(false);
    expect(parseValue({ kind: 'enum', values: ['a', 'b'] }, 'c').ok).toBe(false);
    expect(parseValue({ kind: 'enum', values: ['a', 'b'] }, 'b')).toEqual({ ok: true, value: 'b' });
  });
});
