import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import type { Actor } from '../kernel/security/actor';
import { actorCan } from '../kernel/security/permissions';
import { DomainError, NotFoundError } from '../kernel/web/domain-error';
import { WorkGroupService } from '../identity/groups/work-group.service';
import { UserRepository } from '../identity/user.repository';
import { CatalogueRepository, type ComponentRow, type ServiceRow } from './catalogue.repository';
import { inAudience } from './service-audience';

export const MAX_NAME = 200;
export const MAX_DESCRIPTION = 5000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ServiceInput {
  name: string;
  description?: string;
  /** Login of the service owner. */
  owner?: string;
  /** Work group by name. */
  defaultGroup?: string;
  active: boolean;
  organisations?: string[];
  departments?: string[];
  groups?: string[];
}

export interface ComponentInput {
  name: string;
  defaultGroup?: string;
  active: boolean;
}

export type ServiceWithComponents = ServiceRow & { components: ComponentRow[] };

/** What a ticket's service choice comes to: the ids, and the group a ticket goes to by default. */
export interface ServiceChoice {
  serviceId: string | null;
  componentId: string | null;
  defaultGroupId: string | null;
}

/**
 * The service catalogue: services with components, owners, default groups and audiences. Admins
 * keep it; everyone else sees the active services they are in the audience of (staff see all, as
 * they register requests for anyone); tickets name a service and component through `choose`.
 */
@Injectable()
export class CatalogueService {
  constructor(
    private readonly catalogue: CatalogueRepository,
    private readonly users: UserRepository,
    private readonly groups: WorkGroupService,
    private readonly uow: UnitOfWork,
  ) {}

  async all(): Promise<ServiceWithComponents[]> {
    return this.withComponents(await this.catalogue.services(), false);
  }

  /** The services (and their active components) a person may pick for a new request. */
  async visibleTo(actor: Actor): Promise<ServiceWithComponents[]> {
    const person = actorCan(actor, 'tickets.work') ? null : await this.catalogue.memberOf(actor.id);
    return this.withComponents(await this.catalogue.visibleServices(person), true);
  }

  async details(id: string): Promise<{ service: ServiceWithComponents; audiences: { organisations: string[]; departments: string[]; groups: string[] } }> {
    const service = UUID.test(id) ? await this.catalogue.service(id) : null;
    if (!service) throw new NotFoundError();
    const audiences = await this.catalogue.audiences(id);
    const ids = (key: 'organisationId' | 'departmentId' | 'groupId') => audiences.map((audience) => audience[key]).filter((value): value is string => !!value);
    return {
      service: (await this.withComponents([service], false))[0]!,
      audiences: { organisations: ids('organisationId'), departments: ids('departmentId'), groups: ids('groupId') },
    };
  }

  audienceChoices() {
    return this.catalogue.audienceChoices();
  }

  async create(input: ServiceInput): Promise<string> {
    const fields = await this.serviceFields(input);
    return this.unique(() =>
      this.uow.transaction(async () => {
        const id = await this.catalogue.insertService(fields);
        await this.catalogue.replaceAudiences(id, audiencesOf(input));
        return id;
      }),
    );
  }

  async update(id: string, input: ServiceInput): Promise<void> {
    await this.details(id);
    const fields = await this.serviceFields(input);
    await this.unique(() =>
      this.uow.transaction(async () => {
        await this.catalogue.updateService(id, fields);
        await this.catalogue.replaceAudiences(id, audiencesOf(input));
      }),
    );
  }

  async addComponent(serviceId: string, input: ComponentInput): Promise<string> {
    await this.details(serviceId);
    const name = checkName(input.name, 'componentName');
    const groupId = await this.groupId(input.defaultGroup, 'componentGroup');
    return this.unique(() => this.catalogue.insertComponent(serviceId, name, groupId), 'componentName');
  }

  async updateComponent(serviceId: string, componentId: string, input: ComponentInput): Promise<void> {
    const name = checkName(input.name, 'componentName');
    const groupId = await this.groupId(input.defaultGroup, 'componentGroup');
    const found = UUID.test(componentId) && (await this.unique(() => this.catalogue.updateComponent(serviceId, componentId, { name, defaultGroupId: groupId, active: input.active }), 'componentName'));
    if (!found) throw new NotFoundError();
  }

