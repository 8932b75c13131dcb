// The README's static deploy, proven: the build made with `--public-url /calls/`,
// served under /calls/ by Debian's nginx with deploy/nginx.conf (unchanged), talking
// to a `dashboard-server api` in direct mode. HTTP first (MIME types, caching,
// precompressed files, security headers), then a user's walk through every view.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '../helpers/fixtures';
import { startServer, Server, DEMO_KEY } from '../helpers/server';
import { connect } from '../helpers/direct';
import { rows, settled, expectScreenMatchesApi, statusButton } from '../helpers/app';
import { gatherDone } from '../helpers/analytics';
import { DIST_CALLS, PREFIX, Host, distFiles, raw, siteRoot, startNginx } from '../helpers/static-host';

const IMMUTABLE = 'public, max-age=31536000, immutable';

let api: Server | undefined;
let nginx: Host | undefined;
test.beforeEach(async () => {
  api = await startServer({ mode: 'api' });
  nginx = await startNginx(siteRoot(`${api.url}/v1`), api.url);
});
test.afterEach(async () => {
  await nginx?.stop();
  await api?.stop();
  nginx = api = undefined;
});

const started = () => ({ api: api!, nginx: nginx! });

const size = (file: string): number => statSync(path.join(DIST_CALLS, file)).size;

test('nginx: MIME types, caching, precompressed files and security headers', async () => {
  const { api, nginx } = started();
  // Every hashed build output (however many wasm and JS files the build splits into).
  const assets: [string, string][] = [
    ...distFiles(/\.wasm$/).map((f): [string, string] => [f, 'application/wasm']),
    ...distFiles(/-[0-9a-f]{12,16}\.js$/).map((f): [string, string] => [f, 'application/javascript']),
    ...distFiles(/-[0-9a-f]{12,16}\.css$/).map((f): [string, string] => [f, 'text/css']),
  ];
  for (const kind of ['application/wasm', 'application/javascript', 'text/css']) {
    expect(assets.filter(([, t]) => t === kind).length, `${kind} files in ${DIST_CALLS}`).toBeGreaterThan(0);
  }
  // (URL path, file it serves, content type, cache-control)
  const cases: [string, string, string, string][] = [
    ...assets.map(([f, type]): [string, string, string, string] => [`${PREFIX}${f}`, f, type, IMMUTABLE]),
    [PREFIX, 'index.html', 'text/html', 'no-cache'],
    [`${PREFIX}index.html`, 'index.html', 'text/html', 'no-cache'],
    // A deep link gets the app (index.html), not a 404 and not a redirect.
    [`${PREFIX}analytics?range=24h`, 'index.html', 'text/html', 'no-cache'],
  ];
  const csp = (h: Record<string, unknown>) => String(h['content-security-policy'] ?? '');
  for (const [urlPath, file, type, cache] of cases) {
    for (const [accept, encoding, bytes] of [
      ['br', 'br', size(`${file}.br`)],
      ['gzip', 'gzip', size(`${file}.gz`)],
      ['identity', undefined, size(file)],
    ] as const) {
      const what = `${urlPath} with Accept-Encoding: ${accept}`;
      const a = await raw(`${nginx.url}${urlPath}`, { 'accept-encoding': accept });
      expect(a.status, what).toBe(200);
      expect(a.headers['content-type'], what).toContain(type);
      expect(a.headers['content-encoding'], what).toBe(encoding);
      expect(a.body.length, `${what}: the body is the file's ${encoding ?? 'raw'} bytes`).toBe(bytes);
      expect(a.headers['cache-control'], what).toBe(cache);
      expect(a.headers['vary'], what).toMatch(/accept-encoding/i);
      expect(csp(a.headers), what).toContain("script-src 'self' 'wasm-unsafe-eval';");
      expect(csp(a.headers), what).toContain(`connect-src 'self' ${api.url};`);
      expect(csp(a.headers), what).toContain("frame-ancestors 'none'");
      expect(csp(a.headers), what).not.toContain('unsafe-inline');
      expect(a.headers['x-content-type-options'], what).toBe('nosniff');
      expect(a.headers['referrer-policy'], what).toBe('no-referrer');
      expect(a.headers['x-robots-tag'], what).toBe('noindex, nofollow');
    }
  }
  // The index.html served is the one built for /calls/.
  const index = await raw(`${nginx.url}${PREFIX}`);
  expect(index.body.toString()).toContain('<base href="/calls/"');
  expect(index.body.toString()).toContain('<meta name="robots" content="noindex, nofollow"');

  // config.json: the operator's file, never cached, never shadowed by a precompressed one.
  for (const accept of ['br', 'gzip', 'identity']) {
    const c = await raw(`${nginx.url}${PREFIX}config.json`, { 'accept-encoding': accept });
    expect(c.status).toBe(200);
    expect(c.headers['content-type']).toContain('application/json');
    expect(c.headers['cache-control']).toBe('no-cache');
    expect(c.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(c.body.toString())).toEqual({ api_base: `${api.url}/v1`, key_mode: 'direct' });
  }
  expect(distFiles(/^config\.json\.(gz|br)$/)).toEqual([]);

  // A missing hashed asset is a 404, not the app; /calls redirects to /calls/.
  expect((await raw(`${nginx.url}${PREFIX}call-dashboard-0123456789abcdef_bg.wasm`)).status).toBe(404);
  const bare = await raw(`${nginx.url}/calls`);
  expect(bare.status).toBe(301);
  expect(bare.headers['location']).toMatch(/\/calls\/$/);
});

