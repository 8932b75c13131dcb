// `make bench`: the release site in headless Chromium against the local server with
// 10,000, 100,000 and 1,000,000 calls, side by side with a plain-JS + uPlot baseline
// page making the same requests. Prints a table and writes bench-results/e2e.json.
//
// Env: DASHBOARD_SERVER (default target/server/dashboard-server, else the debug one),
// DIST (default dist), BENCH_SIZES (default 10000,100000,1000000), CHROMIUM.
import { chromium } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const pick = (...c) => c.find((p) => p && existsSync(p));
const SERVER = path.resolve(REPO, process.env.DASHBOARD_SERVER ?? pick(path.join(REPO, 'target/server/dashboard-server'), path.join(REPO, 'target/debug/dashboard-server')));
const DIST = path.resolve(REPO, process.env.DIST ?? 'dist');
// The smallest app on the same stack (bench/floor, built by `make bench`), if built.
const FLOOR_DIST = path.join(HERE, 'floor', 'dist');
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const NOW = '2026-11-20T12:00:00Z';
// Page and filter changes per size: 81 made from inside the page and 15 through
// Playwright's input (slower to drive). A single change shows its rows in one frame or
// the next, 16.7 ms later, so the figure is the mean: a median jumps between the two.
const REPEAT = 81;
const REPEAT_PW = 15;
const STATUSES = ['failed', 'connected', 'disconnected', 'all'];
const CAP = 100_000; // the dashboard's gathering cap (src/gather.rs)
const BUDGET = { gzipKiB: 230, tableRatio: 1.2, seriesRatio: 1.5, gather10kMs: 1500, stats100kMs: 20, sampledFiguresMs: 15_000, sampled429s: 0 };

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
const r1 = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
const r2 = (x) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);

function transferSize(dist) {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:href|src)="\.?\/?([^"]*)"/g)].map((m) => m[1]).filter((f) => f && !f.endsWith('/') && existsSync(path.join(dist, f)));
  const boot = refs.filter((f) => f.endsWith('.js')).flatMap((f) => {
    const js = readFileSync(path.join(dist, f), 'utf8');
    // What a script loads at once: its static imports and the wasm it boots. The split
    // loader's `new URL("./chunk.wasm", …)` are fetched later, on demand or when idle.
    return [...js.matchAll(/(?:\bfrom\s*|\bimport\s*|module_or_path:\s*)['"]\.?\/?([\w.-]+\.(?:js|wasm))['"]/g)].map((m) => m[1]);
  });
  const files = ['index.html', 'config.json', ...new Set([...refs, ...boot])].filter((f) => f && !f.endsWith('/') && existsSync(path.join(dist, f)));
  // The module the boot script imports names its wasm file by convention.
  for (const f of [...files]) if (f.endsWith('.js') && !f.startsWith('boot')) {
    const wasm = f.replace(/\.js$/, '_bg.wasm');
    if (existsSync(path.join(dist, wasm)) && !files.includes(wasm)) files.push(wasm);
  }
  const out = { files: {}, raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) {
    const b = readFileSync(path.join(dist, f));
    const g = zlib.gzipSync(b, { level: 9 }).length;
    const br = zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    out.files[f] = { raw: b.length, gzip: g, brotli: br };
    out.raw += b.length; out.gzip += g; out.brotli += br;
  }
  return out;
}

function startServer(db, n, rateLimit = 0) {
  return new Promise((resolve, reject) => {
    const p = spawn(SERVER, ['demo', '--port', '0', '--dist', DIST, '--db', db, '--calls', String(n), '--seed', '42', '--now', NOW, '--rate-limit', String(rateLimit)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } });
    let out = '', err = '';
    p.stderr.on('data', (d) => (err += d));
    p.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (http:\/\/\S+)/); if (m) resolve({ proc: p, url: m[1] }); });
    p.on('exit', (c) => reject(new Error(`server exited ${c}: ${err}`)));
  });
}

const FIRST_ROWS = `
  new MutationObserver((_, o) => {
    if (document.querySelector('tbody tr.row, #rows tr')) { window.__firstRowsAt = performance.now(); o.disconnect(); }
  }).observe(document, { childList: true, subtree: true });`;

async function lastMeasure(page, name, after) {
  const handle = await page.waitForFunction(([n, a]) => {
    const e = performance.getEntriesByName(n, 'measure').filter((m) => m.startTime >= a);
    return e.length ? e[e.length - 1].duration : null;
  }, [name, after], { timeout: 60_000 });
  return handle.jsonValue();
}

