//! Browser tests: the calls view mounted in headless Chromium against a real local API.
//!
//! `make test` starts `dashboard-server api --fault-control` on a free port and passes
//! its base URL in `DASHBOARD_TEST_API` at compile time. Each test mounts the view
//! into a fresh element, acts like a user (helpers named for what a user does), and
//! waits for the screen to change; nothing sleeps for a fixed time.

#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use call_dashboard::api::{decode_calls_page, CallsPage};
use call_dashboard::client::{AuthMode, Client, Connection, KeyMode, SiteConfig};
use call_dashboard::components::{AnalyticsPage, CallsPage as CallsView};
use call_dashboard::{provide_app_context, AppState};
use gloo_net::http::Request;
use leptos::prelude::*;
use leptos_router::components::Router;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

const API: &str = match option_env!("DASHBOARD_TEST_API") {
    Some(url) => url,
    None => "http://127.0.0.1:8081/v1",
};
const KEY: &str = "sk_test_demo_telepath_dashboard";

fn origin() -> String {
    API.trim_end_matches("/v1").to_owned()
}

// ---- the server side of a test -------------------------------------------------

async fn api_get(path_and_query: &str) -> CallsPage {
    let resp = Request::get(&format!("{API}{path_and_query}"))
        .header("Authorization", &format!("Bearer {KEY}"))
        .send()
        .await
        .expect("the test API answers");
    decode_calls_page(&resp.text().await.expect("a body")).expect("a call list")
}

async fn set_faults(json: &str) {
    let resp = Request::put(&format!("{}/__faults", origin()))
        .header("Content-Type", "application/json")
        .body(json.to_owned())
        .expect("a body")
        .send()
        .await
        .expect("the fault endpoint answers");
    assert!(resp.ok(), "setting faults failed: {}", resp.status());
}

async fn clear_faults() {
    let resp = Request::delete(&format!("{}/__faults", origin()))
        .send()
        .await
        .expect("the fault endpoint answers");
    assert!(resp.ok());
}

// ---- mounting and acting like a user -------------------------------------------

struct Mounted {
    root: HtmlElement,
    state: AppState,
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts the calls view at the page URL `?{query}` with a direct-mode key.
fn mount(query: &str) -> Mounted {
    mount_with_key(query, KEY)
}

fn mount_with_key(query: &str, key: &str) -> Mounted {
    mount_view(query, key, false, 100_000)
}

/// Mounts the analytics view at `?{query}`.
fn mount_analytics(query: &str) -> Mounted {
    mount_view(query, KEY, true, 100_000)
}

fn mount_view(query: &str, key: &str, analytics: bool, gather_cap: u64) -> Mounted {
    let history = web_sys::window().unwrap().history().unwrap();
    let url = if query.is_empty() {
        "/".to_owned()
    } else {
        format!("/?{query}")
    };
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        .unwrap();
    let root: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let state = AppState {
        config: RwSignal::new(Some(SiteConfig {
            api_base: API.to_owned(),
            key_mode: KeyMode::Direct,
            gather_cap,
            gather_concurrency: 4,
            export_cap: 100_000,
            auth: AuthMode::None,
            max_page: None,
        })),
        client: RwSignal::new(Some(Client::new(Connection {
            api_base: API.to_owned(),
            key: Some(key.to_owned()),
        }))),
        auth_problem: RwSignal::new(None),
        config_problem: RwSignal::new(None),
    };
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_app_context(state);
        view! {
            <Router>
                {move || state.client.get().is_some().then(|| if analytics {
                    view! { <AnalyticsPage /> }.into_any()
                } else {
                    view! { <CallsView /> }.into_any()
                })}
            </Router>
        }
        .into_any()
    });
    Mounted {
        root,
        state,
        _handle: handle,
    }
}

impl Mounted {
    fn text(&self) -> String {
        self.root.text_content().unwrap_or_default()
    }

    fn all(&self, selector: &str) -> Vec<HtmlElement> {
        let list = self.root.query_selector_all(selector).unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .map(|n| n.unchecked_into())
            .collect()
    }

