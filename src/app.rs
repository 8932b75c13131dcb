//! The root component: start-up configuration, the connection, the theme and routes.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use std::sync::Arc;

use crate::api::{ApiError, Trunk};
use crate::loader::{use_loader, LoaderOptions};
use crate::trunks::TrunkDirectory;
use crate::client::{load_site_config, Client, Connection, KeyMode, SiteConfig};
use crate::components::{
    CallsPage, ConnectPanel, SavedViewsMenu, SearchBox, SignedInUser, ThemeChoice,
    ThemeToggle,
};
use crate::search::PhoneDigits;
use crate::gatherer::PageCache;
use crate::links::View;
use crate::navigation;
use crate::parts::{LazyView, Part};
use crate::storage;
use crate::url_state::{self, UrlFlush};

/// The account's trunks, read once per connection (every page of `/v1/trunks`), for
/// the trunk menu and every place that names a trunk.
#[derive(Clone, Copy)]
pub struct TrunkList {
    /// The trunks the API lists; `None` until read, or where the API has no list (404).
    pub listed: Signal<Option<Arc<Vec<Trunk>>>>,
    /// Names by id; empty until read or where the API gives none (labels fall back to ids).
    pub names: Signal<Arc<TrunkDirectory>>,
    /// Why the list could not be read (names then fall back to ids).
    pub error: Signal<Option<ApiError>>,
    /// Asks for the list again.
    pub retry: Callback<()>,
}

/// The phone number being searched for, in memory only: never the URL, the history,
/// storage or a log (it is personal data), and gone on reload.
#[derive(Clone, Copy)]
pub struct PhoneSearch(pub RwSignal<Option<PhoneDigits>>);

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
    /// What a failed request means for the whole app, and the error the view shows:
    /// - in direct mode a 401 drops the key and brings the connect panel back with
    ///   the reason;
    /// - the dashboard server's `SIGN_IN_REQUIRED` goes to its sign-in page, which
    ///   brings the user back here;
    /// - in server mode a 401 is the server's key, rejected: the administrator's to
    ///   fix, so the view says so and nothing is asked of the user.
    ///
    /// Safe after the view that asked is gone: it only touches app-wide signals.
    pub fn api_failed(&self, error: ApiError) -> ApiError {
        let mode = self
            .config
            .try_with_untracked(|c| c.as_ref().map(|c| c.key_mode))
            .flatten();
        match (error, mode) {
            (ApiError::SignInRequired, _) => {
                crate::navigation::go_to_sign_in();
                ApiError::SignInRequired
            }
            (e @ ApiError::Unauthorized { .. }, Some(KeyMode::Server)) => e.in_server_mode(),
            (ApiError::Unauthorized { message }, _) => {
                self.client.try_set(None);
                self.auth_problem.try_set(Some(message.clone()));
                ApiError::Unauthorized { message }
            }
            (other, _) => other,
        }
    }

    /// Whether the user holds the key (direct mode), so "disconnect" makes sense.
    pub fn is_direct(&self) -> bool {
        self.config
            .get()
            .is_some_and(|c| c.key_mode == KeyMode::Direct)
    }
}

/// Provides what every view reads from the app: `state`, the page cache shared by the
/// analytics view, exports and the report, the in-memory phone search, and the
/// account's trunks ([`TrunkList`]). The app and the browser tests both call it, so a
/// mounted view sees what it sees in the app.
pub fn provide_app_context(state: AppState) {
    provide_context(state);
    provide_context(StoredValue::new_local(PageCache::default()));
    provide_context(StoredValue::new_local(crate::gather::AnchorBook::default()));
    provide_context(PhoneSearch(RwSignal::new(None)));
    provide_trunk_list();
}

