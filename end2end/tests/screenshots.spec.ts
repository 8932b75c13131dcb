// Screenshots of the main views, light and dark, at 1440 px and 375 px, written to
// end2end/screenshots/ on every run so a person can look at them. Each also passes
// the fixture's Guard (no uncaught error, no CSP violation while rendering).
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { test, expect } from '../helpers/fixtures';
import { open, rows, settled } from '../helpers/app';
import { startDirect } from '../helpers/direct';

const DIR = path.resolve(__dirname, '..', 'screenshots');
mkdirSync(DIR, { recursive: true });

const WIDTHS = [
  { w: 1440, h: 900 },
  { w: 375, h: 812 },
];

for (const scheme of ['light', 'dark'] as const) {
  for (const { w, h } of WIDTHS) {
    test.describe(`screenshots ${scheme} ${w}px`, () => {
      test.use({ colorScheme: scheme, viewport: { width: w, height: h } });
      const shot = (name: string) => path.join(DIR, `${name}-${scheme}-${w}.png`);

      test(`calls, detail panel, analytics, report — ${scheme} ${w}`, async ({ page, server }) => {
        await open(page, server);
        await expect(rows(page)).toHaveCount(20);
        await page.screenshot({ path: shot('calls'), fullPage: true });

        await rows(page).nth(1).click();
        await expect(page.locator('.detail').getByText('Loading details…')).toHaveCount(0);
        await page.screenshot({ path: shot('detail') });
        await page.keyboard.press('Escape');

        await open(page, server, '?status=failed&range=7d');
        await page.screenshot({ path: shot('calls-filtered'), fullPage: true });

        await page.getByRole('link', { name: 'Analytics', exact: true }).click();
        await expect(page.locator('.analytics-page')).toBeVisible();
        await expect(page.locator('.gather-done')).toBeVisible({ timeout: 30_000 });
        await expect(page.locator('.chart-frame svg').first()).toBeVisible();
        await page.screenshot({ path: shot('analytics'), fullPage: true });
        // The same view over every call: all four charts with data.
        await page.goto(`${server.url}/analytics?range=7d`);
        await expect(page.locator('.gather-done')).toBeVisible({ timeout: 30_000 });
        // Four charts and the hour x weekday heatmap, all with data.
        await expect(page.locator('.chart-frame svg')).toHaveCount(5);
        await page.screenshot({ path: shot('analytics-all'), fullPage: true });
        await page.goBack();
        await expect(page.locator('.gather-done')).toBeVisible({ timeout: 30_000 });

        await page.locator('.view-link', { hasText: 'Daily report' }).click();
        await expect(page.locator('.report')).toBeVisible();
        await expect(page.locator('.report-figures')).toBeVisible({ timeout: 30_000 });
        await page.screenshot({ path: shot('report'), fullPage: true });
      });

      test(`error banner and connect panel — ${scheme} ${w}`, async ({ page, server }) => {
        await open(page, server);
        await server.setFaults([{ kind: '500', path: '/v1/calls' }]);
        await page.locator('.filters [data-status=failed]').click();
        await expect(page.locator('.calls-page > .banner-error')).toBeVisible({ timeout: 15_000 });
        await page.screenshot({ path: shot('error') });
        const d = await startDirect();
        try {
          await page.goto(`${d.site.url}/`);
          await expect(page.locator('#api-key')).toBeVisible();
          await page.screenshot({ path: shot('connect') });
        } finally {
          await d.stop();
        }
      });
    });
  }
}
