//! The API's side of the contract: wire types, the validated query, and error types.
//!
//! Everything here is pure: no HTTP, no browser. `client.rs` does the fetching and
//! hands the bytes to [`decode_calls_page`] and friends.

mod error;
mod query;
mod retry;
mod wire;

pub use error::{ApiError, ErrorBody, ErrorDetail, SIGN_IN_REQUIRED};
pub use query::{
    rfc3339, CallId, CallQuery, DateRange, Filters, PageSize, Preset, Slo, StatusFilter,
    TimeZoneMode, TrunkId, MAX_SLO_MS,
};
pub use retry::{retry_after_seconds, Attempts, RetryNotice, RetryPolicy};
pub use wire::{
    decode_call_detail, decode_calls_page, decode_trunks_page, Call, CallDetail, CallMetrics,
    CallStatus, CallsPage, Pagination, Trunk, TrunksPage, Turn,
};
