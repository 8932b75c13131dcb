// A real 429 from the server's rate limiter, not an injected fault: the server runs
// with `--rate-limit 30 --rate-window 8` (30 requests per 8 s per key), the test spends
// what is left of the window's budget as another client of the same key would, and the
// page's next request is refused with the limiter's Retry-After. The page must say it
// waits that long, keep its rows, and then fetch the new view by itself once the window
// resets.
//
// The limiter's windows are aligned to the wall clock, so the wait is whatever is left
// of the current window: this test takes from a few seconds up to about 12.
import { test, expect } from '../helpers/fixtures';
import { Response } from '@playwright/test';
import { apiQueryFor, open, pagerRange, rangeText, settled, shownIds, statusButton } from '../helpers/app';

const LIMIT = 30;
const WINDOW_S = 8;
test.use({ serverOptions: { rateLimit: LIMIT, rateWindow: WINDOW_S } });

/** Milliseconds until the limiter's window (aligned to the wall clock) ends. */
const msToWindowEnd = () => WINDOW_S * 1000 - (Date.now() % (WINDOW_S * 1000));

/** "Rate limit reached: waiting 7000 ms as the API asks…" → 7000; "12.0 s" → 12000. */
function waitShown(text: string): number {
  const m = /waiting ([\d.]+) (ms|s) as the API asks/.exec(text);
  expect(m, `a wait in "${text}"`).toBeTruthy();
  return Math.round(Number(m![1]) * (m![2] === 's' ? 1000 : 1));
}

test('the server\'s own 429: a notice with the wait it asks, the rows kept, then the new rows by themselves', async ({ page, server }) => {
  test.setTimeout(40_000);
  const warn = page.locator('.calls-page > .banner-warn');
  const error = page.locator('.calls-page > .banner-error');
  // What the page must end on, asked while the budget lasts.
  const target = apiQueryFor(`${server.url}/?status=failed`);
  const want = await server.api(`/v1/calls?${target.query}`);
  await open(page, server);
  const before = await shownIds(page);
  // Spending the budget and the page's request (well under a second) must fall in one
  // window: with less than 3 s of this one left, start in the next.
  if (msToWindowEnd() < 3_000) {
    await expect.poll(msToWindowEnd, { message: 'the next window', timeout: 5_000 }).toBeGreaterThan((WINDOW_S - 1) * 1000);
  }

  // Spend the rest of this window's budget (the demo key's: the page sends no key).
  let refused: globalThis.Response | undefined;
  for (let i = 0; i <= LIMIT && !refused; i++) {
    const r = await fetch(`${server.url}/v1/calls?limit=1`);
    if (r.status === 429) refused = r;
    else expect(r.status).toBe(200);
  }
  expect(refused, `a 429 within ${LIMIT + 1} requests`).toBeTruthy();
  expect(refused!.headers.get('x-ratelimit-remaining')).toBe('0');

  const isList = (r: Response) => new URL(r.url()).pathname === '/v1/calls' && r.request().method() === 'GET';
  const refusedForPage = page.waitForResponse((r) => isList(r) && r.status() === 429);
  const answeredForPage = page.waitForResponse((r) => isList(r) && r.status() === 200, { timeout: 20_000 });
  await statusButton(page, 'failed').click();
  const r429 = await refusedForPage;
  const refusedAt = Date.now();
  // The limiter's own answer, not an injected one.
  const body = await r429.json();
  expect(body.error.code).toBe('RATE_LIMITED');
  expect(body.error.message).toContain(`Rate limit of ${LIMIT} requests per ${WINDOW_S} s reached`);
  expect(body.error.message).not.toContain('injected');
  const retryAfter = Number(r429.headers()['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);

  // The notice says how long, as the server asked; the old rows stay meanwhile.
  await expect(warn).toContainText('Rate limit reached: waiting');
  await expect(warn).toContainText('as the API asks, then retrying');
  expect(waitShown((await warn.textContent())!), 'the wait shown').toBe(retryAfter * 1000);
  await expect(error).toHaveCount(0);
  expect(await shownIds(page)).toEqual(before);

  // Once the window resets the page asks again by itself, and gets in.
  const r200 = await answeredForPage;
  expect(Date.now() - refusedAt, 'it waited as asked').toBeGreaterThanOrEqual(retryAfter * 1000 - 1000);
  expect(r200.headers()['x-ratelimit-remaining'], 'the first request of a new window').toBe(String(LIMIT - 1));
  await settled(page);
  await expect(warn).toHaveCount(0);
  await expect(error).toHaveCount(0);
  await expect(statusButton(page, 'failed')).toHaveAttribute('aria-pressed', 'true');
  expect(await shownIds(page)).toEqual(want.calls.map((c: any) => c.id).sort());
  await expect(pagerRange(page)).toHaveText(rangeText(0, want.calls.length, want.pagination.total));
});
