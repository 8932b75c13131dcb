// The URL and the history around a change: the URL is written once the change's rows
// are on screen (src/url_state.rs), and never later than 300 ms after the change.
// Each change keeps its own history entry, Back during a pending change follows the URL,
// and a view link carries a change that is still pending.
import { Page } from '@playwright/test';
import { test, expect } from '../helpers/fixtures';
import { Server } from '../helpers/server';
import { open, settled, statusButton, pagerRange, expectScreenMatchesApi } from '../helpers/app';

const CALLS = '/v1/calls';

/** The URL reaches `url`, the list settles, and the screen shows that view's answer. */
async function landsOn(page: Page, server: Server, url: RegExp): Promise<void> {
  await expect(page).toHaveURL(url);
  await settled(page);
  await expectScreenMatchesApi(page, server);
}

test('a slow answer: the URL shows the change without waiting for the rows', async ({ page, server }) => {
  await open(page, server);
  await server.setFaults([{ kind: 'slow', delay_ms: 2000, path: CALLS }]);
  await statusButton(page, 'failed').click();
  await expect(page).toHaveURL(/status=failed/, { timeout: 1500 });
  // The rows have not come yet: the old range is still on screen.
  await expect(pagerRange(page)).toHaveText('1–20 of 3,000');
  await server.clearFaults();
  await settled(page);
  await expectScreenMatchesApi(page, server);
});

test('quick changes under a slow API each get a history entry, in order', async ({ page, server }) => {
  await open(page, server);
  await server.setFaults([{ kind: 'slow', delay_ms: 600, path: CALLS }]);
  await statusButton(page, 'failed').click();
  await statusButton(page, 'connected').click();
  await page.getByRole('button', { name: 'Page 2', exact: true }).click();
  await settled(page);
  await expect(page).toHaveURL(/status=connected&page=2|page=2&status=connected/);
  await server.clearFaults();
  await page.goBack();
  await expect(page).toHaveURL(/status=connected/);
  await expect(page).not.toHaveURL(/page=2/);
  await settled(page);
  await page.goBack();
  await landsOn(page, server, /status=failed/);
  await page.goBack();
  await expect(page).not.toHaveURL(/status=/);
  await settled(page);
  await expectScreenMatchesApi(page, server);
  await expect(statusButton(page, 'all')).toHaveAttribute('aria-pressed', 'true');
});

test('Back while a change is pending follows the URL and drops the change', async ({ page, server }) => {
  await open(page, server);
  await statusButton(page, 'failed').click();
  await settled(page);
  await expect(page).toHaveURL(/status=failed/);
  await server.setFaults([{ kind: 'slow', delay_ms: 2000, path: CALLS }]);
  await statusButton(page, 'connected').click();
  // Back at once, before the pending change is written.
  await page.goBack();
  await server.clearFaults();
  await expect(page).not.toHaveURL(/status=/);
  await settled(page);
  // The pending change is not written later: the URL and the screen stay on "all".
  await page.waitForTimeout(500);
  await expect(page).not.toHaveURL(/status=/);
  await expect(statusButton(page, 'all')).toHaveAttribute('aria-pressed', 'true');
  await expectScreenMatchesApi(page, server);
  // Forward still leads to the failed view written before.
  await page.goForward();
  await landsOn(page, server, /status=failed/);
});

test('a view link reached while a change is pending carries that change', async ({ page, server }) => {
  await open(page, server);
  await server.setFaults([{ kind: 'slow', delay_ms: 2000, path: CALLS }]);
  await statusButton(page, 'disconnected').click();
  await page.getByRole('link', { name: 'Analytics', exact: true }).click();
  await expect(page).toHaveURL(/\/analytics\?.*status=disconnected/);
  await server.clearFaults();
  await page.goBack();
  await landsOn(page, server, /status=disconnected/);
});

test('the brand link leaves a pending change in the history', async ({ page, server }) => {
  await open(page, server, '?status=failed');
  await server.setFaults([{ kind: 'slow', delay_ms: 2000, path: CALLS }]);
  await page.getByRole('button', { name: 'Page 2', exact: true }).click();
  await page.locator('a.brand').click();
  await expect(page).not.toHaveURL(/status=/);
  await server.clearFaults();
  await settled(page);
  await page.goBack();
  await landsOn(page, server, /status=failed&page=2|page=2&status=failed/);
});
