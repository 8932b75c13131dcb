// The plain-JS baseline the dashboard is measured against: the same API requests, a
// vanilla DOM table of the same 11 columns, the same gathering (100 per request, 4 at
// a time), statistics in plain JS, and the same time series drawn with uPlot.
'use strict';
const API = '/v1/calls';
const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
const ms = (n) => `${Math.round(n)} ms`;
const dur = (s) => (s >= 3600 ? `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
  : s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s` : `${s}s`);

function render(calls) {
  const tbody = document.getElementById('rows');
  const frag = document.createDocumentFragment();
  for (const c of calls) {
    const tr = document.createElement('tr');
    const total = c.carrier_lag_ms + c.ai_latency_ms + c.gateway_processing_ms;
    const cells = [c.id, c.trunk_id, c.from, c.to, c.status, c.start_time.replace('T', ' ').replace('Z', ''),
      dur(c.duration_seconds), ms(c.carrier_lag_ms), ms(c.ai_latency_ms), ms(c.gateway_processing_ms), ms(total)];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i >= 6) td.className = 'num';
      tr.appendChild(td);
    });
    frag.appendChild(tr);
  }
  tbody.replaceChildren(frag);
}

/** Fetch one page and render it; ms from the request to the painted frame. */
window.renderPage = async function (query) {
  const t0 = performance.now();
  const body = await (await fetch(`${API}?${query}`)).json();
  render(body.calls);
  await frame();
  return performance.now() - t0;
};

let gathered = [];
/** Pages through the filtered set like the dashboard: 100 per request, 4 in flight. */
window.gather = async function (cap) {
  const t0 = performance.now();
  const first = await (await fetch(`${API}?limit=100&offset=0`)).json();
  const target = Math.min(first.pagination.total, cap);
  const pages = [first.calls];
  const offsets = [];
  for (let o = 100; o < target; o += 100) offsets.push(o);
  let next = 0;
  async function worker() {
    while (next < offsets.length) {
      const i = next++;
      const limit = Math.min(100, target - offsets[i]);
      const body = await (await fetch(`${API}?limit=${limit}&offset=${offsets[i]}`)).json();
      pages[i + 1] = body.calls;
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()]);
  gathered = pages.flat();
  return { ms: performance.now() - t0, calls: gathered.length };
};

function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i), hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

/** The dashboard's headline statistics in plain JS, over what was gathered. */
window.stats = function () {
  const t0 = performance.now();
  const counts = {};
  let duration = 0, ai = 0;
  const carrier = [], aiL = [], gw = [], total = [];
  for (const c of gathered) {
    counts[c.status] = (counts[c.status] || 0) + 1;
    duration += c.duration_seconds;
    ai += c.ai_latency_ms;
    carrier.push(c.carrier_lag_ms); aiL.push(c.ai_latency_ms); gw.push(c.gateway_processing_ms);
    total.push(c.carrier_lag_ms + c.ai_latency_ms + c.gateway_processing_ms);
  }
  const out = {};
  for (const [k, v] of Object.entries({ carrier, ai: aiL, gw, total })) {
    v.sort((a, b) => a - b);
    out[k] = { p50: quantile(v, 0.5), p95: quantile(v, 0.95), mean: v.reduce((a, b) => a + b, 0) / v.length };
  }
  out.counts = counts; out.hours = duration / 3600; out.avgAi = ai / gathered.length;
  return { ms: performance.now() - t0, out };
};

/** Hourly mean latency per segment, drawn with uPlot; ms of the draw alone. */
window.drawSeries = async function (width) {
  const buckets = new Map();
  for (const c of gathered) {
    const t = Math.floor(Date.parse(c.start_time) / 3600000) * 3600;
    let b = buckets.get(t);
    if (!b) buckets.set(t, (b = [0, 0, 0, 0]));
    b[0] += c.carrier_lag_ms; b[1] += c.ai_latency_ms; b[2] += c.gateway_processing_ms; b[3]++;
  }
  const xs = [...buckets.keys()].sort((a, b) => a - b);
  const data = [xs, ...[0, 1, 2].map((k) => xs.map((x) => buckets.get(x)[k] / buckets.get(x)[3]))];
  document.getElementById('chart').replaceChildren();
  const t0 = performance.now();
  let drawn = NaN;
  new uPlot({
    width, height: 280,
    // uPlot draws in a microtask after construction: time until its draw hook fires.
    hooks: { draw: [() => { drawn = performance.now(); }] },
    series: [{}, { label: 'Carrier', stroke: '#7c3aed' }, { label: 'AI', stroke: '#2563eb' }, { label: 'Gateway', stroke: '#d97706' }],
  }, data, document.getElementById('chart'));
  await new Promise((r) => setTimeout(r, 0));
  return { ms: drawn - t0, buckets: xs.length };
};

// The page's own controls, timed like the dashboard times itself: the measure
// `baseline:rows` runs from the handler to the frame with the new rows.
let status = '';
let current = 0;
// The same immediate feedback as the dashboard: the table is marked busy, the chosen
// status button pressed and the page box cleared before the answer arrives.
const table = document.querySelector('table');
async function show(query) {
  const n = ++current;
  performance.mark('baseline:rows:start');
  table.setAttribute('aria-busy', 'true');
  const body = await (await fetch(`${API}?${query}`)).json();
  if (n !== current) return; // superseded, like the dashboard's aborted requests
  render(body.calls);
  table.setAttribute('aria-busy', 'false');
  await frame();
  performance.measure('baseline:rows', 'baseline:rows:start');
}
document.getElementById('jump-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = document.getElementById('jump');
  const page = Math.max(1, parseInt(input.value, 10) || 1);
  input.value = '';
  show(`limit=20&offset=${(page - 1) * 20}${status}`);
});
for (const b of document.querySelectorAll('.filters [data-status]')) {
  b.addEventListener('click', () => {
    status = b.dataset.status === 'all' ? '' : `&status=${b.dataset.status}`;
    for (const o of document.querySelectorAll('.filters [data-status]')) o.setAttribute('aria-pressed', String(o === b));
    show(`limit=20&offset=0${status}`);
  });
}

window.__firstRows = window.renderPage('limit=20&offset=0');
