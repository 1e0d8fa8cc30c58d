import type { HookBus } from '../hooks/hook-bus';
import type { AuditService } from './audit.service';

/**
 * Turns the security hooks into audit rows. These actions run after their transaction commits (or
 * at once when there was none), so each listener writes its own row; a failure to write is logged
 * by the bus and never reaches the person signing in. Returns the disposers.
 */
export function listenForSecurityEvents(hooks: HookBus, audit: AuditService): Array<() => void> {
  return [
    hooks.addAction('user.signed_in', ({ userId, ip }) => audit.record('auth.sign_in.succeeded', { actorId: userId, ip })),
    hooks.addAction('user.sign_in_failed', ({ username, ip, reason }) =>
      audit.record(reason === 'throttled' ? 'auth.sign_in.throttled' : 'auth.sign_in.failed', { subject: username, ip, details: { reason } }),
    ),
    hooks.addAction('plugin.enabled', ({ plugin, actorId }) => audit.record('plugin.enabled', { actorId, subject: plugin })),
    hooks.addAction('plugin.disabled', ({ plugin, actorId }) => audit.record('plugin.disabled', { actorId, subject: plugin })),
  ];
}