    fn one(&self, selector: &str) -> HtmlElement {
        self.root
            .query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("no element matches {selector}"))
            .unchecked_into()
    }

    fn range_text(&self) -> String {
        self.one(".pager-range").text_content().unwrap_or_default()
    }

    /// The call ids of the rows on screen, top to bottom.
    fn row_ids(&self) -> Vec<String> {
        self.all("tr.row[data-id]")
            .iter()
            .filter_map(|r| r.get_attribute("data-id"))
            .collect()
    }

    fn statuses(&self) -> Vec<String> {
        self.all("tr.row .badge")
            .iter()
            .map(|b| b.text_content().unwrap_or_default())
            .collect()
    }

    /// Waits until `see` holds, failing with what was on screen after `secs`.
    async fn until(&self, what: &str, secs: u64, see: impl Fn(&Mounted) -> bool) {
        let deadline = js_sys::Date::now() + (secs * 1000) as f64;
        while js_sys::Date::now() < deadline {
            if see(self) {
                return;
            }
            gloo_timers::future::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "waited {secs} s to {what}; the screen shows: {}",
            self.text()
        );
    }

    async fn see_text(&self, text: &str) {
        self.until(&format!("see {text:?}"), 10, |m| m.text().contains(text))
            .await;
    }

    async fn see_range(&self, text: &str) {
        self.until(&format!("see the range {text:?}"), 10, |m| {
            m.range_text() == text
        })
        .await;
    }

    fn click(&self, selector: &str) {
        self.one(selector).click();
    }

    fn click_text(&self, selector: &str, text: &str) {
        let el = self
            .all(selector)
            .into_iter()
            .find(|e| e.text_content().unwrap_or_default().contains(text))
            .unwrap_or_else(|| panic!("no {selector} says {text:?}"));
        el.click();
    }

    fn choose(&self, selector: &str, value: &str) {
        let select: HtmlSelectElement = self.one(selector).unchecked_into();
        select.set_value(value);
        select
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
    }

    fn type_into(&self, selector: &str, value: &str) {
        let input: HtmlInputElement = self.one(selector).unchecked_into();
        input.set_value(value);
        input
            .dispatch_event(&web_sys::Event::new("input").unwrap())
            .unwrap();
    }

    fn location_search(&self) -> String {
        web_sys::window().unwrap().location().search().unwrap()
    }
}

fn n(total: u64) -> String {
    call_dashboard::format::thousands(total)
}

// ---- tests ----------------------------------------------------------------------

#[wasm_bindgen_test]
async fn first_page_shows_twenty_newest_calls_and_the_total() {
    clear_faults().await;
    let expected = api_get("/calls?limit=20").await;
    let m = mount("");
    m.see_range(&format!("1–20 of {}", n(expected.pagination.total)))
        .await;
    let ids = m.row_ids();
    let want: Vec<String> = expected.calls.iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids, want);
}

#[wasm_bindgen_test]
async fn status_filter_changes_the_request_the_rows_and_the_url() {
    clear_faults().await;
    let failed = api_get("/calls?limit=1&status=failed")
        .await
        .pagination
        .total;
    let m = mount("");
    m.see_text("1–20 of").await;
    // The status buttons carry counts from the API.
    m.until("see the failed count", 10, |m| {
        m.one("[data-status=failed] .seg-count")
            .text_content()
            .unwrap()
            == n(failed)
    })
    .await;
    m.click("[data-status=failed]");
    m.see_range(&format!("1–20 of {}", n(failed))).await;
    m.until("see only failed rows", 10, |m| {
        let s = m.statuses();
        !s.is_empty() && s.iter().all(|s| s == "failed")
    })
    .await;
    // The URL follows once the rows are on screen (url_state.rs).
    m.until("put the status in the URL", 5, |m| {
        m.location_search().contains("status=failed")
    })
    .await;
}

#[wasm_bindgen_test]
async fn trunk_filter_narrows_rows_to_that_trunk() {
    clear_faults().await;
    let first = api_get("/calls?limit=1").await;
    let trunk = first.calls[0].trunk_id.clone();
    let total = api_get(&format!("/calls?limit=1&trunk_id={trunk}"))
        .await
        .pagination
        .total;
    let m = mount("");
    m.see_text("1–20 of").await;
    m.until("see the trunk choices", 10, |m| {
        m.all("#trunk-filter option").len() > 1
    })
    .await;
    m.choose("#trunk-filter", &trunk);
    m.see_range(&format!("1–20 of {}", n(total))).await;
    // The cells show the trunk's name (from /v1/trunks) and keep its id as their title.
    let ids: Vec<Option<String>> = m
        .all("tr.row td:nth-child(2)")
        .iter()
        .map(|t| t.get_attribute("title"))
        .collect();
    assert!(
        ids.iter().all(|t| t.as_deref() == Some(trunk.as_str())),
        "{ids:?}"
    );
    let names: Vec<String> = m
        .all("tr.row td:nth-child(2)")
        .iter()
        .map(|t| t.text_content().unwrap())
        .collect();
    assert!(
        names.iter().all(|t| *t != trunk && *t == names[0]),
        "{names:?}"
    );
}

