import { fillTemplate } from './reply-template';

const values = { 'ticket.ref': 'INC-42', 'ticket.subject': 'Принтер', 'ticket.status': 'In progress', 'ticket.service': 'Печать', 'requester.name': 'Ольга', 'agent.name': 'Иван' };

describe('fillTemplate', () => {
  it('fills the known placeholders, with or without spaces inside the braces', () => {
    expect(fillTemplate('Здравствуйте, {{requester.name}}! По заявке {{ ticket.ref }} ({{ticket.subject}}).\n— {{agent.name}}', values)).toBe(
      'Здравствуйте, Ольга! По заявке INC-42 (Принтер).\n— Иван',
    );
  });

  it('leaves unknown placeholders as typed and never evaluates anything', () => {
    expect(fillTemplate('{{ticket.secret}} {{constructor.name}} {{agent.name}}', values)).toBe('{{ticket.secret}} {{constructor.name}} Иван');
    expect(fillTemplate('{{{agent.name}}}', values)).toBe('{Иван}');
  });

  it('takes values literally, even ones that look like placeholders or replacement patterns', () => {
    expect(fillTemplate('{{requester.name}}', { ...values, 'requester.name': '$& {{agent.name}}' })).toBe('$& {{agent.name}}');
  });
});
