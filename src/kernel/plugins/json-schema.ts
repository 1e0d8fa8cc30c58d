import Ajv, { type ErrorObject } from 'ajv';
import semver from 'semver';

/**
 * One ajv setup for everything the plugin system checks against a JSON schema (manifests and
 * settings). Strict mode stays on, so a misspelt keyword in a plugin's settings schema is an error
 * at boot rather than a rule silently ignored. ajv ships no formats; the few a manifest or a
 * settings schema may reasonably use are defined here.
 */
export function createAjv(options: { coerceTypes?: boolean } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: options.coerceTypes ?? false });
  ajv.addFormat('semver', (value: string) => semver.valid(value) !== null);
  ajv.addFormat('semver-range', (value: string) => semver.validRange(value) !== null);
  ajv.addFormat('uri', (value: string) => {
    try {
      return /^[a-z][a-z0-9+.-]*:$/i.test(new URL(value).protocol);
    } catch {
      return false;
    }
  });
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
  return ajv;
}

/** "/opora/compatibility" → "opora.compatibility"; the root is "manifest". */
function pathOf(error: ErrorObject): string {
  const path = error.instancePath.split('/').filter(Boolean).join('.');
  const missing = error.keyword === 'required' ? String(error.params['missingProperty']) : undefined;
  if (missing) return path ? `${path}.${missing}` : missing;
  return path || 'manifest';
}

const FORMAT_HINTS: Record<string, string> = {
  semver: 'must be a semantic version such as 1.0.0',
  'semver-range': 'must be a semver range such as ^0.1.0',
};

const PATTERN_HINTS: Record<string, string> = {
  name: 'must be lowercase letters and digits in words joined by single dashes, like my-plugin',
};

/** One readable line for the first ajv error, e.g. `opora.compatibility is missing`. */
export function describeSchemaError(errors: readonly ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (!error) return 'is not valid';
  const path = pathOf(error);
  switch (error.keyword) {
    case 'required':
      return `${path} is missing`;
    case 'additionalProperties':
      return `${path} has an unknown field "${String(error.params['additionalProperty'])}"`;
    case 'pattern':
      return `${path} ${PATTERN_HINTS[path] ?? error.message}`;
    case 'format':
      return `${path} ${FORMAT_HINTS[String(error.params['format'])] ?? error.message}`;
    default:
      return `${path} ${error.message ?? 'is not valid'}`;
  }
}
