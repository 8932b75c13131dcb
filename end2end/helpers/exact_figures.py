"""The exact figures of a generated database, read from SQLite: the oracle the sampled
analytics test compares the page with (1,000,000 calls are too many to page through the
API within its rate limit).

Usage: python3 exact_figures.py DB START END SLO_MS  (START/END: Unix seconds, inclusive)
Prints JSON: total, per-status counts, and over the answered calls (connected and
disconnected) the mean and p95 (numpy's linear method) of the total latency and the
share strictly over the SLO; talk time in hours; the mean AI latency over all calls;
each trunk's p95 total latency over its answered calls.
"""
import json
import sqlite3
import sys

db, start, end, slo = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
rows = con.execute(
    "SELECT status, duration_seconds, ai_latency_ms, carrier_lag_ms + ai_latency_ms + gateway_processing_ms, trunk_id"
    " FROM calls WHERE start_time BETWEEN ? AND ?",
    (start, end),
).fetchall()
counts = {}
for status, *_ in rows:
    counts[status] = counts.get(status, 0) + 1


def p95_of(values):
    """numpy's linear 95th percentile of sorted values."""
    n = len(values)
    h = 0.95 * (n - 1)
    lo = int(h)
    hi = min(lo + 1, n - 1)
    return values[lo] + (values[hi] - values[lo]) * (h - lo)


answered = [r for r in rows if r[0] in ("connected", "disconnected")]
totals = sorted(r[3] for r in answered)
n = len(totals)
p95 = p95_of(totals)
by_trunk = {}
for r in answered:
    by_trunk.setdefault(r[4], []).append(r[3])
print(json.dumps({
    "total": len(rows),
    "counts": counts,
    "mean_total": sum(totals) / n,
    "p95_total": p95,
    "over_slo": sum(1 for t in totals if t > slo) / n,
    "talk_hours": sum(r[1] for r in rows) / 3600,
    "mean_ai": sum(r[2] for r in rows) / len(rows),
    "trunk_p95": {t: p95_of(sorted(v)) for t, v in by_trunk.items()},
}))
