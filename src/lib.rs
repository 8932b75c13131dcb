//! Call-analytics dashboard for Telepath Voice.
//!
//! The crate has two layers. The pure layer (`api`, `format`, `pager`, `sort`,
//! `table`, `links`, `load`, `gather`, `live`, `saved_views`, `stats`, `charts`) does
//! no I/O, imports no browser crate, and is tested natively. The browser layer (`client`, `loader`,
//! `components`, `app` and their helpers) exists only on `wasm32`: it fetches, holds
//! state in Leptos signals, and renders what the pure layer computes.

pub mod api;
pub mod charts;
pub mod export;
pub mod format;
pub mod gather;
pub mod links;
pub mod live;
pub mod load;
pub mod pager;
pub mod saved_views;
pub mod search;
pub mod sort;
pub mod stats;
pub mod table;
pub mod trunks;

/// Declares the browser layer's modules: each exists only on `wasm32`, so native
/// builds and tests never compile it.
macro_rules! browser_layer {
    ($($item:item)*) => { $(#[cfg(target_arch = "wasm32")] $item)* };
}

browser_layer! {
    mod app;
    pub mod client;
    pub mod components;
    mod download;
    pub mod gatherer;
    pub mod list_view;
    pub mod live_list;
    pub mod loader;
    mod navigation;
    pub mod parts;
    mod perf;
    mod storage;
    mod url_state;
    pub mod use_analysis;
    pub mod use_live;
    pub mod view_clock;
    pub use app::{provide_app_context, App, AppState, PhoneSearch, TrunkList};
}
