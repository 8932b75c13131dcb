// The calls view as a user drives it: first load, paging, every filter, presets and a
// custom range, the time zone, deep links, back/forward and the detail panel. Each
// screen is checked against the server's own answer for the same view.
import { test, expect } from '../helpers/fixtures';
import {
  open, tick, rows, pagerRange, statusButton, settled, expectScreenMatchesApi, shownIds, thousands,
} from '../helpers/app';

test.describe('calls view', () => {
  test('first load shows the newest 20 calls and the counts per status', async ({ page, server }) => {
    await open(page, server);
    await expect(rows(page)).toHaveCount(20);
    const answer = await expectScreenMatchesApi(page, server);
    expect(answer.pagination.total).toBe(3000);
    await expect(pagerRange(page)).toHaveText('1–20 of 3,000');
    await expect(statusButton(page, 'all')).toHaveAttribute('aria-pressed', 'true');
    for (const s of ['all', 'connected', 'failed', 'disconnected'] as const) {
      const q = s === 'all' ? '' : `&status=${s}`;
      const { pagination } = await server.api(`/v1/calls?limit=1${q}`);
      await expect(statusButton(page, s).locator('.seg-count')).toHaveText(thousands(pagination.total));
    }
    // Newest first, as the API serves them.
    const first = (await server.api('/v1/calls?limit=1')).calls[0];
    await expect(rows(page).first()).toHaveAttribute('data-id', first.id);
  });

  test('paging: Next page and Last page buttons work', async ({ page, server }) => {
    await open(page, server);
    const next = page.getByRole('button', { name: 'Next page' });
    const last = page.getByRole('button', { name: 'Last page' });
    // The buttons must read as the arrows they are, not as leaked source text.
    await expect(next, 'the Next page button shows only its arrow').toHaveText('›', { timeout: 3000 });
    await expect(last, 'the Last page button shows only its arrow').toHaveText('»', { timeout: 3000 });
    await expect(next, 'Next page is enabled on page 1 of 150').toBeEnabled({ timeout: 3000 });
    await next.click();
    await expect(page).toHaveURL(/[?&]page=2\b/);
    await settled(page);
    await expect(pagerRange(page)).toHaveText('21–40 of 3,000');
    await expectScreenMatchesApi(page, server);
    await expect(last, 'Last page is enabled on page 2 of 150').toBeEnabled({ timeout: 3000 });
    await last.click();
    await expect(page).toHaveURL(/[?&]page=150\b/);
    await expect(pagerRange(page)).toHaveText('2,981–3,000 of 3,000');
    await expectScreenMatchesApi(page, server);
    await expect(next).toBeDisabled();
    await expect(last).toBeDisabled();
  });

  test('paging: page numbers, previous, first, jump, page size', async ({ page, server }) => {
    await open(page, server);
    await expect(page.getByRole('button', { name: 'Previous page' })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'First page' })).toBeDisabled();
    await page.getByRole('button', { name: 'Page 2', exact: true }).click();
    await expect(page).toHaveURL(/[?&]page=2\b/);
    await settled(page);
    await expect(pagerRange(page)).toHaveText('21–40 of 3,000');
    await expectScreenMatchesApi(page, server);

    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect(page).not.toHaveURL(/page=/);
    await expect(pagerRange(page)).toHaveText('1–20 of 3,000');

    await page.getByRole('button', { name: 'Page 3', exact: true }).click();
    await expect(pagerRange(page)).toHaveText('41–60 of 3,000');
    await expect(page.getByRole('button', { name: 'Page 3', exact: true })).toHaveAttribute('aria-current', 'page');
    await expectScreenMatchesApi(page, server);

    await page.locator('#jump').fill('77');
    await page.locator('#jump').press('Enter');
    await expect(page).toHaveURL(/[?&]page=77\b/);
    await expect(pagerRange(page)).toHaveText('1,521–1,540 of 3,000');
    await expectScreenMatchesApi(page, server);

    await page.getByRole('button', { name: 'First page' }).click();
    await expect(pagerRange(page)).toHaveText('1–20 of 3,000');

    // A page beyond the last is refused by the field (max = page count), not an empty screen.
    await expect(page.locator('#jump')).toHaveAttribute('max', '150');
    await page.locator('#jump').fill('9999');
    await page.locator('#jump').press('Enter');
    await expect(page.locator('#jump:invalid')).toHaveCount(1);
    await expect(pagerRange(page)).toHaveText('1–20 of 3,000');
    await page.locator('#jump').fill('150');
    await page.locator('#jump').press('Enter');
    await expect(page).toHaveURL(/[?&]page=150\b/);
    await expect(pagerRange(page)).toHaveText('2,981–3,000 of 3,000');
    await expectScreenMatchesApi(page, server);

    await page.locator('.pager-size select').selectOption('50');
    await expect(page).toHaveURL(/[?&]size=50\b/);
    await settled(page);
    await expect(rows(page)).toHaveCount(50);
    await expect(pagerRange(page)).toHaveText('1–50 of 3,000');
    await expectScreenMatchesApi(page, server);
  });

  for (const status of ['connected', 'failed', 'disconnected'] as const) {
    test(`status filter: ${status}`, async ({ page, server }) => {
      await open(page, server, '?page=3');
      // The counts load beside the list: take them once every one is a number.
      await expect(page.locator('.filters .seg-count')).toHaveText(Array(4).fill(/^\d[\d,]*$/));
      const countsBefore = await page.locator('.filters .seg-count').allTextContents();
      await statusButton(page, status).click();
      await expect(page).toHaveURL(new RegExp(`[?&]status=${status}\\b`));
      await expect(page).not.toHaveURL(/page=/); // a new filter goes back to page 1
      await expect(statusButton(page, status)).toHaveAttribute('aria-pressed', 'true');
      await expect(statusButton(page, 'all')).toHaveAttribute('aria-pressed', 'false');
      await settled(page);
      await expectScreenMatchesApi(page, server);
      const badges = await rows(page).locator('.badge').allTextContents();
      expect(new Set(badges)).toEqual(new Set([status]));
      // The counts are taken under the other filters, so a status choice leaves them.
      await expect(page.locator('.filters .seg-count')).toHaveText(countsBefore);
      await statusButton(page, 'all').click();
      await expect(page).not.toHaveURL(/status=/);
      await expectScreenMatchesApi(page, server);
    });
  }

  test('trunk filter narrows the list and the counts', async ({ page, server }) => {
    await open(page, server);
    const { trunks } = await server.api('/v1/trunks?limit=100');
    const select = page.locator('#trunk-filter');
    // Every trunk the API lists is offered.
    for (const t of trunks) await expect(select.locator(`option[value="${t.id}"]`)).toHaveCount(1);
    const trunk = trunks[1].id;
    await select.selectOption(trunk);
    await expect(page).toHaveURL(new RegExp(`[?&]trunk=${trunk}\\b`));
    await settled(page);
    const answer = await expectScreenMatchesApi(page, server);
    expect(answer.pagination.total).toBeLessThan(3000);
    const trunkCells = await rows(page).locator('td:nth-child(2)').evaluateAll((tds) => tds.map((td) => td.getAttribute('title')));
    expect(new Set(trunkCells)).toEqual(new Set([trunk]));
    for (const s of ['all', 'failed'] as const) {
      const q = s === 'all' ? '' : `&status=${s}`;
      const { pagination } = await server.api(`/v1/calls?limit=1&trunk_id=${trunk}${q}`);
      await expect(statusButton(page, s).locator('.seg-count')).toHaveText(thousands(pagination.total));
    }
    // Trunk and status combine.
    await statusButton(page, 'failed').click();
    await expect(page).toHaveURL(/status=failed/);
    await expect(page).toHaveURL(new RegExp(`trunk=${trunk}`));
    await settled(page);
    await expectScreenMatchesApi(page, server);
    await select.selectOption('');
    await expect(page).not.toHaveURL(/trunk=/);
    await settled(page);
    await expectScreenMatchesApi(page, server);
  });

  test('date presets resolve against the current time', async ({ page, server }) => {
    await open(page, server);
    const presets: [string, string][] = [
      ['Last hour', '1h'], ['Last 24 h', '24h'], ['Last 7 days', '7d'], ['Last 30 days', '30d'],
    ];
    const totals: number[] = [];
    for (const [label, code] of presets) {
      const button = page.locator('.filters').getByRole('button', { name: label, exact: true });
      await button.click();
      await expect(page).toHaveURL(new RegExp(`[?&]range=${code}\\b`));
      await expect(button).toHaveAttribute('aria-pressed', 'true');
      await settled(page);
      const answer = await expectScreenMatchesApi(page, server);
      totals.push(answer.pagination.total);
    }
    // Wider windows hold at least as many calls; 30 days covers the whole 14-day history.
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    expect(totals[0]).toBeGreaterThan(0);
    expect(totals[3]).toBe(3000);
  });

  test('custom range in UTC, and a reversed range is refused with a message', async ({ page, server }) => {
    await open(page, server, '?tz=utc');
    await expect(page.getByText('From (UTC)')).toBeVisible();
    await page.locator('#range-from').fill('2026-11-18T06:00');
    await page.locator('#range-to').fill('2026-11-18T18:30');
    await page.getByRole('button', { name: 'Apply range' }).click();
    await expect(page).toHaveURL(/from=2026-11-18T06%3A00%3A00Z/);
    await expect(page).toHaveURL(/to=2026-11-18T18%3A30%3A00Z/);
    await settled(page);
    const answer = await expectScreenMatchesApi(page, server);
    expect(answer.pagination.total).toBeGreaterThan(0);
    expect(answer.pagination.total).toBeLessThan(3000);
    // Every start time shown is inside the range (UTC column).
    for (const t of await rows(page).locator('td:nth-child(6)').allTextContents()) {
      expect(t >= '2026-11-18 06:00:00' && t <= '2026-11-18 18:30:00', t).toBe(true);
    }
    // The inputs keep showing the applied bounds.
    await expect(page.locator('#range-from')).toHaveValue('2026-11-18T06:00');

    await page.locator('#range-from').fill('2026-11-19T10:00');
    await page.locator('#range-to').fill('2026-11-19T09:00');
    await page.getByRole('button', { name: 'Apply range' }).click();
    await expect(page.locator('.field-error')).toHaveText('The start must be before the end.');
    await expect(page).toHaveURL(/from=2026-11-18T06/); // nothing applied
  });

  test('custom range in local time means the local wall clock', async ({ page, server }) => {
    await open(page, server);
    await page.locator('#range-from').fill('2026-11-18T01:00'); // New York, UTC-5
    await page.locator('#range-to').fill('2026-11-18T02:00');
    await page.getByRole('button', { name: 'Apply range' }).click();
    await expect(page).toHaveURL(/from=2026-11-18T06%3A00%3A00Z/);
    await expect(page).toHaveURL(/to=2026-11-18T07%3A00%3A00Z/);
    await settled(page);
    await expectScreenMatchesApi(page, server);
  });

  test('a range with no calls shows the empty state, whose button clears the filters', async ({ page, server }) => {
    await open(page, server, '?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z&status=failed');
    await expect(page.getByRole('heading', { name: 'No calls match these filters' })).toBeVisible();
    await expect(pagerRange(page)).toHaveText('0 of 0');
    await page.locator('.empty').getByRole('button', { name: 'Clear filters' }).click();
    await expect(page).not.toHaveURL(/status=|from=|to=/);
    await settled(page);
    await expect(pagerRange(page)).toHaveText('1–20 of 3,000');
  });

  test('clear filters keeps page size and time zone', async ({ page, server }) => {
    await open(page, server, '?status=failed&range=7d&size=50&tz=utc&page=2');
    await expect(page.locator('#clear-filters')).toBeEnabled();
    await page.locator('#clear-filters').click();
    await expect(page).toHaveURL(/size=50/);
    await expect(page).toHaveURL(/tz=utc/);
    await expect(page).not.toHaveURL(/status=|range=|page=/);
    await settled(page);
    await expectScreenMatchesApi(page, server);
    await expect(page.locator('#clear-filters')).toBeDisabled();
  });

  test('time zone toggle: local (New York) and UTC, keeping the page', async ({ page, server }) => {
    await open(page, server, '?page=2');
    const first = (await server.api('/v1/calls?limit=1&offset=20')).calls[0];
    const utc = first.start_time.replace('T', ' ').replace('Z', '');
    const local = new Date(new Date(first.start_time).getTime() - 5 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    const cell = page.locator(`tr.row[data-id="${first.id}"] td:nth-child(6)`);
    await expect(page.getByRole('columnheader', { name: /Started \(local\)/ })).toBeVisible();
    await expect(cell).toHaveText(local);
    await page.locator('.filters').getByRole('button', { name: 'UTC', exact: true }).click();
    await expect(page).toHaveURL(/tz=utc/);
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByRole('columnheader', { name: /Started \(UTC\)/ })).toBeVisible();
    await expect(cell).toHaveText(utc);
    await expect(pagerRange(page)).toHaveText('21–40 of 3,000');
    await page.locator('.filters').getByRole('button', { name: 'Local', exact: true }).click();
    await expect(page).not.toHaveURL(/tz=/);
    await expect(cell).toHaveText(local);
  });

  test('a deep link restores the whole view, also after reload', async ({ page, server }) => {
    const { trunks } = await server.api('/v1/trunks?limit=100');
    const trunk = trunks[0].id;
    const search = `?status=connected&trunk=${trunk}&range=7d&page=3&size=50&tz=utc`;
    await open(page, server, search);
    const check = async () => {
      await expect(statusButton(page, 'connected')).toHaveAttribute('aria-pressed', 'true');
      await expect(page.locator('#trunk-filter')).toHaveValue(trunk);
      await expect(page.locator('.filters').getByRole('button', { name: 'Last 7 days' })).toHaveAttribute('aria-pressed', 'true');
      await expect(page.locator('.filters').getByRole('button', { name: 'UTC', exact: true })).toHaveAttribute('aria-pressed', 'true');
      await expect(page.locator('.pager-size select')).toHaveValue('50');
      await expect(page.getByRole('button', { name: 'Page 3', exact: true })).toHaveAttribute('aria-current', 'page');
      await expect(rows(page)).toHaveCount(50);
      await expectScreenMatchesApi(page, server);
    };
    await check();
    const ids = await shownIds(page);
    await page.reload();
    await settled(page);
    await check();
    expect(await shownIds(page)).toEqual(ids);
  });

  test('back and forward walk through the views', async ({ page, server }) => {
    await open(page, server);
    const views: { url: string; ids: string[] }[] = [];
    const remember = async () => {
      await settled(page);
      views.push({ url: page.url(), ids: await shownIds(page) });
    };
    await remember();
    await statusButton(page, 'failed').click();
    await expect(page).toHaveURL(/status=failed/);
    await remember();
    await page.getByRole('button', { name: 'Page 2', exact: true }).click();
    await expect(page).toHaveURL(/page=2/);
    await remember();
    await page.locator('.filters').getByRole('button', { name: 'Last 7 days' }).click();
    await expect(page).toHaveURL(/range=7d/);
    await remember();
    for (let i = views.length - 2; i >= 0; i--) {
      await page.goBack();
      await expect(page).toHaveURL(views[i].url);
      await settled(page);
      await expect.poll(() => shownIds(page)).toEqual(views[i].ids);
      await expectScreenMatchesApi(page, server);
    }
    await page.goForward();
    await page.goForward();
    await expect(page).toHaveURL(views[2].url);
    await settled(page);
    await expect.poll(() => shownIds(page)).toEqual(views[2].ids);
    await expect(statusButton(page, 'failed')).toHaveAttribute('aria-pressed', 'true');
  });

  test('the current page keeps its colours under the pointer', async ({ page, server }) => {
    await open(page, server);
    const current = page.locator('.btn-page.current');
    const colours = () => current.evaluate((e) => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]);
    await page.mouse.move(0, 0);
    const resting = await colours();
    await current.hover();
    // A hover rule once won over the current page's: white text on a pale grey.
    await expect.poll(colours).toEqual(resting);
  });

  test('the view links take the current filters along, by mouse and by keyboard', async ({ page, server }) => {
    await open(page, server);
    await statusButton(page, 'failed').click();
    await settled(page);
    await page.getByRole('button', { name: 'Page 2', exact: true }).click();
    await settled(page);
    const analytics = page.getByRole('link', { name: 'Analytics', exact: true });
    await analytics.click();
    await expect(page).toHaveURL(/\/analytics\?.*status=failed/);
    await expect(analytics).toHaveAttribute('aria-current', 'page');
    // Back on the calls view, a new filter; the links learn it when they are reached.
    await page.goBack();
    await settled(page);
    await statusButton(page, 'connected').click();
    await settled(page);
    await analytics.focus();
    await expect(analytics).toHaveAttribute('href', /status=connected/);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/analytics\?.*status=connected/);
    // The daily report keeps its own parameters.
    const report = page.locator('.view-link', { hasText: 'Daily report' });
    await report.hover();
    await expect(report).toHaveAttribute('href', 'report');
  });

  test('latency bars share a scale that one outlier cannot squeeze; rows beyond it are full and marked', async ({ page, server }) => {
    // Pages of 100 rows: enough for the 3,000 fixture calls to hold outliers.
    let marked = 0;
    for (const p of [1, 2, 3]) {
      await open(page, server, `?page=${p}&size=100`);
      const { calls } = await server.api(`/v1/calls?limit=100&offset=${(p - 1) * 100}`);
      const totals = calls.map((c) => c.carrier_lag_ms + c.ai_latency_ms + c.gateway_processing_ms);
      const sorted = [...totals].sort((a, b) => a - b);
      const p90 = sorted[Math.floor(((sorted.length - 1) * 9) / 10)];
      const scale = Math.max(1, Math.min(sorted[sorted.length - 1], Math.floor((p90 * 3) / 2)));
      const shown = await page.locator('tbody tr.row').evaluateAll((trs) => trs.map((tr) => ({
        id: tr.getAttribute('data-id'),
        over: tr.querySelector('.lat-bar')!.classList.contains('over'),
        width: [...tr.querySelectorAll('.lat-bar > span')].reduce((w, s) => w + parseFloat((s as HTMLElement).style.width), 0),
      })));
      expect(shown.map((r) => r.id)).toEqual(calls.map((c) => c.id));
      calls.forEach((c, i) => {
        const over = totals[i] > scale;
        expect(shown[i].over, `${c.id}: ${totals[i]} ms against ${scale} ms`).toBe(over);
        expect(shown[i].width).toBeCloseTo(over ? 100 : (totals[i] / scale) * 100, 0);
      });
      marked += shown.filter((r) => r.over).length;
    }
    expect(marked, 'the fixture pages hold outliers, so the marked bar is exercised').toBeGreaterThan(0);
  });

  test('detail panel: the turns are listed with the API figures, lengths in seconds', async ({ page, server }) => {
    await open(page, server, '?status=connected');
    const call = (await server.api('/v1/calls?limit=1&status=connected')).calls[0];
    const detail = await server.api(`/v1/calls/${call.id}`);
    expect(detail.turns.length, 'the fixture has turns for a connected call').toBeGreaterThan(1);
    await page.locator(`tr.row[data-id="${call.id}"]`).click();
    const turns = page.locator('.detail table.turns tbody tr');
    await expect(turns).toHaveCount(detail.turns.length);
    const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v} ms`);
    const tenths = (v: number) => { const t = Math.floor((v + 50) / 100); return `${Math.floor(t / 10)}.${t % 10} s`; };
    const expected = detail.turns.map((t: { turn_number: number; speaker: string; duration_ms: number; processing_time_ms: number }) =>
      [String(t.turn_number), t.speaker, tenths(t.duration_ms), ms(t.processing_time_ms)]);
    const shown = await turns.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    expect(shown).toEqual(expected);
    // Numbers sit at the right edge of their column, so a column of them lines up.
    const align = await page.locator('.detail table.turns td.num').first().evaluate((td) => getComputedStyle(td).textAlign);
    expect(align).toBe('right');
  });

  test('detail panel: opens from a row with the call and its details, closes with the button and Escape', async ({ page, server }) => {
    await open(page, server, '?status=failed&tz=utc');
    const call = (await server.api('/v1/calls?limit=1&status=failed')).calls[0];
    const detail = await server.api(`/v1/calls/${call.id}`);
    await page.locator(`tr.row[data-id="${call.id}"]`).click();
    const panel = page.locator('.detail');
    await expect(panel).toBeVisible();
    await expect(panel.getByRole('heading', { level: 2 })).toHaveText(call.id);
    const field = (name: string) => panel.locator(`dt:text-is("${name}") + dd`).first();
    await expect(field('Status')).toHaveText('failed');
    await expect(field('Trunk')).toHaveText(new RegExp(` · ${call.trunk_id}$`));
    await expect(field('From')).toHaveText(call.from);
    await expect(field('To')).toHaveText(call.to);
    await expect(field('Started')).toHaveText(`${call.start_time.replace('T', ' ').replace('Z', '')} UTC`);
    await expect(field('Total latency')).toHaveText(`${call.carrier_lag_ms + call.ai_latency_ms + call.gateway_processing_ms} ms`);
    await expect(panel.getByText('Loading details…')).toHaveCount(0);
    await expect(field('Disconnect reason')).toHaveText(detail.disconnect_reason ?? '–');
    await expect(panel.getByRole('heading', { name: `Turns (${detail.turns.length})` })).toBeVisible();
    // Focus moves to the close button, so Escape and Enter work at once.
    await expect(panel.getByRole('button', { name: 'Close details' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);

    await rows(page).nth(2).click();
    await expect(panel).toBeVisible();
    await panel.getByRole('button', { name: 'Close details' }).click();
    await expect(panel).toHaveCount(0);
  });

  test('refresh reloads the same view', async ({ page, server }) => {
    await open(page, server, '?status=disconnected');
    const ids = await shownIds(page);
    await tick(page); // time passes between load and refresh
    const req = page.waitForRequest((r) => r.url().includes('/v1/calls?') && r.url().includes('status=disconnected') && r.url().includes('limit=20'));
    await page.getByRole('button', { name: 'Refresh' }).click();
    await req;
    await settled(page);
    expect(await shownIds(page)).toEqual(ids);
  });
});
