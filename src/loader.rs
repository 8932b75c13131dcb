//! [`use_loader`]: the one way a view loads data. Every request of the UI goes
//! through it: the call list, status counts, trunks, a call's detail, gathering, the
//! daily report, the signed-in user.
//!
//! A view gives a *key* (what it wants now, tracked: it follows the URL and the
//! filters) and a *fetch* (how to get it, given the key and a [`Job`]). The loader
//! owns everything else, once:
//! - the request leaves at once: a first request is sent while the view is still
//!   being built, and adopted by the effect if the key is still the same;
//! - a newer key aborts the older request on the wire ([`RequestSlot`]), and its
//!   result, if one still arrives, is dropped;
//! - the previous data stays on screen while the next loads, and is marked stale
//!   if the next fails ([`Load`], the pure state machine, tested natively);
//! - waits before a retry become a notice, failures an error banner with Retry
//!   ([`crate::components::LoadBanners`]);
//! - a 401 brings the connect panel back with the reason (direct mode), the
//!   server's own `SIGN_IN_REQUIRED` goes to the sign-in page, and in server mode a
//!   rejected key is reported as the administrator's to fix ([`AppState::api_failed`]).
//!
//! # Usage
//! ```ignore
//! let detail = use_loader(
//!     move || Some(call_id.clone()),
//!     |id, job| Box::pin(async move { job.client.call_detail(id, &job.signal, job.notify()).await }),
//!     LoaderOptions::default(),
//! );
//! view! { <LoadBanners status=detail.status() on_retry=move || detail.retry() /> }
//! ```
//!
//! The loader is a pair of effects rather than a `LocalResource` + `<Transition>`:
//! Leptos drops a stale resource result but does not cancel its request, and the
//! views must keep their old data while the new loads *and* cancel on the wire.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortSignal;

use crate::api::{ApiError, RetryNotice};
use crate::app::AppState;
use crate::client::{Client, RequestSlot};
use crate::gather::Progress;
use crate::gatherer::{GatherCtx, Listeners, PageCache};
use crate::load::{Load, Phase};

/// A fetch in flight: what a loader's fetch function returns.
pub type Fetch<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// What a fetch is given: the client, the abort signal of this request, and where to
/// report waits, progress and partial data.
pub struct Job<T> {
    /// The API client of the current connection.
    pub client: Client,
    /// Aborted when a newer key, Cancel, or the view's end supersedes this request.
    pub signal: AbortSignal,
    notify: Rc<dyn Fn(Option<RetryNotice>)>,
    progress: Rc<dyn Fn(Progress)>,
    preview: Rc<dyn Fn(T)>,
}

impl<T> Job<T> {
    /// A job whose waits, progress and previews nobody hears (a background refresh).
    pub fn quiet(client: Client, signal: AbortSignal) -> Self {
        Job {
            client,
            signal,
            notify: Rc::new(|_| {}),
            progress: Rc::new(|_| {}),
            preview: Rc::new(|_| {}),
        }
    }

    /// Where the client reports a wait before a retry.
    pub fn notify(&self) -> &dyn Fn(Option<RetryNotice>) {
        &*self.notify
    }

    /// The same, owned (for client calls that keep it).
    pub fn notifier(&self) -> impl Fn(Option<RetryNotice>) + 'static {
        let notify = self.notify.clone();
        move |n| notify(n)
    }

    /// Where a long load reports how far it has got.
    pub fn progress(&self) -> &dyn Fn(Progress) {
        &*self.progress
    }

    /// Where a long load shows its partial data.
    pub fn preview(&self) -> &dyn Fn(T) {
        &*self.preview
    }

    /// A gather run by this job through `cache`: its client, abort signal and retry
    /// notices, and its progress when `progress` (a second gather of the same job,
    /// e.g. the report's other days, keeps quiet). Previews are the caller's to add.
    pub fn gather_ctx<'a>(&'a self, cache: &'a PageCache, progress: bool) -> GatherCtx<'a> {
        GatherCtx {
            client: &self.client,
            cache,
            signal: &self.signal,
            listen: Listeners {
                progress: if progress {
                    self.progress()
                } else {
                    Listeners::QUIET.progress
                },
                notify: self.notify(),
                ..Listeners::QUIET
            },
        }
    }
}

/// A hook that sees each result a loader takes, with its key.
pub type ResultHook<K, T> = Rc<dyn Fn(&K, &Result<T, ApiError>)>;

/// Settings of a loader; every field defaults to off.
pub struct LoaderOptions<K, T> {
    /// Set while a request is out, reset when it settles (a page's `aria-busy`).
    /// Default: none.
    pub busy: Option<RwSignal<bool>>,
    /// Called with each result the loader takes, before it is on screen. Default: none.
    pub on_result: Option<ResultHook<K, T>>,
}

impl<K, T> Default for LoaderOptions<K, T> {
    fn default() -> Self {
        LoaderOptions {
            busy: None,
            on_result: None,
        }
    }
}

/// What a view shows around its data: the retry notice, the error with Retry, and
/// whether the data kept on screen is stale.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoadStatus {
    /// A wait before a retry, while it lasts.
    pub notice: Option<RetryNotice>,
    /// Why the latest request failed.
    pub error: Option<ApiError>,
    /// The data on screen answers an older request (greyed, and said so).
    pub stale: bool,
}

