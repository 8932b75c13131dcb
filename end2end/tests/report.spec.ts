// The daily report against the API: the six figures of the day, the previous day and
// the same weekday a week earlier, for a day in UTC and a day in local time (New York);
// the failed-calls list and its link; the day's CSV; and the page as printed (A4 PDF,
// turned into PNGs with pdftoppm for a person to look at).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test, expect } from '../helpers/fixtures';
import { allCalls } from '../helpers/analytics';

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The vendor's six figures over `calls`, formatted as the report prints them. */
function vendorRows(calls: any[]): string[][] {
  const n = calls.length;
  const count = (s: string) => {
    const k = calls.filter((c) => c.status === s).length;
    return `${k.toLocaleString('en-US')} (${n ? pct(k / n) : '–'})`;
  };
  const hours = calls.reduce((s, c) => s + c.duration_seconds, 0) / 3600;
  const ai = calls.filter((c) => c.ai_latency_ms != null);
  const avg = ai.length ? ai.reduce((s, c) => s + c.ai_latency_ms, 0) / ai.length : null;
  return [
    ['Total calls', n.toLocaleString('en-US')],
    ['Connected', count('connected')],
    ['Failed', count('failed')],
    ['Disconnected', count('disconnected')],
    ['Total duration', `${hours.toFixed(1)} h`],
    ['Avg AI latency', avg == null ? '–' : `${Math.round(avg)} ms`],
  ];
}

/** Every call that started in [start, start + 1 day − 1 s]. */
async function dayCalls(server, start: Date): Promise<any[]> {
  const end = new Date(start.getTime() + 86_400_000 - 1000);
  return allCalls(server, `&start_date=${iso(start)}&end_date=${iso(end)}`);
}

for (const { tz, label, dayStart } of [
  { tz: 'utc', label: 'UTC', dayStart: new Date('2026-11-19T00:00:00Z') },
  // Midnight in New York in November is 05:00 UTC.
  { tz: 'local', label: 'local', dayStart: new Date('2026-11-19T05:00:00Z') },
]) {
  test(`the six figures against the API, day before and a week before — ${label}`, async ({ page, server }) => {
    const q = tz === 'utc' ? '&tz=utc' : '';
    await page.goto(`${server.url}/report?day=2026-11-19${q}`);
    await expect(page.locator('h1')).toHaveText(`Daily report for 2026-11-19 (${label})`);
    const figures = page.locator('.report-figures tbody tr');
    await expect(figures).toHaveCount(6, { timeout: 30_000 });
    const shown = await figures.evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.children).map((c) => (c as HTMLElement).innerText.trim())),
    );
    const [day, before, week] = await Promise.all([
      dayCalls(server, dayStart),
      dayCalls(server, new Date(dayStart.getTime() - 86_400_000)),
      dayCalls(server, new Date(dayStart.getTime() - 7 * 86_400_000)),
    ]);
    expect(day.length).toBeGreaterThan(100);
    const [d, b, w] = [vendorRows(day), vendorRows(before), vendorRows(week)];
    expect(shown).toEqual(d.map((row, i) => [row[0], row[1], b[i][1], w[i][1]]));
    // The failed calls: their count, the first 50 listed, and a link to all of them.
    const failed = day.filter((c) => c.status === 'failed');
    await expect(page.locator('h2', { hasText: 'Failed calls' })).toHaveText(`Failed calls (${failed.length})`);
    const listed = await page.locator('.report-table').last().locator('tbody td.mono:nth-child(2)').allTextContents();
    expect(listed).toEqual(failed.slice(0, 50).map((c) => c.id));
    const href = await page.locator('.report-link').getAttribute('href');
    expect(href).toContain('status=failed');
    expect(decodeURIComponent(href!)).toContain(`from=${iso(dayStart)}`);
    // The day's calls as CSV: the API's count.
    const download = page.waitForEvent('download');
    await page.locator('#report-csv').click();
    const file = await (await download).path();
    const csv = spawnSync('python3', ['-c', 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], newline=""))))', file!], { encoding: 'utf-8' });
    expect(Number(csv.stdout.trim())).toBe(day.length);
  });
}

test('the report as printed: A4 portrait, no controls, charts whole', async ({ page, server }) => {
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.goto(`${server.url}/report?day=2026-11-19&tz=utc`);
  await expect(page.locator('.report-figures tbody tr')).toHaveCount(6, { timeout: 30_000 });
  await expect(page.locator('.chart-frame[data-chart="report-hours"] svg')).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  for (const hidden of ['.topbar', '.report-controls', '.chart-actions', '.search']) {
    await expect(page.locator(hidden).first()).toBeHidden();
  }
  // The chart fits the printed width.
  const fits = await page.locator('.chart-frame[data-chart="report-hours"] svg').evaluate((svg) => {
    const frame = svg.closest('.report')!.getBoundingClientRect();
    return svg.getBoundingClientRect().right <= frame.right + 1;
  });
  expect(fits).toBe(true);
  const dir = path.resolve(__dirname, '..', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const pdf = path.join(dir, 'report-print.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  const r = spawnSync('pdftoppm', ['-png', '-r', '60', pdf, path.join(dir, 'report-print')]);
  expect(r.status, `pdftoppm: ${r.stderr}`).toBe(0);
  const pages = readdirSync(dir).filter((f) => /^report-print-\d+\.png$/.test(f));
  expect(pages.length).toBeGreaterThanOrEqual(1);
});
