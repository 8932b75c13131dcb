//! [`use_live`]: the live view's loop. A view says how to refresh (a fetch that merges
//! what it brings); this runs it as the [`Pacer`] allows: at the chosen interval, never
//! two at once, not while the tab is hidden or the browser offline (and at once when
//! they are back, if the interval has passed), within a tenth of the rate limit the API
//! announces, backing off after 429 and 5xx. Failures never blank the screen: the view
//! keeps its rows, and the status says what happened and when it last succeeded.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use crate::api::ApiError;
use crate::app::AppState;
use crate::client::RequestSlot;
use crate::live::{LiveInterval, Pacer, Paused};
use crate::loader::{Fetch, Job};

/// Requests a refresh is counted as before it starts (one page, as a rule).
const REFRESH_COST: u32 = 1;

/// What the live control says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveStatus {
    /// When the last refresh succeeded (Unix ms).
    pub last_success_ms: Option<u64>,
    /// Why it is not refreshing now, if paused.
    pub paused: Paused,
    /// The last failure, while it lasts, and when the next try may go (Unix ms).
    pub problem: Option<(ApiError, Option<u64>)>,
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Whether the page is hidden (`document.visibilityState`) or the browser offline.
fn paused_now() -> Paused {
    let window = web_sys::window();
    let hidden = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| js_sys::Reflect::get(&d, &JsValue::from_str("visibilityState")).ok())
        .and_then(|v| v.as_string())
        .is_some_and(|v| v == "hidden");
    let offline = window.is_some_and(|w| !w.navigator().on_line());
    Paused { hidden, offline }
}

/// Runs `refresh` at `interval` (tracked) for as long as the calling view lives.
pub fn use_live(
    interval: Memo<LiveInterval>,
    refresh: impl Fn(Job<()>) -> Fetch<()> + 'static,
) -> RwSignal<LiveStatus> {
    let app = expect_context::<AppState>();
    let status = RwSignal::new(LiveStatus::default());
    let pacer = StoredValue::new_local(Pacer::new(interval.get_untracked()));
    let slot = StoredValue::new_local(RequestSlot::default());
    let tick = move || {
        let Some(client) = app.client.try_get_untracked().flatten() else {
            return;
        };
        let Some(every) = interval.try_get_untracked() else {
            return;
        };
        let paused = paused_now();
        let now = now_ms();
        let start = pacer
            .try_update_value(|p| {
                p.set_interval(every);
                p.set_paused(paused);
                let go = p.may_start(now, REFRESH_COST);
                if go {
                    p.started(now, REFRESH_COST);
                }
                go
            })
            .unwrap_or(false);
        status.try_update(|s| s.paused = paused);
        if !start {
            return;
        }
        let signal = slot.with_value(RequestSlot::begin);
        let job = Job::quiet(client.clone(), signal);
        let request = refresh(job);
        spawn_local(async move {
            let result = request.await;
            let (done, rate) = (now_ms(), client.rate_limit());
            match result {
                Ok(()) => {
                    pacer.try_update_value(|p| p.succeeded(done, rate));
                    status.try_update(|s| {
                        s.last_success_ms = Some(done);
                        s.problem = None;
                    });
                }
                Err(ApiError::Aborted) => {
                    pacer.try_update_value(|p| p.failed(done, &ApiError::Aborted, rate));
                }
                Err(e) => {
                    let e = app.api_failed(e);
                    let next = pacer
                        .try_update_value(|p| {
                            p.failed(done, &e, rate);
                            p.next_at(done, REFRESH_COST)
                        })
                        .flatten();
                    status.try_update(|s| s.problem = Some((e, next)));
                }
            }
        });
    };
    let tick = std::rc::Rc::new(tick);
    let timer = StoredValue::new_local(None::<gloo_timers::callback::Interval>);
    Effect::new(move |_| {
        // A timer only while live: Off stops it (and the request in flight).
        if interval.get() == LiveInterval::Off {
            timer.set_value(None);
            slot.with_value(RequestSlot::cancel);
        } else if timer.with_value(Option::is_none) {
            let tick = tick.clone();
            timer.set_value(Some(gloo_timers::callback::Interval::new(1_000, move || tick())));
        }
    });
    on_cleanup(move || {
        timer.try_set_value(None);
        slot.try_with_value(RequestSlot::cancel);
    });
    status
}
