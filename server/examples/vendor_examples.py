"""The vendor's Python examples for GET /v1/calls, run against a Telepath-compatible API.

The four vendor snippets below (the "past 24 hours" example and the functions
get_failed_calls, get_average_latency and generate_daily_report) are copied from the
Telepath Voice call-history document unchanged, except for two things:
  - the base URL: "https://api.telepathvoice.com/v1" became BASE_URL, read from
    TELEPATH_BASE_URL (default: the real service);
  - the key: "sk_live_abc123def456..." became the value of TELEPATH_API_KEY.
Everything after the "harness" line is not vendor code: it calls the examples and checks
what they return. generate_daily_report asks for limit=1000, which this API (like the
contract it implements) answers with 400 INVALID_PARAMETER, so that function fails with
a KeyError on 'calls' by design; the harness shows the 400 and then the same report
computed by paging with limit=100.

Usage: TELEPATH_BASE_URL=http://127.0.0.1:8081/v1 TELEPATH_API_KEY=sk_test_demo_telepath_dashboard \
       python3 server/examples/vendor_examples.py
"""

import os
import sys

BASE_URL = os.environ.get("TELEPATH_BASE_URL", "https://api.telepathvoice.com/v1")

# ---- vendor example: calls from the past 24 hours ---------------------------------
import requests
from datetime import datetime, timedelta

API_KEY = os.environ["TELEPATH_API_KEY"]
headers = {
    "Authorization": f"Bearer {API_KEY}",
    "Content-Type": "application/json"
}

# Get calls from past 24 hours
yesterday = (datetime.now() - timedelta(days=1)).isoformat()
response = requests.get(
    f"{BASE_URL}/calls",
    headers=headers,
    params={
        "limit": 20,
        "status": "connected",
        "start_date": yesterday
    }
)
calls = response.json()


# ---- vendor example functions -------------------------------------------------------
def get_failed_calls(api_key, hours=24):
    """Get calls that failed in the last N hours"""
    from datetime import datetime, timedelta

    headers = {
        "Authorization": f"Bearer {api_key}",
        "Content-Type": "application/json"
    }

    start_date = (datetime.now() - timedelta(hours=hours)).isoformat()

    response = requests.get(
        f"{BASE_URL}/calls",
        headers=headers,
        params={
            "status": "failed",
            "start_date": start_date
        }
    )

    return response.json()['calls']


def get_average_latency(api_key, trunk_id):
    """Calculate average latency for a trunk"""
    headers = {
        "Authorization": f"Bearer {api_key}",
        "Content-Type": "application/json"
    }

    response = requests.get(
        f"{BASE_URL}/calls",
        headers=headers,
        params={
            "trunk_id": trunk_id,
            "status": "connected",
            "limit": 100
        }
    )

    calls = response.json()['calls']

    if not calls:
        return None

    total_latency = sum(
        call['carrier_lag_ms'] + call['ai_latency_ms'] + call['gateway_processing_ms']
        for call in calls
    )

    return total_latency / len(calls)


def generate_daily_report(api_key):
    """Generate daily statistics"""
    from datetime import datetime, timedelta

    headers = {
        "Authorization": f"Bearer {api_key}",
        "Content-Type": "application/json"
    }

    today = datetime.now().date()
    start = f"{today}T00:00:00Z"
    end = f"{today}T23:59:59Z"

    response = requests.get(
        f"{BASE_URL}/calls",
        headers=headers,
        params={
            "start_date": start,
            "end_date": end,
            "limit": 1000
        }
    )

    calls = response.json()['calls']

    # Calculate statistics
    total_calls = len(calls)
    connected_calls = len([c for c in calls if c['status'] == 'connected'])
    failed_calls = len([c for c in calls if c['status'] == 'failed'])
    total_duration = sum(c['duration_seconds'] for c in calls)
    avg_latency = sum(
        c['ai_latency_ms'] for c in calls
    ) / total_calls if total_calls > 0 else 0

    print(f"Daily Report for {today}")
    print(f"Total Calls: {total_calls}")
    print(f"Connected: {connected_calls} ({connected_calls/total_calls*100:.1f}%)")
    print(f"Failed: {failed_calls} ({failed_calls/total_calls*100:.1f}%)")
    print(f"Total Duration: {total_duration/3600:.1f} hours")
    print(f"Avg AI Latency: {avg_latency:.0f}ms")


# ---- harness (not vendor code) ------------------------------------------------------
def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    return ok


def paged_daily_report(api_key):
    """The daily report as the contract wants it: every page, limit=100."""
    today = datetime.now().date()
    params = {"start_date": f"{today}T00:00:00Z", "end_date": f"{today}T23:59:59Z", "limit": 100}
    auth = {"Authorization": f"Bearer {api_key}"}
    calls, offset = [], 0
    while True:
        page = requests.get(f"{BASE_URL}/calls", headers=auth, params={**params, "offset": offset}).json()
        calls += page["calls"]
        offset += 100
        if offset >= page["pagination"]["total"]:
            return calls, page["pagination"]["total"]


def main():
    results = []
    results.append(check(response.status_code == 200 and isinstance(calls.get("calls"), list),
                         f"past 24 hours: HTTP {response.status_code}, {len(calls.get('calls', []))} connected calls"))
    results.append(check(all(c["status"] == "connected" for c in calls["calls"]), "past 24 hours: all connected"))

    failed = get_failed_calls(API_KEY)
    results.append(check(all(c["status"] == "failed" for c in failed),
                         f"get_failed_calls: {len(failed)} failed calls in the last 24 hours (first page)"))

    trunks = requests.get(f"{BASE_URL}/trunks", headers=headers).json()["trunks"]
    for trunk in trunks:
        avg = get_average_latency(API_KEY, trunk["id"])
        results.append(check(avg is None or avg > 0,
                             f"get_average_latency({trunk['id']}, {trunk['name']}): {avg if avg is None else round(avg, 1)} ms"))

    try:
        generate_daily_report(API_KEY)
        results.append(check(False, "generate_daily_report should have failed on limit=1000"))
    except KeyError:
        today = datetime.now().date()
        r = requests.get(f"{BASE_URL}/calls", headers=headers,
                         params={"start_date": f"{today}T00:00:00Z", "end_date": f"{today}T23:59:59Z", "limit": 1000})
        results.append(check(r.status_code == 400 and r.json()["error"]["code"] == "INVALID_PARAMETER",
                             f"generate_daily_report: limit=1000 is refused by design: HTTP {r.status_code} {r.json()}"))
    day_calls, total = paged_daily_report(API_KEY)
    results.append(check(len(day_calls) == total, f"paged daily report: {len(day_calls)} of {total} calls today"))

    print("all vendor examples behave as expected" if all(results) else "some checks FAILED")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
