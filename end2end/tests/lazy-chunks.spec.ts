// The wasm is cut by route (src/parts.rs, tools/build_wasm.py): the calls route shows
// its rows from the main module alone; the analytics and report code is prefetched once
// rows are on screen, so opening those views fetches nothing more; the export code comes
// only when an export is asked for. A chunk that cannot be fetched is a visible message
// with a way to try again, not a dead page.
import type { Page, Request, Route } from '@playwright/test';
import { test, expect } from '../helpers/fixtures';
import { open, rows } from '../helpers/app';
import { gatherDone } from '../helpers/analytics';

const CHUNK = /\/(split_[a-z]+|chunk_\d+)-[0-9a-f]{16}\.wasm$/;
const file = (r: Request) => new URL(r.url()).pathname.split('/').pop()!;
const part = (name: string) => name.replace(/-[0-9a-f]{16}\.wasm$/, '');

/** Requests for `pattern` fail (connection refused) while `fail` is set; each is recorded. */
async function failing(page: Page, pattern: RegExp): Promise<{ fail: boolean; asked: string[] }> {
  const state = { fail: true, asked: [] as string[] };
  await page.route(pattern, (route) => {
    state.asked.push(route.request().url());
    return state.fail ? route.abort('connectionfailed') : route.continue();
  });
  return state;
}

test.describe('with the real clock (resource timings are compared)', () => {
  test.use({ fixedNow: null });

  test('rows come from the main module alone; the views are prefetched after them, export is not', async ({ page, server }) => {
    const wasm: string[] = [];
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(file(r)); });
    // Every chunk is held until the rows are checked: rows that needed one would not come.
    const held: Route[] = [];
    await page.route(CHUNK, (route) => { held.push(route); });
    // The moment the first row is in the document, on the page's own clock.
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.querySelector('tbody tr.row')) {
          (window as any).__firstRowAt = performance.now();
          obs.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });

    await open(page, server);
    await expect(rows(page).first()).toBeVisible();
    const mains = wasm.filter((f) => !CHUNK.test('/' + f));
    expect(mains, 'one main module').toHaveLength(1);
    expect(mains[0]).toMatch(/^call-dashboard-[0-9a-f]{16}_bg\.wasm$/);

    // Prefetch: the analytics and report chunks are asked for once rows are there.
    await expect.poll(() => held.map((r) => part(file(r.request()))).sort()).toEqual(
      expect.arrayContaining(['split_analytics', 'split_report']));
    for (const r of held.splice(0)) await r.continue();
    await page.unroute(CHUNK);
    await page.waitForTimeout(500);
    const parts = wasm.filter((f) => CHUNK.test('/' + f)).map(part);
    expect(parts, 'export code is not prefetched').not.toContain('split_export');

    // Every chunk started after the first row was on the page.
    const timing = await page.evaluate(() => ({
      firstRow: (window as any).__firstRowAt as number,
      chunks: performance.getEntriesByType('resource')
        .filter((e) => /\/(split_|chunk_)/.test(e.name))
        .map((e) => ({ name: e.name, start: e.startTime })),
    }));
    expect(timing.firstRow).toBeGreaterThan(0);
    expect(timing.chunks.length).toBeGreaterThanOrEqual(2);
    for (const c of timing.chunks) expect(c.start, c.name).toBeGreaterThanOrEqual(timing.firstRow);

    // Opening the views fetches no more code: it is already here.
    const before = wasm.length;
    await page.locator('nav.views a[href^="analytics"]').click();
    await expect(gatherDone(page)).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('.chart-frame svg').first()).toBeVisible();
    await page.locator('nav.views a[href^="report"]').click();
    await expect(page.locator('.report-figures tbody tr')).toHaveCount(6, { timeout: 30_000 });
    expect(wasm.slice(before), 'no wasm fetched when opening the views').toEqual([]);
  });
});

test('a view whose code cannot be fetched says so, keeps the page, and opens on "Try again"', async ({ page, server }) => {
  const chunk = await failing(page, /\/split_analytics-[0-9a-f]{16}\.wasm$/);
  await page.goto(`${server.url}/analytics`);
  const alert = page.getByRole('alert').filter({ hasText: 'could not be opened' });
  await expect(alert).toContainText('The analytics could not be opened');
  // The rest of the app still works: the header and its links are there.
  await expect(page.locator('nav.views a.view-link')).toHaveCount(3);
  chunk.fail = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(gatherDone(page)).toBeVisible({ timeout: 30_000 });
  await expect(alert).toHaveCount(0);
  expect(chunk.asked.length, 'the chunk was fetched again, not remembered as failed').toBeGreaterThanOrEqual(2);
});

test('export code loads when an export is asked for; if it cannot, the note says so and the next try saves', async ({ page, server }) => {
  const chunk = await failing(page, /\/split_export-[0-9a-f]{16}\.wasm$/);
  await open(page, server, '?status=failed');
  await expect(rows(page).first()).toBeVisible();
  await page.waitForTimeout(1000);
  expect(chunk.asked, 'no export code before an export').toEqual([]);

  await page.locator('#export-scope').selectOption('page');
  await page.locator('#export-start').click();
  await expect(page.locator('.export-note')).toContainText('the export code could not be loaded');
  expect(chunk.asked).toHaveLength(1);

  chunk.fail = false;
  const download = page.waitForEvent('download', { timeout: 30_000 });
  await page.locator('#export-start').click();
  const d = await download;
  expect(d.suggestedFilename()).toMatch(/\.csv$/);
  await expect(page.locator('.export-note')).toContainText('Saved 20 calls as');
});

test('while the wasm loads the page shows its frame, which gives way to the app', async ({ page, server }) => {
  // The main module is held: what shows meanwhile is index.html alone.
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  await page.route(/\/call-dashboard-[0-9a-f]{16}_bg\.wasm$/, async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(`${server.url}/`);
  const shell = page.locator('#boot-shell');
  await expect(shell).toBeVisible();
  await expect(shell.getByRole('status')).toHaveText('Loading the dashboard…');
  await expect(shell).toHaveAttribute('aria-busy', 'true');
  release();
  await expect(rows(page).first()).toBeVisible({ timeout: 30_000 });
  await expect(shell).toHaveCount(0);
  await expect(page.locator('.topbar')).toHaveCount(1);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 412, height: 823 } });
  for (const route of ['/', '/analytics?range=24h']) {
    test(`${route}: nothing moves under the reader while the page loads (layout shift < 0.05)`, async ({ page, server }) => {
      await page.addInitScript(() => {
        (window as any).__shift = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as any[]) (window as any).__shift += e.value;
        }).observe({ type: 'layout-shift', buffered: true });
      });
      await page.goto(`${server.url}${route}`);
      if (route === '/') await expect(rows(page).first()).toBeVisible();
      else await expect(gatherDone(page)).toBeVisible({ timeout: 30_000 });
      await page.waitForTimeout(500);
      // The header wrapping as the search box and menus arrived once made 0.28.
      expect(await page.evaluate(() => (window as any).__shift)).toBeLessThan(0.05);
    });
  }
});
