// The header's search: a call id opens its detail panel (and the panel is in the URL,
// so a link to one call can be shared and reloaded); an unknown id says so and changes
// nothing; a phone number finds the calls of the filter with that number, and is kept
// out of the URL, the history and storage.
import { test, expect } from '../helpers/fixtures';
import { open, rows, settled } from '../helpers/app';
import { allCalls } from '../helpers/analytics';

const search = async (page, text: string) => {
  await page.locator('#search').fill(text);
  await page.locator('.search').getByRole('button', { name: 'Search' }).click();
};

test('a call id opens its detail panel, in the URL; a reload keeps it open', async ({ page, server }) => {
  // A call that is not on the first page: found through GET /v1/calls/{id}.
  const far = (await server.api('/v1/calls?limit=1&offset=1500')).calls[0];
  await open(page, server, '?tz=utc');
  await search(page, `  ${far.id} `);
  await expect(page.locator('.detail #detail-title')).toHaveText(far.id);
  await expect(page).toHaveURL(new RegExp(`[?&]call=${far.id}`));
  await expect(page.locator('.detail .kv').first()).toContainText(far.from);
  await page.reload();
  await settled(page);
  await expect(page.locator('.detail #detail-title')).toHaveText(far.id);
  await expect(page.locator('.detail .kv').first()).toContainText(far.to);
  // Closing it takes it out of the URL.
  await page.getByRole('button', { name: 'Close details' }).click();
  await expect(page).not.toHaveURL(/call=/);
});

test('an unknown call id says so and nothing else changes', async ({ page, server }) => {
  await open(page, server, '?status=failed&tz=utc');
  const before = page.url();
  const ids = await rows(page).evaluateAll((trs) => trs.map((t) => t.getAttribute('data-id')));
  await search(page, 'call_doesnotexist0');
  await expect(page.locator('.search-note')).toHaveText('No call with id call_doesnotexist0.');
  expect(page.url()).toBe(before);
  await expect(page.locator('.detail')).toHaveCount(0);
  expect(await rows(page).evaluateAll((trs) => trs.map((t) => t.getAttribute('data-id')))).toEqual(ids);
  // Neither an id nor a number: a sentence saying what the box takes.
  await search(page, 'Sales team');
  await expect(page.locator('.search-note')).toContainText('Search takes a call id');
});

test('a phone number finds the calls of the filter with it, and stays out of URL, history and storage', async ({ page, context, server }) => {
  await open(page, server, '?range=7d&tz=utc');
  const sample = (await server.api('/v1/calls?limit=1&offset=10')).calls[0];
  // The caller's number, typed with other separators: its last 7 digits.
  const digits = (sample.from as string).replace(/\D/g, '').slice(-7);
  const typed = `${digits.slice(0, 3)} ${digits.slice(3)}`;
  // An independent count from the API: every call of the last 7 days with these digits.
  const end = new Date('2026-11-20T12:00:00Z');
  const start = new Date(end.getTime() - 7 * 86_400_000);
  const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
  const calls = await allCalls(server, `&start_date=${iso(start)}&end_date=${iso(end)}`);
  const want = calls.filter((c) => c.from.replace(/\D/g, '').includes(digits) || c.to.replace(/\D/g, '').includes(digits));
  expect(want.length).toBeGreaterThan(0);

  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  await search(page, typed);
  const n = want.length;
  await expect(page.locator('.search-summary')).toHaveText(
    `${n === 1 ? '1 match' : `${n.toLocaleString('en-US')} matches`} in ${calls.length.toLocaleString('en-US')} calls searched`,
    { timeout: 30_000 },
  );
  const shown = await rows(page).evaluateAll((trs) => trs.map((t) => t.getAttribute('data-id')));
  expect(shown).toEqual(want.slice(0, 20).map((c) => c.id));

  // Nowhere but in memory: not in the URL, any request, the history, or storage.
  const inHistory = await page.evaluate(() => [location.href, JSON.stringify(history.state), String(history.length)].join(' '));
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  const cookies = JSON.stringify(await context.cookies());
  for (const where of [page.url(), inHistory, storage, cookies, ...urls]) {
    expect(where).not.toContain(digits);
    expect(where).not.toContain(typed);
  }
  // Gone on reload.
  await page.reload();
  await settled(page);
  await expect(page.locator('.search-results')).toHaveCount(0);
  await expect(rows(page)).toHaveCount(20);
});

test('a number no call has says so in place of an empty table', async ({ page, server }) => {
  await open(page, server, '?range=7d&tz=utc');
  // The generator's numbers hold no run of seven nines.
  const calls = await allCalls(server, '');
  expect(calls.some((c) => `${c.from}${c.to}`.replace(/\D/g, '').includes('9999999'))).toBe(false);
  await search(page, '999 9999');
  await expect(page.locator('.search-summary')).toContainText('0 matches in', { timeout: 30_000 });
  await expect(page.locator('.search-results .empty')).toContainText('No calls with this number');
  await expect(page.locator('.search-results table')).toHaveCount(0);
  await expect(page.locator('.search-results .pager')).toHaveCount(0);
  // Clearing it brings the list back.
  await page.getByRole('button', { name: 'Clear search' }).click();
  await expect(rows(page)).toHaveCount(20);
});
