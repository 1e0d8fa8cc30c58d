import type { ReceivedMail } from '../harness/smtp';

/** The path of the first link in a received mail that goes to `prefix` (e.g. `/password/reset/`). */
export function linkPath(message: ReceivedMail, prefix: string): string {
  const found = (message.mail.text ?? '').match(/https?:\/\/\S+/g)?.map((url) => new URL(url).pathname).find((path) => path.startsWith(prefix));
  if (!found) throw new Error(`no ${prefix} link in: ${message.mail.text}`);
  return found;
}