// Page and filter changes, timed by the page itself from its input handler to the
// frame that shows the new rows (`dashboard:rows` in the app, `baseline:rows` in the
// baseline). Both pages have the same two controls, a page box and the status buttons,
// and each change is made in one of two ways:
// - `inPage`: the change is made from inside the page after a random 0–17 ms pause
//   (so changes land anywhere in the 60 Hz frame), and the result is polled with
//   timers, which request no frames. Nothing from the test sits in the timed span:
//   these are the figures the budget compares.
// - `playwright`: real input through Playwright (fill + Enter, click) and
//   `waitForFunction`, as a user's input would arrive. The input's own hover and
//   focus frames, and the polling, add about a frame to both pages.
async function change(page, how, kind, measure, i) {
  const status = STATUSES[i % STATUSES.length];
  // Distinct pages 2..41, one after another: within range even for the smallest
  // filtered set (about 840 failed calls, 42 pages, at 10,000), where a larger page
  // would be clamped to the last one and change nothing.
  const target = String(2 + ((i * 7) % 40));
  if (how === 'playwright') {
    const t = await page.evaluate(() => performance.now());
    if (kind === 'page') {
      await page.locator('#jump').fill(target);
      await page.locator('#jump').press('Enter');
    } else {
      await page.locator(`.filters [data-status=${status}]`).click();
    }
    return lastMeasure(page, measure, t);
  }
  return page.evaluate(async ([kind, target, status, measure, pause]) => {
    await new Promise((r) => setTimeout(r, pause));
    const t = performance.now();
    if (kind === 'page') {
      const input = document.querySelector('#jump');
      input.value = target;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.form.requestSubmit();
    } else {
      document.querySelector(`.filters [data-status=${status}]`).click();
    }
    for (let k = 0; k < 3000; k++) {
      await new Promise((r) => setTimeout(r, 20));
      const m = performance.getEntriesByName(measure, 'measure').filter((e) => e.startTime >= t).pop();
      if (m) return m.duration;
    }
    throw new Error(`no ${measure} within 60 s`);
  }, [kind, target, status, measure, Math.random() * 17]);
}

// The app and the baseline are open side by side (two windows, both at 60 Hz) and take
// turns, change by change, the first of each pair alternating: whatever else the machine
// does at a moment falls on both. The ratio of the means comes with a 95 % interval from
// resampling the pairs, so a verdict within the noise can be told from a real one.
async function pairedChanges(app, base, how, kind, res) {
  const a = [], b = [];
  const n = how === 'playwright' ? REPEAT_PW : REPEAT;
  for (let i = 0; i < n; i++) {
    const order = i % 2 ? [[base, 'baseline:rows', b], [app, 'dashboard:rows', a]] : [[app, 'dashboard:rows', a], [base, 'baseline:rows', b]];
    for (const [page, measure, out] of order) out.push(await change(page, how, kind, measure, i));
  }
  const suffix = `${kind}_change${how === 'playwright' ? '_pw' : ''}`;
  res[`app_${suffix}_ms`] = r1(mean(a));
  res[`base_${suffix}_ms`] = r1(mean(b));
  res[`ratio_${suffix}`] = r2(mean(a) / mean(b));
  res[`ratio_${suffix}_ci95`] = ratioInterval(a, b).map(r2);
}

// 95 % percentile interval of mean(a) / mean(b) over resampled pairs.
function ratioInterval(a, b, rounds = 4000) {
  const n = a.length, ratios = [];
  for (let k = 0; k < rounds; k++) {
    let sa = 0, sb = 0;
    for (let j = 0; j < n; j++) { const i = Math.floor(Math.random() * n); sa += a[i]; sb += b[i]; }
    ratios.push(sa / sb);
  }
  ratios.sort((x, y) => x - y);
  return [ratios[Math.floor(rounds * 0.025)], ratios[Math.floor(rounds * 0.975)]];
}

