// The API misbehaving: each fault shows the right message, the page recovers once the
// fault clears, and nothing uncaught reaches the console (the fixture's Guard fails the
// test on any pageerror, `panicked at` or `RuntimeError`).
import { test, expect } from '../helpers/fixtures';
import { startServer } from '../helpers/server';
import {
  open, tick, rows, settled, statusButton, expectScreenMatchesApi, pagerRange, shownIds,
} from '../helpers/app';

const CALLS = '/v1/calls';
const errorBanner = (page) => page.locator('.calls-page > .banner-error');
const warnBanner = (page) => page.locator('.calls-page > .banner-warn');

/** Clears the fault and presses Retry, as a user would once the API is back. */
async function recover(page, server) {
  await server.clearFaults();
  await tick(page);
  await errorBanner(page).getByRole('button', { name: 'Retry' }).click();
  await settled(page);
  await expect(errorBanner(page)).toHaveCount(0);
  await expect(warnBanner(page)).toHaveCount(0);
  await expectScreenMatchesApi(page, server);
}

for (const [kind, status, title] of [
  ['500', 500, 'The API failed'],
  ['503', 503, 'The API failed'],
] as const) {
  test(`${kind}: retried with a notice, then an error with Retry, then recovery`, async ({ page, server }) => {
    await open(page, server);
    const before = await shownIds(page);
    await server.setFaults([{ kind, path: CALLS }]);
    await statusButton(page, 'failed').click();
    await expect(warnBanner(page)).toContainText(`The API failed (${status})`);
    await expect(warnBanner(page)).toContainText('Retrying in');
    await expect(errorBanner(page)).toBeVisible({ timeout: 15_000 });
    await expect(errorBanner(page).locator('strong')).toHaveText(title);
    await expect(errorBanner(page)).toContainText(`The API failed (${status})`);
    await expect(errorBanner(page)).toContainText('injected fault');
    await expect(warnBanner(page)).toHaveCount(0);
    // The old rows stay on screen rather than a blank page, dimmed and said to be the
    // previous view's, so they are not taken for failed calls.
    expect(await shownIds(page)).toEqual(before);
    await expect(page.locator('.rows-note')).toHaveText(/previous view/);
    expect(await page.locator('.rows.stale .table-wrap').evaluate((e) => getComputedStyle(e).filter)).toContain('grayscale');
    await recover(page, server);
    await expect(page.locator('.rows-note')).toHaveCount(0);
    await expect(page.locator('.rows.stale')).toHaveCount(0);
    await expect(statusButton(page, 'failed')).toHaveAttribute('aria-pressed', 'true');
  });
}

test('a passing 503 is ridden out by the retries without an error', async ({ page, server }) => {
  await open(page, server);
  await server.setFaults([{ kind: '503', path: CALLS, count: 1, retry_after: 1 }]);
  await page.getByRole('button', { name: 'Page 2', exact: true }).click();
  await settled(page);
  await expect(errorBanner(page)).toHaveCount(0);
  await expect(pagerRange(page)).toHaveText('21–40 of 3,000');
  await expectScreenMatchesApi(page, server);
});

test('429 with Retry-After: waits as asked with a notice, and gives up only after the retries', async ({ page, server }) => {
  await open(page, server);
  await server.setFaults([{ kind: '429', path: CALLS, retry_after: 1, count: 2 }]);
  const started = Date.now();
  await statusButton(page, 'connected').click();
  await expect(warnBanner(page)).toContainText('Rate limit reached: waiting');
  await expect(warnBanner(page)).toContainText('as the API asks');
  await settled(page);
  await expect(warnBanner(page)).toHaveCount(0);
  await expect(errorBanner(page)).toHaveCount(0);
  await expectScreenMatchesApi(page, server);
  // Retry-After was 1 s; the first hit may be a count request, but the list waited ≥ 1 s.
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);

  // A 429 that does not pass: after its retries the error says so, with Retry.
  await server.setFaults([{ kind: '429', path: CALLS, retry_after: 1 }]);
  await statusButton(page, 'failed').click();
  await expect(errorBanner(page)).toBeVisible({ timeout: 20_000 });
  await expect(errorBanner(page).locator('strong')).toHaveText('Rate limit reached');
  await recover(page, server);
});

test('a retry notice goes when its request is superseded by a newer selection', async ({ page, server }) => {
  await open(page, server);
  // Failing slowly, so the request is still retrying when the user moves on.
  await server.setFaults([{ kind: 'slow', delay_ms: 300, path: CALLS }, { kind: '500', path: CALLS }]);
  await statusButton(page, 'failed').click();
  await expect(warnBanner(page)).toContainText('Retrying in');
  await server.clearFaults();
  await statusButton(page, 'connected').click();
  await settled(page);
  await expectScreenMatchesApi(page, server);
  await expect(errorBanner(page)).toHaveCount(0);
  // The aborted request retries nothing any more; the new one needed no retry.
  await expect(warnBanner(page), 'the superseded request\'s "Retrying in" notice').toHaveCount(0, { timeout: 5_000 });
});

