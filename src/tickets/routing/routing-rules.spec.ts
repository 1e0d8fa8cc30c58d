import { addressOf, containsWords, hashtagsOf, inWindow, matches, minutesOf, route, senderMatches, type RoutingRule, type TicketFacts } from './routing-rules';

const facts = (over: Partial<TicketFacts> = {}): TicketFacts => ({
  channel: 'email',
  mailbox: 'help@desk.example',
  requesterEmail: 'ivan@shop.example',
  subject: 'Принтер не печатает',
  text: 'На втором этаже #printer снова замял бумагу',
  serviceId: 'svc-print',
  category: 'Оборудование',
  organisationId: 'org-shop',
  type: 'incident',
  at: new Date('2026-11-23T07:30:00Z'), // Monday 10:30 in Moscow, 12:30 in Tashkent
  ...over,
});

const rule = (id: string, conditions: RoutingRule['conditions'], actions: RoutingRule['actions'], stop = false): RoutingRule => ({ id, name: `rule ${id}`, conditions, actions, stop });

describe('route', () => {
  it('applies every matching rule in order: later single values win, tags and watchers add up', () => {
    const outcome = route(
      [
        rule('1', { channels: ['email'] }, { groupId: 'first-line', tags: ['mail'], watcherIds: ['w1'] }),
        rule('2', { channels: ['phone'] }, { groupId: 'never' }),
        rule('3', { keywords: ['принтер'] }, { groupId: 'printers', priority: 2, tags: ['print', 'mail'], watcherIds: ['w2', 'w1'] }),
      ],
      facts(),
    );
    expect(outcome.actions).toEqual({ groupId: 'printers', priority: 2, tags: ['mail', 'print'], watcherIds: ['w1', 'w2'] });
    expect(outcome.matched.map((m) => m.id)).toEqual(['1', '3']);
  });

  it('stops at a matching rule marked stop, and only when it matches', () => {
    const rules = [rule('vip', { senders: ['boss@shop.example'] }, { priority: 1 }, true), rule('all', {}, { groupId: 'g' })];
    expect(route(rules, facts({ requesterEmail: 'boss@shop.example' })).matched.map((m) => m.id)).toEqual(['vip']);
    expect(route(rules, facts()).matched.map((m) => m.id)).toEqual(['all']);
  });

  it('leaves out what no rule set, and matches nothing with no rules', () => {
    expect(route([], facts())).toEqual({ actions: {}, matched: [] });
    expect(route([rule('1', {}, { type: 'service_request', assigneeId: undefined })], facts()).actions).toEqual({ type: 'service_request' });
  });
});

describe('matches', () => {
  it('needs every condition given, and one entry of each list', () => {
    expect(matches({ channels: ['web', 'email'], serviceIds: ['svc-print'], types: ['incident'] }, facts())).toBe(true);
    expect(matches({ channels: ['web', 'email'], serviceIds: ['svc-mail'] }, facts())).toBe(false);
    expect(matches({ channels: [] }, facts())).toBe(true);
  });

  it('compares mailboxes, categories and organisations exactly but without case', () => {
    expect(matches({ mailboxes: ['HELP@desk.example'] }, facts())).toBe(true);
    expect(matches({ mailboxes: ['help@desk.example'] }, facts({ mailbox: null }))).toBe(false);
    expect(matches({ categories: ['оборудование'] }, facts())).toBe(true);
    expect(matches({ categories: ['Сеть'] }, facts())).toBe(false);
    expect(matches({ organisationIds: ['org-shop'] }, facts())).toBe(true);
    expect(matches({ organisationIds: ['org-other'] }, facts({ organisationId: null }))).toBe(false);
  });

  it('finds keywords and hashtags in the subject or the text', () => {
    expect(matches({ keywords: ['бумагу'] }, facts())).toBe(true);
    expect(matches({ hashtags: ['#Printer'] }, facts())).toBe(true);
    expect(matches({ hashtags: ['printer'] }, facts({ text: 'no tag here' }))).toBe(false);
    // One condition about the text: a keyword or a tag is enough.
    expect(matches({ keywords: ['сканер'], hashtags: ['printer'] }, facts())).toBe(true);
    expect(matches({ keywords: ['принтер'], hashtags: ['scanner'] }, facts())).toBe(true);
    expect(matches({ keywords: ['сканер'], hashtags: ['scanner'] }, facts())).toBe(false);
  });
});

