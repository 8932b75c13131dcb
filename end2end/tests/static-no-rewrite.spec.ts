// A static host without rewrite rules (GitHub Pages and the like): it serves files and
// answers every other path with 404 and the site's 404.html. dist/ carries a 404.html
// that is the app itself (tools/post_build.sh), so a deep link lands on its view with
// the deep link still in the address bar, and no inline script is needed (the CSP holds:
// the fixture's Guard fails the test on any violation).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '../helpers/fixtures';
import { startServer, Server, DEMO_KEY } from '../helpers/server';
import { connect } from '../helpers/direct';
import { rows, settled, expectScreenMatchesApi } from '../helpers/app';
import { gatherDone } from '../helpers/analytics';
import { DIST_CALLS, PREFIX, Host, raw, siteRoot, startNoRewriteHost } from '../helpers/static-host';

let api: Server | undefined;
let host: Host | undefined;
test.beforeEach(async () => {
  api = await startServer({ mode: 'api' });
  host = await startNoRewriteHost(siteRoot(`${api.url}/v1`));
});
test.afterEach(async () => {
  await host?.stop();
  await api?.stop();
  host = api = undefined;
});
const started = () => ({ api: api!, host: host! });

test('404.html is the app, with no inline script', async () => {
  const { host } = started();
  const page404 = readFileSync(path.join(DIST_CALLS, '404.html'), 'utf8');
  expect(page404).toBe(readFileSync(path.join(DIST_CALLS, 'index.html'), 'utf8'));
  for (const tag of page404.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="/);
  expect(page404).not.toMatch(/<script\b[^>]*>[^<]/);
  expect(page404).not.toMatch(/\son[a-z]+=/i);
  // The host really has no fallback: a deep link is a 404 (with 404.html as its body).
  const a = await raw(`${host.url}${PREFIX}analytics?range=24h`);
  expect(a.status).toBe(404);
  expect(a.body.toString()).toBe(page404);
});

for (const [deep, view] of [
  ['analytics?range=24h', 'analytics'],
  ['report?day=2026-11-19', 'report'],
  ['?status=failed&page=2', 'calls'],
] as const) {
  test(`a deep link to ${view} lands on its view: ${PREFIX}${deep}`, async ({ page }) => {
    const { api, host } = started();
    const answer = await page.goto(`${host.url}${PREFIX}${deep}`);
    expect(answer?.status()).toBe(deep.startsWith('?') ? 200 : 404);
    await connect(page, `${api.url}/v1`, DEMO_KEY);
    if (view === 'analytics') {
      await expect(page.locator('.analytics-page')).toBeVisible();
      const preset = page.locator('.filters').getByRole('button', { name: 'Last 24 h', exact: true });
      await expect(preset).toHaveAttribute('aria-pressed', 'true');
      await expect(gatherDone(page)).toBeVisible({ timeout: 30_000 });
      await expect(rows(page).first()).toBeVisible();
    } else if (view === 'report') {
      await expect(page.locator('#report-day')).toHaveValue('2026-11-19');
      await expect(page.locator('.report-figures')).toBeVisible({ timeout: 30_000 });
    } else {
      await settled(page);
      await expect(rows(page)).toHaveCount(20);
      await expectScreenMatchesApi(page, api, DEMO_KEY);
    }
    await expect(page).toHaveURL(`${host.url}${PREFIX}${deep}`);
  });
}
