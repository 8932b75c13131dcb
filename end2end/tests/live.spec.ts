// The live view against a server whose clock runs (`--now … --speed 60`: a real second
// is a minute of data, about one new call a second): new calls appear without a click;
// scrolled down or on page 2 a pill says how many and nothing moves; a hidden tab sends
// nothing; a run of 429s shows the reason and the live view recovers by itself.
import { test, expect } from '../helpers/fixtures';
import { open, rows, settled } from '../helpers/app';

// The page runs on real time (its Date.now drives the live pacing), the server on its
// own fast clock from DATA_NOW.
test.use({ fixedNow: null, serverOptions: { calls: 20000, extra: ['--speed', '60'] } });
test.setTimeout(120_000);

const ids = (page) => rows(page).evaluateAll((trs) => trs.map((t) => t.getAttribute('data-id')));

test('new calls appear at the top without a click, highlighted, with counts that follow', async ({ page, server }) => {
  await open(page, server, '?tz=utc&live=15s');
  await expect(page.locator('#live')).toHaveValue('15s');
  const before = await ids(page);
  // A count still loading ("…") would make the change below mean nothing.
  await expect(page.locator('.filters [data-status=all] .seg-count')).toHaveText(/^\d[\d,]*$/);
  const allBefore = await page.locator('.filters [data-status=all] .seg-count').innerText();
  await expect(page.locator('.live-status')).toContainText('Live, updated', { timeout: 40_000 });
  await expect.poll(async () => (await ids(page))[0], { timeout: 40_000 }).not.toBe(before[0]);
  const after = await ids(page);
  // The newest rows are new; the old ones moved down, none lost or doubled.
  expect(new Set(after).size).toBe(after.length);
  const firstOld = after.indexOf(before[0]);
  expect(firstOld).toBeGreaterThan(0);
  expect(after.slice(firstOld)).toEqual(before.slice(0, after.length - firstOld));
  await expect(page.locator('tr.row.fresh').first()).toBeAttached();
  await expect(page.locator('.filters [data-status=all] .seg-count')).not.toHaveText(allBefore, { timeout: 20_000 });
  // The list equals the API's first page as of the server's clock now (calls keep
  // arriving, so compare what both have: the API's page contains the rows shown).
  const api = await server.api('/v1/calls?limit=40');
  const apiIds = api.calls.map((c) => c.id);
  for (const id of (await ids(page)).slice(0, 15)) expect(apiIds).toContain(id);
});

test('scrolled down, a pill counts the new calls and nothing moves; the pill shows them', async ({ page, server }) => {
  await page.setViewportSize({ width: 1200, height: 500 });
  await open(page, server, '?tz=utc&live=15s&size=100');
  await page.mouse.wheel(0, 1500);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(200);
  const before = await ids(page);
  const pill = page.locator('.live-pill');
  await expect(pill).toHaveText(/^\d+ new calls? — show$/, { timeout: 40_000 });
  expect(await ids(page)).toEqual(before);
  await pill.click();
  await expect(pill).toHaveCount(0);
  expect((await ids(page))[0]).not.toBe(before[0]);
  expect(await page.evaluate(() => window.scrollY)).toBeLessThan(50);
});

test('on page 2 the pill counts calls since the view was loaded and leads to page 1', async ({ page, server }) => {
  await open(page, server, '?tz=utc&live=15s&page=2');
  const before = await ids(page);
  const pill = page.locator('.live-pill');
  await expect(pill).toHaveText(/^\d+ new calls? — show$/, { timeout: 40_000 });
  expect(await ids(page)).toEqual(before);
  await pill.click();
  await expect(page).not.toHaveURL(/page=2/);
  await settled(page);
});

test('a hidden tab sends no live requests, and catches up when shown', async ({ page, server }) => {
  await open(page, server, '?tz=utc&live=15s');
  await expect(page.locator('.live-status')).toContainText('Live, updated', { timeout: 40_000 });
  const hide = (hidden: boolean) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  await hide(true);
  await expect(page.locator('.live-status')).toContainText('Paused while the tab is hidden');
  let sent = 0;
  page.on('request', (r) => {
    if (r.url().includes('/v1/')) sent += 1;
  });
  await page.waitForTimeout(20_000);
  expect(sent).toBe(0);
  await hide(false);
  await expect.poll(() => sent, { timeout: 5_000 }).toBeGreaterThan(0);
  await expect(page.locator('.live-status')).toContainText('Live, updated');
});

test('429s during live show the reason, keep the rows, and live recovers by itself', async ({ page, server }) => {
  await open(page, server, '?tz=utc&live=15s');
  await expect(page.locator('.live-status')).toContainText('Live, updated', { timeout: 40_000 });
  const shown = await ids(page);
  // More 429s in a row than the client retries: the refresh fails, then the next one
  // (after the wait the API asks and the live view's backoff) succeeds.
  await server.setFaults([{ kind: '429', count: 6, retry_after: 1 }]);
  await expect(page.locator('.live-status')).toContainText('limiting requests', { timeout: 60_000 });
  await expect(page.locator('.live-status')).toContainText('Trying again at');
  expect((await ids(page)).length).toBe(shown.length);
  await expect(page.locator('.live-status')).toContainText('Live, updated', { timeout: 60_000 });
});

test('analytics: arriving calls join the figures without gathering the set again', async ({ page, server }) => {
  const offsets: number[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.endsWith('/v1/calls') && u.searchParams.get('limit') === '100') offsets.push(Number(u.searchParams.get('offset')));
  });
  await page.goto(`${server.url}/analytics?tz=utc&live=15s&status=connected`);
  await expect(page.locator('.gather-done')).toBeVisible({ timeout: 60_000 });
  const total = page.locator('.kpi[data-kpi="Total calls"] .kpi-value');
  const before = Number((await total.innerText()).replace(/,/g, ''));
  const gathered = offsets.length;
  await expect.poll(async () => Number((await total.innerText()).replace(/,/g, '')), { timeout: 60_000 }).toBeGreaterThan(before);
  // Live refreshes ask from the newest call on (offset 0); a second gather would ask
  // every offset again.
  expect(offsets.slice(gathered).every((o) => o === 0)).toBe(true);
  await expect(page.locator('.live-status')).toContainText('Live, updated');
});
