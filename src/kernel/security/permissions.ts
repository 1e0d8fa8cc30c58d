import { SetMetadata } from '@nestjs/common';
import type { Actor } from './actor';

/**
 * Named permissions. Every route declares one (or is explicitly public); a test walks every route
 * and fails on one without a declaration. Identity management replaces the role rules below.
 */
export const PERMISSIONS = {
  'dashboard.view': 'See the dashboard',
  'admin.plugins.manage': 'Enable, disable and configure plugins',
  'admin.system.view': 'See system status and configuration',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const PERMISSION_KEY = 'opora:permission';
export const PUBLIC_ROUTE = 'public';

/** The permission a route needs. */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

/** A route anyone may open (sign-in, setup, health, static). */
export const Public = () => SetMetadata(PERMISSION_KEY, PUBLIC_ROUTE);

/** Whether an actor holds a permission. Administrators hold all; everyone signed in sees the dashboard. */
export function actorCan(actor: Actor, permission: Permission): boolean {
  if (actor.isAdmin) return true;
  return permission === 'dashboard.view';
}
