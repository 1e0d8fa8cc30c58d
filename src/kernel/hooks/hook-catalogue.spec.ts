import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import type { HookBus } from './hook-bus';
import type { ActionName, ActionPayload, FilterContext, FilterName, FilterValue, HookName, NavItem, SlotContext } from './hook-catalogue';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T | undefined => undefined;

/**
 * Compile-time checks: `npm run typecheck` fails if any line marked @ts-expect-error compiles, or
 * any other line does not. The function is never called; jest only confirms the file loads.
 */
function compileTimeChecks(bus: HookBus): void {
  assertType<Equal<ActionPayload<'kernel.app.started'>, { version: string }>>();
  assertType<Equal<FilterValue<'web.nav.items'>, NavItem[]>>();
  assertType<Equal<FilterContext<'web.slot.dashboard_main'>, SlotContext>>();
  assertType<Equal<Extract<ActionName, 'web.page.title'>, never>>();
  assertType<Equal<Extract<FilterName, 'user.signed_in'>, never>>();
  assertType<Equal<Extract<HookName, 'web.page.title' | 'user.signed_in'>, 'web.page.title' | 'user.signed_in'>>();

  bus.doAction('kernel.app.stopping');
  bus.doAction('user.signed_in', { userId: 'u1', ip: '::1' });
  void bus.applyFilters('web.page.title', 'Tickets', { view: 'tickets' });
  bus.addFilter('web.nav.items', (items, { userId }) => (userId ? items : []));

  // @ts-expect-error a hook name that is not in the catalogue does not compile
  bus.doAction('ticket.nonexistent', {});
  // @ts-expect-error nor does it as a filter
  void bus.applyFilters('web.slot.nowhere', '', { view: 'x', userId: null, locale: 'en' });
  // @ts-expect-error a filter is not an action
  bus.doAction('web.page.title', 'x');
  // @ts-expect-error the payload has to match the catalogue
  bus.doAction('user.signed_in', { userId: 1, ip: '::1' });
  // @ts-expect-error and may only be left out when the action has none
  bus.doAction('user.signed_in');
  // @ts-expect-error a filter handler must return the value's type
  bus.addFilter('web.page.title', () => 42);
  // @ts-expect-error doingHook takes catalogue names only
  bus.doingHook('nope');
}

describe('HookCatalogue', () => {
  it('carries its compile-time checks (enforced by npm run typecheck)', () => {
    expect(compileTimeChecks).toBeInstanceOf(Function);
  });

  it('lets a plugin add a hook by declaration merging, and still refuses unknown names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opora-hook-merge-'));
    try {
      const here = relative(dir, __dirname).split('\\').join('/');
      const file = join(dir, 'plugin.ts');
      writeFileSync(
        file,
        [
          `import type { HookBus } from '${here}/hook-bus';`,
          `declare module '${here}/hook-catalogue' {`,
          '  interface HookCatalogue {',
          '    /** After a page was sent to the on-call phone. */',
          "    'pager.page.sent': { kind: 'action'; payload: { ticketId: string } };",
          '  }',
          '}',
          'export function wire(bus: HookBus): void {',
          '  bus.addAction(\'pager.page.sent\', ({ ticketId }) => void ticketId.toUpperCase(), { plugin: \'pager\' });',
          "  bus.doAction('pager.page.sent', { ticketId: 't-1' });",
          "  bus.doAction('pager.page.unknown', { ticketId: 't-1' });",
          '}',
        ].join('\n'),
      );
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        experimentalDecorators: true,
        target: ts.ScriptTarget.ES2023,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: ['node'],
        typeRoots: [join(__dirname, '../../../node_modules/@types')],
      });
      const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
        const where = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0;
        return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
      });
      expect(errors).toEqual([expect.stringMatching(/^11: .*'"pager\.page\.unknown"'/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
