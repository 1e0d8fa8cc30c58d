/*
 * What an agent types to find a caller: a phone number (matched by how it ends, so "+7 999",
 * "8 999" and local numbers meet), or the start of a name, login or e-mail address. Pure.
 */

export interface CallerQuery {
  /** Digits of a phone number, reversed (the index holds reversed digits); at least 4. */
  reversedDigits?: string;
  /** A lower-cased prefix with LIKE's wildcards escaped. */
  prefix?: string;
}

export function callerQuery(typed: string): CallerQuery | undefined {
  const text = typed.normalize('NFC').trim().slice(0, 100);
  if (!text) return undefined;
  const digits = text.replace(/[^0-9]/g, '');
  // Mostly digits: a phone number. Compare its last 10 digits at most (the local number), so a
  // country code or trunk prefix typed or stored differently does not matter.
  if (digits.length >= 4 && digits.length >= text.replace(/[\s()+.-]/g, '').length) {
    return { reversedDigits: [...digits.slice(-10)].reverse().join('') };
  }
  if ([...text].length < 2) return undefined;
  return { prefix: `${text.toLocaleLowerCase('und').replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
}