test('slow answers: a loading indicator, the old rows kept, then the new ones', async ({ page, server }) => {
  await open(page, server);
  const before = await shownIds(page);
  await server.setFaults([{ kind: 'slow', delay_ms: 1500, path: CALLS }]);
  await statusButton(page, 'disconnected').click();
  await expect(page.locator('.loading-indicator')).toHaveText('Loading…');
  await expect(page.locator('.calls-page.busy')).toHaveCount(1); // shown once the load has lasted 250 ms
  await expect(page.locator('.calls-page')).toHaveAttribute('aria-busy', 'true');
  expect(await shownIds(page)).toEqual(before); // no blank flash while waiting
  await settled(page);
  await expect(page.locator('.loading-indicator')).toHaveText('');
  await expectScreenMatchesApi(page, server);
  await server.clearFaults();
});

for (const kind of ['truncated', 'malformed'] as const) {
  test(`${kind} body: "Unreadable answer" without a panic, then recovery`, async ({ page, server }) => {
    await open(page, server);
    await server.setFaults([{ kind, path: CALLS }]);
    await statusButton(page, 'failed').click();
    await expect(errorBanner(page)).toBeVisible();
    await expect(errorBanner(page).locator('strong')).toHaveText('Unreadable answer');
    await expect(errorBanner(page)).toContainText('in a form the dashboard cannot read');
    await recover(page, server);
  });
}

test('drifted data: unknown status, missing end time and extra fields are shown, not errors', async ({ page, server }) => {
  await server.setFaults([{ kind: 'drift' }]);
  await open(page, server, '?tz=utc');
  await expect(errorBanner(page)).toHaveCount(0);
  await expect(rows(page)).toHaveCount(20);
  // The drift fault turns every fourth call (index 1, 5, ...) into "ringing".
  const ids = await rows(page).evaluateAll((trs) => trs.map((t) => t.getAttribute('data-id')));
  await expect(page.locator('.badge-other').first()).toHaveText('ringing');
  expect(await page.locator('.badge-other').count()).toBeGreaterThanOrEqual(4);
  // A call whose end_time was nulled reads "in progress" in the panel.
  const answer = await server.api('/v1/calls?limit=20');
  const open0 = answer.calls.find((c) => c.end_time === null);
  expect(open0).toBeTruthy();
  await page.locator(`tr.row[data-id="${open0.id}"]`).click();
  await expect(page.locator('.detail dt:text-is("Ended") + dd')).toHaveText('in progress');
  expect(ids.length).toBe(20);
});

test('server stopped outright: "Cannot reach the API", then back on the same port and Retry recovers', async ({ page, server }) => {
  await open(page, server);
  const dir = server.dir;
  const port = server.port;
  await server.kill();
  await statusButton(page, 'failed').click();
  await expect(errorBanner(page)).toBeVisible({ timeout: 20_000 });
  await expect(errorBanner(page).locator('strong')).toHaveText('Cannot reach the API');
  await expect(errorBanner(page)).toContainText('Check the connection and that the server is running');
  const again = await startServer({ port, dir, faultControl: true });
  try {
    await tick(page);
    await errorBanner(page).getByRole('button', { name: 'Retry' }).click();
    await settled(page);
    await expect(errorBanner(page)).toHaveCount(0);
    await expectScreenMatchesApi(page, again);
    await expect(rows(page).locator('.badge').first()).toHaveText('failed');
  } finally {
    await again.stop();
  }
});

test('a failing detail request shows its own error with Retry in the panel', async ({ page, server }) => {
  await open(page, server);
  await server.setFaults([{ kind: 'malformed', path: '/v1/calls/call_' }]);
  await rows(page).first().click();
  const panel = page.locator('.detail');
  await expect(panel.locator('.banner-error')).toContainText('cannot read');
  await server.clearFaults();
  await panel.getByRole('button', { name: 'Retry' }).click();
  await expect(panel.locator('.banner-error')).toHaveCount(0);
  await expect(panel.getByRole('heading', { name: /^Turns \(\d+\)$/ })).toBeVisible();
});

// config.json is fetched at start-up (preloaded by index.html, then read by the app).
// When it cannot be used, the page says why and falls back to direct mode with the
// public API base, instead of hanging on "Loading configuration…".
for (const [what, fulfil, reason] of [
  ['answers 404', (route) => route.fulfill({ status: 404, body: 'not found' }), 'config.json answered HTTP 404'],
  ['is not JSON', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '<html>oops</html>' }), 'config.json is not valid'],
  ['cannot be fetched', (route) => route.abort('connectionrefused'), 'config.json could not be fetched'],
] as const) {
  test(`config.json that ${what}: a visible reason and the connect panel`, async ({ page, server }) => {
    await page.route('**/config.json', fulfil);
    await page.goto(`${server.url}/`);
    const banner = page.locator('.banner-warn', { hasText: 'config.json' });
    await expect(banner).toContainText(reason);
    await expect(banner).toContainText('using the Telepath API directly with a key you enter');
    await expect(page.locator('#api-base')).toHaveValue('https://api.telepathvoice.com/v1');
    await expect(page.locator('#api-key')).toBeVisible();
    await expect(page.getByText('Loading configuration…')).toHaveCount(0);
  });
}
