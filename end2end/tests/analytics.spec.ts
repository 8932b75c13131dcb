// The analytics view: gathering with its progress bar, KPI values equal to figures
// computed from the API's own answers for the same filter, the four charts drawn,
// a tooltip on hover, and clicks on a chart and on a trunk narrowing the list.
import { test, expect } from '../helpers/fixtures';
import { thousands } from '../helpers/app';
import { allCalls, expectKpisMatch, kpi, openAnalytics } from '../helpers/analytics';

test('gathering shows a progress bar that advances, then the statistics line', async ({ page, server }) => {
  await server.setFaults([{ kind: 'slow', delay_ms: 150, path: '/v1/calls' }]);
  await page.goto(`${server.url}/analytics`);
  const bar = page.getByRole('progressbar', { name: 'Gathering calls' });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute('aria-valuemax', '3000');
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow').catch(() => '3000'))).toBeGreaterThan(0);
  await expect(page.locator('.gather-text')).toContainText('Gathering');
  await server.clearFaults();
  await expect(page.locator('.gather-done')).toHaveText('Statistics over 3,000 of 3,000 calls', { timeout: 30_000 });
});

for (const filter of ['', '&trunk_id=TRUNK', '&status=failed']) {
  test(`KPI values equal the API's figures${filter ? ` (${filter.slice(1).split('=')[0]})` : ''}`, async ({ page, server }) => {
    let f = filter;
    let search = '';
    if (filter.includes('TRUNK')) {
      const { trunks } = await server.api('/v1/trunks?limit=100');
      f = `&trunk_id=${trunks[2].id}`;
      search = `?trunk=${trunks[2].id}`;
    } else if (filter) {
      search = '?status=failed';
    }
    const calls = await allCalls(server, f);
    await openAnalytics(page, server, search);
    await expectKpisMatch(page, calls);
  });
}

test.describe('with the real clock (Playwright\'s fake clock hides performance entries)', () => {
  test.use({ fixedNow: null });
  test('the four charts are drawn with a text summary each, and measured', async ({ page, server }) => {
  await openAnalytics(page, server);
  for (const name of ['latency', 'volume', 'distribution', 'trunks']) {
    const frame = page.locator(`.chart-frame[data-chart="${name}"]`);
    await expect(frame.locator('svg')).toBeVisible();
    expect(await frame.locator('svg *').count(), `${name} has drawn elements`).toBeGreaterThan(20);
    await expect(frame).toHaveAttribute('role', 'img');
    expect((await frame.getAttribute('aria-label'))!.length).toBeGreaterThan(10);
  }
  // The trunks chart names every trunk of the set.
  const { trunks } = await server.api('/v1/trunks?limit=100');
  const trunkSvg = await page.locator('.chart-frame[data-chart="trunks"] svg').textContent();
  // Trunks by name; labels may be shortened with an ellipsis at a word boundary:
  // match on the first 8 characters.
  const named = trunks.filter((t: any) => trunkSvg!.includes(t.name.slice(0, 8)));
  expect(named.length).toBe(trunks.length);
  const measures = await page.evaluate(() => performance.getEntriesByType('measure').map((e) => e.name));
  for (const m of ['dashboard:gather', 'dashboard:stats', 'dashboard:chart:latency', 'dashboard:chart:volume']) {
    expect(measures, `performance measure ${m}`).toContain(m);
  }
});

});

test('a tooltip on hover over a chart', async ({ page, server }) => {
  await openAnalytics(page, server);
  const frame = page.locator('.chart-frame[data-chart="volume"]');
  const box = (await frame.boundingBox())!;
  let shown = false;
  for (const fx of [0.5, 0.3, 0.7, 0.4, 0.6, 0.8]) {
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * 0.75);
    if (await page.getByRole('tooltip').isVisible()) {
      shown = true;
      break;
    }
  }
  expect(shown, 'a tooltip appears over the volume bars').toBe(true);
  await expect(page.getByRole('tooltip')).not.toHaveText('');
  await page.mouse.move(0, 0);
  await expect(page.getByRole('tooltip')).toHaveCount(0);
});

