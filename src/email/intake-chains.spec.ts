import { intakeChains, threadKeys, type Fetched } from './intake-chains';

const message = (uid: number, headers: string): Fetched => {
  const raw = Buffer.from(`${headers}\r\n\r\nbody mentioning From: x@y.z\r\n`);
  return { uid, raw, head: raw, size: raw.length };
};

describe('intake chains', () => {
  it('reads the sender and the ids a message names, folded lines included', () => {
    expect(threadKeys(message(1, 'From: "Иван" <Ivan@Client.example>\r\nMessage-ID: <A@x>\r\nReferences: <b@x>\r\n <c@x>').head)).toEqual(['from:ivan@client.example', 'id:<a@x>', 'id:<b@x>', 'id:<c@x>']);
  });

  it('keeps one sender\'s messages in one chain, in UID order', () => {
    const chains = intakeChains([message(3, 'From: a@x.example\r\nMessage-ID: <3@x>'), message(1, 'From: a@x.example\r\nMessage-ID: <1@x>'), message(2, 'From: b@x.example\r\nMessage-ID: <2@x>')]);
    expect(chains.map((chain) => chain.map((item) => item.uid))).toEqual([[1, 3], [2]]);
  });

  it('puts a reply with what it answers, even from another sender', () => {
    const chains = intakeChains([
      message(1, 'From: a@x.example\r\nMessage-ID: <orig@x>'),
      message(2, 'From: b@x.example\r\nMessage-ID: <r@x>\r\nIn-Reply-To: <orig@x>'),
      message(3, 'From: c@x.example\r\nMessage-ID: <other@x>'),
    ]);
    expect(chains.map((chain) => chain.map((item) => item.uid))).toEqual([[1, 2], [3]]);
  });

  it('does not read the body for headers', () => {
    expect(threadKeys(message(1, 'Subject: hi').head)).toEqual([]);
  });
});
