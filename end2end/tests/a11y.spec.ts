// Accessibility: axe-core with zero serious or critical findings on each main view in
// both colour schemes, and a keyboard-only walk through filters, paging, rows and the
// detail panel.
import { test, expect } from '../helpers/fixtures';
import { expectAccessible } from '../helpers/axe';
import { open, settled, rows, pagerRange, statusButton } from '../helpers/app';
import { startDirect } from '../helpers/direct';

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`axe, ${scheme}`, () => {
    test.use({ colorScheme: scheme });

    test(`calls view, ${scheme}`, async ({ page, server }) => {
      await open(page, server, '?status=failed');
      await expectAccessible(page, `calls view (${scheme})`);
    });

    test(`detail panel, ${scheme}`, async ({ page, server }) => {
      await open(page, server);
      await rows(page).first().click();
      await expect(page.locator('.detail').getByText('Loading details…')).toHaveCount(0);
      await expectAccessible(page, `detail panel (${scheme})`);
    });

    test(`error and empty states, ${scheme}`, async ({ page, server }) => {
      await open(page, server, '?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z');
      await expect(page.locator('.empty')).toBeVisible();
      await expectAccessible(page, `empty state (${scheme})`);
      await server.setFaults([{ kind: 'malformed', path: '/v1/calls' }]);
      await page.locator('#clear-filters').click();
      await expect(page.locator('.banner-error')).toBeVisible();
      await expectAccessible(page, `error banner (${scheme})`);
    });

    test(`connect panel (direct mode), ${scheme}`, async ({ page }) => {
      const d = await startDirect();
      try {
        await page.goto(`${d.site.url}/`);
        await expect(page.locator('#api-key')).toBeVisible();
        await expectAccessible(page, `connect panel (${scheme})`);
      } finally {
        await d.stop();
      }
    });
  });
}

test.describe('375 px wide', () => {
  test.use({ viewport: { width: 375, height: 812 } });

  test('calls view: each row a card of its essential columns, no sideways scroll, axe clean', async ({ page, server }) => {
    await open(page, server, '?status=failed');
    const call = (await server.api('/v1/calls?limit=1&status=failed')).calls[0];
    const wrap = page.locator('.table-wrap');
    const [scroll, client] = await wrap.evaluate((e) => [e.scrollWidth, e.clientWidth]);
    expect(scroll, 'the table fits its frame').toBeLessThanOrEqual(client);
    const row = page.locator(`tr.row[data-id="${call.id}"]`);
    await expect(row.locator('td.c-id')).toBeVisible();
    await expect(row.locator('td.c-id')).toHaveText(call.id);
    await expect(row.locator('td.c-status')).toHaveText('failed');
    // The trunk by name, its id kept in the cell's tooltip.
    await expect(row.locator('td.c-trunk')).toHaveAttribute('title', call.trunk_id);
    const total = call.carrier_lag_ms + call.ai_latency_ms + call.gateway_processing_ms;
    await expect(row.locator('td.c-total')).toHaveText(`${total} ms`);
    for (const cell of await row.locator('td.wide-only').all()) await expect(cell).toBeHidden();
    // The card's parts sit inside the viewport.
    for (const part of ['c-id', 'c-status', 'c-total', 'c-start', 'c-duration']) {
      const box = await row.locator(`td.${part}`).boundingBox();
      expect(box, part).not.toBeNull();
      expect(box!.x + box!.width, `${part} inside 375 px`).toBeLessThanOrEqual(375);
    }
    await expectAccessible(page, 'calls view at 375 px');
    // The headings are hidden, so a menu sorts: by total latency, largest first, then
    // flipped with the direction button.
    const totals = () => page.locator('tbody tr.row td.c-total').evaluateAll((tds) => tds.map((td) => parseInt(td.textContent!.replace(/[^\d]/g, ''), 10)));
    await expect(page.locator('table.calls thead')).not.toBeInViewport();
    const sorted = (dir: 1 | -1) => async () => {
      const t = await totals();
      return t.length === 20 && t.every((v, i) => i === 0 || dir * (v - t[i - 1]) >= 0);
    };
    await page.locator('#sort-by').selectOption({ label: 'Total latency' });
    await expect.poll(sorted(-1), { message: 'largest total first' }).toBe(true);
    await page.getByRole('button', { name: '▼ Descending' }).click();
    await expect(page.getByRole('button', { name: '▲ Ascending' })).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(sorted(1), { message: 'smallest total first' }).toBe(true);
    await expect(page.locator('#sort-by')).toHaveValue('10');
    // What the card leaves out is a tap away.
    await row.click();
    const panel = page.locator('.detail');
    await expect(panel.locator('dt:text-is("From") + dd').first()).toHaveText(call.from);
  });
});

