/*
 * @mentions in what agents write: who is named, and the same text with the names marked up.
 * Pure; the service decides which of the names are people who may see the ticket.
 */

/** `@login` not glued to a word or an e-mail address before it; a trailing dot ends the sentence. */
const MENTION = /(?<![\p{L}\p{N}_.@])@([\p{L}\p{N}_][\p{L}\p{N}_.-]{0,63})/gu;

/** The logins mentioned in a text, lower-cased, each once, in order. */
export function mentionedLogins(text: string): string[] {
  const logins: string[] = [];
  for (const match of text.matchAll(MENTION)) {
    const login = match[1]!.replace(/[.-]+$/, '').toLocaleLowerCase('und');
    if (login && !logins.includes(login)) logins.push(login);
  }
  return logins.slice(0, 20);
}

/**
 * Marks the mentions of `known` logins in already-escaped HTML as `<span class="mention">`; other
 * @words stay as they are. The HTML came from escaping plain text, so no tag contains an "@".
 */
export function markMentions(html: string, known: ReadonlySet<string>): string {
  return html.replace(MENTION, (whole, login: string) => {
    const bare = login.replace(/[.-]+$/, '');
    return known.has(bare.toLocaleLowerCase('und')) ? `<span class="mention">@${bare}</span>${login.slice(bare.length)}` : whole;
  });
}