describe('senderMatches', () => {
  it.each([
    ['ivan@shop.example', 'ivan@shop.example', true],
    ['IVAN@Shop.Example', 'ivan@shop.example', true],
    ['petr@shop.example', 'ivan@shop.example', false],
    ['shop.example', 'ivan@shop.example', true],
    ['@shop.example', 'ivan@mail.shop.example', true],
    ['shop.example', 'ivan@myshop.example', false],
    ['shop.example', 'shop.example@evil.example', false],
    ['', 'ivan@shop.example', false],
    ['shop.example', null, false],
  ])('%j against %j → %j', (pattern, email, expected) => {
    expect(senderMatches(pattern, email)).toBe(expected);
  });
});

describe('containsWords', () => {
  it.each([
    ['Принтер не печатает', 'принтер', true],
    ['Принтеры не печатают', 'принтер', false],
    ['нет доступа к VPN!', 'vpn', true],
    ['openvpn сломался', 'vpn', false],
    ['не  печатает', 'не печатает', true],
    ['не-печатает', 'не печатает', true],
    ['a.b+c', 'b+c', true],
    ['anything', '   ', false],
    ["Ma'lumotlar bazasi", "ma'lumotlar", true],
  ])('%j contains %j → %j', (text, phrase, expected) => {
    expect(containsWords(text, phrase)).toBe(expected);
  });
});

describe('hashtagsOf', () => {
  it('reads #tags in any script, not inside words, character entities or URL anchors', () => {
    expect([...hashtagsOf('#Принтер and #vpn-access, (#urgent) #1c')]).toEqual(['принтер', 'vpn-access', 'urgent', '1c']);
    expect([...hashtagsOf('issue#5 &#39; http://x/#anchor # alone')]).toEqual([]);
  });
});

describe('inWindow', () => {
  const monday1030Moscow = new Date('2026-11-23T07:30:00Z');

  it('checks the time of day and weekday in the rule\'s time zone', () => {
    expect(inWindow({ from: '09:00', to: '18:00', timeZone: 'Europe/Moscow', days: [1, 2, 3, 4, 5] }, monday1030Moscow)).toBe(true);
    expect(inWindow({ from: '09:00', to: '10:30', timeZone: 'Europe/Moscow' }, monday1030Moscow)).toBe(false);
    expect(inWindow({ from: '09:00', to: '12:00', timeZone: 'Asia/Tashkent' }, monday1030Moscow)).toBe(false);
    expect(inWindow({ from: '09:00', to: '18:00', timeZone: 'Europe/Moscow', days: [6, 7] }, monday1030Moscow)).toBe(false);
  });

  it('handles a window past midnight, the morning belonging to the day before', () => {
    const night = { from: '22:00', to: '06:00', timeZone: 'UTC', days: [5] }; // Friday night
    expect(inWindow(night, new Date('2026-11-27T23:00:00Z'))).toBe(true); // Friday 23:00
    expect(inWindow(night, new Date('2026-11-28T05:59:00Z'))).toBe(true); // Saturday 05:59
    expect(inWindow(night, new Date('2026-11-28T06:00:00Z'))).toBe(false);
    expect(inWindow(night, new Date('2026-11-27T05:00:00Z'))).toBe(false); // Friday early = Thursday night
  });

  it('refuses a malformed time', () => {
    expect(() => minutesOf('25:00')).toThrow('HH:MM');
    expect(() => minutesOf('9:00')).toThrow('HH:MM');
    expect(minutesOf('23:59')).toBe(1439);
  });
});

describe('addressOf', () => {
  const none = { groupId: null, assigneeId: null };

  it('keeps what a person chose over rules and the service', () => {
    expect(addressOf({ groupId: 'chosen', assigneeId: null }, { groupId: 'rule' }, 'service')).toEqual({ groupId: 'chosen', assigneeId: null, by: 'person' });
    expect(addressOf({ groupId: null, assigneeId: 'me' }, { groupId: 'rule' }, 'service')).toEqual({ groupId: null, assigneeId: 'me', by: 'person' });
  });

  it('takes the rules next, then the service default, then nobody', () => {
    expect(addressOf(none, { assigneeId: 'duty' }, 'service')).toEqual({ groupId: null, assigneeId: 'duty', by: 'rules' });
    expect(addressOf(none, { priority: 1 }, 'service')).toEqual({ groupId: 'service', assigneeId: null, by: 'service' });
    expect(addressOf(none, {}, null)).toEqual({ groupId: null, assigneeId: null, by: null });
  });
});
