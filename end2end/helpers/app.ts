// What a user sees and does on the calls view, in a few named steps.
import { expect, Page, Locator } from '@playwright/test';
import { Server, DATA_NOW } from './server';

export const rows = (page: Page): Locator => page.locator('tbody tr.row');
export const pagerRange = (page: Page): Locator => page.locator('.pager-range');
export const statusButton = (page: Page, s: 'all' | 'connected' | 'failed' | 'disconnected') =>
  page.locator(`.filters [data-status=${s}]`);

/** Opens the dashboard at `search` (e.g. `?status=failed`) and waits for rows. */
export async function open(page: Page, server: Server, search = ''): Promise<void> {
  await page.goto(`${server.url}/${search}`);
  await settled(page);
}

/** Waits until no list request is in flight and the table shows data (or the empty card). */
export async function settled(page: Page): Promise<void> {
  await expect(page.locator('.calls-page')).toBeVisible();
  await expect(page.locator('.calls-page[aria-busy="true"]')).toHaveCount(0);
  await expect(page.locator('tr.skeleton')).toHaveCount(0);
}

/** The ids of the rows on screen, sorted. */
export async function shownIds(page: Page): Promise<string[]> {
  const ids = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id') ?? ''));
  return ids.sort();
}

const PRESET_HOURS: Record<string, number> = { '1h': 1, '24h': 24, '7d': 168, '30d': 720 };

/** The API query the page URL's view means, presets resolved against `now`. */
export function apiQueryFor(pageUrl: string, now = DATA_NOW): { query: string; page: number; size: number } {
  const u = new URL(pageUrl);
  const p = u.searchParams;
  const size = Number(p.get('size') ?? 20);
  const page = Number(p.get('page') ?? 1);
  const q = new URLSearchParams();
  q.set('limit', String(size));
  q.set('offset', String((page - 1) * size));
  if (p.get('status')) q.set('status', p.get('status')!);
  if (p.get('trunk')) q.set('trunk_id', p.get('trunk')!);
  const range = p.get('range');
  if (range) {
    const end = new Date(now);
    const start = new Date(end.getTime() - PRESET_HOURS[range] * 3600_000);
    q.set('start_date', start.toISOString().replace('.000Z', 'Z'));
    q.set('end_date', end.toISOString().replace('.000Z', 'Z'));
  } else {
    if (p.get('from')) q.set('start_date', p.get('from')!);
    if (p.get('to')) q.set('end_date', p.get('to')!);
  }
  return { query: q.toString(), page, size };
}

/** `1523` → `1,523`, as the page prints counts. */
export const thousands = (n: number): string => n.toLocaleString('en-US');

/** The pager text for a page of an API answer. */
export function rangeText(offset: number, shown: number, total: number): string {
  if (shown === 0) return `0 of ${thousands(total)}`;
  return `${thousands(offset + 1)}–${thousands(offset + shown)} of ${thousands(total)}`;
}

/**
 * Asserts the screen shows exactly what the API answers for the page URL's view:
 * the same call ids and the pager's "a–b of N".
 */
export async function expectScreenMatchesApi(page: Page, server: Server, key: string | null = null): Promise<any> {
  // The URL names the view on screen only once it is written, a frame after the rows
  // (src/url_state.rs); until then the page is aria-busy.
  await expect(page.locator('.calls-page[aria-busy="true"]')).toHaveCount(0);
  const { query, page: n, size } = apiQueryFor(page.url());
  const answer = await server.api(`/v1/calls?${query}`, key);
  const want = answer.calls.map((c: any) => c.id).sort();
  await expect.poll(() => shownIds(page), { message: `rows for ${page.url()}` }).toEqual(want);
  await expect(pagerRange(page)).toHaveText(rangeText((n - 1) * size, answer.calls.length, answer.pagination.total));
  return answer;
}

/**
 * Lets a second pass on the page's frozen clock. "Refresh" and "Retry" re-anchor the
 * view at the current time and refetch only when that time moved.
 */
export async function tick(page: Page, ms = 1000): Promise<void> {
  const now = await page.evaluate(() => Date.now());
  await page.clock.setFixedTime(new Date(now + ms));
}
