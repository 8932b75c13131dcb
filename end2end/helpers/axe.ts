// axe-core from npm, evaluated into the page over the DevTools protocol (which the
// page's CSP does not govern, so no bypassCSP is needed and the CSP stays under test).
import { readFileSync } from 'node:fs';
import { Page, expect } from '@playwright/test';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** Runs axe on the page; returns the serious and critical findings. */
export async function axeSerious(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(`${AXE_SOURCE}\n;void 0`);
  const result: any = await page.evaluate(() =>
    (window as any).axe.run(document, { resultTypes: ['violations'] }),
  );
  return result.violations
    .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
    .map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n: any) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 3).join(' ')}`),
    }));
}

export async function expectAccessible(page: Page, view: string): Promise<void> {
  const findings = await axeSerious(page);
  const text = findings.map((f) => `${f.impact} ${f.id}: ${f.help}\n    ${f.nodes.join('\n    ')}`).join('\n');
  expect(findings, `axe serious/critical findings on ${view}:\n${text}`).toEqual([]);
}