/// Reads the account's trunks once per connection and provides them as [`TrunkList`]
/// to the views below (needs [`AppState`] in context).
fn provide_trunk_list() {
    // The account's trunks, once per connection; a 404 (no such endpoint) means no
    // names, and labels fall back to ids.
    let trunks = use_loader(
        || Some(()),
        |_, job| {
            Box::pin(async move {
                match job.client.all_trunks(&job.signal, job.notify()).await {
                    Ok(list) => Ok(Some(Arc::new(list))),
                    Err(ApiError::NotFound { .. }) => Ok(None),
                    Err(e) => Err(e),
                }
            })
        },
        LoaderOptions::default(),
    );
    let listed = Memo::new(move |_| trunks.with(|l| l.data().cloned().flatten()));
    let names = Memo::new(move |_| {
        Arc::new(listed.with(|l| l.as_deref().map(|t| TrunkDirectory::from_trunks(t)).unwrap_or_default()))
    });
    provide_context(TrunkList {
        listed: listed.into(),
        names: names.into(),
        error: Signal::derive(move || trunks.with(|l| l.error().cloned())),
        retry: Callback::new(move |()| trunks.retry()),
    });

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
    provide_app_context(state);
    provide_context(ThemeChoice(RwSignal::new(storage::theme())));
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
        <Router base=navigation::base_path()>
            <header class="topbar">
                // A change still waiting for the URL gets its history entry before the
                // router follows the link (its click listener is on the window).
                <a class="brand" href="./" on:click=move |_| url_flush.write_now()>
                    <span class="brand-mark" aria-hidden="true"></span>
                    <span>"Telepath "<strong>"Call Analytics"</strong></span>
                </a>
                <nav class="views" aria-label="Views">
                    {View::ALL.into_iter().map(|v| view! { <ViewLink view=v /> }).collect_view()}
                </nav>
                // While config.json is read, inert stand-ins keep the room of the search
                // box and the views menu, so the bar does not grow under the page when
                // they come (on a phone the bar wraps: that was a layout shift of 0.28).
                <Show
                    when=move || state.client.with(Option::is_some)
                    fallback=move || state.config.with(Option::is_none).then(|| view! {
                        <div class="search stand-in" aria-hidden="true">
                            <span class="input stand-in-input"></span>
                            <span class="btn">"Search"</span>
                        </div>
                    })
                >
                    <SearchBox />
                </Show>
                <div class="topbar-actions">
                    <Show
                        when=move || state.client.with(Option::is_some)
                        fallback=move || state.config.with(Option::is_none).then(|| view! {
                            <span class="btn btn-ghost stand-in" aria-hidden="true">"Views"</span>
                        })
                    >
                        <SavedViewsMenu />
                    </Show>
                    <Show when=move || state.is_direct() && state.client.with(Option::is_some)>
                        <span class="conn" title="API base">
                            {move || state.client.with(|c| c.as_ref().map(|c| c.base().to_owned()))}
                        </span>
                        <button type="button" class="btn btn-ghost" on:click=disconnect>
                            "Disconnect"
                        </button>
                    </Show>
                    <Show when=move || state.config.with(|c| c.as_ref().is_some_and(|c| c.auth.signs_in()))>
                        <SignedInUser />
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
                            <Route path=path!("/analytics") view=|| view! { <LazyView part=Part::Analytics /> } />
                            <Route path=path!("/report") view=|| view! { <LazyView part=Part::Report /> } />
                        </Routes>
                    }.into_any(),
                }}
            </main>
        </Router>
    }
}

/// A link to a view that keeps the current filters and marks itself as the current
/// page.
///
/// The `href` is brought up to date when the link is about to be used (pointer over it
/// or pressed, keyboard focus), not on every filter or page change: a change of `href`
/// restyles the link, which put a frame between a click and the new rows.
#[component]
fn ViewLink(view: View) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let link = NodeRef::<leptos::html::A>::new();
    let flush = expect_context::<UrlFlush>();
    let refresh = move || {
        // A change not yet in the URL goes there first, so the link carries it.
        flush.write_now();
        if let Some(a) = link.get_untracked() {
            let target = view.href(&url_state::current_query());
            if a.get_attribute("href").as_deref() != Some(target.as_str()) {
                let _ = a.set_attribute("href", &target);
            }
        }
    };
    let current = move || View::of_path(&location.pathname.get()) == Some(view);
    view! {
        <a class="view-link" node_ref=link href=view.href(&url_state::current_query())
            aria-current=move || current().then_some("page")
            on:pointerenter=move |_| refresh() on:pointerdown=move |_| refresh()
            on:focus=move |_| refresh() on:click=move |_| refresh()>{view.label()}</a>
    }
}
