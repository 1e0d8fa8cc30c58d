import type { INestApplicationContext } from '@nestjs/common';
import { CLI_OPERATOR } from '../kernel/cli/command-spec';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import type { Actor } from '../kernel/security/actor';
import { WorkGroupService } from '../identity/groups/work-group.service';
import { OrganisationService } from '../identity/organisations/organisation.service';
import { UserAdminService } from '../identity/user-admin.service';
import { UserRepository, toActor } from '../identity/user.repository';
import { TicketService } from './ticket.service';
import { CatalogueService } from '../catalogue/catalogue.service';
import { RoutingRuleService } from './routing/routing-rule.service';
import { TicketTemplatesService } from './templates/ticket-templates.service';

/** The demo desk: who works where, who asks, and what they ask about. */
const GROUPS = [
  { name: 'Service desk', agents: ['anna.support', 'oleg.support'] },
  { name: 'Network', agents: ['nina.net'] },
  { name: 'Business applications', agents: ['timur.apps'] },
];
const REQUESTERS = [
  { username: 'marina', displayName: 'Марина Ковальчук', email: 'marina@northwind.example' },
  { username: 'dilshod', displayName: 'Dilshod Karimov', email: 'dilshod@northwind.example' },
  { username: 'peter', displayName: 'Peter Brown', email: 'peter@northwind.example' },
];
const SUBJECTS: Array<[string, string, string]> = [
  ['incident', 'Принтер на 3 этаже не печатает', 'Service desk'],
  ['incident', 'VPN disconnects every 10 minutes', 'Network'],
  ['service_request', 'Новый ноутбук для сотрудника', 'Service desk'],
  ['incident', '1C не открывается после обновления', 'Business applications'],
  ['information_request', 'How do I share a calendar?', 'Service desk'],
  ['incident', 'Wi-Fi у переговорной работает медленно', 'Network'],
  ['service_request', 'Доступ к папке бухгалтерии', 'Service desk'],
  ['documentation_request', 'Instructions for the new phone system', 'Service desk'],
];

/** Services (IT and not), a routing rule, a shared reply template and a ticket template. */
async function seedCatalogue(app: INestApplicationContext): Promise<void> {
  const catalogue = app.get(CatalogueService);
  const mail = await catalogue.create({ name: 'E-mail', description: 'Почта и календари / Mail and calendars', owner: 'anna.support', defaultGroup: 'Service desk', active: true });
  await catalogue.addComponent(mail, { name: 'Mailbox access', active: true });
  await catalogue.addComponent(mail, { name: 'Distribution lists', active: true });
  const network = await catalogue.create({ name: 'Network and VPN', defaultGroup: 'Network', active: true });
  await catalogue.addComponent(network, { name: 'VPN', active: true });
  await catalogue.create({ name: 'Хозяйственная служба / Facilities', description: 'Мебель, уборка, ремонт', defaultGroup: 'Service desk', active: true });
  await app.get(RoutingRuleService).create({ name: 'VPN → Network', keywords: 'vpn', hashtags: '#vpn', group: 'Network', tags: 'vpn', active: true });
  await app.get(TicketTemplatesService).create({ name: 'Новый ноутбук / New laptop', type: 'service_request', subject: 'Новый ноутбук для сотрудника', description: 'ФИО, отдел, дата выхода:', group: 'Service desk', tags: 'hardware' });
}

/**
 * Fills an empty desk with a small, living example: three work groups with agents, a client
 * organisation with requesters, a service catalogue with a routing rule and templates, and
 * tickets in every state with a conversation. Refuses to run
 * twice (it would mix with real data): the Service desk group marks a seeded desk.
 */
export async function seedDemo(app: INestApplicationContext): Promise<string> {
  const groups = app.get(WorkGroupService);
  if (await groups.activeGroupId('Service desk')) return 'the demo is already there (a "Service desk" group exists); nothing was added';
  const people = app.get(UserAdminService);
  const users = app.get(UserRepository);
  const tickets = app.get(TicketService);
  return app.get(UnitOfWork).transaction(async () => {
    const organisation = await app.get(OrganisationService).create(CLI_OPERATOR, { name: 'Northwind Ltd', code: 'NW', emailDomains: 'northwind.example' });
    for (const group of GROUPS) {
      for (const login of group.agents) await people.create({ username: login, displayName: login, email: `${login}@desk.example`, roles: ['agent'] });
      const created = await groups.create(CLI_OPERATOR, { name: group.name, lead: group.agents[0], active: true });
      for (const login of group.agents.slice(1)) await groups.addMember(CLI_OPERATOR, created.id, login);
    }
    for (const requester of REQUESTERS) await people.create({ ...requester, roles: ['requester'] });
    await seedCatalogue(app);
    const actorOf = async (login: string): Promise<Actor> => toActor((await users.findByUsername(login))!);
    let count = 0;
    for (const [index, [type, subject, group]] of SUBJECTS.entries()) {
      const requester = REQUESTERS[index % REQUESTERS.length]!;
      const agentLogin = GROUPS.find((candidate) => candidate.name === group)!.agents[0]!;
      const agent = await actorOf(agentLogin);
      const ref = await tickets.create(agent, { type, subject, description: subject, requester: requester.username, group, channel: index % 2 ? 'phone' : 'web', impact: ((index % 3) + 1) as 1 | 2 | 3, urgency: (((index + 1) % 3) + 1) as 1 | 2 | 3 }, 'web');
      count += 1;
      if (index % 4 === 0) continue; // some stay new
      await tickets.assign(agent, ref, { group, assignee: agentLogin, version: 1 }, 'web');
      await tickets.changeStatus(agent, ref, { status: 'in_progress', version: 2 }, 'web');
      await tickets.reply(agent, ref, { kind: 'reply', body: 'Смотрим, скоро вернёмся с ответом. / We are looking into it.' }, 'web');
      if (index % 4 === 1) continue; // stays in progress
      await tickets.changeStatus(agent, ref, { status: 'resolved', version: 3, resolutionCode: 'fixed', resolutionText: 'Done / Сделано' }, 'web');
      if (index % 4 === 2) continue; // stays resolved
      await tickets.changeStatus(agent, ref, { status: 'closed', version: 4 }, 'web');
    }
    return `demo desk ready: organisation "${organisation.name}", ${GROUPS.length} work groups, ${GROUPS.flatMap((group) => group.agents).length} agents and ${REQUESTERS.length} requesters (no passwords: set them on the People page), ${count} tickets`;
  });
}
