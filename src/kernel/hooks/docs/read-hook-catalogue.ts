import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

/** One catalogue entry, with its types exactly as written in the source. */
export interface HookEntry {
  name: string;
  kind: 'action' | 'filter';
  /** payload for actions; value and context for filters. */
  types: Array<{ label: 'payload' | 'value' | 'context'; text: string }>;
  /** The JSDoc line saying when the hook fires. */
  doc: string;
  /** Project-relative path, with forward slashes. */
  file: string;
}

/** A type declared beside a catalogue and used by its entries (SlotContext, NavItem, …). */
export interface NamedType {
  name: string;
  doc: string;
  text: string;
  file: string;
}

export interface CatalogueReading {
  entries: HookEntry[];
  namedTypes: NamedType[];
  /** Entries the generator cannot describe; the caller refuses to write docs while any remain. */
  problems: string[];
}

const CATALOGUE = 'HookCatalogue';
const FIELDS = { action: ['payload'], filter: ['value', 'context'] } as const;

/**
 * Reads every `interface HookCatalogue` (the core's, and those merged in by plugins inside
 * `declare module` blocks) from the .ts files under src/ and modules/<plugin>/src/, specs left
 * out. Syntax only, no type checking: the docs show the types as their authors wrote them.
 */
export function readHookCatalogue(rootDir: string): CatalogueReading {
  const reading: CatalogueReading = { entries: [], namedTypes: [], problems: [] };
  for (const path of catalogueSources(rootDir)) {
    const text = readFileSync(path, 'utf8');
    if (!text.includes(CATALOGUE)) continue; // most files: no need to parse them
    const file = relative(rootDir, path).split('\\').join('/');
    readFile(ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true), file, reading);
  }
  findDuplicates(reading);
  return reading;
}

function catalogueSources(rootDir: string): string[] {
  const roots = [join(rootDir, 'src')];
  const modules = join(rootDir, 'modules');
  if (existsSync(modules)) {
    for (const entry of readdirSync(modules, { withFileTypes: true })) {
      if (entry.isDirectory()) roots.push(join(modules, entry.name, 'src'));
    }
  }
  return roots
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name)))
    .filter((path) => path.endsWith('.ts') && !/\.(spec|test)\.ts$/.test(path) && !path.split(/[\\/]/).includes('node_modules'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function readFile(source: ts.SourceFile, file: string, reading: CatalogueReading): void {
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === CATALOGUE) {
      const used = new Set<string>();
      for (const member of node.members) {
        const entry = readEntry(member, source, file, reading.problems);
        if (!entry) continue;
        reading.entries.push(entry);
        collectTypeNames(member, used);
      }
      addNamedTypes(node, used, source, file, reading);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

function readEntry(member: ts.TypeElement, source: ts.SourceFile, file: string, problems: string[]): HookEntry | undefined {
  const where = `${file}:${source.getLineAndCharacterOfPosition(member.getStart(source)).line + 1}`;
  const name = member.name && literalName(member.name);
  if (!ts.isPropertySignature(member) || name === undefined || !member.type || !ts.isTypeLiteralNode(member.type)) {
    problems.push(`${where}: each entry must be '<name>': { kind: …; … }`);
    return undefined;
  }
  const fields = new Map<string, ts.TypeNode>();
  for (const field of member.type.members) {
    const fieldName = field.name && literalName(field.name);
    if (ts.isPropertySignature(field) && fieldName !== undefined && field.type) fields.set(fieldName, field.type);
  }
  const kindNode = fields.get('kind');
  const kind = kindNode && ts.isLiteralTypeNode(kindNode) && ts.isStringLiteral(kindNode.literal) ? kindNode.literal.text : undefined;
  if (kind !== 'action' && kind !== 'filter') {
    problems.push(`${where}: '${name}' needs kind: 'action' or kind: 'filter'`);
    return undefined;
  }
  const missing = FIELDS[kind].filter((label) => !fields.has(label));
  if (missing.length > 0) problems.push(`${where}: the ${kind} '${name}' lacks ${missing.join(' and ')}`);
  const doc = jsDocOf(member);
  if (!doc) problems.push(`${where}: '${name}' needs a one-line JSDoc saying when it fires`);
  const types = FIELDS[kind]
    .filter((label) => fields.has(label))
    .map((label) => ({ label, text: oneLine(fields.get(label)!.getText(source)) }));
  return { name, kind, types, doc, file };
}

function findDuplicates(reading: CatalogueReading): void {
  const seen = new Map<string, string>();
  for (const entry of reading.entries) {
    const first = seen.get(entry.name);
    if (first !== undefined) reading.problems.push(`${entry.file}: '${entry.name}' is already declared in ${first}`);
    else seen.set(entry.name, entry.file);
  }
}

/** Types the entries name that are declared in the same file (and the types those name, in turn). */
function addNamedTypes(catalogue: ts.InterfaceDeclaration, used: Set<string>, source: ts.SourceFile, file: string, reading: CatalogueReading): void {
  const declarations = new Map<string, ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.EnumDeclaration>();
  // Only declarations that sit beside the catalogue (the same file or the same `declare module` block).
  for (const statement of (catalogue.parent as ts.SourceFile | ts.ModuleBlock).statements) {
    if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement !== catalogue) {
      declarations.set(statement.name.text, statement);
    }
  }
  const pending = [...used];
  const done = new Set<string>();
  while (pending.length > 0) {
    const name = pending.shift()!;
    const declaration = declarations.get(name);
    if (done.has(name) || !declaration) continue;
    done.add(name);
    if (reading.namedTypes.some((known) => known.name === name && known.file === file)) continue;
    reading.namedTypes.push({ name, doc: jsDocOf(declaration), text: declaration.getText(source), file });
    const inner = new Set<string>();
    collectTypeNames(declaration, inner);
    pending.push(...inner);
  }
}

function collectTypeNames(node: ts.Node, into: Set<string>): void {
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) into.add(node.typeName.text);
  ts.forEachChild(node, (child) => collectTypeNames(child, into));
}

function literalName(name: ts.PropertyName): string | undefined {
  if (ts.isStringLiteral(name) || ts.isIdentifier(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

function jsDocOf(node: ts.Node): string {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const comment = docs.at(-1)?.comment;
  return comment === undefined ? '' : oneLine(ts.getTextOfJSDocComment(comment) ?? '');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
