/** The most words a search takes; more only slows the query without narrowing it usefully. */
const MAX_TERMS = 8;

/**
 * A person's search text as a tsquery for the `simple` configuration: every word must match, each
 * as a prefix (`принт` finds `принтер`). Words are reduced to letters and digits, so nothing a
 * person types can be tsquery syntax; null when nothing searchable is left.
 */
export function searchQuery(text: string): string | null {
  const terms = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, MAX_TERMS);
  return terms.length ? terms.map((term) => `${term}:*`).join(' & ') : null;
}
