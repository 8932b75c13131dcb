// `make lighthouse`: Lighthouse 12.2.3 (this folder's package-lock.json) in Debian's
// Chromium on the release dashboard and on the floor app (end2end/bench/floor, the
// smallest app on the same stack), both served by `dashboard-server demo` over one
// generated database, mobile (Lighthouse's default) and desktop (`--preset=desktop`),
// 3 runs per route. Prints per route the four category scores, LCP and TBT (median of
// the 3 runs, each figure on its own), the budgets of issue 16 with PASS/MISS, and the
// wasm/JS/CSS/HTML the page requested before its largest contentful paint, raw, gzip -9
// and brotli 11 (node's zlib on the built files, as end2end/bench/bench.mjs counts).
//
// A report, not a test: a missed budget is printed, never fatal; a Lighthouse that does
// not run (or a run with a runtime error) is. Raw results: bench-results/lighthouse.json.
//
// Env: DASHBOARD_SERVER (default target/server/dashboard-server), DIST (default dist),
// CHROMIUM (default /usr/bin/chromium), LH_RUNS (default 3).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const SERVER = path.resolve(REPO, process.env.DASHBOARD_SERVER ?? 'target/server/dashboard-server');
const DIST = path.resolve(REPO, process.env.DIST ?? 'dist');
const FLOOR_DIST = path.join(REPO, 'end2end', 'bench', 'floor', 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const RUNS = Number(process.env.LH_RUNS ?? 3);
const LIGHTHOUSE = path.join(HERE, 'node_modules', '.bin', 'lighthouse');
// ../../shared/TOOLCHAIN.md: without these Chromium keeps trying to reach the internet.
const CHROME_FLAGS = '--headless=new --no-sandbox --disable-background-networking --disable-component-update --no-first-run';
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const CALLS = 20_000;

/** Issue 16, part 2. SEO is no budget: `noindex` is right for a private dashboard. */
const BUDGETS = {
  mobile: { '/': { performance: 95 }, '/analytics?range=24h': { performance: 90 } },
  desktop: { '/': { performance: 100 }, '/analytics?range=24h': { performance: 100 } },
  all: { accessibility: 100, 'best-practices': 100 },
  calls_route_gzip_kib: 230,
};

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const kib = (n) => (n / 1024).toFixed(1);

function startServer(dist, db, now) {
  return new Promise((resolve, reject) => {
    const args = ['demo', '--port', '0', '--dist', dist, '--db', db, '--calls', String(CALLS), '--seed', '42', '--now', now];
    const p = spawn(SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } });
    let out = '', err = '';
    p.stderr.on('data', (d) => (err += d));
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve({ proc: p, url: m[1] });
    });
    p.on('error', (e) => reject(new Error(`cannot run ${SERVER}: ${e.message} (make build-server)`)));
    p.on('exit', (c) => reject(new Error(`server exited ${c}: ${err}`)));
  });
}

/** One Lighthouse run; its JSON report. Throws when Lighthouse fails or reports a runtime error. */
function lighthouse(url, preset) {
  const args = [url, '--output=json', '--output-path=stdout', '--quiet', `--chrome-flags=${CHROME_FLAGS}`, `--only-categories=${CATEGORIES.join(',')}`];
  if (preset === 'desktop') args.push('--preset=desktop');
  return new Promise((resolve, reject) => {
    const p = spawn(LIGHTHOUSE, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CHROME_PATH: CHROMIUM } });
    const out = [];
    let err = '';
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', (e) => reject(new Error(`cannot run ${LIGHTHOUSE}: ${e.message} (npm ci in tools/lighthouse)`)));
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`lighthouse ${url} (${preset}) exited ${code}: ${err.slice(-2000)}`));
      let lhr;
      try {
        lhr = JSON.parse(Buffer.concat(out).toString());
      } catch (e) {
        return reject(new Error(`lighthouse ${url} (${preset}) wrote no report: ${e.message}`));
      }
      if (lhr.runtimeError) return reject(new Error(`lighthouse ${url} (${preset}): ${lhr.runtimeError.code} ${lhr.runtimeError.message}`));
      const missing = CATEGORIES.filter((c) => lhr.categories[c]?.score == null);
      if (missing.length) return reject(new Error(`lighthouse ${url} (${preset}) scored no ${missing.join(', ')}`));
      resolve(lhr);
    });
  });
}

