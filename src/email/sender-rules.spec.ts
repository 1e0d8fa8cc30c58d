import { senderPattern, senderStanding } from './sender-rules';

describe('sender lists', () => {
  const rules = [
    { pattern: '@spam.example', kind: 'deny' as const },
    { pattern: 'boss@client.example', kind: 'allow' as const },
    { pattern: '@client.example', kind: 'deny' as const },
    { pattern: '@partner.example', kind: 'allow' as const },
  ];

  it('reads addresses and domains, nothing else', () => {
    expect(senderPattern(' Ivan@Client.Example ')).toBe('ivan@client.example');
    expect(senderPattern('@Spam.Example')).toBe('@spam.example');
    expect(senderPattern('not a sender')).toBeNull();
    expect(senderPattern('@nodot')).toBeNull();
  });

  it('stops a domain and its subdomains; stop wins over allow', () => {
    expect(senderStanding(rules, 'x@spam.example')).toBe('deny');
    expect(senderStanding(rules, 'x@mail.spam.example')).toBe('deny');
    expect(senderStanding(rules, 'boss@client.example')).toBe('deny');
    expect(senderStanding(rules, 'x@notspam.example')).toBe('none');
  });

  it('allows listed senders', () => {
    expect(senderStanding(rules, 'Anyone@Partner.example')).toBe('allow');
    expect(senderStanding([], 'x@y.example')).toBe('none');
  });
});
