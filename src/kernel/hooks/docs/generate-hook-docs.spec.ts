import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../paths';
import { renderHookDocs, runHookDocsCli } from './generate-hook-docs';

const CORE = `
export interface HookCatalogue {
  /** After a ticket is committed. */
  'ticket.created': { kind: 'action'; payload: { ticketId: string } };
  /** Reply body before it is stored. */
  'ticket.reply.body': {
    kind: 'filter';
    value: string;
    context: { ticketId: string; authorId: string | null };
  };
}
`;

const PLUGIN = `
import { Injectable } from '@nestjs/common';

declare module '../../../src/kernel/hooks/hook-catalogue' {
  interface HookCatalogue {
    /** After a page was sent to the on-call phone. */
    'pager.page.sent': { kind: 'action'; payload: PageSent };
    /** The text of the page, before it is sent. */
    'pager.page.text': { kind: 'filter'; value: \`page:\${string}\`; context: void };
  }

  /** What a sent page tells its listeners. */
  interface PageSent {
    ticketId: string;
    phone: Phone;
  }

  type Phone = string;
}

@Injectable()
export class Pager {}
`;

/** A throwaway project tree; `files` maps project-relative paths to contents. */
function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'opora-hook-docs-'));
  for (const [path, text] of Object.entries({ 'package.json': '{"name":"opora"}', ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const roots: string[] = [];
function project(files: Record<string, string>): string {
  const root = fixture(files);
  roots.push(root);
  return root;
}
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const sink = () => {
  const lines: string[] = [];
  return { lines, write: (text: string) => lines.push(text) };
};

describe('hook docs', () => {
  it('docs/hooks.md is current (run npm run docs:hooks)', () => {
    const root = projectRoot();
    expect(readFileSync(join(root, 'docs', 'hooks.md'), 'utf8')).toBe(renderHookDocs(root));
  });

  describe('renderHookDocs', () => {
    const root = project({
      'src/kernel/hooks/hook-catalogue.ts': CORE,
      'modules/pager/src/pager.hooks.ts': PLUGIN,
      'modules/pager/src/pager.hooks.spec.ts': `declare module 'x' { interface HookCatalogue { /** no */ 'spec.only': { kind: 'action'; payload: void } } }`,
      'src/unrelated.ts': 'export const HookCatalogueMention = 1;',
    });
    const docs = renderHookDocs(root);

    it('lists core entries with their kind, types as written, JSDoc line and file', () => {
      expect(docs).toContain(
        '| `ticket.created` | action | payload: `{ ticketId: string }` | After a ticket is committed. | [src/kernel/hooks/hook-catalogue.ts](../src/kernel/hooks/hook-catalogue.ts) |',
      );
    });

    it('writes multi-line types on one line and escapes pipes for the table', () => {
      expect(docs).toContain('value: `string`<br>context: `{ ticketId: string; authorId: string \\| null }`');
    });

    it("picks up entries a plugin merges in from a declare module block, and the types beside them", () => {
      expect(docs).toContain('## pager');
      expect(docs).toContain(
        '| `pager.page.sent` | action | payload: `PageSent` | After a page was sent to the on-call phone. | [modules/pager/src/pager.hooks.ts](../modules/pager/src/pager.hooks.ts) |',
      );
      expect(docs).toContain('### PageSent');
      expect(docs).toContain('What a sent page tells its listeners.');
      expect(docs).toContain('### Phone');
      expect(docs).toContain('type Phone = string;');
    });

    it('fences a type that contains backticks', () => {
      expect(docs).toContain('value: `` `page:${string}` ``');
    });

    it('groups by area, sorted, with an index', () => {
      expect(docs).toContain('- [pager](#pager) (2)\n- [ticket](#ticket) (2)');
      expect(docs.indexOf('## pager')).toBeLessThan(docs.indexOf('## ticket'));
    });

    it('leaves out specs and files that merely mention the name', () => {
      expect(docs).not.toContain('spec.only');
    });

    it('opens with how to add and extend hooks', () => {
      expect(docs.startsWith('# Hooks\n')).toBe(true);
      expect(docs).toContain('## Adding a hook');
      expect(docs).toContain("declare module '../../../src/kernel/hooks/hook-catalogue'");
    });

    it('gives the same text every time', () => {
      expect(renderHookDocs(root)).toBe(docs);
    });
  });

  it('refuses to document entries it cannot describe, naming each with its place', () => {
    const root = project({
      'src/a.ts': `export interface HookCatalogue {
  'a.no.doc': { kind: 'action'; payload: void };
  /** Bad kind. */
  'a.bad.kind': { kind: 'event'; payload: void };
  /** Missing context. */
  'a.no.context': { kind: 'filter'; value: string };
  /** Fine. */
  'a.twice': { kind: 'action'; payload: void };
}`,
      'src/b.ts': `export interface HookCatalogue {
  /** Declared again. */
  'a.twice': { kind: 'action'; payload: void };
}`,
    });
    const attempt = () => renderHookDocs(root);
    expect(attempt).toThrow("src/a.ts:2: 'a.no.doc' needs a one-line JSDoc");
    expect(attempt).toThrow("src/a.ts:4: 'a.bad.kind' needs kind: 'action' or kind: 'filter'");
    expect(attempt).toThrow("src/a.ts:6: the filter 'a.no.context' lacks context");
    expect(attempt).toThrow("src/b.ts: 'a.twice' is already declared in src/a.ts");
  });

  describe('command line', () => {
    it('writes docs/hooks.md, then --check passes until the catalogue changes', () => {
      const root = project({ 'src/kernel/hooks/hook-catalogue.ts': CORE });
      const out = sink();
      const err = sink();
      expect(runHookDocsCli(['--check'], root, out, err)).toBe(1);
      expect(err.lines.join('')).toContain('docs/hooks.md is missing');

      expect(runHookDocsCli([], root, out, err)).toBe(0);
      expect(readFileSync(join(root, 'docs', 'hooks.md'), 'utf8')).toBe(renderHookDocs(root));
      expect(runHookDocsCli(['--check'], root, out, err)).toBe(0);

      writeFileSync(join(root, 'src', 'more.ts'), "export interface HookCatalogue {\n  /** New. */\n  'x.y.z': { kind: 'action'; payload: void };\n}\n");
      expect(runHookDocsCli(['--check'], root, out, err)).toBe(1);
      expect(err.lines.at(-1)).toContain('docs/hooks.md is out of date: run `npm run docs:hooks`');
    });

    it('rejects arguments it does not know', () => {
      const err = sink();
      expect(runHookDocsCli(['--chek'], project({}), sink(), err)).toBe(2);
      expect(err.lines.join('')).toContain('Unknown argument --chek');
    });
  });
});
