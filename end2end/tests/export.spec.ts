// Export, read back as a spreadsheet user's tools would: Python's csv module and
// pandas (`scripts/read_export.py`). A page, and every call of a filter of over 3,000
// calls (CSV and JSON), against the API's own answer; hostile text stays text; past
// the export cap nothing is exported and the page says how many calls the filter holds.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '../helpers/fixtures';
import { open, rows } from '../helpers/app';
import { allCalls } from '../helpers/analytics';

test.use({ serverOptions: { calls: 5000 } });

const READER = path.resolve(__dirname, '..', 'scripts', 'read_export.py');

/** What Python's csv module and pandas read from a downloaded file. */
function readBack(file: string): { rows: number; pandas_rows: number; columns: string[]; ids: string[]; cells: Record<string, Record<string, string>> } {
  const r = spawnSync('python3', [READER, file], { encoding: 'utf-8' });
  expect(r.status, `read_export.py failed: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout);
}

async function exportFile(page, scope: 'all' | 'page', format: 'csv' | 'json'): Promise<{ file: string; name: string }> {
  await page.locator('#export-scope').selectOption(scope);
  await page.locator('#export-format').selectOption(format);
  const download = page.waitForEvent('download', { timeout: 60_000 });
  await page.locator('#export-start').click();
  const d = await download;
  const file = await d.path();
  return { file: file!, name: d.suggestedFilename() };
}

test('this page as CSV: the rows on screen, read back by csv and pandas', async ({ page, server }) => {
  await open(page, server, '?status=failed&tz=utc');
  await expect(rows(page)).toHaveCount(20);
  const { file, name } = await exportFile(page, 'page', 'csv');
  expect(name).toMatch(/^telepath-calls_failed_all-time_utc_page-1\.csv$/);
  const got = readBack(file);
  const api = await server.api('/v1/calls?limit=20&offset=0&status=failed');
  expect(got.rows).toBe(20);
  expect(got.ids).toEqual(api.calls.map((c) => c.id));
  expect(got.columns).toEqual([
    'id', 'trunk_id', 'trunk_name', 'from', 'to', 'status', 'start_time', 'end_time',
    'duration_seconds', 'carrier_lag_ms', 'ai_latency_ms', 'gateway_processing_ms', 'total_latency_ms',
  ]);
  const first = got.cells[api.calls[0].id];
  expect(first.start_time).toBe(api.calls[0].start_time);
  expect(first.duration_seconds).toBe(String(api.calls[0].duration_seconds));
  // Phone numbers starting with + are neutralised with a leading apostrophe.
  const from = api.calls[0].from as string;
  expect(first.from).toBe(/^[=+\-@]/.test(from) ? `'${from}` : from);
  await expect(page.locator('.export-note')).toContainText('Saved 20 calls as');
});

test('every call of a filter of over 3,000 calls, as CSV and JSON, equals the API', async ({ page, server }) => {
  await open(page, server, '?status=connected&tz=utc');
  const calls = await allCalls(server, '&status=connected');
  expect(calls.length).toBeGreaterThanOrEqual(3000);
  const csv = await exportFile(page, 'all', 'csv');
  expect(csv.name).toBe('telepath-calls_connected_all-time_utc.csv');
  const got = readBack(csv.file);
  expect(got.rows).toBe(calls.length);
  expect(got.pandas_rows).toBe(calls.length);
  expect(got.ids).toEqual(calls.map((c) => c.id));
  await expect(page.locator('.export-note')).toContainText(`Saved ${calls.length.toLocaleString('en-US')} calls`);
  // The JSON export: every documented field as the API sent it, plus trunk_name.
  const json = await exportFile(page, 'all', 'json');
  const parsed = JSON.parse(readFileSync(json.file, 'utf-8'));
  expect(parsed.length).toBe(calls.length);
  expect(parsed.map((c) => c.id)).toEqual(calls.map((c) => c.id));
  const trunks = (await server.api('/v1/trunks?limit=100')).trunks;
  const name = Object.fromEntries(trunks.map((t) => [t.id, t.name]));
  for (const [i, c] of calls.slice(0, 200).entries()) {
    const { trunk_name, ...rest } = parsed[i];
    expect(rest).toEqual(c);
    expect(trunk_name).toBe(name[c.trunk_id] ?? null);
  }
});

test('hostile values from the API stay text in the CSV', async ({ page, server }) => {
  const HOSTILE = ['=HYPERLINK("http://evil.example","x")', '+1-555-0100', '-2+3', '@SUM(A1:A9)', '\tcmd', '<script>alert(1)</script>'];
  await page.route(`${server.url}/v1/calls?**`, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    // (An error answer, such as the 400 to a page larger than the API allows, has no calls.)
    if (Array.isArray(json.calls)) json.calls = json.calls.map((c, i) => ({ ...c, from: HOSTILE[i % HOSTILE.length], to: HOSTILE[(i + 1) % HOSTILE.length] }));
    await route.fulfill({ response, json });
  });
  await open(page, server, '?tz=utc');
  const { file } = await exportFile(page, 'page', 'csv');
  const got = readBack(file);
  for (const id of got.ids) {
    for (const col of ['from', 'to']) {
      const v = got.cells[id][col];
      // A leading = + - @ or tab is never the first character a spreadsheet sees.
      expect(v, `${id} ${col}`).not.toMatch(/^[=+\-@\t\r]/);
    }
  }
  expect(Object.values(got.cells).some((r) => r.from === "'=HYPERLINK(\"http://evil.example\",\"x\")")).toBe(true);
  expect(Object.values(got.cells).some((r) => r.from === '<script>alert(1)</script>')).toBe(true);
});

test('past the export cap nothing is exported and the page says how many calls there are', async ({ page, server }) => {
  await page.route(`${server.url}/config.json`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), export_cap: 1000 } });
  });
  await open(page, server, '?tz=utc');
  let downloaded = false;
  page.on('download', () => (downloaded = true));
  await page.locator('#export-scope').selectOption('all');
  await page.locator('#export-start').click();
  await expect(page.locator('.export-note')).toHaveText(
    'This filter holds 5,000 calls, more than the export cap of 1,000. Narrow the date range (or another filter) and export again.',
  );
  expect(downloaded).toBe(false);
});
