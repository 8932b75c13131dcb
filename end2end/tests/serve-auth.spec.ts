// `serve` with the built-in sign-in (issue 11), in a real browser: a signed-out visit
// lands on the sign-in page, signing in shows the calls, `/v1` without the session
// cookie is 401 SIGN_IN_REQUIRED, a form posted from another site never reaches the
// upstream, and Sign out (a plain form POST to /signout) returns to the sign-in page.
//
// Shape: browser → `dashboard-server serve` (users file made with `user add`, password
// on stdin) → a recording proxy (records every request it receives) → `dashboard-server
// api` (the local API, which wants its real key). The recorder is the "upstream".
import { test, expect } from '../helpers/fixtures';
import { startServer, DEMO_KEY, Server, SERVER_BIN } from '../helpers/server';
import { rows, settled } from '../helpers/app';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const USER = 'manager';
const PASSWORD = 'a long dashboard password';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
}

/** A proxy in front of `target` that records what it receives. */
async function recordingProxy(target: string): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    const upstream = http.request(
      `${target}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Another site: a page whose form posts to the dashboard's `/v1/calls` by itself. */
async function attackerSite(dashboard: string): Promise<{ url: string; close: () => Promise<void> }> {
  const page = `<!DOCTYPE html><html><body>
    <form id="f" method="POST" action="${dashboard}/v1/calls" enctype="application/x-www-form-urlencoded">
      <input name="status" value="failed"><input name="delete" value="all">
    </form>
    <script>document.getElementById('f').submit();</script>
  </body></html>`;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  // `localhost` and `127.0.0.1` are different sites to the browser.
  return {
    url: `http://localhost:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let dir: string;
let api: Server;
let recorder: Awaited<ReturnType<typeof recordingProxy>>;
let serve: Server;

test.beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'dash-serve-auth-'));
  const users = path.join(dir, 'users');
  // The documented way to add a user: `user add`, here with the password on stdin.
  const added = spawnSync(SERVER_BIN, ['user', 'add', USER, '--users-file', users], {
    input: `${PASSWORD}\n`,
    encoding: 'utf8',
  });
  expect(added.status, `user add: ${added.stderr}`).toBe(0);
  expect(added.stdout).toContain(`added ${USER}`);
  const secret = path.join(dir, 'session-secret');
  writeFileSync(secret, 'e2e-session-secret-0123456789abcdef-0123456789');
  api = await startServer({ mode: 'api' });
  recorder = await recordingProxy(api.url);
  serve = await startServer({
    mode: 'serve-proxy',
    apiBase: `${recorder.url}/v1`,
    env: { TELEPATH_API_KEY: DEMO_KEY },
    extra: ['--users-file', users, '--session-secret-file', secret],
  });
});

