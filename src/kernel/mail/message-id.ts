import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Message-IDs of the mail Opora sends carry a signature made with the secret key, so that when a
 * reply comes back quoting one in In-Reply-To or References, the mail intake can tell a real
 * reference to our message from a forged one before trusting it to find a ticket.
 */
const SIGNATURE_CHARS = 16;

function signature(localId: string, secret: string): string {
  return createHmac('sha256', secret).update(`message-id:${localId}`).digest('base64url').slice(0, SIGNATURE_CHARS);
}

/** `<id.signature@domain>` for the message with this id. */
export function signedMessageId(localId: string, secret: string, domain: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(localId)) throw new Error('message ids are letters, digits and dashes');
  return `<${localId}.${signature(localId, secret)}@${domain}>`;
}

/** The id inside a Message-ID this installation signed, or null for anything else. */
export function verifiedMessageId(messageId: string, secret: string): string | null {
  const match = /^<?([A-Za-z0-9-]+)\.([A-Za-z0-9_-]+)@[^>\s]+>?$/.exec(messageId.trim());
  if (!match) return null;
  const [, localId, given] = match as unknown as [string, string, string];
  const expected = Buffer.from(signature(localId, secret));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? localId : null;
}
