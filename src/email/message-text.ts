import Encoding from 'encoding-japanese';
import EmailReplyParser from 'email-reply-parser';
import { cleanHtml, textToHtml } from '../tickets/ticket-html';

/*
 * The readable part of an inbound message, as safe HTML: Japanese mail sent as ISO-2022-JP with
 * no charset parameter decoded after all, and the quoted history of a reply (Outlook, Gmail,
 * Thunderbird, Apple Mail, "> " quoting) folded into a closed <details> so the ticket shows what
 * is new. Nothing is thrown away: the folded part is still there, and the original .eml is kept.
 */

/** ISO-2022-JP escape sequences: text that still has them was not decoded (no charset was given). */
const JIS_ESCAPE = /\x1b\$[@B]|\x1b\([BJ]/;

export function decodeStrayJis(text: string): string {
  if (!JIS_ESCAPE.test(text)) return text;
  const bytes = Array.from(text, (char) => char.charCodeAt(0) & 0xff);
  return Encoding.convert(bytes, { to: 'UNICODE', from: 'JIS', type: 'string' });
}

/**
 * Where a reply's quoted history starts in its HTML: the quote containers of the common mail
 * programs, and the separators they write above a quote, in any of our languages.
 */
const HTML_QUOTE_STARTS = [
  /<div[^>]*\b(?:class|id)\s*=\s*["']?(?:gmail_quote|gmail_attr|moz-cite-prefix|divRplyFwdMsg|OLK_SRC_BODY_SECTION|yahoo_quoted|appendonsend)\b/i,
  /<blockquote[^>]*\btype\s*=\s*["']?cite/i,
  /<hr[^>]*\bid\s*=\s*["']?stopSpelling/i,
  /<div[^>]*style\s*=\s*["'][^"']*border-top:\s*solid\s+#(?:E1E1E1|B5C4DF)/i,
  /-{2,}\s*(?:Original Message|Исходное сообщение|Пересылаемое сообщение|Оригінальне повідомлення|Asl xabar)\s*-{2,}/i,
];

export interface Body {
  /** Safe HTML: the new text, then the folded history when there is one. */
  html: string;
  /** Whether a quoted history was folded away. */
  folded: boolean;
}

function fold(visible: string, quoted: string): Body {
  if (!quoted.replace(/<[^>]*>|\s|&nbsp;/g, '')) return { html: visible, folded: false };
  return { html: `${visible}<details><summary>…</summary>${quoted}</details>`, folded: true };
}

/** The HTML body: cut at the first quote marker, each side sanitized on its own. */
export function htmlBody(raw: string): Body {
  const html = decodeStrayJis(raw);
  const starts = HTML_QUOTE_STARTS.map((pattern) => pattern.exec(html)?.index).filter((index): index is number => index !== undefined && index > 0);
  if (!starts.length) return { html: cleanHtml(html), folded: false };
  const at = Math.min(...starts);
  return fold(cleanHtml(html.slice(0, at)), cleanHtml(html.slice(at)));
}

/** The text body: what the reply parser calls new, then the quoted and hidden fragments folded. */
export function textBody(raw: string): Body {
  const text = decodeStrayJis(raw);
  const fragments = new EmailReplyParser().read(text).getFragments();
  const firstHidden = fragments.findIndex((fragment) => fragment.isHidden() || fragment.isQuoted());
  if (firstHidden <= 0) return { html: textToHtml(text), folded: false };
  const part = (from: number, to: number) => fragments.slice(from, to).map((fragment) => fragment.getContent()).join('\n');
  return fold(textToHtml(part(0, firstHidden)), textToHtml(part(firstHidden, fragments.length)));
}
