import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/*
 * The container files, checked as text. No image is built here: no container engine runs on the
 * test machines (the docker CLI may exist, its daemon does not). What can drift silently is
 * checked instead: the stages, the user, the health check, and that the build and start commands
 * are still the ones package.json defines.
 */

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Instruction {
  keyword: string; // upper case: FROM, RUN, CMD, …
  args: string; // the rest of the instruction, continuation lines joined
  stage: number; // index of the FROM this instruction belongs to (-1 before the first)
}

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let stage = -1;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (pending !== '' && line.startsWith('#')) continue; // comment lines inside a continuation
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const match = /^(\w+)\s+([\s\S]*)$/.exec(full);
    if (!match) throw new Error(`Unreadable Dockerfile line: ${full}`);
    const keyword = match[1].toUpperCase();
    if (keyword === 'FROM') stage += 1;
    instructions.push({ keyword, args: match[2].trim(), stage });
  }
  if (pending !== '') throw new Error('Dockerfile ends inside a continued line');
  return instructions;
}

/** The image of a FROM line (`FROM [--platform=…] image [AS name]`). */
function fromImage(args: string): { image: string; name?: string } {
  const words = args.split(/\s+/).filter((word) => !word.startsWith('--'));
  const asIndex = words.findIndex((word) => word.toUpperCase() === 'AS');
  return { image: words[0], name: asIndex >= 0 ? words[asIndex + 1] : undefined };
}

describe('Dockerfile', () => {
  const instructions = parseDockerfile(read('Dockerfile'));
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  const froms = instructions.filter((i) => i.keyword === 'FROM').map((i) => fromImage(i.args));
  const lastStage = froms.length - 1;
  const inStage = (stage: number, keyword: string) => instructions.filter((i) => i.stage === stage && i.keyword === keyword);

  it('has a build stage and a runtime stage, both on Node 24', () => {
    expect(froms).toHaveLength(2);
    for (const { image } of froms) expect(image).toMatch(/^node:24(-[\w.-]+)?$/);
    expect(froms[0].name).toBeDefined(); // the runtime stage copies from it by name
    const copies = inStage(lastStage, 'COPY').map((i) => i.args);
    expect(copies.some((args) => args.includes(`--from=${froms[0].name}`))).toBe(true);
  });

  it('builds with npm ci and the build script of package.json', () => {
    expect(scripts.build).toBeTruthy();
    const runs = inStage(0, 'RUN').map((i) => i.args).join('\n');
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).toMatch(/\bnpm run build\b/);
    expect(runs).toMatch(/\bnpm prune --omit=dev\b/);
  });

  it('runs as a user other than root', () => {
    const users = inStage(lastStage, 'USER').map((i) => i.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0']).not.toContain(users[users.length - 1]);
  });

  it('has a health check on /healthz that needs no curl', () => {
    const checks = inStage(lastStage, 'HEALTHCHECK').map((i) => i.args);
    expect(checks).toHaveLength(1);
    expect(checks[0]).not.toMatch(/^NONE\b/);
    expect(checks[0]).toContain('/healthz');
    expect(checks[0]).toMatch(/CMD \["node",/);
    expect(checks[0]).not.toContain('curl');
  });

  it('starts with the same command as the start script, after its build step', () => {
    // "npm run build && node dist/src/main.js" → ["node", "dist/src/main.js"]
    const steps = scripts.start.split('&&').map((step) => step.trim());
    const nodeStep = steps.find((step) => step.startsWith('node '));
    expect(nodeStep).toBeDefined();
    const cmds = inStage(lastStage, 'CMD');
    expect(cmds).toHaveLength(1);
    expect(JSON.parse(cmds[0].args)).toEqual(nodeStep!.split(/\s+/));
  });

  it('keeps data on a volume and listens on all interfaces inside the container', () => {
    const env = inStage(lastStage, 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(env).toMatch(/\bDATA_DIR=\/data\b/);
    expect(inStage(lastStage, 'VOLUME').map((i) => i.args)).toContain('/data');
    expect(inStage(lastStage, 'EXPOSE').map((i) => i.args)).toContain('3000');
  });
});

describe('.dockerignore', () => {
  it('keeps node_modules, dist, data and .git out of the build context', () => {
    const patterns = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const name of ['node_modules', 'dist', 'data', '.git']) expect(patterns).toContain(name);
  });
});

describe('docker-compose.yml', () => {
  interface Service {
    image?: string;
    build?: string | { context: string };
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] | string };
    ports?: string[];
    volumes?: string[];
  }
  const compose = parseYaml(read('docker-compose.yml')) as { services: Record<string, Service> };
  const { postgres, opora } = compose.services;

  it('runs PostgreSQL 17 with a health check and a volume', () => {
    expect(postgres.image).toMatch(/^postgres:17\b/);
    expect(JSON.stringify(postgres.healthcheck?.test)).toContain('pg_isready');
    expect(postgres.volumes?.some((volume) => volume.endsWith(':/var/lib/postgresql/data'))).toBe(true);
  });

  it('builds Opora from this folder and starts it once PostgreSQL is healthy', () => {
    expect(opora.build).toBe('.');
    expect(opora.depends_on?.postgres.condition).toBe('service_healthy');
    expect(opora.environment?.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/[^@]+@postgres:5432\//);
    // Compose refuses to start without SECRET_KEY instead of running with an empty one.
    expect(opora.environment?.SECRET_KEY).toMatch(/^\$\{SECRET_KEY:\?[^}]+\}$/);
    expect(opora.ports?.some((port) => port.endsWith(':3000'))).toBe(true);
    expect(opora.volumes?.some((volume) => volume.endsWith(':/data'))).toBe(true);
  });
});
