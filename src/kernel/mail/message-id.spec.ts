import { signedMessageId, verifiedMessageId } from './message-id';

const SECRET = 'a-secret-key-of-at-least-32-characters!';
const ID = '3f1c2a9e-5b7d-4c1e-9f0a-2b3c4d5e6f70';

describe('signed Message-IDs', () => {
  it('verifies its own, with or without angle brackets', () => {
    const messageId = signedMessageId(ID, SECRET, 'desk.example.com');
    expect(messageId).toMatch(/^<3f1c2a9e-[^@]+@desk\.example\.com>$/);
    expect(verifiedMessageId(messageId, SECRET)).toBe(ID);
    expect(verifiedMessageId(messageId.slice(1, -1), SECRET)).toBe(ID);
  });

  it('refuses a forged or altered one and one signed with another key', () => {
    const messageId = signedMessageId(ID, SECRET, 'desk.example.com');
    expect(verifiedMessageId(messageId.replace('3f1c', '3f1d'), SECRET)).toBeNull();
    expect(verifiedMessageId(messageId, 'another-secret-key-of-32-characters-long')).toBeNull();
    expect(verifiedMessageId(`<${ID}.AAAAAAAAAAAAAAAA@desk.example.com>`, SECRET)).toBeNull();
    expect(verifiedMessageId('<CAF=x@mail.gmail.com>', SECRET)).toBeNull();
    expect(verifiedMessageId('', SECRET)).toBeNull();
  });

  it('accepts only plain ids', () => {
    expect(() => signedMessageId('a@b', SECRET, 'x')).toThrow();
  });
});
