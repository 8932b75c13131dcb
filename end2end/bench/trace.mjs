// Where a page or filter change spends its time: a Chromium trace of N changes on the
// calls view of a running dashboard, summarised per change. Not a test, not a budget:
// the tool behind the table-render figures in ARCHITECTURE.md.
//
//   node bench/trace.mjs http://127.0.0.1:8080 [page|filter] [N]
//
// Prints the median time from the `dashboard:rows` start mark to the painted rows, how
// long after that mark the request left, and the browser's main-thread time per change
// by kind (script, style, layout, paint). Start a server first, e.g. `make demo`, or
// `dashboard-server demo --port 8099 --calls 100000 --rate-limit 0` for a big account.
import { chromium } from '@playwright/test';

const [url = 'http://127.0.0.1:8080', mode = 'page', n = '10'] = process.argv.slice(2);
if (!['page', 'filter'].includes(mode)) throw new Error(`mode is page or filter, not ${mode}`);
const N = Number(n);
const STATUSES = ['failed', 'connected', 'disconnected', 'all'];
const KINDS = {
  script: ['FunctionCall', 'EventDispatch', 'FireAnimationFrame', 'TimerFire'],
  style: ['UpdateLayoutTree'],
  layout: ['Layout'],
  paint: ['PrePaint', 'Paint', 'Layerize'],
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${url}/`);
  await page.waitForSelector('tbody tr.row');
  await page.waitForTimeout(500);
  const chunks = [];
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Tracing.dataCollected', ({ value }) => chunks.push(...value));
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['devtools.timeline', 'blink.user_timing'] } });
  const totals = [];
  for (let i = 0; i < N; i++) {
    // One change, driven inside the page so no automation sits in the measured path.
    totals.push(await page.evaluate(async ([i, mode, statuses]) => {
      const t = performance.now();
      if (mode === 'page') {
        const input = document.querySelector('#jump');
        input.value = String(2 + i * 7);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.form.requestSubmit();
      } else {
        document.querySelector(`.filters [data-status=${statuses[i % statuses.length]}]`).click();
      }
      for (let k = 0; k < 600; k++) {
        await new Promise((r) => requestAnimationFrame(r));
        const m = performance.getEntriesByName('dashboard:rows', 'measure').filter((e) => e.startTime >= t).pop();
        if (m) return m.duration;
      }
      throw new Error('no dashboard:rows measure within 600 frames');
    }, [i, mode, STATUSES]));
    await page.waitForTimeout(100);
  }
  await cdp.send('Tracing.end');
  await done;

  // Each change runs from its start mark to the next one (or 200 ms).
  const starts = chunks.filter((e) => e.name === 'dashboard:rows:start').map((e) => e.ts).sort((a, b) => a - b);
  const sent = [];
  const perKind = Object.fromEntries(Object.keys(KINDS).map((k) => [k, 0]));
  starts.forEach((t0, i) => {
    const t1 = starts[i + 1] ?? t0 + 200_000;
    const within = chunks.filter((e) => e.ts >= t0 - 2_000 && e.ts < t1);
    const req = within.find((e) => e.name === 'ResourceSendRequest' && String(e.args?.data?.url).includes('/v1/calls?'));
    if (req) sent.push((req.ts - t0) / 1000);
    // Only outermost events count: a FunctionCall inside an EventDispatch, or a Paint
    // inside a Paint, is time already counted.
    const busyUntil = new Map();
    for (const e of within.filter((e) => e.ph === 'X' && e.dur).sort((a, b) => a.ts - b.ts)) {
      const kind = Object.keys(KINDS).find((k) => KINDS[k].includes(e.name));
      if (!kind || e.ts < (busyUntil.get(e.tid) ?? 0)) continue;
      busyUntil.set(e.tid, e.ts + e.dur);
      perKind[kind] += e.dur / 1000;
    }
  });
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
  console.log(`${mode} change ×${N} at ${url}`);
  console.log(`  to painted rows: median ${median(totals).toFixed(1)} ms (all: ${totals.map((x) => x.toFixed(0)).join(' ')})`);
  console.log(`  request left:    median ${median(sent).toFixed(2)} ms after the start mark`);
  for (const [kind, ms] of Object.entries(perKind)) console.log(`  ${kind.padEnd(7)} ${(ms / starts.length).toFixed(2)} ms per change (main thread, traced)`);
} finally {
  await browser.close();
}
