//! The rows the API answers with, as they serialize to JSON: a call in the list
//! (`CallRow`), a call with its detail (`CallDetail`, `Metrics`, `Turn`), a trunk, and
//! a page of any of them. Times are Unix seconds in memory and RFC 3339 UTC with whole
//! seconds on the wire (`2024-03-05T10:30:00Z`), formatted by chrono.

use crate::params::Status;
use chrono::{DateTime, SecondsFormat};
use rusqlite::Row;
use serde::{Serialize, Serializer};

/// Columns of a list row, in `CallRow::from_row` order.
pub const ROW_COLUMNS: &str = "id, trunk_id, from_number, to_number, status, duration_seconds, \
     start_time, end_time, carrier_lag_ms, ai_latency_ms, gateway_processing_ms";

/// Unix seconds as RFC 3339 UTC with whole seconds, e.g. `2024-03-05T10:30:00Z`;
/// `None` outside chrono's range.
pub fn try_rfc3339(secs: i64) -> Option<String> {
    DateTime::from_timestamp(secs, 0).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Unix seconds as RFC 3339 UTC with whole seconds (for messages: an instant outside
/// chrono's range is shown as its number).
pub fn rfc3339(secs: i64) -> String {
    try_rfc3339(secs).unwrap_or_else(|| format!("{secs} (Unix seconds)"))
}

fn ser_time<S: Serializer>(secs: &i64, s: S) -> Result<S::Ok, S::Error> {
    match try_rfc3339(*secs) {
        Some(text) => s.serialize_str(&text),
        None => Err(serde::ser::Error::custom(format!(
            "time {secs} is out of range"
        ))),
    }
}

fn ser_opt_time<S: Serializer>(secs: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match secs {
        Some(v) => ser_time(v, s),
        None => s.serialize_none(),
    }
}

/// One call as `GET /v1/calls` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallRow {
    /// `call_...`.
    pub id: String,
    /// `conn_...`.
    pub trunk_id: String,
    /// Caller number, as stored.
    pub from: String,
    /// Called number, as stored.
    pub to: String,
    /// `connected`, `failed` or `disconnected`.
    pub status: Status,
    /// Seconds; 0 for failed calls.
    pub duration_seconds: i64,
    /// Unix seconds, serialized as RFC 3339.
    #[serde(serialize_with = "ser_time")]
    pub start_time: i64,
    /// Unix seconds, serialized as RFC 3339; `null` while running.
    #[serde(serialize_with = "ser_opt_time")]
    pub end_time: Option<i64>,
    /// Carrier leg latency.
    pub carrier_lag_ms: i64,
    /// AI agent response latency.
    pub ai_latency_ms: i64,
    /// Gateway processing latency.
    pub gateway_processing_ms: i64,
}

impl CallRow {
    /// Whether the call is still running at `at` (Unix seconds): it has started and its
    /// stored end lies after `at`.
    pub fn running_at(&self, at: i64) -> bool {
        self.start_time <= at && self.end_time.is_some_and(|end| end > at)
    }

    /// The call as the API shows it at `at`: while running, `connected` with no end
    /// and the seconds so far; afterwards, as stored (its final status and end).
    pub fn as_of(mut self, at: i64) -> CallRow {
        if self.running_at(at) {
            self.status = Status::Connected;
            self.duration_seconds = at - self.start_time;
            self.end_time = None;
        }
        self
    }

    /// Reads the `ROW_COLUMNS` of a result row.
    pub fn from_row(r: &Row<'_>) -> rusqlite::Result<CallRow> {
        Ok(CallRow {
            id: r.get(0)?,
            trunk_id: r.get(1)?,
            from: r.get(2)?,
            to: r.get(3)?,
            status: r.get(4)?,
            duration_seconds: r.get(5)?,
            start_time: r.get(6)?,
            end_time: r.get(7)?,
            carrier_lag_ms: r.get(8)?,
            ai_latency_ms: r.get(9)?,
            gateway_processing_ms: r.get(10)?,
        })
    }
}

/// Quality metrics of one call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Lost packets, percent.
    pub packet_loss_percent: f64,
    /// Jitter, ms.
    pub jitter_ms: f64,
    /// Audio codec, e.g. `opus`.
    pub codec_used: String,
}

/// One turn of a conversation, as `GET /v1/calls/{id}` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Turn {
    /// 1-based position in the conversation.
    pub turn_number: u32,
    /// `"agent"` or `"caller"`; the agent speaks first (it answers).
    pub speaker: &'static str,
    /// How long the turn lasted.
    pub duration_ms: i64,
    /// Agent turns: the AI's response time; caller turns: the gateway's hand-off time.
    pub processing_time_ms: i64,
}

/// What the database stores about one call beyond its list row.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDetail {
    /// The list row's fields.
    pub row: CallRow,
    /// Why the call ended; `None` while running.
    pub disconnect_reason: Option<String>,
    /// Quality metrics.
    pub metrics: Metrics,
}