#[wasm_bindgen_test]
async fn custom_date_range_in_utc_is_sent_as_rfc3339() {
    // The newest call's minute, as a one-minute custom range in UTC.
    let newest = api_get("/calls?limit=1").await.calls[0].start_time;
    let from = newest.format("%Y-%m-%dT%H:%M").to_string();
    let to_t = newest + chrono::Duration::minutes(1);
    let to = to_t.format("%Y-%m-%dT%H:%M").to_string();
    let q = format!("/calls?limit=1&start_date={}:00Z&end_date={}:00Z", from, to);
    let total = api_get(&q).await.pagination.total;
    let m = mount("tz=utc");
    m.see_text("1–").await;
    m.type_into("#range-from", &from);
    m.type_into("#range-to", &to);
    m.click_text(".custom-range button", "Apply range");
    m.see_range(&format!("1–{} of {}", total.min(20), n(total)))
        .await;
    let want = format!("from={}%3A00Z", from.replace(':', "%3A"));
    m.until("put the range in the URL", 5, |m| {
        m.location_search().contains(&want)
    })
    .await;
}

#[wasm_bindgen_test]
async fn preset_range_keeps_every_row_inside_the_window() {
    clear_faults().await;
    let m = mount("range=24h&tz=utc");
    m.see_text("1–").await;
    let cutoff = chrono::Utc::now() - chrono::Duration::hours(24) - chrono::Duration::minutes(1);
    let starts: Vec<String> = m
        .all("tr.row td:nth-child(6)")
        .iter()
        .map(|t| t.text_content().unwrap())
        .collect();
    assert!(!starts.is_empty());
    for s in starts {
        let t = chrono::NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S")
            .unwrap()
            .and_utc();
        assert!(t >= cutoff, "{t} is older than the last 24 h");
    }
}

#[wasm_bindgen_test]
async fn paging_moves_the_range_and_keeps_rows_until_the_next_page_arrives() {
    clear_faults().await;
    let total = api_get("/calls?limit=1").await.pagination.total;
    let m = mount("");
    m.see_range(&format!("1–20 of {}", n(total))).await;
    m.click("[aria-label='Next page']");
    m.see_range(&format!("21–40 of {}", n(total))).await;
    m.click_text(".btn-page", "4");
    m.see_range(&format!("61–80 of {}", n(total))).await;
    m.until("put the page in the URL", 5, |m| {
        m.location_search().contains("page=4")
    })
    .await;
    m.choose(".pager-size select", "50");
    m.see_range(&format!("1–50 of {}", n(total))).await;
    m.type_into("#jump", "3");
    m.click_text(".pager-jump button", "Go");
    m.see_range(&format!("101–150 of {}", n(total))).await;
}

#[wasm_bindgen_test]
async fn a_deep_link_restores_the_view() {
    clear_faults().await;
    let failed = api_get("/calls?limit=10&offset=10&status=failed").await;
    let m = mount("status=failed&page=2&size=10&tz=utc");
    m.see_range(&format!("11–20 of {}", n(failed.pagination.total)))
        .await;
    let ids = m.row_ids();
    assert_eq!(
        ids,
        failed
            .calls
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>()
    );
    assert!(m.text().contains("Started (UTC)"));
}

#[wasm_bindgen_test]
async fn a_row_opens_the_detail_panel_with_turns() {
    clear_faults().await;
    let m = mount("status=connected");
    m.see_text("1–").await;
    m.all("tr.row")[0].click();
    m.see_text("Disconnect reason").await;
    m.see_text("Turns (").await;
    m.click("[aria-label='Close details']");
    m.until("close the panel", 5, |m| m.all(".detail").is_empty())
        .await;
}