async function benchSize(browser, n, dir) {
  const db = path.join(dir, `calls-${n}.db`);
  const g0 = Date.now();
  execFileSync(SERVER, ['generate', '--db', db, '--calls', String(n), '--seed', '42', '--now', NOW], { stdio: 'ignore' });
  const generateS = (Date.now() - g0) / 1000;
  const server = await startServer(db, n);
  const res = { calls: n, generate_s: r1(generateS) };
  try {
    // One context each: two pages of one context share a window in headless Chromium,
    // and the one behind gets its frames held back (up to a second, measured).
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const baseCtx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    for (const c of [ctx, baseCtx]) await c.addInitScript(FIRST_ROWS);
    // The baseline is served on the same origin as the dashboard, with the same API.
    await baseCtx.route(`${server.url}/__baseline/**`, (route) => {
      const f = new URL(route.request().url()).pathname.replace('/__baseline/', '');
      const file = f.startsWith('uPlot') ? path.join(HERE, '..', 'node_modules', 'uplot', 'dist', f) : path.join(HERE, f);
      const type = f.endsWith('.css') ? 'text/css' : f.endsWith('.js') ? 'text/javascript' : 'text/html';
      route.fulfill({ body: readFileSync(file), contentType: type });
    });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForSelector('tbody tr.row');
    res.app_first_rows_ms = r1(await page.evaluate(() => window.__firstRowsAt));
    const base = await baseCtx.newPage();
    await base.goto(`${server.url}/__baseline/baseline.html`);
    await base.evaluate(() => window.__firstRows);
    res.base_first_rows_ms = r1(await base.evaluate(() => window.__firstRowsAt));
    for (const how of ['inPage', 'playwright']) for (const kind of ['page', 'filter']) await pairedChanges(page, base, how, kind, res);
    await page.goto(`${server.url}/analytics`);
    await page.waitForSelector('.gather-done', { timeout: 900_000 });
    await page.waitForFunction(() => document.querySelectorAll('.chart-frame svg').length === 5, null, { timeout: 120_000 });
    const m = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('measure').map((e) => [e.name, e.duration])));
    res.app_gather_ms = r1(m['dashboard:gather']);
    res.app_stats_ms = r1(m['dashboard:stats']);
    for (const c of ['latency', 'volume', 'distribution', 'trunks', 'heatmap']) res[`app_chart_${c}_ms`] = r1(m[`dashboard:chart:${c}`]);
    res.app_gathered = await page.locator('.gather-done').textContent();
    await ctx.close();
    // The same requests as bare function calls (fetch, render, frame) with no control,
    // no feedback and no test code in the timed span, after the same random pause:
    // the floor any page with controls starts from, reported beside the budget figures.
    const bare = (q) => base.evaluate(async ([q, pause]) => {
      await new Promise((r) => setTimeout(r, pause));
      return window.renderPage(q);
    }, [q, Math.random() * 17]);
    const cPage = [], cFilter = [];
    for (let i = 0; i < REPEAT; i++) cPage.push(await bare(`limit=20&offset=${(1 + i * 7) * 20}`));
    for (let i = 0; i < REPEAT; i++) cFilter.push(await bare(`limit=20&offset=0${STATUSES[i % 4] === 'all' ? '' : `&status=${STATUSES[i % 4]}`}`));
    res.base_page_call_ms = r1(mean(cPage));
    res.base_filter_call_ms = r1(mean(cFilter));
    const bg = await base.evaluate((cap) => window.gather(cap), CAP);
    res.base_gather_ms = r1(bg.ms);
    res.base_gathered = bg.calls;
    res.base_stats_ms = r1(median(await Promise.all([0, 1, 2].map(() => base.evaluate(() => window.stats().ms)))));
    const chartWidth = await base.evaluate(() => Math.min(664, innerWidth - 40));
    res.base_series_ms = r1(median([await base.evaluate((w) => window.drawSeries(w).then((d) => d.ms), chartWidth), await base.evaluate((w) => window.drawSeries(w).then((d) => d.ms), chartWidth), await base.evaluate((w) => window.drawSeries(w).then((d) => d.ms), chartWidth)]));
    await baseCtx.close();
  } finally {
    server.proc.kill('SIGTERM');
  }
  res.ratio_series_draw = r1(res.app_chart_latency_ms / res.base_series_ms);
  res.ratio_gather = r1(res.app_gather_ms / res.base_gather_ms);
  // Past the cap the analytics view samples: time from navigation to its figures, the
  // requests it sent and the 429s it received, unthrottled and under the documented
  // rate limit of 600 a minute (issue 15's goals: 15 s, and no 429).
  if (n > CAP) {
    for (const [key, limit] of [['sampled', 0], ['sampled_600', 600]]) {
      const s = await startServer(db, n, limit);
      try {
        const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        await ctx.clock.setFixedTime(new Date(NOW));
        const page = await ctx.newPage();
        const seen = [];
        page.on('response', (r) => { if (new URL(r.url()).pathname === '/v1/calls') seen.push(r.status()); });
        const t0 = Date.now();
        await page.goto(`${s.url}/analytics?range=30d&tz=utc`);
        await page.waitForFunction(() => /^Estimated from/.test(document.querySelector('.gather-done')?.textContent ?? ''), null, { timeout: 600_000 });
        res[`${key}_figures_ms`] = Date.now() - t0;
        res[`${key}_requests`] = seen.length;
        res[`${key}_429s`] = seen.filter((x) => x === 429).length;
        res[`${key}_text`] = await page.locator('.gather-done').textContent();
        await ctx.close();
      } finally {
        s.proc.kill('SIGTERM');
      }
    }
  }
  return res;
}

