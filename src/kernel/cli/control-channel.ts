import { createConnection, createServer, type Server } from 'node:net';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandError, type CommandInput } from './command-spec';
import { COMMANDS } from './commands';

/**
 * While the server owns the embedded database, no other process may open it. The CLI then hands
 * its command to the server over a Unix socket that only this user may open (mode 0600), and
 * the server runs it with its own services. Where the socket lives is written to
 * `<DATA_DIR>/control.path` (deep DATA_DIRs would exceed the socket path limit).
 */
const POINTER = 'control.path';

interface Request extends CommandInput {
  command: string;
}
type Reply = { ok: true; output: string } | { ok: false; error: string };

export async function serveControlChannel(dataDir: string, app: INestApplicationContext): Promise<() => Promise<void>> {
  let socketPath = join(dataDir, 'control.sock');
  let tempDir: string | undefined;
  if (socketPath.length > 100) {
    tempDir = mkdtempSync(join(tmpdir(), 'opora-ctl-'));
    socketPath = join(tempDir, 'control.sock');
  }
  rmSync(socketPath, { force: true });
  const server: Server = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      buffer += chunk;
      if (!buffer.includes('\n')) return;
      void handle(app, buffer.slice(0, buffer.indexOf('\n'))).then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  chmodSync(socketPath, 0o600);
  writeFileSync(join(dataDir, POINTER), socketPath, { mode: 0o600 });
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(join(dataDir, POINTER), { force: true });
    rmSync(socketPath, { force: true });
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
}

async function handle(app: INestApplicationContext, line: string): Promise<Reply> {
  try {
    const request = JSON.parse(line) as Request;
    const spec = COMMANDS[request.command];
    if (!spec) return { ok: false, error: `unknown command ${request.command}` };
    return { ok: true, output: await spec.run(app, { args: request.args ?? [], stdin: request.stdin ?? '' }) };
  } catch (error) {
    return { ok: false, error: error instanceof CommandError ? error.message : `failed: ${(error as Error).message}` };
  }
}

/** Sends a command to the running server; undefined when no server answers on this DATA_DIR. */
export async function sendToRunningServer(dataDir: string, request: Request): Promise<Reply | undefined> {
  const pointer = join(dataDir, POINTER);
  if (!existsSync(pointer)) return undefined;
  const socketPath = readFileSync(pointer, 'utf8').trim();
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(answer) as Reply);
      } catch {
        resolve({ ok: false, error: 'the running server sent an unreadable answer' });
      }
    });
    socket.on('error', () => resolve(undefined));
  });
}
