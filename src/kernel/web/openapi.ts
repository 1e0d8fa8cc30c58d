import { Controller, type DynamicModule, Get, Injectable, type INestApplication, Module, Param, Res } from '@nestjs/common';
import { ApiProperty, DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Response } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Public } from '../security/permissions';
import { coreVersion } from '../version';
import { NotFoundError } from './domain-error';

/** Where the JSON API lives; the OpenAPI document lists only routes under it. */
export const API_PREFIX = 'api/v1';
/** The name of the bearer-token security scheme in the document. */
export const BEARER_SCHEME = 'token';

/** The body of every API error (see ErrorFilter). */
export class ApiErrorDto {
  @ApiProperty({ description: 'Stable, for programs', example: 'not_found' }) code!: string;
  @ApiProperty({ description: 'For people, in the request\'s language' }) message!: string;
  @ApiProperty({ description: 'Quote it to support; the server log has the details' }) requestId!: string;
}

/**
 * The OpenAPI document of /api/v1: built from the routes that declare an API scope (the scope
 * decorators mark them for the scanner), so HTML pages never appear in it, and with the bearer
 * scheme declared for all of them.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Opora API')
    .setDescription(
      'The JSON API of Opora. Authenticate with a personal API token: `Authorization: Bearer opora_…`. ' +
        'A token acts for its owner, limited to its scopes; the owner\'s permissions still apply. ' +
        'Errors are `{code, message, requestId}`. Lists are pages: pass `nextCursor` back as `cursor`.',
    )
    .setVersion(coreVersion())
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A personal API token (`opora_…`)' }, BEARER_SCHEME)
    .addSecurityRequirements(BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, { onlyIncludeDecoratedEndpoints: true });
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith(`/${API_PREFIX}/`)));
  return document;
}

/** Holds the application until the document is first asked for, then the document. */
@Injectable()
export class ApiDocs {
  private app?: INestApplication;
  private built?: OpenAPIObject;

  attach(app: INestApplication): void {
    this.app = app;
  }

  document(): OpenAPIObject {
    if (!this.built) {
      if (!this.app) throw new Error('ApiDocs.attach(app) was not called');
      this.built = buildOpenApiDocument(this.app);
    }
    return this.built;
  }
}

/** swagger-ui-dist, found through @nestjs/swagger (whose dependency it is). */
const SWAGGER_UI_DIR = dirname(createRequire(require.resolve('@nestjs/swagger')).resolve('swagger-ui-dist/package.json'));

/** The files the page loads, all from this server: no CDN. */
const ASSET_FILES: Record<string, string> = {
  'swagger-ui.css': join(SWAGGER_UI_DIR, 'swagger-ui.css'),
  'swagger-ui-bundle.js': join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js'),
  'favicon-32x32.png': join(SWAGGER_UI_DIR, 'favicon-32x32.png'),
};

/**
 * Starts Swagger UI. A file of its own rather than an inline script, so the page keeps the strict
 * content security policy (`script-src 'self'`, `style-src 'self'`). No validator badge: it would
 * send the document to validator.swagger.io.
 */
const START_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/api/docs-json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout'
});
`;

/** Swagger UI's page without its inline styles and scripts (nest's own page has both). */
const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Opora API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/start.js"></script>
</body>
</html>
`;

/** /api/docs (Swagger UI) and /api/docs-json (the document). Public: the document holds no data. */
@Controller('api')
export class ApiDocsController {
  constructor(private readonly docs: ApiDocs) {}

  @Get('docs')
  @Public()
  page(@Res() res: Response): void {
    res.type('html').set('Cache-Control', 'no-cache').send(PAGE);
  }

  @Get('docs-json')
  @Public()
  json(): OpenAPIObject {
    return this.docs.document();
  }

  @Get('docs/assets/:file')
  @Public()
  asset(@Param('file') file: string, @Res() res: Response): void {
    if (file === 'start.js') return void res.type('js').set('Cache-Control', 'no-cache').send(START_SCRIPT);
    if (!Object.hasOwn(ASSET_FILES, file)) throw new NotFoundError();
    res.sendFile(ASSET_FILES[file]!, { maxAge: '1h' });
  }
}

@Module({ controllers: [ApiDocsController], providers: [ApiDocs], exports: [ApiDocs] })
export class ApiDocsModule {}

/**
 * The application's root module with the API docs added. The web server adds them (create-app);
 * the CLI's application context has no use for them.
 */
export function withApiDocs(root: DynamicModule): DynamicModule {
  return { ...root, imports: [...(root.imports ?? []), ApiDocsModule] };
}