async function main() {
  const transfer = transferSize(DIST);
  const floor = existsSync(path.join(FLOOR_DIST, 'index.html')) ? transferSize(FLOOR_DIST) : null;
  const dir = mkdtempSync(path.join(tmpdir(), 'dash-bench-'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const runs = [];
  try {
    for (const n of SIZES) {
      process.stderr.write(`== ${n.toLocaleString('en-US')} calls\n`);
      runs.push(await benchSize(browser, n, dir));
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const at = (n) => runs.find((r) => r.calls === n);
  const worst = (k) => Math.max(...runs.map((r) => r[k]).filter(Number.isFinite));
  // The size where a ratio is worst, with its 95 % interval.
  const worstAt = (k) => runs.reduce((w, r) => (Number.isFinite(r[k]) && (!w || r[k] > w[k]) ? r : w), null);
  const ratioBudget = (name, k) => {
    const w = worstAt(k);
    return { name, value: w?.[k] ?? null, interval95: w?.[`${k}_ci95`] ?? null, at: w?.calls ?? null, limit: BUDGET.tableRatio };
  };
  const budgets = [
    { name: 'calls route before first rows, gzip -9 (KiB)', value: r1(transfer.gzip / 1024), limit: BUDGET.gzipKiB },
    ratioBudget('table render vs baseline, page change (worst ratio)', 'ratio_page_change'),
    ratioBudget('table render vs baseline, filter change (worst ratio)', 'ratio_filter_change'),
    { name: 'time-series draw vs uPlot (worst ratio)', value: worst('ratio_series_draw'), limit: BUDGET.seriesRatio },
    { name: 'gathering 10,000 calls (ms)', value: at(10000)?.app_gather_ms ?? null, limit: BUDGET.gather10kMs },
    { name: 'statistics on 100,000 calls (ms)', value: at(100000)?.app_stats_ms ?? null, limit: BUDGET.stats100kMs },
    { name: '1,000,000 calls: time to sampled figures, unthrottled (ms)', value: at(1000000)?.sampled_figures_ms ?? null, limit: BUDGET.sampledFiguresMs },
    { name: '1,000,000 calls: time to sampled figures at 600 requests a minute (ms)', value: at(1000000)?.sampled_600_figures_ms ?? null, limit: BUDGET.sampledFiguresMs },
    { name: '1,000,000 calls: 429s received at 600 requests a minute', value: at(1000000)?.sampled_600_429s ?? null, limit: BUDGET.sampled429s },
  ].map((b) => ({ ...b, pass: b.value !== null && Number.isFinite(b.value) && b.value <= b.limit }))
    // A verdict whose interval straddles the limit could have gone either way.
    .map((b) => ({ ...b, within_noise: Boolean(b.interval95 && b.interval95[0] <= b.limit && b.interval95[1] > b.limit) }));
  const result = { when: new Date().toISOString(), server: SERVER, dist: DIST, chromium: browser.version?.() ?? null, transfer, stack_floor_transfer: floor, runs, budgets };
  const outDir = path.join(REPO, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'e2e.json'), JSON.stringify(result, null, 2));

  const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
  console.log(`\nInitial transfer: raw ${kib(transfer.raw)}, gzip ${kib(transfer.gzip)}, brotli ${kib(transfer.brotli)}`);
  if (floor) {
    console.log(`  the stack's floor (bench/floor: one route, one fetched table, same build): raw ${kib(floor.raw)}, gzip ${kib(floor.gzip)}, brotli ${kib(floor.brotli)}`);
    console.log(`  of the ${BUDGET.gzipKiB} KiB gzip budget, ${kib(BUDGET.gzipKiB * 1024 - floor.gzip)} are left for the dashboard's own code, styles and markup`);
  }
  const rows = [
    ['first rows (ms, from navigation)', 'app_first_rows_ms', 'base_first_rows_ms'],
    ['page change (ms, input→frame)', 'app_page_change_ms', 'base_page_change_ms'],
    ['filter change (ms, input→frame)', 'app_filter_change_ms', 'base_filter_change_ms'],
    ['page change, Playwright input', 'app_page_change_pw_ms', 'base_page_change_pw_ms'],
    ['filter change, Playwright input', 'app_filter_change_pw_ms', 'base_filter_change_pw_ms'],
    ['page change vs a bare fetch+render', 'app_page_change_ms', 'base_page_call_ms'],
    ['filter change vs a bare fetch+render', 'app_filter_change_ms', 'base_filter_call_ms'],
    ['gathering (ms)', 'app_gather_ms', 'base_gather_ms'],
    ['statistics (ms)', 'app_stats_ms', 'base_stats_ms'],
    ['latency chart draw (ms) vs uPlot', 'app_chart_latency_ms', 'base_series_ms'],
    ['volume chart draw (ms)', 'app_chart_volume_ms', null],
    ['distribution chart draw (ms)', 'app_chart_distribution_ms', null],
    ['trunks chart draw (ms)', 'app_chart_trunks_ms', null],
    ['heatmap draw (ms)', 'app_chart_heatmap_ms', null],
  ];
  const head = ['measure', ...runs.map((r) => `${r.calls.toLocaleString('en-US')}: app / base`)];
  const interval = (r, a, b) => {
    const k = a.replace(/^app_/, 'ratio_').replace(/_ms$/, '_ci95');
    return b === a.replace(/^app_/, 'base_') && r[k] ? ` [${r[k][0].toFixed(2)}–${r[k][1].toFixed(2)}]` : '';
  };
  // A paired row prints the ratio the budget uses (of the unrounded means).
  const ratio = (r, a, b) => {
    const k = a.replace(/^app_/, 'ratio_').replace(/_ms$/, '');
    return b === a.replace(/^app_/, 'base_') && Number.isFinite(r[k]) ? r[k] : r[a] / r[b];
  };
  const table = rows.map(([label, a, b]) => [label, ...runs.map((r) => `${r[a] ?? '–'} / ${b ? r[b] ?? '–' : '–'}${b && r[a] && r[b] ? ` (×${ratio(r, a, b).toFixed(2)}${interval(r, a, b)})` : ''}`)]);
  const widths = head.map((_, i) => Math.max(...[head, ...table].map((row) => String(row[i]).length)));
  for (const row of [head, ...table]) console.log(row.map((c, i) => String(c).padEnd(widths[i])).join(' | '));
  console.log('\n[a–b]: 95 % interval of the ratio, from resampling the paired changes.');
  console.log('\nGathered:', runs.map((r) => `${r.calls}: app "${r.app_gathered}", baseline ${r.base_gathered}`).join('; '));
  for (const r of runs.filter((r) => r.sampled_requests)) {
    console.log(`\nSampled analytics, ${r.calls.toLocaleString('en-US')} calls (last 30 days): "${r.sampled_text}"`);
    console.log(`  unthrottled: figures after ${r.sampled_figures_ms} ms, ${r.sampled_requests} requests, ${r.sampled_429s} × 429`);
    console.log(`  --rate-limit 600: figures after ${r.sampled_600_figures_ms} ms, ${r.sampled_600_requests} requests, ${r.sampled_600_429s} × 429`);
    console.log(`  (a full gather would take ${Math.ceil(r.calls / 100).toLocaleString('en-US')} requests of 100)`);
  }
  console.log('\nBudgets:');
  for (const b of budgets) {
    const ci = b.interval95 ? `, 95 % interval ${b.interval95[0]}–${b.interval95[1]} at ${b.at.toLocaleString('en-US')} calls${b.within_noise ? ', within the noise' : ''}` : '';
    const verdict = b.value === null ? 'N/A ' : b.pass ? 'PASS' : 'MISS';
    console.log(`  ${verdict}  ${b.name}: ${b.value ?? 'not measured (size not in BENCH_SIZES)'} (limit ${b.limit}${ci})`);
  }
  console.log(`\nwrote ${path.relative(process.cwd(), path.join(outDir, 'e2e.json'))}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
