// The hour × weekday heatmap against an independent count from the API for one week
// in UTC: its table ("Show as table") has every cell's calls; p95 mode and the summary.
import { test, expect } from '../helpers/fixtures';
import { allCalls, openAnalytics } from '../helpers/analytics';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

test('calls per weekday and hour equal an independent count for one week', async ({ page, server }) => {
  await openAnalytics(page, server, '?range=7d&tz=utc');
  const end = new Date('2026-11-20T12:00:00Z');
  const start = new Date(end.getTime() - 7 * 86_400_000);
  const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
  const calls = await allCalls(server, `&start_date=${iso(start)}&end_date=${iso(end)}`);
  const want: Record<string, number> = {};
  for (const c of calls) {
    const t = new Date(c.start_time);
    const key = `${DAYS[(t.getUTCDay() + 6) % 7]} ${t.getUTCHours()}`;
    want[key] = (want[key] ?? 0) + 1;
  }
  const panel = page.locator('.chart:has([data-chart="heatmap"])');
  await expect(panel.locator('.chart-frame svg')).toBeVisible();
  await panel.getByRole('button', { name: 'Show as table' }).click();
  const table = await panel.locator('.chart-table tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.children).map((c) => (c as HTMLElement).innerText.trim())),
  );
  const header = table[0];
  const got: Record<string, number> = {};
  for (const row of table.slice(1)) {
    for (let i = 1; i < row.length; i++) {
      const n = Number(row[i].replace(/,/g, ''));
      if (n > 0) got[`${row[0].slice(0, 3)} ${Number(header[i].slice(0, 2))}`] = n;
    }
  }
  expect(got).toEqual(want);
  // The busiest cell, in the summary.
  const [busiest, n] = Object.entries(want).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  await expect(panel.locator('.chart-summary')).toContainText(`${n} calls`);
  expect(busiest).toBeTruthy();
  // p95 mode draws too.
  await page.getByRole('group', { name: 'Heatmap shows' }).getByRole('button', { name: 'p95 latency' }).click();
  await panel.getByRole('button', { name: 'Show as chart' }).click();
  await expect(panel.locator('.chart-frame svg')).toBeVisible();
  await expect(panel.locator('.chart-summary')).toContainText('p95');
});