/// A view's handle on its loader. `Copy`, like a signal.
pub struct Loader<K: 'static, T: 'static> {
    state: RwSignal<Load<K, T>>,
    retry: RwSignal<u32>,
    slot: StoredValue<RequestSlot, LocalStorage>,
    busy: Option<RwSignal<bool>>,
}

impl<K, T> Clone for Loader<K, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K, T> Copy for Loader<K, T> {}

impl<K, T> Loader<K, T>
where
    K: Clone + PartialEq + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    /// Reads the load's state (tracked).
    pub fn with<R>(&self, f: impl FnOnce(&Load<K, T>) -> R) -> R {
        self.state.with(f)
    }

    /// Reads the load's state without tracking it (in handlers).
    pub fn with_untracked<R>(&self, f: impl FnOnce(&Load<K, T>) -> R) -> R {
        self.state.with_untracked(f)
    }

    /// Where the load stands (tracked).
    pub fn phase(&self) -> Phase {
        self.state.with(Load::phase)
    }

    /// Whether a request is out (tracked).
    pub fn is_running(&self) -> bool {
        self.state.with(Load::is_running)
    }

    /// Asks for the current key again (Retry, Resume).
    pub fn retry(&self) {
        self.retry.update(|n| *n += 1);
    }

    /// Stops the request in flight (Cancel); what was shown stays.
    pub fn cancel(&self) {
        self.slot.with_value(RequestSlot::cancel);
        self.state.update(Load::cancel);
        if let Some(busy) = self.busy {
            busy.set(false);
        }
    }

    /// The notice, error and staleness the view shows around its data.
    pub fn status(&self) -> Memo<LoadStatus> {
        let state = self.state;
        Memo::new(move |_| {
            state.with(|s| LoadStatus {
                notice: s.notice().cloned(),
                error: s.error().cloned(),
                stale: s.is_stale(),
            })
        })
    }
}

/// Loads what `key` names with `fetch`, for as long as the calling view lives.
///
/// `key` is tracked: whenever it changes (or the connection does, or
/// [`Loader::retry`] is called) the request in flight is aborted and a new one starts;
/// `None` means there is nothing to load now. `fetch` must send its first request
/// before it returns (the client's calls do), so it leaves before the render that the
/// same change causes.
pub fn use_loader<K, T>(
    key: impl Fn() -> Option<K> + Send + Sync + 'static,
    fetch: impl Fn(&K, Job<T>) -> Fetch<T> + 'static,
    options: LoaderOptions<K, T>,
) -> Loader<K, T>
where
    K: Clone + PartialEq + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    let app = expect_context::<AppState>();
    let loader = Loader {
        state: RwSignal::new(Load::new()),
        retry: RwSignal::new(0u32),
        slot: StoredValue::new_local(RequestSlot::default()),
        busy: options.busy,
    };
    let key = Memo::new(move |_| key());
    let fetch = Rc::new(fetch);
    let on_result = options.on_result;

    // Starts a request for `k` now: aborts the previous one, marks the load as running
    // and calls `fetch`, which sends before it returns.
    let start = {
        let fetch = fetch.clone();
        move |client: &Client, k: &K| -> Fetch<T> {
            let signal = loader.slot.with_value(RequestSlot::begin);
            loader.state.update(|s| s.begin(k.clone()));
            if let Some(busy) = loader.busy {
                busy.set(true);
            }
            let state = loader.state;
            let (kn, kp, kv) = (k.clone(), k.clone(), k.clone());
            let job = Job {
                client: client.clone(),
                signal,
                notify: Rc::new(move |n| {
                    state.try_update(|s| s.waiting(&kn, n));
                }),
                progress: Rc::new(move |p| {
                    state.try_update(|s| s.progressed(&kp, p));
                }),
                preview: Rc::new(move |t| {
                    state.try_update(|s| s.preview(kv.clone(), t));
                }),
            };
            fetch(k, job)
        }
    };

    // The first request leaves now, while the rest of the view is still being built;
    // the effect's first run adopts it if it still wants the same key.
    let early = StoredValue::new_local(match (key.get_untracked(), app.client.get_untracked()) {
        (Some(k), Some(client)) => {
            let request = start(&client, &k);
            Some((k, request))
        }
        _ => None,
    });

    Effect::new(move |_| {
        loader.retry.track();
        let wanted = key.get();
        let early = early.try_update_value(Option::take).flatten();
        let client = app.client.get();
        let (Some(k), Some(client)) = (wanted, client) else {
            loader.slot.with_value(RequestSlot::cancel);
            loader.state.update(Load::idle);
            if let Some(busy) = loader.busy {
                busy.set(false);
            }
            return;
        };
        let request = match early {
            Some((early_key, request)) if early_key == k => request,
            _ => start(&client, &k),
        };
        let on_result = on_result.clone();
        spawn_local(async move {
            let result = request.await;
            if matches!(result, Err(ApiError::Aborted)) {
                return;
            }
            let result = result.map_err(|e| app.api_failed(e));
            let latest = loader
                .state
                .try_with_untracked(|s| s.wanted() == Some(&k) && s.is_running())
                .unwrap_or(false);
            if !latest {
                return;
            }
            if let Some(f) = &on_result {
                f(&k, &result);
            }
            loader.state.try_update(|s| s.finish(k, result));
            if let Some(busy) = loader.busy {
                busy.try_set(false);
            }
        });
    });
    on_cleanup(move || loader.slot.with_value(RequestSlot::cancel));
    loader
}
