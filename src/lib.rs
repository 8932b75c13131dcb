//! Call-analytics dashboard for Telepath Voice.
//!
//! The crate has two layers. The pure layer (`api`, `format`, `pager`, `sort`,
//! `table`, `links`, `load`, `gather`, `stats`, `charts`) does no I/O, imports no
//! browser crate, and is tested natively. The browser layer (`client`, `loader`,
//! `components`, `app` and their helpers) exists only on `wasm32`: it fetches, holds
//! state in Leptos signals, and renders what the pure layer computes.

pub mod api;
pub mod charts;
pub mod format;
pub mod gather;
pub mod links;
pub mod load;
pub mod pager;
pub mod sort;
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
pub mod loader;
#[cfg(target_arch = "wasm32")]
mod navigation;
#[cfg(target_arch = "wasm32")]
mod perf;
#[cfg(target_arch = "wasm32")]
mod storage;
#[cfg(target_arch = "wasm32")]
mod url_state;
#[cfg(target_arch = "wasm32")]
pub mod use_analysis;
#[cfg(target_arch = "wasm32")]
pub mod view_clock;

#[cfg(target_arch = "wasm32")]
pub use app::{App, AppState};
