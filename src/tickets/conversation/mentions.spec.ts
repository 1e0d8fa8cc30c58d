import { markMentions, mentionedLogins } from './mentions';

describe('mentionedLogins', () => {
  it.each([
    ['@ivan please look', ['ivan']],
    ['Спросите @Ольга.Петрова.', ['ольга.петрова']],
    ['cc @a, @b and @a again', ['a', 'b']],
    ['mail ivan@example.com is not a mention', []],
    ['(@net-admins)', ['net-admins']],
    ['@@double', []],
    ['email@host and a@b', []],
    ['@', []],
  ])('%j → %j', (text, logins) => {
    expect(mentionedLogins(text)).toEqual(logins);
  });

  it('reads at most 20 names', () => {
    expect(mentionedLogins(Array.from({ length: 30 }, (_, i) => `@u${i}`).join(' '))).toHaveLength(20);
  });
});

describe('markMentions', () => {
  it('marks known people only, keeping sentence punctuation outside', () => {
    expect(markMentions('<p>@ivan, ask @nobody.</p>', new Set(['ivan']))).toBe('<p><span class="mention">@ivan</span>, ask @nobody.</p>');
    expect(markMentions('<p>Hi @Ivan.</p>', new Set(['ivan']))).toBe('<p>Hi <span class="mention">@Ivan</span>.</p>');
  });
});
