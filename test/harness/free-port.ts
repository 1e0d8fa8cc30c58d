import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nobody listens on right now.
 *
 * The kernel picks it (bind to port 0), we read it and release it. Another process could grab it
 * before our server binds, so callers that spawn a server retry on "address in use" instead of
 * trusting the port blindly. Never use fixed ports: parallel jest runs share this machine.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('free-port: the kernel did not report a TCP port'));
        return;
      }
      server.close((err) => (err ? reject(err) : resolve(address.port)));
    });
  });
}
