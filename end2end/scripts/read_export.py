"""Reads an exported CSV as a spreadsheet user's tools would, and prints what they saw.

Used by end2end/tests/export.spec.ts: Python's csv module and pandas must both read the
file, agree on the rows, and see every hostile value as text. Prints one JSON object:
{"rows": n, "ids": [...], "columns": [...], "pandas_rows": n, "cells": {id: {column: value}}}.
"""
import csv
import json
import sys

import pandas

path = sys.argv[1]
with open(path, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
frame = pandas.read_csv(path, dtype=str, keep_default_na=False)
assert list(frame.columns) == list(rows[0].keys()) if rows else True, "pandas and csv disagree on columns"
assert len(frame) == len(rows), f"pandas read {len(frame)} rows, csv {len(rows)}"
assert list(frame["id"]) == [r["id"] for r in rows], "pandas and csv disagree on ids"
print(json.dumps({
    "rows": len(rows),
    "pandas_rows": len(frame),
    "columns": list(rows[0].keys()) if rows else [],
    "ids": [r["id"] for r in rows],
    "cells": {r["id"]: r for r in rows[:50]},
}))