test('a click on a trunk row narrows the view to that trunk', async ({ page, server }) => {
  await openAnalytics(page, server);
  const row = page.locator('.trunk-table tr.row').first();
  const trunk = await row.getAttribute('data-trunk');
  await row.click();
  await expect(page).toHaveURL(new RegExp(`trunk=${trunk}`));
  // The list below follows at once.
  const total0 = (await server.api(`/v1/calls?limit=1&trunk_id=${trunk}`)).pagination.total;
  await expect(page.locator('.pager-range')).toHaveText(`1–20 of ${thousands(total0)}`);
  await expect(page.locator('#trunk-filter')).toHaveValue(trunk!);
  await expect(page.locator('.gather-done')).toBeVisible({ timeout: 30_000 });
  const total = (await server.api(`/v1/calls?limit=1&trunk_id=${trunk}`)).pagination.total;
  // The statistics must follow the filter too (they stay on the old set: see the report).
  await expect(kpi(page, 'Total calls'), 'KPIs regathered for the clicked trunk').toHaveText(thousands(total));
  await expect(page.locator('.gather-done')).toHaveText(`Statistics over ${thousands(total)} of ${thousands(total)} calls`);
});

test('a click on a chart bucket narrows the list below', async ({ page, server }) => {
  await openAnalytics(page, server);
  const frame = page.locator('.chart-frame[data-chart="volume"]');
  const box = (await frame.boundingBox())!;
  const before = page.url();
  for (const fx of [0.5, 0.3, 0.7, 0.45, 0.6]) {
    await page.mouse.click(box.x + box.width * fx, box.y + box.height * 0.75);
    // A change reaches the URL once its rows are on screen, within 300 ms at the
    // latest (src/url_state.rs), so a click that hit a bucket shows within a second.
    const moved = await expect.poll(() => page.url(), { timeout: 1000 }).not.toBe(before).then(() => true, () => false);
    if (moved) break;
  }
  await expect(page, 'clicking a bucket sets a range').toHaveURL(/from=|range=|status=/);
  await expect(page.locator('.gather-done')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.analytics-page[aria-busy="true"]')).toHaveCount(0, { timeout: 30_000 });
  const u = new URL(page.url());
  const from = u.searchParams.get('from');
  const to = u.searchParams.get('to');
  if (from && to) {
    const total = (await server.api(`/v1/calls?limit=1&start_date=${from}&end_date=${to}`)).pagination.total;
    await expect(kpi(page, 'Total calls')).toHaveText(thousands(total));
  }
});

test('charts draw without CSP violations (plotters text measuring)', async ({ page, server }) => {
  await openAnalytics(page, server);
  // Four charts and the hour x weekday heatmap.
  await expect(page.locator('.chart-frame svg')).toHaveCount(5);
  // The Guard then fails this test on each blocked inline style attribute.
});

test.describe('a long gather', () => {
  // Playwright's fixed clock fakes `performance`, whose measures this test counts.
  test.use({ serverOptions: { calls: 20000 }, fixedNow: null });
  test('computes and draws the figures per preview, not per page', async ({ page, server }) => {
    await openAnalytics(page, server);
    await expect(page.locator('.gather-done')).toHaveText('Statistics over 20,000 of 20,000 calls');
    await expect(page.locator('.chart-frame svg')).toHaveCount(5);
    // 200 pages: the figures follow the previews (a quarter each) and the end, never
    // each page's progress (which redrew every chart 200 times, 5 s of a 100,000-call
    // gather's 6 s).
    const counts = await page.evaluate(() => {
      const n: Record<string, number> = {};
      for (const e of performance.getEntriesByType('measure')) n[e.name] = (n[e.name] ?? 0) + 1;
      return n;
    });
    expect(counts['dashboard:stats'], JSON.stringify(counts)).toBeGreaterThanOrEqual(1);
    expect(counts['dashboard:stats'], JSON.stringify(counts)).toBeLessThanOrEqual(6);
    for (const chart of ['latency', 'volume', 'distribution', 'trunks', 'heatmap']) {
      expect(counts[`dashboard:chart:${chart}`] ?? 0, `${chart}: ${JSON.stringify(counts)}`).toBeLessThanOrEqual(10);
    }
  });
});
