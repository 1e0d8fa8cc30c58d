import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { join } from 'node:path';
import { AppModule } from '../../app.module';
import { apiTokenMiddleware } from '../../identity/tokens/api-token.middleware';
import { ApiTokenService } from '../../identity/tokens/api-token.service';
import { UserRepository } from '../../identity/user.repository';
import { DatabaseUnavailableError } from '../database/database-errors';
import { I18nService } from '../i18n/i18n.service';
import { projectRoot } from '../paths';
import { PostgresSessionStore } from '../security/session-store';
import { sessionActorMiddleware } from '../security/session-actor.middleware';
import { ErrorFilter } from '../web/error.filter';
import { incomingDirOf, multipartMiddleware } from '../web/multipart';
import { ApiDocs, withApiDocs } from '../web/openapi';
import { ViewEngineHolder } from '../web/view-engine.holder';
import type { BootContext } from './boot-context';

const LANG_COOKIE = 'opora.lang';

/**
 * Builds the Nest application with the HTTP pipeline in a fixed order: security headers, static
 * files (before any database work), body parsers, session, actor, language; then Nest's guards
 * (permission, CSRF), routes and the error filter.
 */
export async function createApp(boot: BootContext): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(withApiDocs(AppModule.forRoot(boot)), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  const config = boot.config;
  const root = projectRoot();

  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
        },
      },
    }),
  );
  app.use('/static', express.static(join(root, 'views', 'static'), { maxAge: '1h', index: false }));
  // While the database is away, every page but the health checks answers 503 at once, before
  // the session store is asked for anything.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (boot.database.state === 'ready' || req.path === '/healthz' || req.path === '/readyz') return next();
    next(new DatabaseUnavailableError(boot.database.lastError));
  });
  app.use(cookieParser());
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(express.json({ limit: '1mb' }));

  const store = app.get(PostgresSessionStore);
  app.use(
    session({
      name: 'opora.sid',
      secret: config.secretKey.value,
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.get('session.secure_cookie'),
        maxAge: config.get('session.idle_minutes') * 60_000,
      },
    }),
  );
  const users = app.get(UserRepository);
  app.use(sessionActorMiddleware((id) => users.findActor(id), config.get('session.absolute_hours') * 3_600_000));
  // On /api/v1, `Authorization: Bearer` replaces the session's actor with the token's owner.
  const apiTokens = app.get(ApiTokenService);
  app.use(apiTokenMiddleware((token) => apiTokens.authenticate(token)));
  // Multipart bodies are read only now that we know who sends them (see multipartMiddleware).
  app.use(
    multipartMiddleware(incomingDirOf(config.dataDir), () => ({
      maxFileBytes: config.get('attachments.max_file_mb') * 1024 * 1024,
      maxFiles: config.get('attachments.max_files'),
    })),
  );

  const i18n = app.get(I18nService);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const asked = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    const cookieLang = asked ?? (req.cookies?.[LANG_COOKIE] as string | undefined);
    req.lang = i18n.negotiate(req.headers['accept-language'], req.actor ? null : cookieLang, asked ?? req.actor?.locale);
    if (asked && req.lang === asked) res.cookie(LANG_COOKIE, asked, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 86_400_000 });
    next();
  });

  const views = app.get(ViewEngineHolder).engine;
  app.engine('hbs', views.engine);
  app.set('view engine', 'hbs');
  app.set('views', join(root, 'views'));

  app.get(ApiDocs).attach(app);
  await app.init();
  // Errors raised by the Express middleware above (session store, actor lookup) never reach
  // Nest's filters; this handler sends them through the same rendering.
  const filter = app.get(ErrorFilter);
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => filter.respond(error, req, res));
  return app;
}
