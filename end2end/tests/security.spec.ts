// Security: markup and script in every string the API sends is shown as text and never
// runs; no CSP violation anywhere (the fixture's Guard fails any test that has one);
// in proxy mode the key never reaches the browser.
import { test, expect } from '../helpers/fixtures';
import { startServer, DEMO_KEY, Server } from '../helpers/server';
import { open, rows, settled } from '../helpers/app';

const PAYLOADS = [
  '<img src=x onerror=window.__pwned=1>',
  '<script>window.__pwned=1</script>',
  '"><svg onload=window.__pwned=1>',
  "javascript:window.__pwned=1//'\"",
  '{{7*7}}<b>bold</b>&amp;',
];

/** Replaces every string field of the answers with payloads. */
function poison(json: any): any {
  let i = 0;
  const p = () => PAYLOADS[i++ % PAYLOADS.length];
  const call = (c: any, n: number) => ({
    ...c,
    id: `${PAYLOADS[n % PAYLOADS.length]}#${n}`,
    trunk_id: p(),
    from: p(),
    to: p(),
    status: PAYLOADS[(n + 1) % PAYLOADS.length],
  });
  if (Array.isArray(json.calls)) json.calls = json.calls.map(call);
  if (Array.isArray(json.trunks)) json.trunks = json.trunks.map((t: any) => ({ ...t, id: p(), name: p(), carrier: p() }));
  if (json.turns) {
    Object.assign(json, call(json, 0));
    json.disconnect_reason = p();
    if (json.metrics) json.metrics.codec_used = p();
    json.turns = json.turns.map((t: any) => ({ ...t, speaker: p() }));
  }
  return json;
}

async function expectNothingRan(page) {
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  // No element came from a payload: no <img src=x>, <svg onload>, <b>, or extra <script>.
  expect(await page.locator('img[src="x"], svg[onload], b, [onerror], [onload]').count()).toBe(0);
  const scripts = await page.locator('script').evaluateAll((s) => s.map((e) => (e as HTMLScriptElement).src || e.textContent));
  for (const s of scripts) expect(s).not.toContain('__pwned');
}

