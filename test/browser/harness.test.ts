import { existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../harness/browser';

// Proves the browser half of the harness: Debian's Chromium, driven by playwright-core, against
// a page served from 127.0.0.1 on a kernel-chosen port.

describe('test harness Chromium', () => {
  let server: Server;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Opora harness</title><h1 id="greeting">Hello from Opora</h1>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('loads a local page, reads its text and takes a screenshot', async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/`);
    expect(await page.title()).toBe('Opora harness');
    expect(await page.textContent('#greeting')).toBe('Hello from Opora');
    const file = await screenshot(page, 'harness-hello');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).size).toBeGreaterThan(0);
    await page.close();
  });
});
