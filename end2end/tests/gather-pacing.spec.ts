// Gathering at the largest page the API gives, and within its rate limit.
// - The larger page: the local API tells its largest page in config.json (`max_page`,
//   its `--max-limit`): 1,000 is gathered with a tenth of the requests, 100 with no
//   larger page asked for (and nothing in the console). Where config.json does not say,
//   the first gather of a connection asks for 1,000 once: refused (400), the gather goes
//   on at 100 with no error shown.
// - Pacing: under `--rate-limit 40 --rate-window 6` a gather of 6,000 calls needs 60
//   requests, more than one window allows: it waits for the window to reset, says so,
//   and never receives a 429.
import { Response } from '@playwright/test';
import { test, expect } from '../helpers/fixtures';
import { openAnalytics } from '../helpers/analytics';

const calls = (r: Response) => new URL(r.url()).pathname === '/v1/calls';
const limitOf = (r: Response) => Number(new URL(r.url()).searchParams.get('limit'));

test.describe('an API that gives pages of 1,000', () => {
  test.use({ serverOptions: { calls: 5000, extra: ['--max-limit', '1000'] } });
  test('is gathered in pages of 1,000', async ({ page, server }) => {
    const seen: Response[] = [];
    page.on('response', (r) => { if (calls(r)) seen.push(r); });
    await openAnalytics(page, server, '?range=7d&tz=utc');
    const all = (await server.api('/v1/calls?limit=1&start_date=2026-11-13T12:00:00Z&end_date=2026-11-20T12:00:00Z')).pagination.total;
    await expect(page.locator('.gather-done')).toHaveText(`Statistics over ${all.toLocaleString('en-US')} of ${all.toLocaleString('en-US')} calls`);
    const gather = seen.filter((r) => limitOf(r) > 1);
    expect(gather.every((r) => r.status() === 200), 'no request refused').toBe(true);
    expect(gather.filter((r) => limitOf(r) === 100), 'no page of 100').toHaveLength(0);
    // The set and its previous week, each in ceil(n / 1000) requests.
    expect(gather.length).toBeLessThanOrEqual(2 * Math.ceil(all / 1000) + 1);
  });
});

test.describe('an API that keeps to pages of 100', () => {
  test.use({ serverOptions: { calls: 3000 } });
  test('told by config.json (the local API says its --max-limit): no larger page is asked for', async ({ page, server }) => {
    const config = await (await fetch(`${server.url}/config.json`)).json();
    expect(config.max_page).toBe(100);
    const seen: Response[] = [];
    const errors: string[] = [];
    page.on('response', (r) => { if (calls(r)) seen.push(r); });
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await openAnalytics(page, server);
    await expect(page.locator('.gather-done')).toHaveText('Statistics over 3,000 of 3,000 calls');
    expect(seen.filter((r) => limitOf(r) > 100)).toHaveLength(0);
    expect(seen.every((r) => r.status() === 200)).toBe(true);
    expect(errors, 'nothing in the console').toEqual([]);
  });

  test('not told: refuses the larger page once; the gather goes on at 100 with nothing shown', async ({ page, server }) => {
    // A site whose config.json does not know the API's largest page (as in front of
    // the vendor's).
    await page.route(`${server.url}/config.json`, async (route) => {
      const response = await route.fetch();
      const { max_page, ...rest } = await response.json();
      await route.fulfill({ response, json: rest });
    });
    const seen: Response[] = [];
    page.on('response', (r) => { if (calls(r)) seen.push(r); });
    await openAnalytics(page, server);
    await expect(page.locator('.gather-done')).toHaveText('Statistics over 3,000 of 3,000 calls');
    await expect(page.locator('.banner-error')).toHaveCount(0);
    // The report's gathers on the same connection do not ask again.
    await page.locator('.view-link', { hasText: 'Daily report' }).click();
    await expect(page.locator('.report-figures')).toBeVisible({ timeout: 30_000 });
    const large = seen.filter((r) => limitOf(r) === 1000);
    expect(large.map((r) => r.status())).toEqual([400]);
    expect(seen.filter((r) => limitOf(r) === 100).length).toBeGreaterThanOrEqual(30);
  });
});

test.describe('a gather larger than a rate-limit window', () => {
  // The limiter's windows follow the wall clock, and so must the page's.
  test.use({ serverOptions: { calls: 6000, rateLimit: 40, rateWindow: 6 }, fixedNow: null });
  test.setTimeout(90_000);
  test('waits for the window, says so, and is never refused', async ({ page, server }) => {
    const statuses: number[] = [];
    page.on('response', (r) => { if (calls(r)) statuses.push(r.status()); });
    await page.goto(`${server.url}/analytics`);
    await expect(page.locator('.analytics-page')).toContainText(/Waiting for the rate limit \(resets in \d+ s\)/, { timeout: 30_000 });
    await expect(page.locator('.gather-done')).toHaveText('Statistics over 6,000 of 6,000 calls', { timeout: 60_000 });
    // 400 is the larger page refused (once); nothing else but 200.
    expect(statuses.filter((s) => s === 429), `statuses: ${statuses.join(' ')}`).toHaveLength(0);
    expect(statuses.filter((s) => s !== 200 && s !== 400)).toHaveLength(0);
    expect(statuses.length).toBeGreaterThan(40);
  });
});
