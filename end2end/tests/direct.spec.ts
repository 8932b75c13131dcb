// Direct-key mode as a user meets it: enter a key, use the dashboard, remember it or
// not, disconnect, and a rejected key. The key must stay out of URLs, history, cookies
// and storage unless "remember" was ticked.
import { test, expect } from '../helpers/fixtures';
import { DEMO_KEY } from '../helpers/server';
import { startDirect, connect, deviceState, DirectSetup } from '../helpers/direct';
import { rows, settled, expectScreenMatchesApi, statusButton } from '../helpers/app';

let d: DirectSetup;
test.beforeEach(async () => {
  d = await startDirect();
});
test.afterEach(async () => {
  await d.stop();
});

test('enter a key without remembering: it is sent only as a header and kept only in memory', async ({ page, context }) => {
  const navigated: string[] = [];
  page.on('framenavigated', (f) => navigated.push(f.url()));
  const apiRequests: { url: string; auth: string | undefined }[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(d.api.url)) apiRequests.push({ url: r.url(), auth: r.headers()['authorization'] });
  });
  await page.goto(`${d.site.url}/`);
  await expect(page.locator('#api-base')).toHaveValue(d.apiBase); // from config.json
  await expect(page.locator('#api-key')).toHaveAttribute('type', 'password');
  await connect(page, d.apiBase, DEMO_KEY);
  await settled(page);
  await expect(rows(page)).toHaveCount(20);
  await expectScreenMatchesApi(page, d.api, DEMO_KEY);
  // The top bar shows the connection and offers to disconnect.
  await expect(page.locator('.topbar .conn')).toHaveText(d.apiBase);
  await expect(page.getByRole('button', { name: 'Disconnect', exact: true })).toBeVisible();
  // Use it a little: filters and pages are in the URL, the key never is.
  await statusButton(page, 'failed').click();
  await settled(page);
  await page.getByRole('button', { name: 'Page 2', exact: true }).click();
  await settled(page);
  await expectScreenMatchesApi(page, d.api, DEMO_KEY);
  await page.goBack();
  await settled(page);

  const gets = apiRequests.filter((r) => !r.url.includes('__faults'));
  expect(gets.length).toBeGreaterThan(3);
  for (const r of apiRequests) {
    expect(r.url).not.toContain(DEMO_KEY);
  }
  // Every request that reached for data carried the key as a Bearer header (preflights carry none).
  expect(gets.some((r) => r.auth === `Bearer ${DEMO_KEY}`)).toBe(true);
  for (const u of navigated) expect(u).not.toContain(DEMO_KEY);
  expect(await deviceState(page, context)).not.toContain(DEMO_KEY);
  // The form was cleared: the key is not left in the DOM either.
  expect(await page.content()).not.toContain(DEMO_KEY);

  // Memory only: a reload asks again.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Connect to the Telepath API' })).toBeVisible();
  await expect(page.locator('#api-key')).toHaveValue('');
  expect(await deviceState(page, context)).not.toContain(DEMO_KEY);
});

test('remember on this device survives a reload; Disconnect forgets it', async ({ page, context }) => {
  await page.goto(`${d.site.url}/`);
  await connect(page, d.apiBase, DEMO_KEY, true);
  await settled(page);
  await expect(rows(page)).toHaveCount(20);
  // The user chose this: the key is in localStorage now, but still in no URL or cookie.
  const stored = await page.evaluate(() => JSON.stringify(localStorage));
  expect(stored).toContain(DEMO_KEY);
  expect(page.url()).not.toContain(DEMO_KEY);
  expect(JSON.stringify(await context.cookies())).not.toContain(DEMO_KEY);

  await page.reload();
  await settled(page);
  await expect(rows(page)).toHaveCount(20);
  await expect(page.getByRole('heading', { name: 'Connect to the Telepath API' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Connect to the Telepath API' })).toBeVisible();
  expect(await deviceState(page, context)).not.toContain(DEMO_KEY);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Connect to the Telepath API' })).toBeVisible();
});

test('unticking remember forgets a key remembered before', async ({ page, context }) => {
  await page.goto(`${d.site.url}/`);
  await connect(page, d.apiBase, DEMO_KEY, true);
  await settled(page);
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await connect(page, d.apiBase, DEMO_KEY, false);
  await settled(page);
  expect(await deviceState(page, context)).not.toContain(DEMO_KEY);
});

test('a wrong key brings the connect panel back with the reason, and a right one recovers', async ({ page, context }) => {
  await page.goto(`${d.site.url}/`);
  await connect(page, d.apiBase, 'sk_test_wrong_key_123');
  await expect(page.locator('.connect .banner-error')).toContainText('The API rejected the key');
  await expect(page.locator('#api-key')).toHaveValue('');
  expect(await deviceState(page, context)).not.toContain('sk_test_wrong_key_123');
  await connect(page, d.apiBase, DEMO_KEY);
  await settled(page);
  await expect(rows(page)).toHaveCount(20);
  await expect(page.locator('.banner-error')).toHaveCount(0);
});

test('a remembered key the API no longer accepts is dropped on the 401', async ({ page, context }) => {
  // A key remembered earlier (as the app itself stores it), now revoked.
  await page.goto(`${d.site.url}/`);
  await connect(page, d.apiBase, DEMO_KEY, true);
  await settled(page);
  const stored = await page.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  const revoked = stored.replaceAll(DEMO_KEY, 'sk_test_revoked_key_0');
  await page.evaluate((entries) => {
    localStorage.clear();
    for (const [k, v] of JSON.parse(entries)) localStorage.setItem(k, v);
  }, revoked);
  await page.reload();
  await expect(page.locator('.connect .banner-error')).toContainText('The API rejected the key');
  await expect(page.getByRole('heading', { name: 'Connect to the Telepath API' })).toBeVisible();
});