impl StoredDetail {
    /// The detail as the API shows it at `at`: a running call has no reason yet.
    pub fn as_of(self, at: i64) -> StoredDetail {
        let running = self.row.running_at(at);
        StoredDetail {
            row: self.row.as_of(at),
            disconnect_reason: if running {
                None
            } else {
                self.disconnect_reason
            },
            metrics: self.metrics,
        }
    }
}

/// One call as `GET /v1/calls/{id}` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallDetail {
    /// The list row's fields.
    #[serde(flatten)]
    pub row: CallRow,
    /// Why the call ended; `null` while running.
    pub disconnect_reason: Option<String>,
    /// Quality metrics.
    pub metrics: Metrics,
    /// The conversation, turn by turn.
    pub turns: Vec<Turn>,
}

impl CallDetail {
    /// The stored detail with its turns.
    pub fn new(stored: StoredDetail, turns: Vec<Turn>) -> Self {
        CallDetail {
            row: stored.row,
            disconnect_reason: stored.disconnect_reason,
            metrics: stored.metrics,
            turns,
        }
    }
}

/// One trunk as `GET /v1/trunks` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trunk {
    /// `conn_...`.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Carrier behind the trunk.
    pub carrier: String,
    /// Region label.
    pub region: String,
    /// The number callers dial.
    pub phone_number: String,
    /// Always `active` here.
    pub status: &'static str,
    /// Creation time, RFC 3339.
    #[serde(serialize_with = "ser_time")]
    pub created_at: i64,
}

/// A page of results with the total matching count.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// All items matching the filters.
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc_whole_seconds() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (1_709_634_600, "2024-03-05T10:30:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_709_251_199, "2024-02-29T23:59:59Z"),
            (4_107_542_399, "2100-02-28T23:59:59Z"),
            (-1, "1969-12-31T23:59:59Z"),
        ];
        for (secs, text) in cases {
            assert_eq!(rfc3339(secs), text, "{secs}");
        }
        assert_eq!(try_rfc3339(i64::MAX), None);
        assert_eq!(rfc3339(i64::MAX), format!("{} (Unix seconds)", i64::MAX));
    }

    #[test]
    fn a_row_serializes_as_the_contract_says() {
        let row = CallRow {
            id: "call_abc".into(),
            trunk_id: "conn_x".into(),
            from: "+1-555-123-4567".into(),
            to: "+4915123456789".into(),
            status: Status::Disconnected,
            duration_seconds: 342,
            start_time: 1_709_634_600,
            end_time: None,
            carrier_lag_ms: 85,
            ai_latency_ms: 215,
            gateway_processing_ms: 22,
        };
        let json = serde_json::to_value(&row).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "call_abc", "trunk_id": "conn_x", "from": "+1-555-123-4567",
                "to": "+4915123456789", "status": "disconnected", "duration_seconds": 342,
                "start_time": "2024-03-05T10:30:00Z", "end_time": null, "carrier_lag_ms": 85,
                "ai_latency_ms": 215, "gateway_processing_ms": 22
            })
        );
        let out_of_range = CallRow {
            start_time: i64::MAX,
            ..row
        };
        assert!(serde_json::to_vec(&out_of_range).is_err());
    }

    #[test]
    fn a_call_is_running_until_its_end_then_final() {
        let row = CallRow {
            id: "call_a".into(),
            trunk_id: "conn_x".into(),
            from: "+1".into(),
            to: "+2".into(),
            status: Status::Disconnected,
            duration_seconds: 100,
            start_time: 1_000,
            end_time: Some(1_100),
            carrier_lag_ms: 1,
            ai_latency_ms: 2,
            gateway_processing_ms: 3,
        };
        // (clock, status, duration, end)
        let cases = [
            (1_000, Status::Connected, 0, None),
            (1_042, Status::Connected, 42, None),
            (1_099, Status::Connected, 99, None),
            (1_100, Status::Disconnected, 100, Some(1_100)),
            (5_000, Status::Disconnected, 100, Some(1_100)),
        ];
        for (at, status, duration, end) in cases {
            let shown = row.clone().as_of(at);
            assert_eq!(
                (shown.status, shown.duration_seconds, shown.end_time),
                (status, duration, end),
                "at {at}"
            );
        }
        let detail = StoredDetail {
            row,
            disconnect_reason: Some("carrier_error".into()),
            metrics: Metrics {
                packet_loss_percent: 0.1,
                jitter_ms: 2.0,
                codec_used: "opus".into(),
            },
        };
        assert_eq!(detail.clone().as_of(1_050).disconnect_reason, None);
        assert_eq!(
            detail.as_of(1_100).disconnect_reason.as_deref(),
            Some("carrier_error")
        );
    }
}
