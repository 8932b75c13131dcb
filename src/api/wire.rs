//! Wire types of `GET /v1/calls`, `/v1/calls/{id}` and `/v1/trunks`, read robustly.
//!
//! The contract asks a client not to break on extra fields, on a status it does not
//! know, or on a missing or `null` `end_time`. Serde ignores unknown fields by
//! default; [`CallStatus::Other`] keeps an unknown status as given; `end_time` and the
//! three latency parts are `Option`s, so a missing or `null` value is *unknown*, never
//! zero (a 0 would enter every percentile and mean). A body that cannot be read at all
//! becomes an [`ApiError::Decode`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::ApiError;

/// One call as the list endpoint returns it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Call {
    /// Call id, e.g. `call_abc123xyz`.
    pub id: String,
    /// The trunk (connection) the call went through, e.g. `conn_abc123xyz`.
    pub trunk_id: String,
    /// Caller number, shown as given (not always E.164).
    pub from: String,
    /// Callee number, shown as given.
    pub to: String,
    /// Outcome of the call.
    pub status: CallStatus,
    /// Talk time in seconds.
    #[serde(default)]
    pub duration_seconds: u64,
    /// When the call started.
    pub start_time: DateTime<Utc>,
    /// When it ended; `None` while the call is in progress.
    #[serde(default)]
    pub end_time: Option<DateTime<Utc>>,
    /// Average latency of the carrier leg, in milliseconds; `None` when the API did
    /// not say (missing or `null`).
    #[serde(default)]
    pub carrier_lag_ms: Option<u32>,
    /// Average response latency of the AI agent, in milliseconds; `None` when unknown.
    #[serde(default)]
    pub ai_latency_ms: Option<u32>,
    /// Average processing time of the gateway itself, in milliseconds; `None` when unknown.
    #[serde(default)]
    pub gateway_processing_ms: Option<u32>,
}

impl Call {
    /// The call's total latency: carrier + AI + gateway, as the contract defines it;
    /// `None` when any part is unknown (a sum of the known parts would understate it).
    pub fn total_latency_ms(&self) -> Option<u32> {
        let (c, a, g) = (
            self.carrier_lag_ms?,
            self.ai_latency_ms?,
            self.gateway_processing_ms?,
        );
        Some(c.saturating_add(a).saturating_add(g))
    }

    /// Whether every latency part is known, so the call can enter latency statistics.
    pub fn has_latency(&self) -> bool {
        self.total_latency_ms().is_some()
    }
}

/// A call's status; unknown values are kept as given rather than rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallStatus {
    /// The call connected.
    Connected,
    /// The call never connected.
    Failed,
    /// The call connected and then dropped.
    Disconnected,
    /// A value this version does not know, shown as is.
    Other(String),
}

impl CallStatus {
    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            CallStatus::Connected => "connected",
            CallStatus::Failed => "failed",
            CallStatus::Disconnected => "disconnected",
            CallStatus::Other(s) => s,
        }
    }

    /// Parses the wire spelling; anything unknown becomes [`CallStatus::Other`].
    pub fn from_wire(s: &str) -> Self {
        match s {
            "connected" => CallStatus::Connected,
            "failed" => CallStatus::Failed,
            "disconnected" => CallStatus::Disconnected,
            other => CallStatus::Other(other.to_owned()),
        }
    }
}

impl<'de> Deserialize<'de> for CallStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(CallStatus::from_wire(&s))
    }
}

impl Serialize for CallStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The pagination block of a list answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
pub struct Pagination {
    /// Page size the server used.
    pub limit: u64,
    /// Calls skipped.
    pub offset: u64,
    /// Calls matching the filters (not the page length).
    pub total: u64,
}

/// One page of `GET /v1/calls`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CallsPage {
    /// The calls of this page, newest first.
    pub calls: Vec<Call>,
    /// Where this page sits in the filtered set.
    pub pagination: Pagination,
}

/// Call-quality metrics from the detail endpoint.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
pub struct CallMetrics {
    /// Packet loss in percent.
    #[serde(default)]
    pub packet_loss_percent: Option<f64>,
    /// Jitter in milliseconds.
    #[serde(default)]
    pub jitter_ms: Option<f64>,
    /// Audio codec.
    #[serde(default)]
    pub codec_used: Option<String>,
}

/// One conversational turn from the detail endpoint.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Turn {
    /// 1-based position in the call.
    pub turn_number: u32,
    /// Who spoke, e.g. `caller` or `agent`.
    pub speaker: String,
    /// How long the turn lasted.
    #[serde(default)]
    pub duration_ms: u64,
    /// Processing time before the turn (the agent's thinking time).
    #[serde(default)]
    pub processing_time_ms: u64,
}

/// `GET /v1/calls/{id}`: the list row plus reason, metrics and turns.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CallDetail {
    /// The same fields as the list row.
    #[serde(flatten)]
    pub call: Call,
    /// Why the call ended, e.g. `normal_disconnect`.
    #[serde(default)]
    pub disconnect_reason: Option<String>,
    /// Quality metrics, where the server has them.
    #[serde(default)]
    pub metrics: Option<CallMetrics>,
    /// Conversation turns.
    #[serde(default)]
    pub turns: Vec<Turn>,
}

/// One trunk (connection) of the account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Trunk {
    /// Trunk id, e.g. `conn_abc123xyz`.
    pub id: String,
    /// Human name, where the server gives one.
    #[serde(default)]
    pub name: Option<String>,
}

/// One page of `GET /v1/trunks`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct TrunksPage {
    /// The trunks of this page.
    pub trunks: Vec<Trunk>,
    /// Where this page sits.
    #[serde(default)]
    pub pagination: Pagination,
}

fn decode<T: serde::de::DeserializeOwned>(body: &str, what: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|e| ApiError::Decode {
        what: what.to_owned(),
        detail: e.to_string(),
    })
}

/// Reads a `GET /v1/calls` body; never panics.
pub fn decode_calls_page(body: &str) -> Result<CallsPage, ApiError> {
    decode(body, "the call list")
}

/// Reads a `GET /v1/calls/{id}` body; never panics.
pub fn decode_call_detail(body: &str) -> Result<CallDetail, ApiError> {
    decode(body, "the call details")
}

/// Reads a `GET /v1/trunks` body; never panics.
pub fn decode_trunks_page(body: &str) -> Result<TrunksPage, ApiError> {
    decode(body, "the trunk list")
}
