// The test fixture every spec uses: a page whose uncaught errors, panics and CSP
// violations fail the test, a demo server per test, and the data's clock.
import { test as base, expect, Page } from '@playwright/test';
import { startServer, Server, ServerOptions, DATA_NOW } from './server';

/** What went wrong in the page, collected while the test runs. */
export class Guard {
  problems: string[] = [];
  cspViolations: string[] = [];
  /** Set to false where a test provokes failures on purpose and checks them itself. */
  enabled = true;

  attach(page: Page) {
    page.on('pageerror', (e) => this.problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      const text = m.text();
      if (text.startsWith('__csp__')) {
        this.cspViolations.push(text.slice(7));
      } else if (/panicked at|RuntimeError|unreachable executed/.test(text)) {
        this.problems.push(`console ${m.type()}: ${text.slice(0, 500)}`);
      } else if (m.type() === 'error' && /Content Security Policy/.test(text)) {
        this.cspViolations.push(text.slice(0, 300));
      }
    });
    page.on('crash', () => this.problems.push('page crashed'));
  }

  check() {
    expect(this.problems, 'uncaught errors or panics in the page').toEqual([]);
    expect(this.cspViolations, 'CSP violations').toEqual([]);
  }
}

/** Reports every `securitypolicyviolation` to the console, where the Guard reads it. */
const CSP_LISTENER = `
  document.addEventListener('securitypolicyviolation', (e) => {
    console.log('__csp__' + JSON.stringify({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }));
  });
`;

type Fixtures = {
  guard: Guard;
  serverOptions: ServerOptions;
  server: Server;
  /** The instant the page's clock is frozen at (presets resolve against it); null: real time. */
  fixedNow: string | null;
};

export const test = base.extend<Fixtures>({
  guard: async ({}, use) => {
    await use(new Guard());
  },
  fixedNow: [DATA_NOW, { option: true }],
  serverOptions: [{}, { option: true }],
  server: async ({ serverOptions }, use) => {
    const s = await startServer({ faultControl: true, ...serverOptions });
    await use(s);
    await s.stop();
  },
  page: async ({ page, guard, fixedNow }, use) => {
    guard.attach(page);
    await page.addInitScript(CSP_LISTENER);
    if (fixedNow) await page.clock.setFixedTime(new Date(fixedNow));
    await use(page);
    // The page may still be fetching when the test's last check passes (a gather goes
    // on); a `page.route` handler caught mid-fetch then fails with "Test ended.". Only
    // what a handler does while the test runs counts.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    if (guard.enabled) guard.check();
  },
});

export { expect };
