// Direct-key mode: the local API (`api`, which wants the key) and the site served by
// `serve --direct`, whose config.json tells the browser to call that API with a key
// its user enters.
import { Page, BrowserContext, expect } from '@playwright/test';
import { startServer, Server } from './server';

export interface DirectSetup {
  api: Server;
  site: Server;
  apiBase: string;
  stop(): Promise<void>;
}

export async function startDirect(opts: { faultControl?: boolean } = {}): Promise<DirectSetup> {
  const api = await startServer({ mode: 'api', faultControl: opts.faultControl ?? true });
  const apiBase = `${api.url}/v1`;
  let site: Server;
  try {
    site = await startServer({ mode: 'serve-direct', apiBase });
  } catch (e) {
    await api.stop();
    throw e;
  }
  return {
    api,
    site,
    apiBase,
    async stop() {
      await site.stop();
      await api.stop();
    },
  };
}

/** Fills the connect panel and submits it. */
export async function connect(page: Page, apiBase: string, key: string, remember = false): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Connect to the Telepath API' })).toBeVisible();
  await page.locator('#api-base').fill(apiBase);
  await page.locator('#api-key').fill(key);
  const box = page.getByRole('checkbox', { name: /Remember on this device/ });
  if (remember) await box.check();
  else await expect(box).not.toBeChecked();
  await page.getByRole('button', { name: 'Connect' }).click();
}

/** Every place on the device where the page could have left a secret, as one string. */
export async function deviceState(page: Page, context: BrowserContext): Promise<string> {
  const inPage = await page.evaluate(() => {
    const dump = (s: Storage) => {
      const out: Record<string, string | null> = {};
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i)!;
        out[k] = s.getItem(k);
      }
      return out;
    };
    return JSON.stringify({
      local: dump(localStorage),
      session: dump(sessionStorage),
      cookie: document.cookie,
      url: location.href,
      historyState: JSON.stringify(history.state),
    });
  });
  const cookies = JSON.stringify(await context.cookies());
  return inPage + cookies;
}
