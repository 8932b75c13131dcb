// The analytics gather (30 requests of 100 for the 3,000 calls, 4 at a time) meeting
// faults part-way through: a lasting fault ends in an error with Retry, and Retry goes
// on from the pages already fetched to KPIs equal to the API's figures; a passing fault
// is ridden out by the retries with no error at all. The server's `slow` fault keeps
// the gather running long enough to inject the fault while it pages.
import { test, expect } from '../helpers/fixtures';
import { Page } from '@playwright/test';
import { Fault, Server } from '../helpers/server';
import { thousands } from '../helpers/app';
import {
  allCalls, expectKpisMatch, gatherBar, gatherDone, gatheredSoFar, kpi, offsetOf, watchGather,
} from '../helpers/analytics';

const CALLS = '/v1/calls';
/** Requests a whole gather of the 3,000 calls needs. */
const FULL_GATHER = 30;
const SLOW: Fault = { kind: 'slow', delay_ms: 250, path: CALLS };

// The gather's banners come before the KPI cards; the call list's come after them.
const errorBanner = (page: Page) => page.locator('.analytics-page > .banner-error');
const warnBanner = (page: Page) => page.locator('.analytics-page > .banner-warn:not(.coverage)');

/** Opens /analytics under the slow fault and waits until the gather is under way. */
async function startSlowGather(page: Page, server: Server, atLeast = 300): Promise<void> {
  await server.setFaults([SLOW]);
  await page.goto(`${server.url}/analytics`);
  await expect(gatherBar(page)).toBeVisible();
  await expect.poll(() => gatheredSoFar(page), { message: 'the gather has fetched some pages' })
    .toBeGreaterThanOrEqual(atLeast);
  // Still under way: the fault below lands in the middle of the gather.
  expect(await gatheredSoFar(page)).toBeLessThan(3000);
}

/** Every window offset of the full gather: 0, 100, ..., 2900. */
const ALL_OFFSETS = Array.from({ length: FULL_GATHER }, (_, i) => i * 100);

/**
 * After Retry/Resume: the pages fetched before were not asked again, the missing ones
 * were, each once, and together they are the whole set.
 */
function expectOnlyMissingPagesFetched(before: string[], after: string[]) {
  const had = new Set(before.map(offsetOf));
  const asked = after.map(offsetOf);
  expect(asked.length, 'requests after resuming: fewer than a full gather').toBeLessThan(FULL_GATHER);
  expect(asked.filter((o) => had.has(o)), 'pages fetched before are reused, not asked again').toEqual([]);
  expect(new Set(asked).size, 'each missing page asked once').toBe(asked.length);
  expect([...had, ...asked].sort((a, b) => a - b)).toEqual(ALL_OFFSETS);
}

for (const [kind, status] of [['500', 500], ['503', 503]] as const) {
  test(`${kind} during the gather: retry notice, then an error with Retry; Retry completes from the fetched pages`, async ({ page, server }) => {
    const calls = await allCalls(server);
    const w = watchGather(page);
    await startSlowGather(page, server);
    await server.setFaults([SLOW, { kind, path: CALLS }]);

    // While the client retries, the gather says so...
    await expect(warnBanner(page)).toContainText(`The API failed (${status})`);
    await expect(warnBanner(page)).toContainText('Retrying in');
    // ...and once the retries are spent, it stops with an error and a Retry button.
    await expect(errorBanner(page)).toBeVisible({ timeout: 15_000 });
    await expect(errorBanner(page)).toHaveCount(1);
    await expect(errorBanner(page).locator('strong')).toHaveText('The API failed');
    await expect(errorBanner(page)).toContainText(`The API failed (${status})`);
    await expect(errorBanner(page)).toContainText('injected fault');
    await expect(warnBanner(page)).toHaveCount(0);
    await expect(gatherBar(page)).toHaveCount(0);
    await expect(gatherDone(page)).toHaveCount(0);
    // Every page that arrived did so before the fault (the later ones all failed).
    const fetched = await w.ok();
    expect(fetched.length, 'pages fetched before the fault').toBeGreaterThanOrEqual(3);

    await server.clearFaults();
    w.mark();
    await errorBanner(page).getByRole('button', { name: 'Retry' }).click();
    await expect(gatherDone(page)).toBeVisible({ timeout: 15_000 });
    await expect(errorBanner(page)).toHaveCount(0);
    await expect(warnBanner(page)).toHaveCount(0);
    await expectKpisMatch(page, calls);
    expectOnlyMissingPagesFetched(fetched, w.sinceMark);
  });
}