test('payloads in every string field of the list, trunks and detail are shown as text', async ({ page, server }) => {
  const realId = (await server.api('/v1/calls?limit=1')).calls[0].id;
  await page.route(`${server.url}/v1/**`, async (route) => {
    // A detail request names a poisoned id: answer it with a real call's detail, poisoned.
    const isDetail = /\/v1\/calls\/[^?]/.test(route.request().url());
    const response = await route.fetch(isDetail ? { url: `${server.url}/v1/calls/${realId}` } : undefined);
    const json = poison(await response.json());
    await route.fulfill({ response, json });
  });
  await open(page, server, '?tz=utc');
  await expect(rows(page)).toHaveCount(20);
  await expectNothingRan(page);
  // Shown literally, character for character.
  await expect(page.locator('tbody tr.row td').filter({ hasText: PAYLOADS[0] }).first()).toBeVisible();
  await expect(page.locator('tbody tr.row td').filter({ hasText: PAYLOADS[1] }).first()).toBeVisible();
  await expect(page.locator('.badge').filter({ hasText: '<script>' }).first()).toBeVisible();
  const options = await page.locator('#trunk-filter option').allTextContents();
  expect(options.some((o) => o.includes(PAYLOADS[0]) || o.includes(PAYLOADS[1]))).toBe(true);
  // The panel, with its own request for reason, codec and turns.
  await rows(page).first().click();
  const panel = page.locator('.detail');
  await expect(panel.getByRole('heading', { level: 2 })).toContainText('#');
  await expect(panel.getByText('Loading details…')).toHaveCount(0);
  await expect(panel.locator('dd').filter({ hasText: '<' }).first()).toBeVisible();
  await expect(panel.getByRole('heading', { name: /^Turns \(\d+\)$/ })).toBeVisible();
  await expect(panel.locator('dt:text-is("Disconnect reason") + dd')).toContainText(/[<{"j]/);
  await expect(panel.locator('table.turns td').filter({ hasText: /<|\{\{|javascript:/ }).first()).toBeVisible();
  await expectNothingRan(page);
  // Choosing a poisoned trunk puts it in the URL encoded, and it still does not run.
  const value = await page.locator('#trunk-filter option').nth(1).getAttribute('value');
  await page.locator('#trunk-filter').selectOption(value!);
  await settled(page);
  expect(page.url()).not.toMatch(/[<>"]/);
  await page.reload();
  await settled(page);
  await expectNothingRan(page);
});

test('payloads in a deep link and in an error message are shown as text', async ({ page, server }) => {
  const evil = PAYLOADS[0];
  await open(page, server, `?trunk=${encodeURIComponent(evil)}`);
  await expectNothingRan(page);
  await expect(page.locator('#trunk-filter')).toHaveValue(evil);
  await page.route(`${server.url}/v1/calls?*`, (route) =>
    route.fulfill({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: PAYLOADS[2], message: PAYLOADS[1] + PAYLOADS[0] } }),
    }),
  );
  await page.locator('.filters [data-status=failed]').click();
  const banner = page.locator('.calls-page > .banner-error');
  await expect(banner).toContainText(PAYLOADS[1]);
  await expectNothingRan(page);
});

test('the CSP is served and the violation listener catches a breach (control)', async ({ page, server, guard }) => {
  const res = await page.goto(`${server.url}/`);
  const csp = res!.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain("'unsafe-inline'");
  expect(csp).toContain("object-src 'none'");
  await settled(page);
  // Control: a fetch to a foreign origin is a violation, and the Guard hears it.
  guard.enabled = false;
  await page.evaluate(() => fetch('http://example.invalid/x').catch(() => {}));
  await expect.poll(() => guard.cspViolations.length).toBeGreaterThan(0);
  expect(guard.cspViolations.join()).toContain('connect-src');
});

/** The browser's whole view of the traffic, to search for the key. */
function recordTraffic(page) {
  const seen: string[] = [];
  const pending: Promise<void>[] = [];
  page.on('request', (r) => seen.push(`REQ ${r.url()} ${JSON.stringify(r.headers())} ${r.postData() ?? ''}`));
  page.on('response', (r) => {
    pending.push(
      (async () => {
        seen.push(`RES ${r.url()} ${JSON.stringify(await r.allHeaders())}`);
        try {
          seen.push((await r.body()).toString('latin1'));
        } catch {
          /* a redirect or an aborted request has no body */
        }
      })(),
    );
  });
  return async () => {
    await Promise.all(pending);
    return seen.join('\n');
  };
}

test('proxy mode (serve --upstream): no request or response in the browser carries the key', async ({ page, context }) => {
  const api = await startServer({ mode: 'api' });
  let proxy: Server | undefined;
  try {
    // Sign-in is not what this test is about (serve-auth.spec.ts is): --no-auth.
    proxy = await startServer({
      mode: 'serve-proxy',
      apiBase: `${api.url}/v1`,
      env: { TELEPATH_API_KEY: DEMO_KEY },
      extra: ['--no-auth'],
    });
    const traffic = recordTraffic(page);
    await open(page, proxy);
    await expect(rows(page)).toHaveCount(20);
    expect((await api.api('/v1/calls?limit=1', DEMO_KEY)).pagination.total).toBe(3000);
    await page.locator('.filters [data-status=failed]').click();
    await settled(page);
    await rows(page).first().click();
    await expect(page.locator('.detail').getByText('Loading details…')).toHaveCount(0);
    // The API behind the proxy wants the key: the proxy added it, the browser never had it.
    const all = await traffic();
    expect(all).toContain('/v1/calls');
    expect(all).not.toContain(DEMO_KEY);
    expect(all.toLowerCase()).not.toContain('authorization":"bearer');
    expect(await page.content()).not.toContain(DEMO_KEY);
    expect(JSON.stringify(await context.storageState())).not.toContain(DEMO_KEY);
    const config = await (await fetch(`${proxy.url}/config.json`)).json();
    expect(config).toEqual({ api_base: '/v1', key_mode: 'server', auth: 'none' });
  } finally {
    await proxy?.stop();
    await api.stop();
  }
});

test('demo mode: the server-side key never reaches the browser', async ({ page, server, context }) => {
  const traffic = recordTraffic(page);
  await open(page, server);
  await page.locator('.filters [data-status=connected]').click();
  await settled(page);
  const all = await traffic();
  expect(all).not.toContain(DEMO_KEY);
  expect(JSON.stringify(await context.storageState())).not.toContain(DEMO_KEY);
});