#[wasm_bindgen_test]
async fn server_errors_show_a_banner_and_recover_on_retry() {
    clear_faults().await;
    let m = mount("");
    m.see_text("1–20 of").await;
    set_faults(r#"[{"kind":"500","rate":1.0}]"#).await;
    m.click("[data-status=disconnected]");
    m.until("see the error banner", 15, |m| {
        !m.all(".banner-error").is_empty()
    })
    .await;
    assert!(m.text().contains("The API failed (500)"), "{}", m.text());
    clear_faults().await;
    m.click_text(".banner-error button", "Retry");
    m.until("see disconnected rows", 10, |m| {
        m.all(".banner-error").is_empty()
            && !m.statuses().is_empty()
            && m.statuses().iter().all(|s| s == "disconnected")
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_rate_limit_is_waited_out_with_a_notice() {
    clear_faults().await;
    let m = mount("");
    m.see_text("1–20 of").await;
    set_faults(r#"[{"kind":"429","rate":1.0,"count":1,"retry_after":1,"path":"/v1/calls"}]"#).await;
    m.click("[aria-label='Next page']");
    m.see_text("Rate limit reached").await;
    m.see_text("21–40 of").await;
    m.until("the notice to go", 5, |m| {
        !m.text().contains("Rate limit reached")
    })
    .await;
    clear_faults().await;
}

#[wasm_bindgen_test]
async fn unreadable_answers_are_errors_not_panics() {
    clear_faults().await;
    for kind in ["malformed", "truncated"] {
        let m = mount("");
        m.see_text("1–20 of").await;
        set_faults(&format!(r#"[{{"kind":"{kind}","rate":1.0}}]"#)).await;
        m.click("[aria-label='Next page']");
        m.see_text("in a form the dashboard cannot read").await;
        clear_faults().await;
        m.click_text(".banner-error button", "Retry");
        m.see_text("21–40 of").await;
    }
}

#[wasm_bindgen_test]
async fn drifted_data_is_shown_as_given() {
    clear_faults().await;
    let m = mount("");
    set_faults(r#"[{"kind":"drift","rate":1.0}]"#).await;
    m.click("[data-status=connected]");
    m.until("see an unknown status as is", 10, |m| {
        m.statuses()
            .iter()
            .any(|s| !["connected", "failed", "disconnected"].contains(&s.as_str()))
    })
    .await;
    clear_faults().await;
}

#[wasm_bindgen_test]
async fn a_rejected_key_brings_the_connect_panel_back() {
    clear_faults().await;
    let m = mount_with_key("", "sk_live_wrong");
    m.until("drop the client", 10, |m| {
        m.state.client.with_untracked(Option::is_none)
    })
    .await;
    let problem = m.state.auth_problem.get_untracked().unwrap_or_default();
    assert!(!problem.is_empty());
}

#[wasm_bindgen_test]
async fn the_key_never_reaches_the_url_or_storage() {
    clear_faults().await;
    let m = mount("status=failed");
    m.see_text("1–").await;
    let href = web_sys::window().unwrap().location().href().unwrap();
    assert!(!href.contains(KEY));
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    for i in 0..storage.length().unwrap() {
        let k = storage.key(i).unwrap().unwrap();
        let v = storage.get_item(&k).unwrap().unwrap_or_default();
        assert!(!v.contains(KEY), "{k} holds the key");
    }
}

#[wasm_bindgen_test]
async fn gathering_shows_progress_and_ends_with_every_call() {
    clear_faults().await;
    let failed = api_get("/calls?limit=1&status=failed")
        .await
        .pagination
        .total;
    let all = api_get("/calls?limit=1").await.pagination.total;
    // Slow answers make the progress bar observable.
    set_faults(r#"[{"kind":"slow","rate":1.0,"delay_ms":40,"path":"/v1/calls"}]"#).await;
    let m = mount_analytics("");
    m.until("see the progress bar", 10, |m| {
        !m.all("[role=progressbar]").is_empty()
    })
    .await;
    m.see_text(&format!("of {} calls", n(all))).await;
    clear_faults().await;
    m.until("finish gathering", 30, |m| {
        m.text()
            .contains(&format!("Statistics over {} of {} calls", n(all), n(all)))
    })
    .await;
    let total_card = m
        .one("[data-kpi='Total calls'] .kpi-value")
        .text_content()
        .unwrap();
    assert_eq!(total_card, n(all));
    // The failed share on its card is failed / all, as the daily report defines it.
    let failed_card = m
        .one("[data-kpi='Failed'] .kpi-value")
        .text_content()
        .unwrap();
    assert_eq!(
        failed_card,
        call_dashboard::format::percent(failed as f64 / all as f64)
    );
    // Every chart was drawn as SVG.
    for name in ["latency", "volume", "distribution", "trunks"] {
        m.until(&format!("draw the {name} chart"), 10, |m| {
            !m.all(&format!("[data-chart={name}] svg")).is_empty()
        })
        .await;
    }
}

#[wasm_bindgen_test]
async fn clicking_a_time_bucket_narrows_the_dates_and_the_rows() {
    clear_faults().await;
    let m = mount_analytics("tz=utc");
    m.until("draw the volume chart", 30, |m| {
        !m.all("[data-chart=volume] svg").is_empty()
    })
    .await;
    let frame = m.one("[data-chart=volume]");
    let rect = frame.get_bounding_client_rect();
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + rect.width() * 0.6) as i32);
    init.set_client_y((rect.top() + rect.height() * 0.5) as i32);
    let click = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    frame.dispatch_event(&click).unwrap();
    m.until("put the bucket in the URL", 10, |m| {
        m.location_search().contains("from=")
    })
    .await;
    let q = call_dashboard::api::CallQuery::from_url_query(&m.location_search());
    let (Some(start), Some(end)) = q.range().bounds(chrono::Utc::now()) else {
        panic!("the click set no range: {}", m.location_search());
    };
    assert!(end > start && end - start <= chrono::Duration::days(1));
    m.until("show rows of that bucket", 15, |m| {
        let starts: Vec<String> = m
            .all("[aria-label=Calls] tr.row td:nth-child(6)")
            .iter()
            .map(|t| t.text_content().unwrap())
            .collect();
        !starts.is_empty()
            && starts.iter().all(|s| {
                chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                    .map(|t| t.and_utc() >= start && t.and_utc() <= end)
                    .unwrap_or(false)
            })
    })
    .await;
}

#[wasm_bindgen_test]
async fn clicking_a_trunk_row_sets_the_trunk_filter() {
    clear_faults().await;
    let m = mount_analytics("");
    m.until("list the trunks", 30, |m| {
        !m.all(".trunk-table tr.row").is_empty()
    })
    .await;
    let row = m.all(".trunk-table tr.row")[0].clone();
    let trunk = row.get_attribute("data-trunk").unwrap();
    row.click();
    m.until("filter by the trunk", 10, |m| {
        m.location_search().contains(&format!("trunk={trunk}"))
    })
    .await;
    m.until("show only that trunk's calls", 15, |m| {
        let trunks: Vec<Option<String>> = m
            .all("[aria-label=Calls] tr.row td:nth-child(2)")
            .iter()
            .map(|t| t.get_attribute("title"))
            .collect();
        !trunks.is_empty() && trunks.iter().all(|t| t.as_deref() == Some(trunk.as_str()))
    })
    .await;
}

#[wasm_bindgen_test]
async fn past_the_cap_counts_stay_exact_and_the_rest_is_estimated() {
    clear_faults().await;
    let all = api_get("/calls?limit=1").await.pagination.total;
    let m = mount_view("", KEY, true, 500);
    // A sample of at most the cap (500 calls), the counts from the API's totals.
    m.until("the sampled figures", 10, |m| {
        let t = m.text();
        t.contains("Estimated from ") && t.contains(&format!(" of {} calls", n(all)))
    })
    .await;
    let card = |kpi: &str, part: &str| {
        m.one(&format!("[data-kpi='{kpi}'] {part}"))
            .text_content()
            .unwrap()
    };
    assert_eq!(card("Total calls", ".kpi-value"), n(all));
    assert!(card("p95 total latency", ".kpi-value").starts_with("≈ "));
    let interval = card("p95 total latency", ".kpi-interval");
    assert!(interval.starts_with("95 %: "), "{interval}");
}

#[wasm_bindgen_test]
async fn a_filter_change_gathers_the_new_set() {
    clear_faults().await;
    let all = api_get("/calls?limit=1").await.pagination.total;
    let failed = api_get("/calls?limit=1&status=failed")
        .await
        .pagination
        .total;
    let m = mount_analytics("");
    m.see_text(&format!("Statistics over {} of {} calls", n(all), n(all)))
        .await;
    m.click("[data-status=failed]");
    m.until("gather the failed calls", 20, |m| {
        m.text().contains(&format!(
            "Statistics over {} of {} calls",
            n(failed),
            n(failed)
        ))
    })
    .await;
    let total_card = m
        .one("[data-kpi='Total calls'] .kpi-value")
        .text_content()
        .unwrap();
    assert_eq!(total_card, n(failed));
}
