// The API reference as a person meets it: the local runtime's /api/v1/docs in a real headless Chromium
// (Debian's chromium, driven by playwright-core). The page renders the served OpenAPI document with every
// route of the topology, shows a request example, and loads nothing from anywhere but the local runtime.
// A screenshot goes to test-results/docs-page/.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startLocalRuntime, type LocalRuntime } from '#lib/local/runtime';
import { functions } from '#lib/topology';
import { isHttp } from '#shared/topology-types';
import { testDb, type TestDb } from '#test/support/db';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUTPUT = path.join(REPO_ROOT, 'test-results', 'docs-page');

const routes = Object.entries(functions)
  .filter(([, spec]) => isHttp(spec))
  .map(([name, spec]) => ({ name, method: (spec.trigger as { method: string }).method, path: (spec.trigger as { path: string }).path }));

let database: TestDb;
let runtime: LocalRuntime;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  database = await testDb();
  runtime = await startLocalRuntime({ topology: functions, port: 0, db: database.db, schedules: false, log: () => undefined });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await runtime?.close();
  await database?.close();
});

describe('GET /api/v1/openapi.json', () => {
  it('is the topology as an OpenAPI 3.1 document, every route with its method', async () => {
    const res = await fetch(`${runtime.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => `${m.toUpperCase()} ${p} ${op.operationId}`));
    expect(listed.sort()).toEqual(routes.map((r) => `${r.method} ${r.path} ${r.name}`).sort());
  });
});

describe('GET /api/v1/docs in Chromium', () => {
  it('lists every route of the topology, shows a request example, and loads nothing from elsewhere', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
    const elsewhere: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(runtime.url) || url.startsWith('data:')) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    const res = await page.goto(`${runtime.url}/api/v1/docs`);
    expect(res?.status()).toBe(200);
    await page.waitForSelector('.opblock', { timeout: 60_000 });
    expect(await page.locator('.info .title').first().textContent()).toContain('RunningCoach API');

    const shown = await page.$$eval('.opblock', (blocks) =>
      blocks.map((b) => {
        const method = b.querySelector('.opblock-summary-method')?.textContent?.trim() ?? '';
        const path = b.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
        return `${method} ${path}`;
      }),
    );
    expect(shown.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());

    // Open "Record an activity": its request body example shows the fields to send.
    const create = page.locator('.opblock-post', { has: page.locator('[data-path="/api/v1/activities"]') });
    await create.locator('.opblock-summary').first().click();
    const example = create.locator('.body-param__example, .opblock-section-request-body .example').first();
    await example.waitFor({ timeout: 30_000 });
    const text = (await example.textContent()) ?? '';
    expect(text).toContain('"startTime"');
    expect(text).toContain('"durationMinutes"');

    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'reference.png'), fullPage: true });
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