test('keyboard only: filters, paging, a row, the detail panel', async ({ page, server }) => {
  await open(page, server);
  const focused = () => page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    return e ? `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} ${e.getAttribute('aria-label') ?? ''} ${(e.textContent ?? '').trim().slice(0, 30)}` : '';
  });
  /** Presses Tab until `pred` holds for the focused element (at most `max` times). */
  const tabTo = async (what: string, pred: () => Promise<boolean>, max = 60) => {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await pred()) return;
    }
    throw new Error(`Tab never reached ${what}; last focus: ${await focused()}`);
  };
  /** Whether the focused element matches a CSS selector and, optionally, has this text. */
  const isFocused = (sel: string, text?: string) => () =>
    page.evaluate(([s, t]) => {
      const e = document.activeElement;
      return !!e && e.matches(s) && (t === null || (e.textContent ?? '').trim() === t);
    }, [sel, text ?? null] as const);

  // Status filter with Enter.
  await tabTo('the Failed filter', isFocused('.filters [data-status=failed]'));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/status=failed/);
  await settled(page);
  await expect(statusButton(page, 'failed')).toHaveAttribute('aria-pressed', 'true');
  // Paging: to page 2 and back with the keyboard.
  const before = await pagerRange(page).textContent();
  await tabTo('the Page 2 button', isFocused('.pager button[aria-label="Page 2"]'), 120);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/page=2/);
  await settled(page);
  await expect(pagerRange(page)).not.toHaveText(before!);
  await page.locator('.pager button[aria-label="Previous page"]').focus();
  await page.keyboard.press('Enter');
  await expect(page).not.toHaveURL(/page=/);
  // The jump field.
  await page.locator('#jump').focus();
  await page.keyboard.type('2');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/page=2/);
  await settled(page);
  // Into the table (from the Refresh button above it): a focusable row opens the panel with Enter.
  await page.getByRole('button', { name: 'Refresh' }).focus();
  await tabTo('a call row', isFocused('tbody tr.row:first-child'), 80);
  const id = await page.locator('tbody tr.row').first().getAttribute('data-id');
  await page.keyboard.press('Enter');
  const panel = page.locator('.detail');
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText(id!);
  await expect(panel.getByRole('button', { name: 'Close details' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  // Space opens it too; Enter on the focused close button closes it.
  await page.locator('tbody tr.row').nth(1).focus();
  await page.keyboard.press('Space');
  await expect(panel).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(panel).toHaveCount(0);
  // A preset with Space.
  await tabTo('Last 7 days', isFocused('.filters button', 'Last 7 days'));
  await page.keyboard.press('Space');
  await expect(page).toHaveURL(/range=7d/);
  await settled(page);
  // The trunk select from the keyboard (arrow keys change a focused select).
  await page.locator('#trunk-filter').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page).toHaveURL(/trunk=/);
  await settled(page);
  // Clear filters from the keyboard.
  await page.locator('#clear-filters').focus();
  await page.keyboard.press('Enter');
  await expect(page).not.toHaveURL(/status=|range=|trunk=/);
  await settled(page);
  await expect(rows(page)).toHaveCount(20);
});

test('after closing the detail panel, focus returns to the row that opened it', async ({ page, server }) => {
  await open(page, server);
  const row = page.locator('tbody tr.row').nth(3);
  await row.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.detail')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.locator('.detail')).toHaveCount(0);
  await expect(row, 'focus goes back to the row, not to the top of the page').toBeFocused();
});
