//! The parts of the app the calls route does not need, loaded when first wanted.
//!
//! The site's build (`tools/build_wasm.py`, release and debug alike) compiles with `--cfg dashboard_split` and
//! cuts the wasm at the functions below with `wasm-split-cli`: the analytics view (and
//! with it the statistics, the charts and plotters), the daily report, and the writing
//! of an export file each go to a chunk of their own (code they share to a shared
//! chunk), fetched and compiled on first use. Everything else, the calls route included,
//! stays in the main module the page boots from.
//!
//! Without the cfg (`cargo test`, wasm-bindgen-test, clippy) the
//! same functions are plain `async fn`s that run at once, so every caller is written
//! once, for both.
//!
//! A chunk that cannot be fetched (the network dropped, a deploy removed it) is an
//! error, not a panic: [`PartUnavailable`] reaches the caller, which shows it with a
//! way to try again; the next call fetches afresh (a failure is not remembered).

use leptos::prelude::*;

use crate::api::{Call, TimeZoneMode};
use crate::components::{AnalyticsPage, ReportPage};
use crate::export::{self, ExportError, ExportFormat};
use crate::trunks::TrunkDirectory;

/// A part of the app whose code could not be fetched or compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartUnavailable;

impl std::fmt::Display for PartUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "its code could not be loaded (the connection may have dropped, or a new version \
             was deployed: then reload the page)",
        )
    }
}

impl From<leptos::wasm_split::SplitLoaderError> for PartUnavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        PartUnavailable
    }
}

impl From<leptos::wasm_split::SplitLoaderError> for ExportError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ExportError::Unavailable
    }
}

/// Declares a function whose body goes to chunk `$chunk` in split builds, with
/// `$preload` fetching that chunk without running anything; elsewhere both run at once.
macro_rules! split_fn {
    ($chunk:ident, $preload:ident, fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty $body:block) => {
        #[cfg(dashboard_split)]
        #[leptos::wasm_split::wasm_split(
            $chunk,
            fallible,
            wasm_split_path = ::leptos::wasm_split,
            preload($preload)
        )]
        fn $name($($arg: $ty),*) -> $ret $body

        #[cfg(not(dashboard_split))]
        async fn $name($($arg: $ty),*) -> $ret $body

        #[cfg(not(dashboard_split))]
        #[allow(dead_code)] // not every part is prefetched
        async fn $preload() -> Result<(), leptos::wasm_split::SplitLoaderError> {
            Ok(())
        }
    };
}

/// Builds a view; its code is in the chunk that returned it.
type MakeView = fn() -> AnyView;

// The views come back as constructors, not views: built in the normal render, a view is
// mounted before its effects run, as it would be without the split (a view built while
// its chunk loaded would measure its charts before it is on the page).
split_fn!(analytics, preload_analytics, fn analytics_view() -> Result<MakeView, PartUnavailable> {
    Ok(|| view! { <AnalyticsPage /> }.into_any())
});

split_fn!(report, preload_report, fn report_view() -> Result<MakeView, PartUnavailable> {
    Ok(|| view! { <ReportPage /> }.into_any())
});

split_fn!(export, preload_export, fn write_calls_file(
    calls: &[Call],
    format: ExportFormat,
    tz: TimeZoneMode,
    trunks: &TrunkDirectory
) -> Result<String, ExportError> {
    export::calls_file(calls, format, tz, trunks)
});

/// The calls as an export file's text, fetching the export code first if need be.
pub async fn export_calls_file(
    calls: &[Call],
    format: ExportFormat,
    tz: TimeZoneMode,
    trunks: &TrunkDirectory,
) -> Result<String, ExportError> {
    write_calls_file(calls, format, tz, trunks).await
}

/// A view that is not in the main module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Analytics,
    Report,
}

impl Part {
    fn label(self) -> &'static str {
        match self {
            Part::Analytics => "analytics",
            Part::Report => "report",
        }
    }
}

/// Fetches the views' code in the background once the browser is idle, so moving to
/// them later is instant: called when the calls route has shown rows; only the first
/// call does anything. A failure here is silent: the view fetches again, visibly, when
/// opened. The export code is not prefetched: it loads when an export is asked for.
pub fn prefetch_views_when_idle() {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    thread_local! {
        static STARTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if STARTED.with(|s| s.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let run = Closure::once_into_js(|| {
        leptos::task::spawn_local(async {
            let _ = futures::join!(preload_analytics(), preload_report());
        })
    });
    // Safari has no requestIdleCallback; there a short timeout stands in.
    let has_idle = js_sys::Reflect::has(&window, &"requestIdleCallback".into()).unwrap_or(false);
    if has_idle {
        let options = web_sys::IdleRequestOptions::new();
        options.set_timeout(2_000);
        let _ = window.request_idle_callback_with_options(run.unchecked_ref(), &options);
    } else {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(run.unchecked_ref(), 200);
    }
}

/// Shows `part`, fetching its code first if need be: "Loading…" meanwhile, and a
/// message with "Try again" if the code cannot be fetched.
#[component]
pub fn LazyView(part: Part) -> impl IntoView {
    let loaded = RwSignal::new(None::<Result<MakeView, PartUnavailable>>);
    let load = move || {
        loaded.set(None);
        leptos::task::spawn_local(async move {
            let made = match part {
                Part::Analytics => analytics_view().await,
                Part::Report => report_view().await,
            };
            // The route may have been left meanwhile.
            let _ = loaded.try_set(Some(made));
        });
    };
    load();
    move || match loaded.get() {
        None => view! {
            <p class="loading-line" role="status">{format!("Loading the {}…", part.label())}</p>
        }
        .into_any(),
        Some(Ok(make)) => make(),
        Some(Err(e)) => view! {
            <div class="banner banner-error" role="alert">
                <p>{format!("The {} could not be opened: {e}.", part.label())}</p>
                <button type="button" class="btn" on:click=move |_| load()>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
    }
}