test('a 429 that outlasts the retries during the gather: an error that promises no retry, then Retry completes', async ({ page, server }) => {
  const calls = await allCalls(server);
  await startSlowGather(page, server);
  await server.setFaults([SLOW, { kind: '429', path: CALLS, retry_after: 1 }]);

  await expect(warnBanner(page)).toContainText('Rate limit reached: waiting 1000 ms as the API asks');
  // Five waits of 1 s per page, then the gather gives up with an error and Retry.
  await expect(errorBanner(page)).toBeVisible({ timeout: 20_000 });
  await expect(errorBanner(page).locator('strong')).toHaveText('Rate limit reached');
  await expect(warnBanner(page)).toHaveCount(0);
  await expect(gatherBar(page)).toHaveCount(0);
  // From here nothing retries by itself (the user must press Retry), so the error must
  // not say it will.
  expect(await errorBanner(page).textContent(), 'the final error promises an automatic retry').not.toContain('Retrying in');

  await server.clearFaults();
  await errorBanner(page).getByRole('button', { name: 'Retry' }).click();
  await expect(gatherDone(page)).toBeVisible({ timeout: 15_000 });
  await expect(errorBanner(page)).toHaveCount(0);
  await expectKpisMatch(page, calls);
});

for (const kind of ['malformed', 'truncated'] as const) {
  test(`${kind} page during the gather: "Unreadable answer" at once, Retry completes with the API's figures`, async ({ page, server }) => {
    const calls = await allCalls(server);
    const w = watchGather(page);
    await startSlowGather(page, server);
    // One bad answer: the fault removes itself after it, as a glitch would pass.
    await server.setFaults([SLOW, { kind, path: CALLS, count: 1 }]);

    await expect(errorBanner(page)).toBeVisible({ timeout: 15_000 });
    await expect(errorBanner(page).locator('strong')).toHaveText('Unreadable answer');
    await expect(errorBanner(page)).toContainText('in a form the dashboard cannot read');
    // An unreadable 200 is not retried: there was no retry notice to ride it out.
    await expect(warnBanner(page)).toHaveCount(0);
    await expect(gatherBar(page)).toHaveCount(0);
    expect((await server.faults()).map((f) => f.kind), 'the one bad answer was served').toEqual(['slow']);
    // Pages in flight beside the bad one may arrive after it and are dropped with the
    // failed gather; those that arrived before it are kept.
    const fetched = await w.okBeforeUnreadable();

    await server.clearFaults();
    w.mark();
    await errorBanner(page).getByRole('button', { name: 'Retry' }).click();
    await expect(gatherDone(page)).toBeVisible({ timeout: 15_000 });
    await expect(errorBanner(page)).toHaveCount(0);
    await expectKpisMatch(page, calls);
    // The bad page is asked again (it was never kept); the good ones are not.
    expectOnlyMissingPagesFetched(fetched, w.sinceMark);
  });
}

for (const [label, fault, status] of [
  ['two 503s', { kind: '503', path: CALLS, count: 2 }, 503],
  ['three 500s', { kind: '500', path: CALLS, count: 3 }, 500],
] as const) {
  test(`${label} during the gather are ridden out: no error, the API's figures`, async ({ page, server }) => {
    const calls = await allCalls(server);
    const w = watchGather(page);
    await startSlowGather(page, server);
    await server.setFaults([SLOW, fault as Fault]);
    await expect(gatherDone(page)).toBeVisible({ timeout: 20_000 });
    // The faults were really served to the gather, and the retries absorbed them.
    expect((await server.faults()).map((f) => f.kind), 'every injected failure was served').toEqual(['slow']);
    expect(w.statuses[status], `${status} answers the gather saw`).toBe(fault.count);
    await expect(errorBanner(page)).toHaveCount(0);
    await expect(warnBanner(page)).toHaveCount(0);
    await expectKpisMatch(page, calls);
    // Every page arrived once; only the failed ones were asked again.
    expect((await w.ok()).map(offsetOf).sort((a, b) => a - b)).toEqual(ALL_OFFSETS);
    expect(w.sent.length).toBe(FULL_GATHER + fault.count);
    await server.clearFaults();
  });
}

test('a filter change whose gather fails keeps the previous figures, greyed and said to be old; Retry replaces them', async ({ page, server }) => {
  const all = await allCalls(server);
  const failed = await allCalls(server, '&status=failed');
  await page.goto(`${server.url}/analytics`);
  await expectKpisMatch(page, all);
  // The call list below fails too, with its own banner and note (`.rows-note`): the
  // gather's are the ones before the figures.
  const note = page.locator('.analytics-page > .figures-note');
  const gatherError = page.locator('.analytics-page > .banner-error:has(~ .figures)');
  await expect(note).toHaveCount(0);
  await expect(page.locator('.figures.stale')).toHaveCount(0);

  await server.setFaults([{ kind: '500', path: CALLS }]);
  await page.locator('.filters [data-status=failed]').click();
  await expect(gatherError).toBeVisible({ timeout: 15_000 });
  // The cards still show every call, not the failed ones now pressed: greyed, and said.
  await expect(note).toHaveText(/figures below are the previous view's/);
  await expect(page.locator('.figures.stale')).toHaveCount(1);
  expect(await page.locator('.figures').evaluate((e) => getComputedStyle(e).filter)).toContain('grayscale');
  await expect(kpi(page, 'Total calls')).toHaveText(thousands(all.length));

  await server.clearFaults();
  await gatherError.getByRole('button', { name: 'Retry' }).click();
  await expectKpisMatch(page, failed);
  await expect(note).toHaveCount(0);
  await expect(page.locator('.figures.stale')).toHaveCount(0);
});
