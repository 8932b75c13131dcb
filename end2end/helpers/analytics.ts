// The analytics view in a few named steps: open it and wait for the gather, read a KPI,
// and check every KPI against figures computed from the API's own answers.
import { expect, Page, Locator, Request } from '@playwright/test';
import { Server } from './server';
import { thousands } from './app';

/** Every call matching an API query, paged through 100 at a time. */
export async function allCalls(server: Server, filter = ''): Promise<any[]> {
  const out: any[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await server.api(`/v1/calls?limit=100&offset=${offset}${filter}`);
    out.push(...page.calls);
    if (out.length >= page.pagination.total || page.calls.length === 0) return out;
  }
}

export const kpi = (page: Page, label: string): Locator => page.locator(`.kpi[data-kpi="${label}"] .kpi-value`);
export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The gathering line: the progress bar while running, then "Statistics over …". */
export const gatherBar = (page: Page): Locator => page.getByRole('progressbar', { name: 'Gathering calls' });
export const gatherText = (page: Page): Locator => page.locator('.gather-text');
export const gatherDone = (page: Page): Locator => page.locator('.gather-done');

/** Opens `/analytics` and waits for the gather to finish. */
export async function openAnalytics(page: Page, server: Server, search = ''): Promise<void> {
  await page.goto(`${server.url}/analytics${search}`);
  await expect(page.locator('.analytics-page')).toBeVisible();
  await expect(gatherDone(page)).toBeVisible({ timeout: 30_000 });
}

/** Calls the progress bar says are gathered so far (0 once it is gone). */
export async function gatheredSoFar(page: Page): Promise<number> {
  return Number((await gatherBar(page).getAttribute('aria-valuenow', { timeout: 100 }).catch(() => null)) ?? 0);
}

/**
 * Asserts the statistics line and the five KPIs equal figures computed from `calls`
 * (what the API answers for the same filter, see `allCalls`).
 */
export async function expectKpisMatch(page: Page, calls: any[]): Promise<void> {
  const n = calls.length;
  const by = (s: string) => calls.filter((c) => c.status === s).length / n;
  await expect(gatherDone(page)).toHaveText(`Statistics over ${thousands(n)} of ${thousands(n)} calls`);
  await expect(kpi(page, 'Total calls')).toHaveText(thousands(n));
  await expect(kpi(page, 'Connected')).toHaveText(pct(by('connected')));
  await expect(kpi(page, 'Failed')).toHaveText(pct(by('failed')));
  await expect(kpi(page, 'Disconnected')).toHaveText(pct(by('disconnected')));
  const hours = calls.reduce((s, c) => s + c.duration_seconds, 0) / 3600;
  await expect(kpi(page, 'Talk time')).toHaveText(`${hours.toFixed(1)} h`);
}

/** A gather's request: a `/v1/calls` window of 100 (the list asks 20, the counts 1). */
export function isGatherRequest(r: Request): boolean {
  const u = new URL(r.url());
  return u.pathname.endsWith('/v1/calls') && u.searchParams.get('limit') === '100';
}

/** The `offset` of a gather request's URL. */
export const offsetOf = (url: string): number => Number(new URL(url).searchParams.get('offset'));

/** How a gather request ended: a readable 200, a 200 the page cannot read, or an HTTP error. */
export type Ending = { url: string; kind: 'ok' | 'unreadable' | 'error' | 'pending'; status: number };

/**
 * Tallies the page's gather requests from the moment it is called: sent, finished (in
 * the order the browser reports them, each read to see whether it is usable JSON),
 * answers by status, and requests aborted on the wire. `mark()` starts a new tally of
 * what is sent (e.g. after Cancel) without losing the totals.
 */
export function watchGather(page: Page) {
  const reading: Promise<void>[] = [];
  const w = {
    sent: [] as string[],
    /** Requests sent since the last `mark()`. */
    sinceMark: [] as string[],
    /** Finished requests in the order they finished. */
    endings: [] as Ending[],
    /** Answers by HTTP status. */
    statuses: {} as Record<number, number>,
    aborted: 0,
    mark() {
      w.sinceMark = [];
    },
    /** The URLs of readable 200 answers, once every body has been read. */
    async ok(): Promise<string[]> {
      await Promise.all(reading);
      return w.endings.filter((e) => e.kind === 'ok').map((e) => e.url);
    },
    /** Readable 200 answers that finished before the first unreadable one. */
    async okBeforeUnreadable(): Promise<string[]> {
      await Promise.all(reading);
      const bad = w.endings.findIndex((e) => e.kind === 'unreadable');
      expect(bad, 'an unreadable answer reached the page').toBeGreaterThanOrEqual(0);
      return w.endings.slice(0, bad).filter((e) => e.kind === 'ok').map((e) => e.url);
    },
  };
  page.on('request', (r) => {
    if (!isGatherRequest(r)) return;
    w.sent.push(r.url());
    w.sinceMark.push(r.url());
  });
  page.on('response', (r) => {
    if (!isGatherRequest(r.request())) return;
    w.statuses[r.status()] = (w.statuses[r.status()] ?? 0) + 1;
  });
  page.on('requestfinished', (r) => {
    if (!isGatherRequest(r)) return;
    // The place in the order is taken now; the body is read after.
    const e: Ending = { url: r.url(), kind: 'pending', status: 0 };
    w.endings.push(e);
    reading.push((async () => {
      const resp = await r.response();
      e.status = resp?.status() ?? 0;
      if (e.status !== 200) {
        e.kind = 'error';
        return;
      }
      try {
        JSON.parse(await resp!.text());
        e.kind = 'ok';
      } catch {
        e.kind = 'unreadable';
      }
    })());
  });
  page.on('requestfailed', (r) => {
    if (isGatherRequest(r) && /ERR_ABORTED/.test(r.failure()?.errorText ?? '')) w.aborted += 1;
  });
  return w;
}
