import Encoding from 'encoding-japanese';
import { decodeStrayJis, htmlBody, textBody } from './message-text';

const jis = (text: string) => String.fromCharCode(...Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }));

describe('decodeStrayJis', () => {
  it('decodes ISO-2022-JP left undecoded for want of a charset', () => {
    expect(decodeStrayJis(jis('プリンターが壊れました'))).toBe('プリンターが壊れました');
  });

  it('leaves every other text alone', () => {
    expect(decodeStrayJis('Принтер сломался')).toBe('Принтер сломался');
  });
});

describe('textBody', () => {
  it('folds a quoted history under the new text', () => {
    const body = textBody('Не помогло.\n\n-----Original Message-----\nFrom: Service desk\n\nПерезагрузите');
    expect(body.folded).toBe(true);
    expect(body.html).toMatch(/^<p>Не помогло.<\/p><details><summary>…<\/summary>.*Перезагрузите.*<\/details>$/s);
  });

  it('folds "> " quoting after an attribution line', () => {
    const body = textBody('Спасибо!\n\nOn Tue, 24 Nov 2026 at 10:00, Desk <help@desk.example> wrote:\n> Перезагрузите клиент');
    expect(body).toMatchObject({ folded: true });
    expect(body.html.startsWith('<p>Спасибо!</p><details>')).toBe(true);
  });

  it('keeps a message without history whole, escaped', () => {
    expect(textBody('a < b & c')).toEqual({ html: '<p>a &lt; b &amp; c</p>', folded: false });
  });
});

describe('htmlBody', () => {
  it.each([
    ['Gmail', '<div dir="ltr">Ответ</div><div class="gmail_quote"><div class="gmail_attr">On Tue wrote:</div><blockquote class="gmail_quote">старое</blockquote></div>'],
    ['Thunderbird', '<p>Ответ</p><div class="moz-cite-prefix">24.11.2026 10:00 пишет:</div><blockquote type="cite">старое</blockquote>'],
    ['Outlook', '<div>Ответ</div><div id="divRplyFwdMsg"><b>From:</b> Desk</div><div>старое</div>'],
    ['Outlook desktop', '<p>Ответ</p><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p><b>From:</b> Desk</p></div><p>старое</p>'],
  ])('folds the history of a %s reply', (_client, html) => {
    const body = htmlBody(html);
    expect(body.folded).toBe(true);
    const [visible, folded] = body.html.split('<details>');
    expect(visible).toContain('Ответ');
    expect(visible).not.toContain('старое');
    expect(folded).toContain('старое');
  });

  it('sanitizes both parts', () => {
    const body = htmlBody('<p onclick="x()">Ответ<script>alert(1)</script></p><blockquote type="cite"><img src="http://evil.example/t.gif">старое</blockquote>');
    expect(body.html).not.toMatch(/script|onclick|evil/);
    expect(body.html).toContain('старое');
  });
});
