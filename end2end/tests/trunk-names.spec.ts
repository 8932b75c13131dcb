// Trunk names everywhere a trunk is shown, from every page of /v1/trunks; and the id
// where the API has no trunk list (404) or does not know a trunk, with no error.
import { test, expect } from '../helpers/fixtures';
import { open, rows, settled } from '../helpers/app';
import { openAnalytics } from '../helpers/analytics';

test('names in the table, detail, menu, per-trunk table and chart, report and export', async ({ page, server }) => {
  const trunks = (await server.api('/v1/trunks?limit=100')).trunks as { id: string; name: string }[];
  const name = Object.fromEntries(trunks.map((t) => [t.id, t.name]));
  // The dashboard reads every page: make the API page the list one trunk at a time.
  const asked: string[] = [];
  await page.route(`${server.url}/v1/trunks?**`, async (route) => {
    const u = new URL(route.request().url());
    asked.push(u.search);
    const offset = Number(u.searchParams.get('offset') ?? 0);
    u.searchParams.set('limit', '1');
    const response = await route.fetch({ url: u.toString() });
    const json = await response.json();
    json.pagination.total = trunks.length;
    json.pagination.offset = offset;
    await route.fulfill({ response, json });
  });
  await open(page, server, '?tz=utc');
  await expect(rows(page)).toHaveCount(20);
  await expect.poll(() => asked.length).toBe(trunks.length);
  // The call table: the name, with the id in the cell's tooltip.
  const first = (await server.api('/v1/calls?limit=1')).calls[0];
  const cell = rows(page).first().locator('td.c-trunk');
  // Every page read, the names arrive (a page of one trunk at a time here).
  await expect(cell).toHaveText(name[first.trunk_id]);
  await expect(cell).toHaveAttribute('title', first.trunk_id);
  // The trunk menu lists names.
  const options = await page.locator('#trunk-filter option').allTextContents();
  for (const t of trunks) expect(options).toContain(t.name);
  // The detail panel: name and id.
  await rows(page).first().click();
  await expect(page.locator('.detail .kv').first()).toContainText(`${name[first.trunk_id]} · ${first.trunk_id}`);
  await page.keyboard.press('Escape');
  // Analytics: the per-trunk table and the trunk chart's labels (shortened).
  await openAnalytics(page, server, '?range=7d&tz=utc');
  // The page was loaded anew: its trunk list comes (a page at a time) as it gathers.
  for (const cell of await page.locator('.trunk-table tbody tr td:first-child').all()) {
    await expect(cell).not.toHaveText(/^conn_/);
  }
  const tableNames = await page.locator('.trunk-table tbody tr td:first-child').allTextContents();
  for (const n of tableNames) expect(Object.values(name)).toContain(n);
  const titles = await page.locator('.trunk-table tbody tr td:first-child').evaluateAll((tds) => tds.map((t) => t.getAttribute('title')));
  for (const id of titles) expect(Object.keys(name)).toContain(id);
  const svgText = await page.locator('.chart-frame[data-chart="trunks"] svg').innerHTML();
  const someName = tableNames[0];
  expect(svgText).toContain(someName.length <= 16 ? someName : someName.split(' ')[0]);
  // The daily report's per-trunk rows.
  await page.goto(`${server.url}/report?day=2026-11-19&tz=utc`);
  await expect(page.locator('.report-table').nth(1)).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.report-table').nth(1).locator('tbody td:first-child').first()).not.toHaveText(/^conn_/);
  const reportTrunks = await page.locator('.report-table').nth(1).locator('tbody td:first-child').allTextContents();
  for (const n of reportTrunks) expect(Object.values(name)).toContain(n);
});

test('an API without /v1/trunks shows ids, with no error', async ({ page, server }) => {
  await page.route(`${server.url}/v1/trunks?**`, (route) =>
    route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":{"code":"NOT_FOUND","message":"no such endpoint"}}' }),
  );
  await open(page, server, '?tz=utc');
  const first = (await server.api('/v1/calls?limit=1')).calls[0];
  await expect(rows(page).first().locator('td.c-trunk')).toHaveText(first.trunk_id);
  await expect(page.locator('.banner-error')).toHaveCount(0);
  await expect(page.locator('.trunks-failed')).toHaveCount(0);
  // The menu falls back to the trunks seen in calls, by id.
  const options = await page.locator('#trunk-filter option').allTextContents();
  expect(options).toContain(first.trunk_id);
});

test('a trunk the list does not know shows its id', async ({ page, server }) => {
  const first = (await server.api('/v1/calls?limit=1')).calls[0];
  await page.route(`${server.url}/v1/trunks?**`, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    json.trunks = json.trunks.filter((t) => t.id !== first.trunk_id);
    json.pagination.total = json.trunks.length;
    await route.fulfill({ response, json });
  });
  await open(page, server, '?tz=utc');
  await settled(page);
  await expect(rows(page).first().locator('td.c-trunk')).toHaveText(first.trunk_id);
  await expect(page.locator('.banner-error')).toHaveCount(0);
});