  /**
   * The service and component a ticket names (each by id or name), checked: active, and for a
   * requester registering for themselves, a service they are in the audience of. The default
   * group is the component's, else the service's.
   */
  async choose(actor: Actor, requesterId: string, service?: string, component?: string): Promise<ServiceChoice> {
    if (!service?.trim()) {
      if (component?.trim()) throw new DomainError('service_required', 'catalogue.errors.service_required', 400, { field: 'service' });
      return { serviceId: null, componentId: null, defaultGroupId: null };
    }
    const typed = service.trim();
    const row = UUID.test(typed) ? await this.catalogue.service(typed) : await this.catalogue.serviceNamed(typed);
    const visible = row?.active && (actorCan(actor, 'tickets.work') || inAudience(await this.catalogue.audiences(row.id), await this.catalogue.memberOf(requesterId)));
    if (!row || !visible) throw new DomainError('service_unknown', 'catalogue.errors.service_unknown', 400, { field: 'service', name: typed });
    const part = component?.trim() ? await this.catalogue.component(row.id, component.trim(), UUID.test(component.trim())) : null;
    if (component?.trim() && !part?.active) throw new DomainError('component_unknown', 'catalogue.errors.component_unknown', 400, { field: 'service', name: component.trim() });
    return { serviceId: row.id, componentId: part?.id ?? null, defaultGroupId: part?.defaultGroupId ?? row.defaultGroupId };
  }

  private async withComponents(services: ServiceRow[], activeOnly: boolean): Promise<ServiceWithComponents[]> {
    const components = await this.catalogue.components(services.map((service) => service.id), activeOnly);
    return services.map((service) => ({ ...service, components: components.filter((component) => component.serviceId === service.id) }));
  }

  private async serviceFields(input: ServiceInput) {
    const description = (input.description ?? '').trim();
    if (description.length > MAX_DESCRIPTION) throw new DomainError('description_too_long', 'validation.too_long', 400, { field: 'description', count: MAX_DESCRIPTION });
    let ownerId: string | null = null;
    if (input.owner?.trim()) {
      const owner = await this.users.findByUsername(input.owner.trim());
      if (!owner?.active) throw new DomainError('person_unknown', 'tickets.errors.person_unknown', 400, { field: 'owner', name: input.owner.trim() });
      ownerId = owner.id;
    }
    return { name: checkName(input.name), description, ownerId, defaultGroupId: await this.groupId(input.defaultGroup, 'defaultGroup'), active: input.active };
  }

  private async groupId(name: string | undefined, field: string): Promise<string | null> {
    if (!name?.trim()) return null;
    const id = await this.groups.activeGroupId(name.trim());
    if (!id) throw new DomainError('group_unknown', 'people.errors.group_unknown', 400, { field, name: name.trim() });
    return id;
  }

  /** A name taken by another service (or component of the service) is a form error, not a crash. */
  private async unique<T>(write: () => Promise<T>, field = 'name'): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const code = (error as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (error as { code?: string }).code;
      if (code === '23505') throw new DomainError('name_taken', 'catalogue.errors.name_taken', 409, { field });
      if (code === '23503' || code === '22P02') throw new DomainError('audience_unknown', 'catalogue.errors.audience_unknown', 400);
      throw error;
    }
  }
}

function checkName(raw: string, field = 'name'): string {
  const name = (raw ?? '').replace(/\p{Cc}/gu, ' ').replace(/\s+/g, ' ').trim();
  if (!name) throw new DomainError('name_required', 'validation.required', 400, { field });
  if ([...name].length > MAX_NAME) throw new DomainError('name_too_long', 'validation.too_long', 400, { field, count: MAX_NAME });
  return name;
}

function audiencesOf(input: ServiceInput): { organisations: string[]; departments: string[]; groups: string[] } {
  const ids = (values?: string[]) => [...new Set((values ?? []).filter((value) => UUID.test(value)))];
  return { organisations: ids(input.organisations), departments: ids(input.departments), groups: ids(input.groups) };
}
