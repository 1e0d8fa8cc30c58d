import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { PERMISSION_KEY } from '../../src/kernel/security/permissions';
import { startTestApp, type TestApp } from '../support/test-app';

/** Every route of the booted app (core and plugins) with the permission it declares, if any. */
function routesOf(app: TestApp): Array<{ route: string; permission: string | undefined }> {
  const routes: Array<{ route: string; permission: string | undefined }> = [];
  for (const module of app.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { prototype: object; name: string } | null;
      if (!controller) continue;
      const prefix = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
      for (const key of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[key];
        if (typeof handler !== 'function' || key === 'constructor') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        routes.push({
          route: `${method} /${[prefix, path].filter((part) => part && part !== '/').join('/')} (${controller.name}.${key})`,
          permission: Reflect.getMetadata(PERMISSION_KEY, handler) ?? Reflect.getMetadata(PERMISSION_KEY, controller),
        });
      }
    }
  }
  return routes;
}

describe('route permissions', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('postgres');
  });
  afterAll(() => app.stop());

  it('finds the routes', () => {
    expect(routesOf(app).map((entry) => entry.route)).toEqual(expect.arrayContaining([expect.stringMatching(/^GET \/readyz /), expect.stringMatching(/^POST \/login /)]));
  });

  it('has a declared permission (or an explicit public mark) on every route', () => {
    expect(routesOf(app).filter((entry) => !entry.permission).map((entry) => entry.route)).toEqual([]);
  });
});
