//! Call-analytics dashboard for Telepath Voice.
//!
//! The crate has two layers. The pure layer (`api`, `format`, `pager`, `stats`,
//! `charts`) does no I/O, imports no browser crate, and is tested natively. The
//! browser layer (`client`, `components`, `app`) exists only on `wasm32`: it fetches,
//! holds state in Leptos signals, and renders what the pure layer computes.

pub mod api;
pub mod charts;
pub mod format;
pub mod gather;
pub mod pager;
pub mod stats;
pub mod table;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod gatherer;
#[cfg(target_arch = "wasm32")]
mod perf;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
mod url_state;

#[cfg(target_arch = "wasm32")]
pub use app::{App, AppState};
