// Races: quick sequences of filter and page changes while the server's `slow` fault
// delays answers unevenly. After each sequence, once nothing is in flight, the screen
// must show exactly the data of the final selection (the final URL), compared with a
// direct API fetch, and the per-status counts must belong to it too.
//
// RACE_SEQUENCES (default 200) sequences are split over RACE_SHARDS tests; RACE_SEED
// replays a run. `npm run soak` runs many more.
import { test, expect } from '../helpers/fixtures';
import { Page } from '@playwright/test';
import { Server, Fault } from '../helpers/server';
import { prng } from '../helpers/prng';
import { open, apiQueryFor, shownIds, pagerRange, rangeText, thousands, statusButton } from '../helpers/app';

const SEQUENCES = Number(process.env.RACE_SEQUENCES ?? 200);
const SHARDS = Number(process.env.RACE_SHARDS ?? 4);
const SEED = Number(process.env.RACE_SEED ?? 20261120);
const PER_SHARD = Math.ceil(SEQUENCES / SHARDS);

type Action = { name: string; run: (page: Page) => Promise<void> };

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

/** One random user action; each is quick and none waits for the data. */
function randomAction(r: () => number, trunks: string[]): Action {
  const quick = { timeout: 3000 };
  const choices: (() => Action)[] = [
    () => {
      const s = pick(r, ['all', 'connected', 'failed', 'disconnected'] as const);
      return { name: `status ${s}`, run: (p) => statusButton(p, s).click(quick) };
    },
    () => {
      const t = pick(r, ['', ...trunks]);
      return { name: `trunk ${t || 'all'}`, run: (p) => p.locator('#trunk-filter').selectOption(t, quick).then(() => {}) };
    },
    () => {
      const label = pick(r, ['Last hour', 'Last 24 h', 'Last 7 days', 'Last 30 days']);
      return { name: `preset ${label}`, run: (p) => p.locator('.filters').getByRole('button', { name: label, exact: true }).click(quick) };
    },
    () => {
      const i = Math.floor(r() * 5);
      return {
        name: `page button #${i}`,
        run: async (p) => {
          const buttons = p.locator('.pager-buttons .btn-page');
          const n = await buttons.count();
          if (n > 0) await buttons.nth(i % n).click(quick);
        },
      };
    },
    () => {
      const n = pick(r, ['2', '3', '5', '12', '40']);
      return {
        name: `jump ${n}`,
        run: async (p) => {
          await p.locator('#jump').fill(n, quick);
          await p.locator('#jump').press('Enter', quick);
        },
      };
    },
    () => {
      const size = pick(r, ['10', '20', '50', '100']);
      return { name: `size ${size}`, run: (p) => p.locator('.pager-size select').selectOption(size, quick).then(() => {}) };
    },
    () => ({ name: 'tz toggle', run: (p) => p.locator('.filters').getByRole('button', { name: pick(r, ['UTC', 'Local']), exact: true }).click(quick) }),
    () => ({ name: 'back', run: (p) => p.goBack({ timeout: 3000 }).then(() => {}) }),
    () => ({
      name: 'clear filters',
      // A click event on the button: a no-op while it is disabled (no filter set), as a
      // user's click would be, with no branch on what the page shows.
      run: (p) => p.locator('#clear-filters').dispatchEvent('click'),
    }),
  ];
  return pick(r, choices)();
}

/** Uneven delays from the server's counting `slow` fault: two rates, two delays. */
function randomSlowFaults(r: () => number): Fault[] {
  const f = (): Fault => ({
    kind: 'slow',
    rate: Math.round((0.2 + r() * 0.6) * 100) / 100,
    delay_ms: 20 + Math.floor(r() * 260),
    path: '/v1/calls',
  });
  return [f(), f()];
}

/** Waits until the page has no API request in flight and no list loading. */
async function quiet(page: Page, inflight: () => number): Promise<void> {
  await expect.poll(() => inflight(), { timeout: 15_000, intervals: [20, 50, 100] }).toBe(0);
  await expect(page.locator('.calls-page[aria-busy="true"]')).toHaveCount(0, { timeout: 15_000 });
  await expect.poll(() => inflight(), { timeout: 15_000, intervals: [20, 50] }).toBe(0);
}

async function expectFinalScreen(page: Page, server: Server, log: string[]): Promise<void> {
  const url = page.url();
  const { query, page: n, size } = apiQueryFor(url);
  const answer = await server.api(`/v1/calls?${query}`);
  const want = answer.calls.map((c: any) => c.id).sort();
  const where = `final URL ${url}\nactions: ${log.join(' → ')}`;
  // Nothing is in flight: what is on screen now is final, so no polling here.
  expect(await shownIds(page), `rows of the final selection\n${where}`).toEqual(want);
  expect(await pagerRange(page).textContent(), `pager\n${where}`).toBe(
    rangeText((n - 1) * size, answer.calls.length, answer.pagination.total),
  );
  // Counts per status under the final filters (status left out).
  const base = new URLSearchParams(query);
  base.set('limit', '1');
  base.set('offset', '0');
  base.delete('status');
  for (const s of ['all', 'connected', 'failed', 'disconnected'] as const) {
    const q = new URLSearchParams(base);
    if (s !== 'all') q.set('status', s);
    const total = (await server.api(`/v1/calls?${q}`)).pagination.total;
    expect(await statusButton(page, s).locator('.seg-count').textContent(), `count ${s}\n${where}`).toBe(thousands(total));
  }
}

test.describe('races', () => {
  test.describe.configure({ mode: 'parallel' });
  for (let shard = 0; shard < SHARDS; shard++) {
    test(`random quick changes under uneven delays, shard ${shard + 1}/${SHARDS} (${PER_SHARD} sequences, seed ${SEED})`, async ({ page, server }) => {
      test.setTimeout(Math.max(120_000, PER_SHARD * 4000));
      const r = prng(SEED + shard * 7919);
      let inflight = 0;
      const isApi = (u: string) => u.startsWith(`${server.url}/v1/`);
      page.on('request', (q) => isApi(q.url()) && inflight++);
      page.on('requestfinished', (q) => isApi(q.url()) && inflight--);
      page.on('requestfailed', (q) => isApi(q.url()) && inflight--);
      const { trunks } = await server.api('/v1/trunks?limit=100');
      const trunkIds: string[] = trunks.map((t: any) => t.id);
      await open(page, server);
      for (let seq = 0; seq < PER_SHARD; seq++) {
        await server.setFaults(randomSlowFaults(r));
        const t0 = Date.now();
        const steps = 2 + Math.floor(r() * 5);
        const log: string[] = [`seq ${seq}`];
        for (let i = 0; i < steps; i++) {
          const a = randomAction(r, trunkIds);
          log.push(a.name);
          try {
            await a.run(page);
          } catch (e) {
            // A control that was momentarily disabled or gone: the user's click missed.
            log.push(`(missed: ${String(e).split('\n')[0].slice(0, 80)})`);
          }
        }
        if (process.env.RACE_DEBUG) console.log(`${Date.now() - t0} ms`, log.join(" → "));
        await quiet(page, () => inflight);
        await server.clearFaults(); // the oracle's own requests are not to be delayed
        await expectFinalScreen(page, server, log);
      }
      await server.clearFaults();
    });
  }
});
