/*
 * What is safe to do with a file someone uploaded: the name to show and offer on download, and
 * the type and disposition to serve it with. Pure, so the rules are tested densely.
 */

const MAX_NAME = 200;

/**
 * A file name fit to show and to put in Content-Disposition: the last path segment only (either
 * slash), no control or bidirectional-override characters, no leading dots (no hidden or `..`
 * names), at most 200 characters with the extension kept. Never used as a path: files are stored
 * under their id.
 */
export function safeFileName(raw: string): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  const clean = last
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .replace(/^[.\s]+/, '');
  if (!clean) return 'file';
  const chars = [...clean];
  if (chars.length <= MAX_NAME) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 ? [...clean.slice(dot)] : [];
  return ext.length > 0 && ext.length <= 16 ? chars.slice(0, MAX_NAME - ext.length).join('') + ext.join('') : chars.slice(0, MAX_NAME).join('');
}

/** Images a browser may show inline, each with the bytes its files start with. */
const INLINE_IMAGES: ReadonlyArray<{ type: string; magic: (head: Buffer) => boolean }> = [
  { type: 'image/png', magic: (h) => h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', magic: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff },
  { type: 'image/gif', magic: (h) => h.subarray(0, 6).toString('latin1') === 'GIF87a' || h.subarray(0, 6).toString('latin1') === 'GIF89a' },
  { type: 'image/webp', magic: (h) => h.subarray(0, 4).toString('latin1') === 'RIFF' && h.subarray(8, 12).toString('latin1') === 'WEBP' },
];

/** Types that a browser would run or render as a document of our origin: always served as bytes. */
const ACTIVE_TYPES = /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|text\/javascript|application\/javascript|application\/ecmascript|text\/ecmascript|application\/x-shockwave-flash|multipart\/.*|message\/.*)$/;

export interface ServedAs {
  readonly contentType: string;
  /** Shown in the page (a real image); everything else is a download. */
  readonly inline: boolean;
}

/**
 * The type a stored file is served with, from what the sender declared and its first bytes. An
 * image is inline only when its bytes say it is that image; active content (HTML, SVG, XML,
 * scripts) and malformed types become application/octet-stream. The response also carries
 * `nosniff`, so the browser keeps to this.
 */
export function servedAs(declared: string, head: Buffer): ServedAs {
  const type = declared.toLowerCase().split(';')[0]!.trim();
  const image = INLINE_IMAGES.find((candidate) => candidate.magic(head));
  if (image) return { contentType: image.type, inline: true };
  if (!/^[a-z]+\/[a-z0-9.+-]{1,100}$/.test(type) || ACTIVE_TYPES.test(type)) return { contentType: 'application/octet-stream', inline: false };
  return { contentType: type === 'text/plain' ? 'text/plain; charset=utf-8' : type, inline: false };
}

/** Content-Disposition with an ASCII fallback and the real name in RFC 5987 form (Cyrillic survives). */
export function contentDisposition(name: string, inline: boolean): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
