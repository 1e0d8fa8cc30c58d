import { createRequire } from 'node:module';

/** What mailparser uses of html-to-text. */
interface HtmlToText {
  compile(options?: object): (html: string, metadata?: unknown) => string;
  htmlToText(html: string, options?: object, metadata?: unknown): string;
}

/** Option sets whose converters are kept; mailparser uses one. */
const MAX_KEPT = 8;

let installed = false;

/**
 * mailparser turns the HTML of HTML-only mail into its text with html-to-text's `htmlToText`, which
 * builds a converter from the options on every call — parsing its selectors costs several times
 * what converting a short message does. From here on, calls with options that are plain data reuse
 * the converter built for the same options the first time; the text is the same. It is mailparser's
 * own copy of html-to-text that is changed, so any version of it that is installed is the one used.
 */
export function keepHtmlToTextConverters(): HtmlToText {
  const library = createRequire(require.resolve('mailparser'))('html-to-text') as HtmlToText;
  if (installed) return library;
  installed = true;
  const convertAfresh = library.htmlToText;
  const kept = new Map<string, (html: string, metadata?: unknown) => string>();
  library.htmlToText = (html, options = {}, metadata) => {
    const key = plainDataKey(options);
    if (key === null) return convertAfresh(html, options, metadata);
    let convert = kept.get(key);
    if (!convert) {
      convert = library.compile(options);
      if (kept.size < MAX_KEPT) kept.set(key, convert);
    }
    return convert(html, metadata);
  };
  return library;
}

/** The options as a key, or null when they hold anything but plain data (a formatter function). */
function plainDataKey(options: object): string | null {
  let plain = true;
  const key = JSON.stringify(options, (_name, value: unknown) => {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') plain = false;
    return value;
  });
  return plain ? key : null;
}
