/*
 * winmail.dat (TNEF), which Outlook sends in place of ordinary attachments: the files inside are
 * listed and taken out so the ticket shows them, and the winmail.dat itself is kept too. Only the
 * classic attachment attributes are read (title and data); anything else in the stream is
 * skipped by its length, and a stream that does not add up yields what was read so far.
 */

const SIGNATURE = 0x223e9f78;
const LEVEL_ATTACHMENT = 0x02;
const ATT_ATTACH_REND_DATA = 0x9002; // starts each attachment
const ATT_ATTACH_TITLE = 0x8010;
const ATT_ATTACH_DATA = 0x800f;
const MAX_FILES = 100;

export interface TnefFile {
  name: string;
  content: Buffer;
}

export function isTnef(data: Buffer): boolean {
  return data.length >= 6 && data.readUInt32LE(0) === SIGNATURE;
}

export function tnefFiles(data: Buffer): TnefFile[] {
  if (!isTnef(data)) return [];
  const files: Array<{ name: string; content: Buffer | null }> = [];
  let offset = 6; // signature and key
  while (offset + 9 <= data.length && files.length <= MAX_FILES) {
    const level = data.readUInt8(offset);
    const id = data.readUInt32LE(offset + 1) & 0xffff;
    const length = data.readUInt32LE(offset + 5);
    const start = offset + 9;
    const end = start + length;
    if (end + 2 > data.length) break;
    if (level === LEVEL_ATTACHMENT) {
      if (id === ATT_ATTACH_REND_DATA) files.push({ name: '', content: null });
      const current = files.at(-1);
      if (current && id === ATT_ATTACH_TITLE) current.name = data.subarray(start, end).toString('latin1').replace(/\0+$/, '');
      if (current && id === ATT_ATTACH_DATA) current.content = Buffer.from(data.subarray(start, end));
    }
    offset = end + 2; // the attribute's checksum
  }
  return files.filter((file): file is TnefFile => file.content !== null).map((file, index) => ({ name: file.name || `attachment-${index + 1}`, content: file.content }));
}

/** A TNEF stream holding the files given: what Outlook would send (for tests and the corpus). */
export function buildTnef(files: readonly TnefFile[]): Buffer {
  const attribute = (level: number, id: number, type: number, value: Buffer) => {
    const head = Buffer.alloc(9);
    head.writeUInt8(level, 0);
    head.writeUInt32LE(((type << 16) | id) >>> 0, 1);
    head.writeUInt32LE(value.length, 5);
    const checksum = Buffer.alloc(2);
    checksum.writeUInt16LE(value.reduce((sum, byte) => (sum + byte) & 0xffff, 0), 0);
    return Buffer.concat([head, value, checksum]);
  };
  const start = Buffer.alloc(6);
  start.writeUInt32LE(SIGNATURE, 0);
  start.writeUInt16LE(0x0001, 4);
  const parts = [start, attribute(0x01, 0x9006, 0x0006, Buffer.from([0x00, 0x00, 0x01, 0x00]))];
  for (const file of files) {
    parts.push(attribute(LEVEL_ATTACHMENT, ATT_ATTACH_REND_DATA, 0x0006, Buffer.alloc(14)));
    parts.push(attribute(LEVEL_ATTACHMENT, ATT_ATTACH_TITLE, 0x0001, Buffer.from(`${file.name}\0`, 'latin1')));
    parts.push(attribute(LEVEL_ATTACHMENT, ATT_ATTACH_DATA, 0x0006, file.content));
  }
  return Buffer.concat(parts);
}