test.afterEach(async () => {
  await serve?.stop();
  await recorder?.close();
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(page: import('@playwright/test').Page) {
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('User name').fill(USER);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('signed out, a visit lands on the sign-in page; signing in shows the calls', async ({ page }) => {
  await page.goto(`${serve.url}/?status=failed`);
  await expect(page).toHaveURL(`${serve.url}/signin?next=%2F%3Fstatus%3Dfailed`);
  expect(recorder.seen).toEqual([]);
  // A wrong password: the page again, with the reason announced.
  await page.getByLabel('User name').fill(USER);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The user name or the password is not right.');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Back where the manager was going, with the calls.
  await expect(page).toHaveURL(`${serve.url}/?status=failed`);
  await settled(page);
  await expect(rows(page)).toHaveCount(20);
  await expect(rows(page).first()).toBeVisible();
  const cookies = await page.context().cookies(serve.url);
  const session = cookies.find((c) => c.name === '__Host-dashboard_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.secure).toBe(true);
  expect(session?.sameSite).toBe('Strict');
  // Upstream saw only reads, each with the server's key.
  expect(recorder.seen.length).toBeGreaterThan(0);
  for (const s of recorder.seen) {
    expect(s.method).toBe('GET');
    expect(s.url.startsWith('/v1/')).toBe(true);
    expect(s.authorization).toBe(`Bearer ${DEMO_KEY}`);
  }
  expect(recorder.seen.some((s) => s.url.startsWith('/v1/calls?') && s.url.includes('status=failed'))).toBe(true);
});

test('/v1/calls without the session cookie answers 401 SIGN_IN_REQUIRED', async ({ page }) => {
  const r = await fetch(`${serve.url}/v1/calls?limit=5`);
  expect(r.status).toBe(401);
  expect(r.headers.get('www-authenticate')).toBeNull();
  expect(await r.json()).toEqual({ error: { code: 'SIGN_IN_REQUIRED', message: 'Sign in to see the calls.' } });
  const session = await fetch(`${serve.url}/auth/session`);
  expect(session.status).toBe(401);
  const config = await (await fetch(`${serve.url}/config.json`)).json();
  expect(config).toEqual({ api_base: '/v1', key_mode: 'server', auth: 'password' });
  // Signed in, the page's own requests carry the cookie and /auth/session names the user.
  await page.goto(`${serve.url}/`);
  await signIn(page);
  await settled(page);
  const me = await page.request.get(`${serve.url}/auth/session`);
  expect(me.status()).toBe(200);
  const body = await me.json();
  expect(body.user).toBe(USER);
  expect(body.method).toBe('password');
  expect(body.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(recorder.seen.every((s) => s.method === 'GET')).toBe(true);
});

test('a form posted from another site never reaches the upstream', async ({ page }) => {
  await page.goto(`${serve.url}/`);
  await signIn(page);
  await settled(page);
  const before = recorder.seen.length;
  const attacker = await attackerSite(serve.url);
  try {
    const posted = page.waitForResponse((r) => r.url() === `${serve.url}/v1/calls` && r.request().method() === 'POST');
    await page.goto(attacker.url);
    const response = await posted;
    // SameSite=Strict: the browser did not send the session, so the proxy asks for a
    // sign-in; and a POST would be refused (405) even with one.
    expect(response.status()).toBe(401);
    expect((await response.json()).error.code).toBe('SIGN_IN_REQUIRED');
  } finally {
    await attacker.close();
  }
  expect(recorder.seen.slice(before)).toEqual([]);
  expect(recorder.seen.every((s) => s.method === 'GET')).toBe(true);
  // The manager is still signed in on the dashboard itself.
  await page.goto(`${serve.url}/`);
  await settled(page);
  await expect(rows(page)).toHaveCount(20);
});

test('Sign out (a form POST to /signout) returns to the sign-in page', async ({ page }) => {
  await page.goto(`${serve.url}/analytics`);
  await expect(page).toHaveURL(`${serve.url}/signin?next=%2Fanalytics`);
  await signIn(page);
  await expect(page).toHaveURL(`${serve.url}/analytics`);
  // A plain HTML form, as the dashboard's Sign out button is: posted from a page of
  // this origin (the sign-in page; no script of the dashboard involved).
  await page.goto(`${serve.url}/signin`);
  await page.evaluate(() => {
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = '/signout';
    document.body.append(form);
    form.submit();
  });
  await expect(page).toHaveURL(`${serve.url}/signin`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  const cookies = await page.context().cookies(serve.url);
  expect(cookies.find((c) => c.name === '__Host-dashboard_session')).toBeUndefined();
  // Signed out: the dashboard sends the browser to the sign-in page, the API says 401.
  await page.goto(`${serve.url}/report`);
  await expect(page).toHaveURL(`${serve.url}/signin?next=%2Freport`);
  const r = await page.request.get(`${serve.url}/v1/calls`);
  expect(r.status()).toBe(401);
});

test('the dashboard shows who is signed in, and its Sign out signs out', async ({ page }) => {
  await page.goto(`${serve.url}/`);
  await signIn(page);
  await settled(page);
  await expect(page.locator('.topbar .user')).toHaveText(USER);
  await page.locator('.topbar').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(`${serve.url}/signin`);
  const cookies = await page.context().cookies(serve.url);
  expect(cookies.find((c) => c.name === '__Host-dashboard_session')).toBeUndefined();
});

test('a session that ends while the dashboard is open leads to the sign-in page and back', async ({ page }) => {
  await page.goto(`${serve.url}/?status=connected`);
  await signIn(page);
  await settled(page);
  // The session goes (expired, or ended elsewhere); the next request answers
  // SIGN_IN_REQUIRED and the page goes to sign in, asking to come back to this view.
  await page.context().clearCookies();
  await page.locator('.filters [data-status=failed]').click();
  await expect(page).toHaveURL(/\/signin\?next=%2F%3Fstatus%3D(connected|failed)/);
  await signIn(page);
  await settled(page);
  await expect(rows(page).first()).toBeVisible();
});
