import { checkManifest, settingsSchemaProblem } from './manifest-check';

const valid = { name: 'sla-pager', version: '1.2.0', description: 'Page on-call', opora: { compatibility: '^0.1.0' } };

function errorOf(raw: unknown, folder = 'sla-pager'): string | undefined {
  const checked = checkManifest(raw, folder);
  return checked.ok ? undefined : checked.error;
}

describe('checkManifest', () => {
  it('accepts a minimal manifest and ignores package.json fields it does not read', () => {
    expect(checkManifest({ ...valid, private: true, scripts: {} }, 'sla-pager')).toEqual({ ok: true, manifest: { ...valid, private: true, scripts: {} } });
  });

  it.each([
    [null, 'invalid manifest: manifest must be object'],
    [[], 'invalid manifest: manifest must be object'],
    [{ ...valid, description: undefined }, 'invalid manifest: description is missing'],
    [{ ...valid, opora: undefined }, 'invalid manifest: opora is missing'],
    [{ ...valid, opora: {} }, 'invalid manifest: opora.compatibility is missing'],
    [{ ...valid, version: 'one' }, 'invalid manifest: version must be a semantic version such as 1.0.0'],
    [{ ...valid, opora: { compatibility: 'soon' } }, 'invalid manifest: opora.compatibility must be a semver range such as ^0.1.0'],
    [{ ...valid, opora: { compatibility: '^0.1.0', setting: {} } }, 'invalid manifest: opora has an unknown field "setting"'],
    [{ ...valid, description: 7 }, 'invalid manifest: description must be string'],
  ])('refuses %j with one line', (raw, error) => {
    expect(errorOf(raw)).toBe(error);
  });

  it('wants the name to be the folder name, in lowercase words with dashes', () => {
    expect(errorOf({ ...valid, name: 'other' })).toBe('invalid manifest: name "other" must equal the folder name "sla-pager"');
    expect(errorOf({ ...valid, name: 'Sla_Pager' }, 'Sla_Pager')).toBe(
      'invalid manifest: name must be lowercase letters and digits in words joined by single dashes, like my-plugin',
    );
    expect(errorOf({ ...valid, name: 'sla--pager' }, 'sla--pager')).toMatch(/^invalid manifest: name must be lowercase/);
  });
});

describe('settingsSchemaProblem', () => {
  const schema = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });

  it('accepts scalar properties with rules, enums and known formats', () => {
    expect(
      settingsSchemaProblem(
        schema(
          {
            url: { type: 'string', format: 'uri', title: 'URL' },
            mail: { type: 'string', format: 'email' },
            level: { type: 'string', enum: ['low', 'high'], default: 'low' },
            retries: { type: 'integer', minimum: 0, maximum: 9, default: 3 },
            on: { type: 'boolean', default: true },
          },
          { required: ['url'] },
        ),
      ),
    ).toBeUndefined();
  });

  it('refuses what the form cannot show', () => {
    expect(settingsSchemaProblem({ type: 'array' })).toMatch(/must be an object schema/);
    expect(settingsSchemaProblem(schema({ tags: { type: 'array' } }))).toMatch(/must be an object schema/);
    expect(settingsSchemaProblem(schema({ 'bad name': { type: 'string' } }))).toMatch(/must be an object schema/);
  });

  it('refuses a schema ajv cannot compile, naming the cause', () => {
    expect(settingsSchemaProblem(schema({ a: { type: 'string', maxLenght: 3 } }))).toMatch(/^is not a schema ajv can compile: .*maxLenght/);
    expect(settingsSchemaProblem(schema({ a: { type: 'string', format: 'colour' } }))).toMatch(/unknown format "colour"/);
  });

  it('refuses a default its own rules refuse', () => {
    expect(settingsSchemaProblem(schema({ n: { type: 'integer', minimum: 1, default: 0 } }))).toBe('default of "n" must be >= 1');
  });
});
