import 'reflect-metadata';
import { start } from './kernel/boot/start';
import { EXIT, StartupError } from './kernel/boot/prepare';

/** The server process: `npm start`, systemd and the container all run this. */
async function main(): Promise<void> {
  const running = await start();
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: `${signal} received, shutting down` })}\n`);
    running.stop().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`opora: shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A database problem retrying cannot fix (wrong secret key) ends the process with its reason.
  await running.boot.database.connect();
  if (running.boot.database.state === 'failed') {
    process.stderr.write(`opora: ${running.boot.database.lastError}\n`);
    await running.stop();
    process.exit(EXIT.config);
  }
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    process.stderr.write(`opora: ${error.message.replace(/\n/g, '\nopora: ')}\n`);
    process.exit(error.exitCode);
  }
  process.stderr.write(`opora: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
