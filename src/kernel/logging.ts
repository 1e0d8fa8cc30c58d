import { randomUUID } from 'node:crypto';
import type { Params } from 'nestjs-pino';
import type { ConfigService } from './config/config.service';

/**
 * Structured JSON logs (pino) with a request id on every line of a request. Secrets never reach
 * the log: cookies and authorization headers are redacted.
 */
export function loggerOptions(config: ConfigService): Params {
  return {
    pinoHttp: {
      level: config.get('log.level'),
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || (req.url ?? '').startsWith('/static/') },
    },
  };
}
