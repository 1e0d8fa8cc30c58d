import { simpleParser } from 'mailparser';
import { keepHtmlToTextConverters } from './html-to-text-converters';

describe('html-to-text converters kept for mailparser', () => {
  const library = keepHtmlToTextConverters();
  const samples = ['<p>Привет</p><p>мир</p>', '<div>Принтер <b>XR-200</b><br>не печатает</div><blockquote>цитата</blockquote>', '<table><tr><td>a</td><td>b</td></tr></table>', ''];

  it('converts as a converter built afresh does, with and without options', () => {
    for (const html of samples) {
      expect(library.htmlToText(html)).toBe(library.compile({})(html));
      expect(library.htmlToText(html, { limits: { maxDepth: 1000 } })).toBe(library.compile({ limits: { maxDepth: 1000 } })(html));
      expect(library.htmlToText(html, { wordwrap: 20 })).toBe(library.compile({ wordwrap: 20 })(html));
    }
  });

  it('builds the converter once per set of options, and afresh for options holding functions', () => {
    const compile = jest.spyOn(library, 'compile');
    try {
      const options = { limits: { maxDepth: 999 } };
      library.htmlToText('<p>один</p>', options);
      library.htmlToText('<p>два</p>', { limits: { maxDepth: 999 } });
      expect(compile).toHaveBeenCalledTimes(1);
      const formatted = { formatters: { mine: () => undefined } };
      library.htmlToText('<p>три</p>', formatted);
      library.htmlToText('<p>три</p>', formatted);
      expect(compile).toHaveBeenCalledTimes(1);
    } finally {
      compile.mockRestore();
    }
  });

  it('is the conversion mailparser uses: the text of HTML-only mail', async () => {
    // mailparser looks the function up on the library at each call, so it calls the kept one.
    const convert = jest.spyOn(library, 'htmlToText');
    try {
      const mail = (body: string) => Buffer.from(`From: a@example.com\r\nSubject: t\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${body}\r\n`);
      expect((await simpleParser(mail('<p>Сервер</p><p>упал</p>'))).text).toBe('Сервер\n\nупал');
      expect((await simpleParser(mail('<p>Сервер</p><p>поднялся</p>'))).text).toBe('Сервер\n\nподнялся');
      expect(convert).toHaveBeenCalledTimes(2);
    } finally {
      convert.mockRestore();
    }
  });

  it('installs once however often it is asked', () => {
    const installedFunction = library.htmlToText;
    expect(keepHtmlToTextConverters().htmlToText).toBe(installedFunction);
  });
});
