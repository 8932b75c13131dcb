// What the one loader (src/loader.rs) brought to every view: the defects of the copies
// it replaced, each shown fixed where it was found.
import { test, expect } from '../helpers/fixtures';
import { DEMO_KEY } from '../helpers/server';
import { startDirect, connect } from '../helpers/direct';
import { open, rows, statusButton, thousands } from '../helpers/app';

test('a key rejected on the daily report brings the connect panel back with the reason', async ({ page }) => {
  // The report page had its own request code and showed "Not authorised" with a Retry
  // that could never work, with no way to enter another key.
  const d = await startDirect();
  try {
    await page.goto(`${d.site.url}/report?day=2026-11-19&tz=utc`);
    await connect(page, d.apiBase, 'sk_live_not_this_one');
    await expect(page.getByRole('heading', { name: 'Connect to the Telepath API' })).toBeVisible();
    await expect(page.getByText('The API rejected the key')).toBeVisible();
    // The right key brings the report, where it was.
    await connect(page, d.apiBase, DEMO_KEY);
    await expect(page.locator('.report-figures')).toBeVisible({ timeout: 30_000 });
    await expect(page).toHaveURL(/\/report\?day=2026-11-19&tz=utc$/);
  } finally {
    await d.stop();
  }
});

test('failed status counts say so and come back with Retry counts', async ({ page, server }) => {
  // A failed count request left "…" on every status button forever.
  let failCounts = true;
  await page.route(`${server.url}/v1/calls?**`, (route) => {
    const one = new URL(route.request().url()).searchParams.get('limit') === '1';
    if (one && failCounts) {
      return route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: '{"error":{"code":"INTERNAL_ERROR","message":"count failed"}}',
      });
    }
    return route.continue();
  });
  await open(page, server);
  await expect(rows(page)).toHaveCount(20);
  await expect(page.locator('.counts-failed')).toBeVisible({ timeout: 20_000 });
  for (const s of ['all', 'connected', 'failed', 'disconnected'] as const) {
    await expect(statusButton(page, s).locator('.seg-count')).toHaveText('–');
  }
  failCounts = false;
  await page.getByRole('button', { name: 'Retry counts' }).click();
  const total = (await server.api('/v1/calls?limit=1')).pagination.total;
  await expect(statusButton(page, 'all').locator('.seg-count')).toHaveText(thousands(total));
  await expect(page.locator('.counts-failed')).toHaveCount(0);
});
