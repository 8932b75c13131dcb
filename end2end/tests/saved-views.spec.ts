// Saved views: save the view on screen, open it from any page, rename, make it the
// default (it opens where the dashboard is opened bare), delete; the list survives a
// reload and round-trips through export and import; a foreign file changes nothing.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from '../helpers/fixtures';
import { open, settled } from '../helpers/app';

const menu = (page) => page.locator('.views-menu');
const openMenu = async (page) => {
  if (!(await menu(page).evaluate((d) => (d as HTMLDetailsElement).open))) await menu(page).locator('summary').click();
};

test('save, open, rename, default, delete; kept across a reload; export and import', async ({ page, server }) => {
  await open(page, server, '?status=failed&range=24h&tz=utc');
  await openMenu(page);
  await page.locator('#view-name').fill('EU failed, last 24 h');
  await page.locator('.views-save').getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('.views-note')).toHaveText('Saved “EU failed, last 24 h”.');
  // Storage holds the page and its query, nothing else (no key, no call data).
  const stored = await page.evaluate(() => localStorage.getItem('telepath-dashboard.saved-views'));
  expect(JSON.parse(stored!)).toEqual({
    format: 'telepath-saved-views',
    version: 1,
    views: [{ name: 'EU failed, last 24 h', path: 'calls', query: 'status=failed&range=24h&tz=utc' }],
  });
  // From another page, the saved view opens.
  await page.goto(`${server.url}/report`);
  await openMenu(page);
  await page.locator('.saved-view', { hasText: 'EU failed, last 24 h' }).click();
  await expect(page).toHaveURL(/\/\?status=failed&range=24h&tz=utc$/);
  await settled(page);
  // Rename, and make it the default: the bare dashboard opens it.
  await openMenu(page);
  await page.locator('.views-list').getByRole('button', { name: 'Rename' }).click();
  await page.locator('#view-rename').fill('Failed today');
  await page.locator('.views-rename').getByRole('button', { name: 'Rename' }).click();
  await page.locator('.views-list').getByRole('button', { name: 'Make default' }).click();
  await expect(page.locator('.views-note')).toHaveText('“Failed today” opens by default.');
  await page.goto(`${server.url}/`);
  await expect(page).toHaveURL(/\/\?status=failed&range=24h&tz=utc$/);
  // Survives a reload; export, delete, import brings it back.
  await page.reload();
  await openMenu(page);
  await expect(page.locator('.saved-view')).toHaveText(['Failed today']);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export views' }).click();
  const file = await (await download).path();
  const exported = JSON.parse(readFileSync(file!, 'utf-8'));
  expect(exported.views).toEqual([{ name: 'Failed today', path: 'calls', query: 'status=failed&range=24h&tz=utc', default: true }]);
  await page.locator('.views-list').getByRole('button', { name: 'Delete' }).click();
  await expect(page.locator('.saved-view')).toHaveCount(0);
  await page.locator('#views-import').setInputFiles(file!);
  await expect(page.locator('.views-note')).toHaveText('Imported 1 new and 0 replaced views.');
  await expect(page.locator('.saved-view')).toHaveText(['Failed today']);
});

test('a file that is not ours, or from a newer version, is refused and changes nothing', async ({ page, server }) => {
  await open(page, server);
  await openMenu(page);
  await page.locator('#view-name').fill('Mine');
  await page.locator('.views-save').getByRole('button', { name: 'Save' }).click();
  const dir = mkdtempSync(path.join(tmpdir(), 'views-'));
  const cases: [string, string, RegExp][] = [
    ['foreign.json', '{"dashboards":[1,2,3]}', /not a saved-views file of this dashboard/],
    ['newer.json', '{"format":"telepath-saved-views","version":9,"views":[]}', /newer version/],
    ['garbage.json', 'PK\u0003\u0004 not json at all', /not a saved-views file/],
    ['big.json', `{"format":"telepath-saved-views","version":1,"views":[],"pad":"${'x'.repeat(300 * 1024)}"}`, /at most 256 KiB/],
  ];
  for (const [name, text, message] of cases) {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    await page.locator('#views-import').setInputFiles(f);
    await expect(page.locator('.views-note')).toHaveText(message);
    await expect(page.locator('.saved-view')).toHaveText(['Mine']);
  }
});