test('nginx: first rows, every view, a deep link reloaded, Back and Forward', async ({ page }) => {
  const { api, nginx } = started();
  const wasmAnswers: { type: string; encoding: string }[] = [];
  page.on('response', async (r) => {
    if (r.url().endsWith('.wasm')) {
      const h = await r.allHeaders();
      wasmAnswers.push({ type: h['content-type'], encoding: h['content-encoding'] ?? '' });
    }
  });
  await page.goto(`${nginx.url}${PREFIX}`);
  await expect(page.locator('#api-base')).toHaveValue(`${api.url}/v1`); // from config.json
  // Remembered, so reloads below come back connected.
  await connect(page, `${api.url}/v1`, DEMO_KEY, true);
  await settled(page);
  await expect(rows(page)).toHaveCount(20);
  await expectScreenMatchesApi(page, api, DEMO_KEY);
  // Chromium asks for br; nginx sent the precompressed wasm with its own MIME type.
  await expect.poll(() => wasmAnswers.length).toBeGreaterThan(0);
  for (const a of wasmAnswers) expect(a).toEqual({ type: 'application/wasm', encoding: 'br' });

  // Every view, through the app's own links, each under /calls/.
  await statusButton(page, 'failed').click();
  await settled(page);
  await expectScreenMatchesApi(page, api, DEMO_KEY);
  await page.locator('.view-link', { hasText: 'Analytics' }).click();
  await expect(page).toHaveURL(new RegExp(`^${nginx.url}${PREFIX}analytics\\?status=failed$`));
  await expect(gatherDone(page)).toBeVisible({ timeout: 30_000 });
  await page.locator('.view-link', { hasText: 'Daily report' }).click();
  await expect(page).toHaveURL(new RegExp(`^${nginx.url}${PREFIX}report`));
  await expect(page.locator('.report-figures')).toBeVisible({ timeout: 30_000 });

  // Back and Forward walk the same views.
  await page.goBack();
  await expect(page).toHaveURL(`${nginx.url}${PREFIX}analytics?status=failed`);
  await expect(gatherDone(page)).toBeVisible({ timeout: 30_000 });
  await page.goBack();
  await expect(page).toHaveURL(`${nginx.url}${PREFIX}?status=failed`);
  await settled(page);
  await expectScreenMatchesApi(page, api, DEMO_KEY);
  await page.goForward();
  await expect(page).toHaveURL(`${nginx.url}${PREFIX}analytics?status=failed`);
  await expect(gatherDone(page)).toBeVisible({ timeout: 30_000 });

  // A deep link, loaded and reloaded: nginx answers index.html, the app shows the view.
  for (const deep of ['analytics?range=24h', 'report?day=2026-11-19', '?status=connected&page=3']) {
    await page.goto(`${nginx.url}${PREFIX}${deep}`);
    await page.reload();
    await expect(page).toHaveURL(`${nginx.url}${PREFIX}${deep}`);
    if (deep.startsWith('analytics')) {
      await expect(page.locator('.analytics-page')).toBeVisible();
      await expect(gatherDone(page)).toBeVisible({ timeout: 30_000 });
    } else if (deep.startsWith('report')) {
      await expect(page.locator('#report-day')).toHaveValue('2026-11-19');
      await expect(page.locator('.report-figures')).toBeVisible({ timeout: 30_000 });
    } else {
      await settled(page);
      await expectScreenMatchesApi(page, api, DEMO_KEY);
    }
  }
  // The built index.html names nothing on the host outside /calls/.
  const index = readFileSync(path.join(DIST_CALLS, 'index.html'), 'utf8');
  expect(index).not.toMatch(/(?:href|src)="\/(?!calls\/)/);
});
