import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { RequirePermission } from '../../kernel/security/permissions';
import { PageService } from '../../kernel/web/page.service';
import { listLinks, listQueryOf, refusalMessages, formRefusal, type Refusal } from '../organisations/form-input';
import { ASSIGNMENT_MODES } from './assignment-mode';
import { AddMemberDto, WorkGroupDto } from './work-group.dto';
import { MAX_DESCRIPTION, type WorkGroupDetails, WorkGroupService } from './work-group.service';

type FormValues = Record<string, unknown>;


/** The admin pages of work groups: the list, a new group, a group with its lead and members. */
@Controller('admin/groups')
export class WorkGroupController {
  constructor(
    private readonly groups: WorkGroupService,
    private readonly pages: PageService,
    private readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('admin.groups.manage')
  async list(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const query = listQueryOf(raw);
    const page = await this.groups.list(req.actor!, query);
    const rows = page.rows.map((row) => ({
      ...row,
      lead: row.leadUsername ? { username: row.leadUsername, displayName: row.leadDisplayName } : null,
    }));
    const model = await this.pages.model(req, { titleKey: 'groups.title', form: { values: { q: query.q ?? '' } } }, {
      rows,
      ...listLinks('/admin/groups', query, page.next),
    });
    res.render('admin/groups', model);
  }

  @Get('new')
  @RequirePermission('admin.groups.manage')
  async newForm(@Req() req: Request, @Res() res: Response) {
    await this.renderNew(req, res, { active: true });
  }

  @Post()
  @RequirePermission('admin.groups.manage')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: WorkGroupDto) {
    const input = { ...body, active: body.active ?? false };
    try {
      const group = await this.groups.create(req.actor!, input);
      this.pages.flash(req, 'success', 'groups.created');
      res.redirect(303, `/admin/groups/${group.id}`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      res.status(error.status);
      await this.renderNew(req, res, input, refusalMessages(this.i18n, req.lang, error));
    }
  }

  @Get(':id')
  @RequirePermission('admin.groups.manage')
  async show(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Query() raw: Record<string, unknown>) {
    const membersCursor = listQueryOf(raw).cursor;
    const details = await this.groups.view(req.actor!, id, membersCursor);
    await this.renderEdit(req, res, details, savedValues(details), undefined, membersCursor !== undefined);
  }

  @Post(':id')
  @RequirePermission('admin.groups.manage')
  async update(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: WorkGroupDto) {
    const input = { ...body, active: body.active ?? false };
    try {
      await this.groups.update(req.actor!, id, input);
      this.pages.flash(req, 'success', 'groups.saved');
      res.redirect(303, `/admin/groups/${id}`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      const details = await this.groups.view(req.actor!, id);
      res.status(error.status);
      await this.renderEdit(req, res, details, input, refusalMessages(this.i18n, req.lang, error));
    }
  }

  @Post(':id/members')
  @RequirePermission('admin.groups.manage')
  async addMember(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: AddMemberDto) {
    try {
      await this.groups.addMember(req.actor!, id, body.username);
      this.pages.flash(req, 'success', 'groups.member_added');
      res.redirect(303, `/admin/groups/${id}#members`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      const details = await this.groups.view(req.actor!, id);
      res.status(error.status);
      await this.renderEdit(req, res, details, { ...savedValues(details), username: body.username }, refusalMessages(this.i18n, req.lang, error));
    }
  }

  @Post(':id/members/:userId/remove')
  @RequirePermission('admin.groups.manage')
  async removeMember(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Param('userId') userId: string) {
    const { leadCleared } = await this.groups.removeMember(req.actor!, id, userId);
    this.pages.flash(req, 'success', leadCleared ? 'groups.member_removed_lead_cleared' : 'groups.member_removed');
    res.redirect(303, `/admin/groups/${id}#members`);
  }

  @Post(':id/delete')
  @RequirePermission('admin.groups.manage')
  async delete(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    try {
      await this.groups.delete(req.actor!, id);
      this.pages.flash(req, 'success', 'groups.deleted');
      res.redirect(303, '/admin/groups');
    } catch (error) {
      if (!formRefusal(error)) throw error;
      this.pages.flash(req, 'error', error.i18nKey);
      res.redirect(303, `/admin/groups/${id}`);
    }
  }

  private async renderNew(req: Request, res: Response, values: FormValues, refusal: Refusal = { errors: {} }) {
    const model = await this.pages.model(req, { titleKey: 'groups.new_title', form: { values, ...refusal } }, { maxDescription: MAX_DESCRIPTION });
    res.render('admin/groups-new', model);
  }

  private async renderEdit(req: Request, res: Response, details: WorkGroupDetails, values: FormValues, refusal: Refusal = { errors: {} }, paged = false) {
    const { group, lead, members, leadChoices } = details;
    const chosen = typeof values.lead === 'string' ? values.lead.toLowerCase() : '';
    const model = await this.pages.model(req, { titleKey: 'groups.edit_title', form: { values, ...refusal } }, {
      group: { id: group.id, name: group.name, active: group.active },
      lead,
      members: members.rows.map((member) => ({ ...member, isLead: member.userId === group.leadId })),
      moreMembers: members.next ? `/admin/groups/${group.id}?${new URLSearchParams({ cursor: members.next })}#members` : null,
      firstMembers: paged ? `/admin/groups/${group.id}#members` : null,
      leadChoices: leadChoices?.map((member) => ({
        username: member.username,
        label: member.displayName && member.displayName !== member.username ? `${member.displayName} (${member.username})` : member.username,
        selected: member.username.toLowerCase() === chosen,
      })),
      maxDescription: MAX_DESCRIPTION,
      assignmentModes: ASSIGNMENT_MODES.map((mode) => ({ mode, selected: mode === (values.assignmentMode ?? group.assignmentMode) })),
    });
    res.render('admin/groups-edit', model);
  }
}

/** The edit form's values as stored. */
function savedValues(details: WorkGroupDetails): FormValues {
  const { group, lead } = details;
  return { name: group.name, description: group.description, email: group.email ?? '', lead: lead?.username ?? '', active: group.active, assignmentMode: group.assignmentMode, escalationGroup: details.escalationGroupName ?? '' };
}
