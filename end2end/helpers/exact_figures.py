"""The exact figures of a generated database, read from SQLite: the oracle the sampled
analytics test compares the page with (1,000,000 calls are too many to page through the
API within its rate limit).

Usage: python3 exact_figures.py DB START END SLO_MS  (START/END: Unix seconds, inclusive)
Prints JSON: total, per-status counts, and over the answered calls (connected and
disconnected) the mean and p95 (numpy's linear method) of the total latency and the
share strictly over the SLO; talk time in hours; the mean AI latency over all calls.
"""
import json
import sqlite3
import sys

db, start, end, slo = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
rows = con.execute(
    "SELECT status, duration_seconds, ai_latency_ms, carrier_lag_ms + ai_latency_ms + gateway_processing_ms"
    " FROM calls WHERE start_time BETWEEN ? AND ?",
    (start, end),
).fetchall()
counts = {}
for status, *_ in rows:
    counts[status] = counts.get(status, 0) + 1
totals = sorted(t for s, _, _, t in rows if s in ("connected", "disconnected"))
n = len(totals)
h = 0.95 * (n - 1)
lo = int(h)
hi = min(lo + 1, n - 1)
p95 = totals[lo] + (totals[hi] - totals[lo]) * (h - lo)
print(json.dumps({
    "total": len(rows),
    "counts": counts,
    "mean_total": sum(totals) / n,
    "p95_total": p95,
    "over_slo": sum(1 for t in totals if t > slo) / n,
    "talk_hours": sum(d for _, d, _, _ in rows) / 3600,
    "mean_ai": sum(a for _, _, a, _ in rows) / len(rows),
}))
