/*
 * Headers of an inbound message as text again, by lower-case name: mailparser hands some back
 * parsed (the content type with its parameters, address lists) and folds the List-* headers into
 * one `list` entry, while the loop guard reads plain header text.
 */

function headerText(value: unknown): string {
  if (value && typeof value === 'object' && 'value' in value) {
    const { value: main, params } = value as { value: unknown; params?: Record<string, string> };
    const text = typeof main === 'string' ? main : Array.isArray(main) ? main.map((entry) => (entry as { address?: string }).address ?? '').join(', ') : String(main);
    return [text, ...Object.entries(params ?? {}).map(([name, param]) => `${name}=${param}`)].join('; ');
  }
  return String(value ?? '');
}

export function headerMap(headers: ReadonlyMap<string, unknown>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of headers) map.set(name.toLowerCase(), typeof value === 'string' ? value : headerText(value));
  const list = headers.get('list') as Record<string, unknown> | undefined;
  if (list?.id) map.set('list-id', JSON.stringify(list.id));
  if (list?.unsubscribe) map.set('list-unsubscribe', JSON.stringify(list.unsubscribe));
  return map;
}
