// The gathering bar's Cancel and Resume buttons: Cancel aborts the requests in flight
// and sends no more, and the view says the gather was cancelled and where; Resume
// finishes it from the pages already fetched (only the missing ones are asked) to KPIs
// equal to the API's figures. The server's `slow` fault makes the gather slow enough
// to cancel part-way.
import { test, expect } from '../helpers/fixtures';
import {
  allCalls, expectKpisMatch, gatherBar, gatherDone, gatherText, gatheredSoFar, kpi, offsetOf,
  watchGather,
} from '../helpers/analytics';

const CALLS = '/v1/calls';
/** Requests a whole gather of the 3,000 calls needs (30 windows of 100). */
const FULL_GATHER = 30;
const DELAY_MS = 300;

test('Cancel stops the gather on the wire and says where; Resume fetches only the missing pages', async ({ page, server }) => {
  const calls = await allCalls(server);
  const w = watchGather(page);
  const apiSent: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/v1/')) apiSent.push(r.url());
  });
  await server.setFaults([{ kind: 'slow', delay_ms: DELAY_MS, path: CALLS }]);
  await page.goto(`${server.url}/analytics`);
  await expect(gatherBar(page)).toBeVisible();
  await expect.poll(() => gatheredSoFar(page), { message: 'the gather is under way' }).toBeGreaterThanOrEqual(500);

  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(gatherText(page)).toHaveText(
    /^Gathering cancelled at [\d,]+ of 3,000 calls\. Figures below are from the previous set\.$/,
  );
  await expect(gatherBar(page)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel', exact: true })).toHaveCount(0);
  await expect(gatherDone(page)).toHaveCount(0);
  // There was no previous set: the cards show no figure rather than a partial one.
  await expect(kpi(page, 'Total calls')).toHaveText('–');
  const at = Number(/cancelled at ([\d,]+)/.exec((await gatherText(page).textContent())!)![1].replace(/,/g, ''));
  expect(at, 'cancelled part-way').toBeGreaterThanOrEqual(500);
  expect(at).toBeLessThan(3000);
  expect(at % 100).toBe(0);
  // The requests in flight were aborted on the wire, not left to finish.
  await expect.poll(() => w.aborted, { message: 'gather requests aborted by Cancel' }).toBeGreaterThan(0);

  // Nothing more leaves. A running gather sends 4 requests every DELAY_MS, so four
  // such periods without one show it has stopped (an absence has no event to wait for).
  const sentAtCancel = apiSent.length;
  w.mark();
  await page.waitForTimeout(4 * DELAY_MS);
  expect(w.sinceMark, 'gather requests after Cancel').toEqual([]);
  expect(apiSent.slice(sentAtCancel), 'API requests after Cancel').toEqual([]);
  const fetched = await w.ok();

  await server.clearFaults();
  w.mark();
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(gatherDone(page)).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Resume', exact: true })).toHaveCount(0);
  await expectKpisMatch(page, calls);

  // Resume asked only for what the cancelled gather had not got.
  const asked = w.sinceMark.map(offsetOf);
  expect(asked.length, 'requests to resume, against 30 for a full gather').toBe(FULL_GATHER - at / 100);
  expect(asked.length).toBeLessThan(FULL_GATHER);
  const had = new Set(fetched.map(offsetOf));
  expect(asked.filter((o) => had.has(o)), 'pages fetched before Cancel are not asked again').toEqual([]);
  expect([...had, ...asked].sort((a, b) => a - b)).toEqual(
    Array.from({ length: FULL_GATHER }, (_, i) => i * 100),
  );
});

test('Cancel while a page waits to be retried: the retry notice goes with the gather', async ({ page, server }) => {
  const calls = await allCalls(server);
  const warn = page.locator('.analytics-page > .banner-warn:not(.coverage)');
  await server.setFaults([{ kind: 'slow', delay_ms: DELAY_MS, path: CALLS }]);
  await page.goto(`${server.url}/analytics`);
  await expect.poll(() => gatheredSoFar(page), { message: 'the gather is under way' }).toBeGreaterThanOrEqual(300);
  // Every answer fails now, slowly enough that the retries outlast the Cancel below.
  await server.setFaults([{ kind: 'slow', delay_ms: DELAY_MS, path: CALLS }, { kind: '500', path: CALLS }]);
  await expect(warn).toContainText('Retrying in');

  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(gatherText(page)).toContainText('Gathering cancelled at');
  // Nothing retries any more, so nothing may say it does. (The longest backoff is
  // 1.6 s here: a notice still up after 5 s is never going away.)
  await expect(warn, 'a "Retrying in" notice after Cancel').toHaveCount(0, { timeout: 5_000 });

  await server.clearFaults();
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(gatherDone(page)).toBeVisible({ timeout: 15_000 });
  await expect(warn).toHaveCount(0);
  await expectKpisMatch(page, calls);
});
