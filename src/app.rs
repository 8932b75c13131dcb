//! The root component: start-up configuration, the connection, the theme and routes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::client::{load_site_config, Client, Connection, KeyMode, SiteConfig};
use crate::components::{
    AnalyticsPage, CallsPage, ConnectPanel, ReportPage, ThemeChoice, ThemeToggle,
};
use crate::gatherer::PageCache;
use crate::storage;
use crate::url_state::UrlFlush;

/// App-wide state every page reads through `use_context`.
#[derive(Clone, Copy)]
pub struct AppState {
    /// How the site is configured; `None` until `config.json` has been read.
    pub config: RwSignal<Option<SiteConfig>>,
    /// The client for the current connection; `None` while the user must connect.
    pub client: RwSignal<Option<Client>>,
    /// Why the connect panel is shown again (a 401's message), if it is.
    pub auth_problem: RwSignal<Option<String>>,
    /// A problem reading `config.json`, shown once above the page.
    pub config_problem: RwSignal<Option<String>>,
}

impl AppState {
    /// A 401 in direct mode: drop the key and bring the connect panel back with the reason.
    pub fn key_rejected(&self, message: String) {
        let direct = self
            .config
            .get_untracked()
            .is_some_and(|c| c.key_mode == KeyMode::Direct);
        if direct {
            self.client.set(None);
            self.auth_problem.set(Some(message));
        }
    }

    /// Whether the user holds the key (direct mode), so "disconnect" makes sense.
    pub fn is_direct(&self) -> bool {
        self.config
            .get()
            .is_some_and(|c| c.key_mode == KeyMode::Direct)
    }
}

/// The path the site is served under (`""` at the root, `/dash` for a sub-path),
/// read from the document's base URL so one build runs anywhere.
fn base_path() -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .and_then(|uri| web_sys::Url::new(&uri).ok())
        .map(|u| u.pathname())
        .unwrap_or_default();
    // The base is a directory ("/dash/" or "/"); a document URL ends in a file name.
    let dir = match base.rfind('/') {
        Some(i) => &base[..i],
        None => "",
    };
    dir.to_owned()
}

/// The dashboard.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState {
        config: RwSignal::new(None),
        client: RwSignal::new(None),
        auth_problem: RwSignal::new(None),
        config_problem: RwSignal::new(None),
    };
    provide_context(state);
    provide_context(ThemeChoice(RwSignal::new(storage::theme())));
    // Pages fetched for statistics are shared by the analytics view and the report.
    provide_context(StoredValue::new_local(PageCache::default()));
    provide_context(UrlFlush(StoredValue::new_local(None)));

    // `config.json` is asked for now, before the first render below.
    let config_request = load_site_config();
    spawn_local(async move {
        let config = match config_request.await {
            Ok(c) => c,
            Err(problem) => {
                state.config_problem.set(Some(format!(
                    "{problem}; using the Telepath API directly with a key you enter."
                )));
                SiteConfig::default()
            }
        };
        match config.key_mode {
            KeyMode::Server => state.client.set(Some(Client::new(Connection {
                api_base: config.api_base.clone(),
                key: None,
            }))),
            KeyMode::Direct => {
                if let Some(saved) = storage::remembered_connection() {
                    state.client.set(Some(Client::new(Connection {
                        api_base: saved.api_base,
                        key: Some(saved.key),
                    })));
                }
            }
        }
        state.config.set(Some(config));
    });

    let url_flush = expect_context::<UrlFlush>();
    let disconnect = move |_| {
        storage::forget_connection();
        state.client.set(None);
        state.auth_problem.set(None);
    };

    view! {
        <Router base=base_path()>
            <header class="topbar">
                // A change still waiting for the URL gets its history entry before the
                // router follows the link (its click listener is on the window).
                <a class="brand" href="./" on:click=move |_| url_flush.write_now()>
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span>"Telepath "<strong>"Call Analytics"</strong></span>
                </a>
                <nav class="views" aria-label="Views">
                    <ViewLink href="./" label="Calls" />
                    <ViewLink href="analytics" label="Analytics" />
                    <ViewLink href="report" label="Daily report" />
                </nav>
                <div class="topbar-actions">
                    <Show when=move || state.is_direct() && state.client.with(Option::is_some)>
                        <span class="conn" title="API base">
                            {move || state.client.with(|c| c.as_ref().map(|c| c.base().to_owned()))}
                        </span>
                        <button type="button" class="btn btn-ghost" on:click=disconnect>
                            "Disconnect"
                        </button>
                    </Show>
                    <ThemeToggle />
                </div>
            </header>
            <Show when=move || state.config_problem.with(Option::is_some)>
                <p class="banner banner-warn" role="status">
                    {move || state.config_problem.get()}
                </p>
            </Show>
            <main id="main">
                {move || match (state.config.get(), state.client.get()) {
                    (None, _) => view! { <p class="loading-line">"Loading configuration…"</p> }.into_any(),
                    (Some(config), None) => view! { <ConnectPanel default_base=config.api_base /> }.into_any(),
                    (Some(_), Some(_)) => view! {
                        <Routes fallback=|| view! { <CallsPage /> }>
                            <Route path=path!("/") view=CallsPage />
                            <Route path=path!("/analytics") view=AnalyticsPage />
                            <Route path=path!("/report") view=ReportPage />
                        </Routes>
                    }.into_any(),
                }}
            </main>
        </Router>
    }
}

/// A link to a view that keeps the current filters (the query string) and marks
/// itself as the current page.
///
/// The `href` is brought up to date when the link is about to be used (pointer over it
/// or pressed, keyboard focus), not on every filter or page change: a change of `href`
/// restyles the link, which put a frame between a click and the new rows.
#[component]
fn ViewLink(href: &'static str, label: &'static str) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let target = move || {
        // The daily report has its own parameters; the other views share the filters.
        let search = location.search.get_untracked();
        if href == "report" || search.is_empty() {
            href.to_owned()
        } else {
            format!("{href}?{}", search.trim_start_matches('?'))
        }
    };
    let link = NodeRef::<leptos::html::A>::new();
    let flush = expect_context::<UrlFlush>();
    let refresh = move || {
        // A change not yet in the URL goes there first, so the link carries it.
        flush.write_now();
        if let Some(a) = link.get_untracked() {
            let target = target();
            if a.get_attribute("href").as_deref() != Some(target.as_str()) {
                let _ = a.set_attribute("href", &target);
            }
        }
    };
    let current = move || {
        let path = location.pathname.get();
        let last = path.rsplit('/').next().unwrap_or_default();
        match href {
            "./" => last.is_empty(),
            other => last == other,
        }
    };
    view! {
        <a class="view-link" node_ref=link href=target() aria-current=move || current().then_some("page")
            on:pointerenter=move |_| refresh() on:pointerdown=move |_| refresh()
            on:focus=move |_| refresh() on:click=move |_| refresh()>{label}</a>
    }
}
