// Unknown is not zero: calls whose latency the API leaves out (missing or `null`) are
// shown with "–", drawn with no bar, and left out of every latency figure, which the
// page says. The local API always sends latencies, so the answers are rewritten on the
// way to the page (`page.route`): the calls whose id ends in 0–3 lose theirs.
import { test, expect } from '../helpers/fixtures';
import { open, rows } from '../helpers/app';
import { allCalls, kpi, openAnalytics } from '../helpers/analytics';

/** Whether a call loses its latency: about four in every sixteen, chosen by id. */
const unknown = (c: any): boolean => /[0-3]$/.test(c.id);

/** The answer with the chosen calls' latencies taken out: one missing, two null. */
function forget(json: any): any {
  if (!Array.isArray(json.calls)) return json;
  json.calls = json.calls.map((c: any) => {
    if (!unknown(c)) return c;
    const { ai_latency_ms, ...rest } = c;
    return { ...rest, carrier_lag_ms: null, gateway_processing_ms: null };
  });
  return json;
}

test('unknown latencies are shown as unknown and left out of the figures', async ({ page, server }) => {
  await page.route(`${server.url}/v1/calls?**`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: forget(await response.json()) });
  });

  // The call list: the page decodes, the unknown rows read "–" and draw no bar.
  await open(page, server, '?tz=utc&size=100');
  await expect(rows(page)).toHaveCount(100);
  const shown = await rows(page).evaluateAll((trs) =>
    trs.map((tr) => ({
      id: tr.getAttribute('data-id') ?? '',
      total: (tr.querySelector('td.total') as HTMLElement).innerText.trim(),
      widths: Array.from(tr.querySelectorAll('.lat-bar span')).map((s) => (s as HTMLElement).style.width),
    })),
  );
  const blank = shown.filter((r) => unknown({ id: r.id }));
  expect(blank.length, 'some rows lost their latency').toBeGreaterThan(5);
  for (const r of blank) {
    expect(r.total, r.id).toBe('–');
    expect(r.widths.map(parseFloat), r.id).toEqual([0, 0, 0]);
  }
  for (const r of shown.filter((r) => !unknown({ id: r.id }))) expect(r.total, r.id).toMatch(/^\d[\d,.]* m?s$/);

  // The detail panel of such a call says "–" for each part, not "0 ms".
  const row = rows(page).filter({ has: page.locator(`td.c-id:text-is("${blank[0].id}")`) });
  await row.click();
  const detail = page.locator('.detail .kv').first();
  for (const part of ['Carrier', 'AI agent', 'Gateway', 'Total latency']) {
    await expect(detail.locator(`dt:text-is("${part}") + dd`)).toHaveText('–');
  }
  await page.keyboard.press('Escape');

  // Analytics over the last 24 h: the mean and p95 are over the calls that kept their
  // latency, computed here from the API's own answers; the page counts the rest.
  await openAnalytics(page, server, '?range=24h&tz=utc');
  const end = new Date('2026-11-20T12:00:00Z');
  const start = new Date(end.getTime() - 24 * 3600_000);
  const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
  const calls = await allCalls(server, `&start_date=${iso(start)}&end_date=${iso(end)}`);
  const answered = calls.filter((c) => c.status === 'connected' || c.status === 'disconnected');
  const known = answered.filter((c) => !unknown(c));
  const totals = known.map((c) => c.carrier_lag_ms + c.ai_latency_ms + c.gateway_processing_ms).sort((a, b) => a - b);
  const mean = totals.reduce((s, t) => s + t, 0) / totals.length;
  const h = 0.95 * (totals.length - 1);
  const p95 = totals[Math.floor(h)] + (totals[Math.ceil(h)] - totals[Math.floor(h)]) * (h - Math.floor(h));
  const ms = (v: number) => `${Math.round(v)} ms`;
  await expect(kpi(page, 'Mean total latency')).toHaveText(ms(mean));
  await expect(kpi(page, 'p95 total latency')).toHaveText(ms(p95));
  const without = answered.length - known.length;
  expect(without).toBeGreaterThan(0);
  await expect(page.locator('.without-latency')).toHaveText(
    `${without.toLocaleString('en-US')} calls without latency figures from the API are left out of every latency figure.`,
  );
  // Had they counted as 0 ms, the mean would be visibly lower.
  expect(Math.round((mean * known.length) / answered.length)).toBeLessThan(Math.round(mean));
});
