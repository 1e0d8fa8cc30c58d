import { contentDisposition, safeFileName, servedAs } from './attachment-file';

describe('safeFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../../etc/passwd', 'passwd'],
    ['C:\\Users\\ivan\\Desktop\\счёт.xlsx', 'счёт.xlsx'],
    ['..', 'file'],
    ['.bashrc', 'bashrc'],
    ['  . hidden  ', 'hidden'],
    ['', 'file'],
    ['dir/', 'file'],
    ['a\u0000b\r\nc.txt', 'ab c.txt'],
    // A right-to-left override would make "exe.pdf" read as "fdp.exe" in the page.
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['tab\there.txt', 'tab here.txt'],
    // The last "/" splits it; what is left is only ever shown escaped.
    ['<script>alert(1)</script>.html', 'script>.html'],
  ])('%j → %j', (raw, expected) => {
    expect(safeFileName(raw)).toBe(expected);
  });

  it('composes decomposed letters, so the same name looks and compares the same', () => {
    expect(safeFileName('й.txt'.normalize('NFD'))).toBe('й.txt');
  });

  it('shortens long names to 200 characters and keeps the extension', () => {
    const name = safeFileName(`${'я'.repeat(300)}.docx`);
    expect([...name]).toHaveLength(200);
    expect(name.endsWith('.docx')).toBe(true);
    expect([...safeFileName('x'.repeat(300))]).toHaveLength(200);
  });
});

describe('servedAs', () => {
  const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
  const gif = Buffer.from('GIF89a....', 'latin1');
  const webp = Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1');
  const text = Buffer.from('hello');

  it('shows an image inline when its bytes say so, whatever was declared', () => {
    expect(servedAs('image/png', png)).toEqual({ contentType: 'image/png', inline: true });
    expect(servedAs('application/octet-stream', jpeg)).toEqual({ contentType: 'image/jpeg', inline: true });
    expect(servedAs('image/gif', gif)).toEqual({ contentType: 'image/gif', inline: true });
    expect(servedAs('', webp)).toEqual({ contentType: 'image/webp', inline: true });
  });

  it('never serves active content as itself', () => {
    for (const type of ['text/html', 'TEXT/HTML; charset=utf-8', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/xml', 'application/javascript', 'text/javascript', 'multipart/related', 'message/rfc822']) {
      expect(servedAs(type, text)).toEqual({ contentType: 'application/octet-stream', inline: false });
    }
  });

  it('keeps an ordinary declared type as a download, and refuses malformed ones', () => {
    expect(servedAs('application/pdf', text)).toEqual({ contentType: 'application/pdf', inline: false });
    expect(servedAs('text/plain', text)).toEqual({ contentType: 'text/plain; charset=utf-8', inline: false });
    expect(servedAs('image/png', text)).toEqual({ contentType: 'image/png', inline: false });
    expect(servedAs('text/plain\r\nX-Evil: 1', text)).toEqual({ contentType: 'application/octet-stream', inline: false });
    expect(servedAs('nonsense', text)).toEqual({ contentType: 'application/octet-stream', inline: false });
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact name in RFC 5987 form', () => {
    expect(contentDisposition('отчёт 2026.pdf', false)).toBe(`attachment; filename="_____ 2026.pdf"; filename*=UTF-8''${encodeURIComponent('отчёт 2026.pdf')}`);
    expect(contentDisposition('a"b\\c.png', true)).toBe(`inline; filename="a_b_c.png"; filename*=UTF-8''a%22b%5Cc.png`);
    expect(contentDisposition("it's (1).txt", false)).toBe(`attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`);
  });
});
