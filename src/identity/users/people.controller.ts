import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { RequirePermission } from '../../kernel/security/permissions';
import { ROLES } from '../../kernel/security/roles';
import { PageService } from '../../kernel/web/page.service';
import { firstMessage, listLinks, listQueryOf, refusalMessages, formRefusal, type Refusal } from '../organisations/form-input';
import { knownTimeZones } from '../profile.service';
import { UserAdminService } from '../user-admin.service';
import { ABSENCE_KINDS } from './absence-rules';
import { AbsenceService } from './absence.service';
import { AbsenceDto, GroupByNameDto, NewPersonDto, PersonDto } from './people.dto';
import { type PersonDetails, PeopleService } from './people.service';

type FormValues = Record<string, unknown>;
/** Which form on the person's page a refusal belongs to. */
type FormName = 'person' | 'group' | 'absence';


/** The admin pages of people: the list, a new person, a person with their groups and absences. */
@Controller('admin/users')
export class PeopleController {
  constructor(
    private readonly people: PeopleService,
    private readonly creator: UserAdminService,
    private readonly absences: AbsenceService,
    private readonly pages: PageService,
    private readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('admin.users.view')
  async list(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const query = listQueryOf(raw);
    const role = typeof raw.role === 'string' ? raw.role : '';
    const status = typeof raw.status === 'string' ? raw.status : '';
    const page = await this.people.list(req.actor!, { ...query, role, status });
    const links = listLinks('/admin/users', query, page.next);
    const filters = new URLSearchParams(Object.entries({ role, status }).filter(([, value]) => value !== '')).toString();
    const model = await this.pages.model(req, { titleKey: 'people.title', form: { values: { q: query.q ?? '', role, status } } }, {
      rows: page.rows,
      roles: ROLES.map((name) => ({ name, selected: name === role })),
      ...links,
      next: links.next && filters ? `${links.next}&${filters}` : links.next,
    });
    res.render('admin/users', model);
  }

  @Get('new')
  @RequirePermission('admin.users.manage')
  async newForm(@Req() req: Request, @Res() res: Response) {
    await this.renderNew(req, res, { roles: ['agent'] });
  }

  @Post()
  @RequirePermission('admin.users.manage')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: NewPersonDto) {
    try {
      const person = await this.creator.create({ ...body, roles: body.roles ?? [], password: body.password || undefined });
      this.pages.flash(req, 'success', 'people.created');
      res.redirect(303, `/admin/users/${person.id}`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      res.status(error.status);
      await this.renderNew(req, res, { ...body, password: '' }, refusalMessages(this.i18n, req.lang, error));
    }
  }

  @Get(':id')
  @RequirePermission('admin.users.view')
  async show(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const details = await this.people.view(req.actor!, id);
    await this.renderPerson(req, res, details, savedValues(details));
  }

  @Post(':id')
  @RequirePermission('admin.users.manage')
  async update(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: PersonDto) {
    const input = { ...body, roles: body.roles ?? [], active: body.active ?? false };
    await this.handle(req, res, id, 'person', input, () => this.people.update(req.actor!, id, input, { ip: req.ip }), 'people.saved');
  }

  @Post(':id/groups')
  @RequirePermission('admin.users.manage')
  async joinGroup(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: GroupByNameDto) {
    await this.handle(req, res, id, 'group', { ...body }, () => this.people.joinGroup(req.actor!, id, body.group), 'people.group_joined', '#groups');
  }

  @Post(':id/groups/:groupId/remove')
  @RequirePermission('admin.users.manage')
  async leaveGroup(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Param('groupId') groupId: string) {
    await this.people.leaveGroup(req.actor!, id, groupId);
    this.pages.flash(req, 'success', 'people.group_left');
    res.redirect(303, `/admin/users/${id}#groups`);
  }

  @Post(':id/absences')
  @RequirePermission('admin.users.manage')
  async addAbsence(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: AbsenceDto) {
    await this.handle(req, res, id, 'absence', { ...body }, () => this.absences.add(req.actor!, id, body), 'absences.added', '#absences');
  }

  @Post(':id/absences/:absenceId/remove')
  @RequirePermission('admin.users.manage')
  async removeAbsence(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Param('absenceId') absenceId: string) {
    await this.absences.remove(req.actor!, id, absenceId);
    this.pages.flash(req, 'success', 'absences.removed');
    res.redirect(303, `/admin/users/${id}#absences`);
  }

  /** Runs a change from one of the person page's forms; a refusal shows that form again as typed. */
  private async handle(req: Request, res: Response, id: string, form: FormName, values: FormValues, work: () => Promise<unknown>, doneKey: string, anchor = '') {
    try {
      await work();
      this.pages.flash(req, 'success', doneKey);
      res.redirect(303, `/admin/users/${id}${anchor}`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      const details = await this.people.view(req.actor!, id);
      res.status(error.status);
      const saved = savedValues(details);
      await this.renderPerson(req, res, details, form === 'person' ? values : saved, { form, ...refusalMessages(this.i18n, req.lang, error) }, form === 'person' ? {} : values);
    }
  }

  private async renderNew(req: Request, res: Response, values: FormValues, refusal: Refusal = { errors: {} }) {
    const chosen = new Set(Array.isArray(values.roles) ? values.roles : []);
    const model = await this.pages.model(req, { titleKey: 'people.new_title', form: { values, ...refusal } }, {
      roles: ROLES.map((name) => ({ name, checked: chosen.has(name) })),
    });
    res.render('admin/users-new', model);
  }

  private async renderPerson(req: Request, res: Response, details: PersonDetails, values: FormValues, refusal?: Refusal & { form: FormName }, subform: FormValues = {}) {
    const chosen = new Set(Array.isArray(values.roles) ? values.roles : []);
    const absences = await this.absences.list(req.actor!, details.user.id);
    const personRefusal = refusal?.form === 'person' ? refusal : { errors: {} };
    const model = await this.pages.model(req, { titleKey: 'people.edit_title', form: { values, ...personRefusal } }, {
      person: { id: details.user.id, username: details.user.username, displayName: details.user.displayName, directory: details.user.directoryId !== null, emailBouncedAt: details.user.emailBouncedAt },
      roles: ROLES.map((name) => ({ name, checked: chosen.has(name) })),
      rolesHintKey: details.user.directoryId ? 'people.roles_hint_directory' : 'people.roles_hint',
      absencesPath: `/admin/users/${details.user.id}/absences`,
      timeZones: knownTimeZones().map((zone) => ({ zone, selected: zone === values.timeZone })),
      locales: this.i18n.languages().map((code) => ({ code, label: this.i18n.t(code, 'language.name'), selected: code === values.locale })),
      groups: details.groups,
      groupForm: refusal?.form === 'group' ? { values: subform, error: firstMessage(refusal) } : { values: {} },
      absences: absences.map((absence) => ({ ...absence, lastDay: new Date(absence.endsAt.getTime() - 1) })),
      absenceKinds: ABSENCE_KINDS.map((kind) => ({ kind, selected: kind === subform.kind })),
      absenceForm: refusal?.form === 'absence' ? { values: subform, error: firstMessage(refusal) } : { values: {} },
    });
    res.render('admin/users-edit', model);
  }
}

/** The person form's values as stored. */
function savedValues(details: PersonDetails): FormValues {
  const { user } = details;
  return {
    displayName: user.displayName,
    email: user.email ?? '',
    phone: user.phone ?? '',
    locale: user.locale ?? '',
    timeZone: user.timeZone ?? '',
    organisation: details.organisation?.name ?? '',
    department: details.department?.name ?? '',
    roles: user.roles,
    active: user.active,
  };
}