/** What the largest contentful paint painted, as Lighthouse names it (a snippet of HTML). */
function lcpElement(lhr) {
  const audit = lhr.audits['largest-contentful-paint-element'];
  for (const table of audit?.details?.items ?? []) for (const row of table.items ?? []) if (row.node?.snippet) return row.node.snippet.slice(0, 90);
  // Lighthouse 12.2.3's trace gatherer fails on Chromium 156 ("frame_sequence"): say so.
  return `(not reported: ${(audit?.errorMessage ?? 'no element').slice(-70)})`;
}

/** The figures of one run. */
function figures(lhr) {
  const f = {};
  for (const c of CATEGORIES) f[c] = Math.round(lhr.categories[c].score * 100);
  f.lcp_ms = lhr.audits['largest-contentful-paint'].numericValue;
  f.tbt_ms = lhr.audits['total-blocking-time'].numericValue;
  return f;
}

/**
 * The wasm, JS, CSS and HTML a run requested before its largest contentful paint (as
 * Lighthouse observed it, unthrottled), sized from the built files: what the route
 * needed for its first view, not what it prefetched afterwards.
 */
function transfer(lhr, origin, dist) {
  // Both in trace microseconds: request times are ms after `networkStartTimeTs`.
  const lcpTs = lhr.audits.metrics?.details?.items?.[0]?.observedLargestContentfulPaintTs;
  const requests = lhr.audits['network-requests']?.details;
  const startTs = requests?.debugData?.networkStartTimeTs;
  if (!Number.isFinite(lcpTs) || !Number.isFinite(startTs)) throw new Error('the report has no observed LCP or request times');
  const items = requests.items ?? [];
  const files = new Map();
  for (const r of items) {
    if (!r.url.startsWith(origin)) continue;
    const u = new URL(r.url);
    let f = decodeURIComponent(u.pathname).replace(/^\//, '');
    if (f === '' || !path.extname(f)) f = 'index.html';
    if (!/\.(wasm|js|css|html)$/.test(f)) continue;
    if (!(startTs + r.networkRequestTime * 1000 <= lcpTs)) continue;
    const full = path.join(dist, f);
    if (!existsSync(full) || files.has(f)) continue;
    const b = readFileSync(full);
    files.set(f, {
      raw: b.length,
      gzip: zlib.gzipSync(b, { level: 9 }).length,
      brotli: zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    });
  }
  const sum = (k) => [...files.values()].reduce((s, x) => s + x[k], 0);
  return { files: Object.fromEntries(files), raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') };
}

async function main() {
  for (const [what, f] of [['Lighthouse', LIGHTHOUSE], ['Chromium', CHROMIUM], ['dashboard-server', SERVER], ['the site', path.join(DIST, 'index.html')], ['the floor app', path.join(FLOOR_DIST, 'index.html')]]) {
    if (!existsSync(f)) throw new Error(`${what} is missing: ${f} (make lighthouse builds and installs everything)`);
  }
  const version = execFileSync(LIGHTHOUSE, ['--version']).toString().trim();
  const chromium = execFileSync(CHROMIUM, ['--version']).toString().trim();
  const dir = mkdtempSync(path.join(tmpdir(), 'dash-lighthouse-'));
  const db = path.join(dir, 'calls.db');
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
  execFileSync(SERVER, ['generate', '--db', db, '--calls', String(CALLS), '--seed', '42', '--now', now], { stdio: 'ignore' });
  const servers = [];
  const results = [];
  try {
    const app = await startServer(DIST, db, now);
    servers.push(app);
    const floor = await startServer(FLOOR_DIST, db, now);
    servers.push(floor);
    const targets = [
      { app: 'dashboard', route: '/', url: `${app.url}/`, origin: app.url, dist: DIST },
      { app: 'dashboard', route: '/analytics?range=24h', url: `${app.url}/analytics?range=24h`, origin: app.url, dist: DIST },
      { app: 'floor', route: '/', url: `${floor.url}/`, origin: floor.url, dist: FLOOR_DIST },
    ];
    for (const preset of ['mobile', 'desktop']) {
      for (const t of targets) {
        const runs = [];
        for (let i = 0; i < RUNS; i++) {
          process.stderr.write(`== lighthouse ${preset} ${t.app} ${t.route} run ${i + 1}/${RUNS}\n`);
          runs.push(await lighthouse(t.url, preset));
        }
        const each = runs.map(figures);
        const med = {};
        for (const k of Object.keys(each[0])) med[k] = median(each.map((e) => e[k]));
        // The run whose performance score is the median one gives the request list.
        const byPerf = [...runs].sort((a, b) => a.categories.performance.score - b.categories.performance.score);
        const mid = byPerf[Math.floor(RUNS / 2)];
        results.push({ preset, app: t.app, route: t.route, runs: each, median: med, transfer: transfer(mid, t.origin, t.dist), lcpElement: lcpElement(mid), fcp_ms: mid.audits['first-contentful-paint'].numericValue });
      }
    }
  } finally {
    for (const s of servers) s.proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }

  const out = [];
  const line = (s = '') => out.push(s);
  line(`Lighthouse ${version}, ${chromium}, median of ${RUNS} runs per figure`);
  line('(dashboard: dashboard-server demo on 20,000 generated calls; floor: end2end/bench/floor on the same server)');
  for (const preset of ['mobile', 'desktop']) {
    line();
    line(`${preset.padEnd(8)} ${'app'.padEnd(10)} ${'route'.padEnd(22)} perf  a11y  best  seo     LCP      TBT   runs (perf)`);
    for (const r of results.filter((x) => x.preset === preset)) {
      const m = r.median;
      line(`${''.padEnd(8)} ${r.app.padEnd(10)} ${r.route.padEnd(22)} ${String(m.performance).padStart(4)}  ${String(m.accessibility).padStart(4)}  ${String(m['best-practices']).padStart(4)}  ${String(m.seo).padStart(3)}  ${(m.lcp_ms / 1000).toFixed(2).padStart(5)} s  ${Math.round(m.tbt_ms).toString().padStart(4)} ms  ${r.runs.map((x) => x.performance).join(' ')}`);
    }
  }
  line();
  line('What the largest contentful paint was, and the first contentful paint (run with the median score):');
  for (const r of results) line(`  ${r.preset.padEnd(8)} ${r.app.padEnd(10)} ${r.route.padEnd(22)} FCP ${(r.fcp_ms / 1000).toFixed(2)} s  LCP ${r.lcpElement}`);
  line();
  line('Budgets (issue 16, part 2), dashboard:');
  const verdicts = [];
  for (const r of results.filter((x) => x.app === 'dashboard')) {
    const want = { ...BUDGETS.all, ...(BUDGETS[r.preset][r.route] ?? {}) };
    for (const [cat, min] of Object.entries(want)) {
      const got = r.median[cat];
      const ok = got >= min;
      verdicts.push({ preset: r.preset, route: r.route, category: cat, min, got, ok });
      line(`  ${ok ? 'PASS' : 'MISS'}  ${r.preset.padEnd(7)} ${r.route.padEnd(22)} ${cat.padEnd(15)} ${String(got).padStart(3)} (≥ ${min})`);
    }
  }
  line();
  line('Transfer before the largest contentful paint (wasm, JS, CSS, HTML; mobile run with the median score):');
  line(`  ${'app'.padEnd(10)} ${'route'.padEnd(22)} ${'raw KiB'.padStart(9)} ${'gzip-9 KiB'.padStart(11)} ${'brotli KiB'.padStart(11)}`);
  for (const r of results.filter((x) => x.preset === 'mobile')) {
    const t = r.transfer;
    line(`  ${r.app.padEnd(10)} ${r.route.padEnd(22)} ${kib(t.raw).padStart(9)} ${kib(t.gzip).padStart(11)} ${kib(t.brotli).padStart(11)}`);
    for (const [f, s] of Object.entries(t.files)) line(`      ${f.padEnd(40)} ${kib(s.raw).padStart(7)} ${kib(s.gzip).padStart(11)} ${kib(s.brotli).padStart(11)}`);
  }
  const calls = results.find((x) => x.preset === 'mobile' && x.app === 'dashboard' && x.route === '/');
  const gz = calls.transfer.gzip / 1024;
  line(`  ${gz <= BUDGETS.calls_route_gzip_kib ? 'PASS' : 'MISS'}  calls route before first rows at gzip -9: ${gz.toFixed(1)} KiB (≤ ${BUDGETS.calls_route_gzip_kib} KiB)`);
  console.log(out.join('\n'));
  mkdirSync(path.join(REPO, 'bench-results'), { recursive: true });
  writeFileSync(path.join(REPO, 'bench-results', 'lighthouse.json'), JSON.stringify({ version, chromium, runs: RUNS, results, verdicts }, null, 2));
}

main().catch((e) => {
  console.error(`make lighthouse: ${e.message}`);
  process.exit(1);
});
