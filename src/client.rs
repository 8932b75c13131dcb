//! The only module that performs HTTP: gloo-net requests with the key, abort and retry.
//!
//! Every request takes an `AbortSignal`; [`RequestSlot`] aborts the previous request of
//! a view when a newer one starts, so a superseded request is cancelled on the wire,
//! not merely ignored. Failures become [`ApiError`]s; [`RetryPolicy`] decides what is
//! retried and after how long, and the caller hears about each wait through `notify`
//! so the screen can say "rate limited, retrying in 3 s".

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use gloo_net::http::{Request, Response};
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use crate::api::{
    decode_call_detail, decode_calls_page, decode_trunks_page, retry_after_seconds, ApiError,
    Attempts, Call, CallDetail, CallQuery, CallsPage, RetryNotice, RetryPolicy, Trunk, TrunksPage,
};
use crate::gather::{GatherOptions, LARGEST_PAGE};
use crate::live::RateLimit;

/// Who adds the API key: the server in front of the site, or this browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyMode {
    /// The server proxies `/v1` and adds the key; the browser never holds one.
    Server,
    /// The user pastes a key; it is sent as `Authorization: Bearer`.
    Direct,
}

/// Who signs users in, as the server in front of the site says in `config.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMode {
    /// `dashboard-server serve`'s own sign-in page and session cookie.
    Password,
    /// A single-sign-on proxy in front of the server names the user.
    Header,
    /// Nobody signs in (`demo`, a static host, or `serve --no-auth`).
    #[default]
    None,
}

impl AuthMode {
    /// Whether someone is signed in, so the header shows who.
    pub fn signs_in(self) -> bool {
        self != AuthMode::None
    }
}

/// Who is signed in to `dashboard-server serve`: `GET /auth/session`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Session {
    /// The user's name.
    pub user: String,
    /// `password` (the server's own sign-in, which has a Sign out) or `header` (SSO).
    #[serde(default)]
    pub method: String,
}

impl Session {
    /// Whether the server's own sign-in made this session, so Sign out applies.
    pub fn can_sign_out(&self) -> bool {
        self.method == "password"
    }
}

/// `config.json`, fetched next to `index.html` at start-up.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SiteConfig {
    /// Where the API is: a path on this origin (`/v1`) or an absolute URL.
    pub api_base: String,
    /// Who adds the key.
    pub key_mode: KeyMode,
    /// Most calls the analytics view gathers. Default 100,000.
    #[serde(default = "default_gather_cap")]
    pub gather_cap: u64,
    /// Requests in flight while gathering. Default 4.
    #[serde(default = "default_gather_concurrency")]
    pub gather_concurrency: usize,
    /// Most calls an export or a number search gathers. Default 100,000.
    #[serde(default = "default_export_cap")]
    pub export_cap: u64,
    /// Who signs users in. Default: nobody.
    #[serde(default)]
    pub auth: AuthMode,
    /// The largest page the API accepts, where whoever serves the site knows it (the
    /// local API's `--max-limit`). Absent: a gather asks for
    /// [`crate::gather::LARGEST_PAGE`] once per connection and learns it.
    #[serde(default)]
    pub max_page: Option<u32>,
}

fn default_gather_cap() -> u64 {
    GatherOptions::default().cap
}

fn default_export_cap() -> u64 {
    100_000
}

fn default_gather_concurrency() -> usize {
    GatherOptions::default().concurrency
}

impl SiteConfig {
    /// Gathering settings from this configuration (concurrency kept within 1–16).
    pub fn gather_options(&self) -> GatherOptions {
        GatherOptions {
            cap: self.gather_cap.max(1),
            concurrency: self.gather_concurrency.clamp(1, 16),
            max_page: self.max_page.map(|p| p.clamp(1, LARGEST_PAGE)),
            ..GatherOptions::default()
        }
    }
}

impl Default for SiteConfig {
    /// What a static host without `config.json` gets: the vendor's API, key pasted by the user.
    fn default() -> Self {
        SiteConfig {
            api_base: "https://api.telepathvoice.com/v1".to_owned(),
            key_mode: KeyMode::Direct,
            gather_cap: default_gather_cap(),
            gather_concurrency: default_gather_concurrency(),
            export_cap: default_export_cap(),
            auth: AuthMode::None,
            max_page: None,
        }
    }
}

/// Reads `config.json` relative to the page; a missing or unreadable one is an error
/// the caller reports before falling back to [`SiteConfig::default`].
///
/// The request leaves before this returns, so it overlaps whatever the caller does
/// next (the first render, at start-up).
pub fn load_site_config() -> impl Future<Output = Result<SiteConfig, String>> + 'static {
    let sent = fetch_now(Request::get("config.json"));
    async move {
        let resp = sent
            .await
            .map_err(|()| "config.json could not be fetched".to_owned())?;
        if !resp.ok() {
            return Err(format!("config.json answered HTTP {}", resp.status()));
        }
        let text = resp
            .text()
            .await
            .map_err(|_| "config.json could not be read".to_owned())?;
        serde_json::from_str(&text).map_err(|e| format!("config.json is not valid: {e}"))
    }
}

/// Calls `fetch` for `request` now, before returning, so the request is on its way
/// while the caller goes on (a render, the rest of an effect). The future gives the
/// response, or `()` when the request could not be built or the network failed.
fn fetch_now(
    request: gloo_net::http::RequestBuilder,
) -> impl Future<Output = Result<Response, ()>> + 'static {
    let sent = match (request.build(), web_sys::window()) {
        (Ok(request), Some(window)) => {
            Some(JsFuture::from(window.fetch_with_request(&request.into())))
        }
        _ => None,
    };
    async move {
        let raw = sent.ok_or(())?.await.map_err(|_| ())?;
        let resp = raw.dyn_into::<web_sys::Response>().map_err(|_| ())?;
        Ok(Response::from(resp))
    }
}

/// Where to send requests and with which key. `Debug` never prints the key.
#[derive(Clone, PartialEq, Eq)]
pub struct Connection {
    /// API base without a trailing slash, e.g. `/v1` or `https://api.telepathvoice.com/v1`.
    pub api_base: String,
    /// The key in direct mode; `None` behind the server's proxy.
    pub key: Option<String>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("api_base", &self.api_base)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// One view's "current request": starting a new one aborts the one before.
#[derive(Clone, Default)]
pub struct RequestSlot(Rc<RefCell<Option<AbortController>>>);

impl RequestSlot {
    /// Aborts the previous request of this slot and returns the signal for the next.
    pub fn begin(&self) -> AbortSignal {
        let mut current = self.0.borrow_mut();
        if let Some(previous) = current.take() {
            previous.abort();
        }
        let controller = AbortController::new().ok();
        let signal = controller
            .as_ref()
            .map(AbortController::signal)
            .unwrap_or_else(detached_signal);
        *current = controller;
        signal
    }

    /// Aborts the current request, if any (the view went away or was cleared).
    pub fn cancel(&self) {
        if let Some(previous) = self.0.borrow_mut().take() {
            previous.abort();
        }
    }
}

fn detached_signal() -> AbortSignal {
    // AbortController::new only fails outside a browser; a never-aborted signal is a
    // safe stand-in there.
    AbortController::new()
        .map(|c| c.signal())
        .unwrap_or_else(|_| AbortSignal::from(wasm_bindgen::JsValue::UNDEFINED))
}

/// An API client for one [`Connection`].
#[derive(Clone, Debug)]
pub struct Client {
    connection: Connection,
    policy: RetryPolicy,
    /// The `X-RateLimit-*` headers of the last answer, shared by every clone of the
    /// client, for whoever paces requests (the live view).
    rate: std::sync::Arc<std::sync::Mutex<Option<RateLimit>>>,
    /// The largest page this connection's API has been seen to honour (`None`: not
    /// asked yet), shared by every clone; see [`crate::gather::honoured_page`].
    page_limit: std::sync::Arc<std::sync::Mutex<Option<u32>>>,
}

impl Client {
    /// A client with the default retry policy.
    pub fn new(connection: Connection) -> Self {
        Client {
            connection,
            policy: RetryPolicy::default(),
            rate: Default::default(),
            page_limit: Default::default(),
        }
    }

    /// The largest page the API has been seen to honour, if a gather has asked.
    pub fn page_limit(&self) -> Option<u32> {
        self.page_limit.lock().ok().and_then(|p| *p)
    }

    /// Remembers the largest page the API honours, for the connection's life.
    pub fn set_page_limit(&self, limit: u32) {
        if let Ok(mut p) = self.page_limit.lock() {
            *p = Some(limit);
        }
    }

    /// The rate-limit headers of the last answer, if it sent them.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate.lock().ok().and_then(|r| *r)
    }

    /// The API base this client talks to.
    pub fn base(&self) -> &str {
        &self.connection.api_base
    }

    /// One page of `GET /v1/calls` for `query`, presets resolved against `now`.
    ///
    /// The request leaves when this is called, not when the future is first polled:
    /// a view that starts it from an effect does not wait for the re-render the same
    /// change causes before the request is on the wire.
    pub fn calls(
        &self,
        query: &CallQuery,
        now: DateTime<Utc>,
        signal: AbortSignal,
        notify: impl Fn(Option<RetryNotice>) + 'static,
    ) -> impl Future<Output = Result<CallsPage, ApiError>> + 'static {
        let path = format!("/calls?{}", query.api_query(now));
        let first = self.send(&path, &signal);
        let client = self.clone();
        async move {
            let body = client.retrying(first, &path, &signal, &notify).await?;
            decode_calls_page(&body)
        }
    }

    /// The calls of `window` (a [`CallQuery::since`] view), newest first, reading at
    /// most `max_pages` pages of 100: `(calls, complete)`, complete when they are all
    /// the window holds (a live refresh of a busy account may stop short).
    pub async fn calls_since(
        &self,
        window: &CallQuery,
        now: DateTime<Utc>,
        max_pages: u64,
        signal: &AbortSignal,
        notify: &dyn Fn(Option<RetryNotice>),
    ) -> Result<(Vec<Call>, bool), ApiError> {
        let mut fetched = Vec::new();
        for page in 0..max_pages {
            let got = self
                .calls_window(window, now, 100, page * 100, signal, notify)
                .await?;
            let total = got.pagination.total;
            fetched.extend(got.calls);
            if fetched.len() as u64 >= total {
                return Ok((fetched, true));
            }
        }
        Ok((fetched, false))
    }

    /// Any window of the filtered set (`limit` up to what the API honours, see
    /// [`crate::gather::LARGEST_PAGE`]), for gathering and counts.
    pub async fn calls_window(
        &self,
        query: &CallQuery,
        now: DateTime<Utc>,
        limit: u32,
        offset: u64,
        signal: &AbortSignal,
        notify: &dyn Fn(Option<RetryNotice>),
    ) -> Result<CallsPage, ApiError> {
        let path = format!("/calls?{}", query.api_query_window(now, limit, offset));
        let body = self.get_text(&path, signal, notify).await?;
        decode_calls_page(&body)
    }

    /// `GET /v1/calls/{id}`.
    pub async fn call_detail(
        &self,
        id: &str,
        signal: &AbortSignal,
        notify: &dyn Fn(Option<RetryNotice>),
    ) -> Result<CallDetail, ApiError> {
        let id: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
        let body = self
            .get_text(&format!("/calls/{id}"), signal, notify)
            .await?;
        decode_call_detail(&body)
    }

    /// Every page of `GET /v1/trunks`, 100 at a time, until the API's `total` is
    /// reached (or a page comes back empty). A 404 (an API without the endpoint) is
    /// the caller's to treat as "no names".
    pub async fn all_trunks(
        &self,
        signal: &AbortSignal,
        notify: &dyn Fn(Option<RetryNotice>),
    ) -> Result<Vec<Trunk>, ApiError> {
        let mut trunks = Vec::new();
        loop {
            let path = format!("/trunks?limit=100&offset={}", trunks.len());
            let page: TrunksPage = decode_trunks_page(&self.get_text(&path, signal, notify).await?)?;
            let done = page.trunks.is_empty();
            trunks.extend(page.trunks);
            if done || trunks.len() as u64 >= page.pagination.total {
                return Ok(trunks);
            }
        }
    }

    /// Who is signed in, from the dashboard server's `GET /auth/session` (beside the
    /// site, not under the API base); `None` where the server has no sign-in (404).
    pub async fn session(&self, signal: &AbortSignal) -> Result<Option<Session>, ApiError> {
        let url = crate::navigation::resolve("auth/session");
        let sent = fetch_now(Request::get(&url).abort_signal(Some(signal)));
        let resp = sent.await.map_err(|()| ApiError::Network {
            base: "the dashboard server".to_owned(),
        })?;
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        match status {
            200..=299 => serde_json::from_str(&body)
                .map(Some)
                .map_err(|e| ApiError::Decode {
                    what: "the signed-in user".to_owned(),
                    detail: e.to_string(),
                }),
            404 => Ok(None),
            _ => Err(ApiError::from_status(status, &body, None)),
        }
    }

    /// GET `path` under the API base with retries; the body of a 2xx answer.
    async fn get_text(
        &self,
        path: &str,
        signal: &AbortSignal,
        notify: &dyn Fn(Option<RetryNotice>),
    ) -> Result<String, ApiError> {
        self.retrying(self.send(path, signal), path, signal, notify)
            .await
    }

    /// Waits for `first`, an attempt at GET `path` already sent, then retries it as the
    /// policy says.
    async fn retrying(
        &self,
        first: impl Future<Output = Result<String, ApiError>>,
        path: &str,
        signal: &AbortSignal,
        notify: &dyn Fn(Option<RetryNotice>),
    ) -> Result<String, ApiError> {
        let mut attempts = Attempts::default();
        let mut result = first.await;
        loop {
            if signal.aborted() {
                return Err(ApiError::Aborted);
            }
            let error = match result {
                Ok(body) => {
                    if attempts != Attempts::default() {
                        notify(None);
                    }
                    return Ok(body);
                }
                Err(e) => e,
            };
            let Some(wait_ms) = self
                .policy
                .delay_ms(&error, &mut attempts, js_sys::Math::random())
            else {
                notify(None);
                return Err(error);
            };
            notify(Some(RetryNotice {
                error: error.clone(),
                wait_ms,
                paced: false,
            }));
            gloo_timers::future::TimeoutFuture::new(u32::try_from(wait_ms).unwrap_or(u32::MAX))
                .await;
            if signal.aborted() {
                return Err(ApiError::Aborted);
            }
            result = self.send(path, signal).await;
        }
    }

    /// Sends one GET of `path` now (`fetch` is called before this returns) and gives the
    /// body of a 2xx answer, or the error the answer or the network means.
    fn send(
        &self,
        path: &str,
        signal: &AbortSignal,
    ) -> impl Future<Output = Result<String, ApiError>> + 'static {
        let url = format!("{}{}", self.connection.api_base.trim_end_matches('/'), path);
        let mut request = Request::get(&url).abort_signal(Some(signal));
        if let Some(key) = &self.connection.key {
            request = request.header("Authorization", &format!("Bearer {key}"));
        }
        let base = self.connection.api_base.clone();
        let rate = self.rate.clone();
        let sent = fetch_now(request);
        async move {
            let network = || ApiError::Network { base: base.clone() };
            let resp = sent.await.map_err(|()| network())?;
            let status = resp.status();
            let headers = resp.headers();
            let seen = RateLimit::from_headers(
                headers.get("X-RateLimit-Limit").as_deref(),
                headers.get("X-RateLimit-Remaining").as_deref(),
                headers.get("X-RateLimit-Reset").as_deref(),
            );
            if let (Some(seen), Ok(mut r)) = (seen, rate.lock()) {
                *r = Some(seen);
            }
            let body = resp.text().await.map_err(|_| network())?;
            if (200..300).contains(&status) {
                return Ok(body);
            }
            let retry_after = (status == 429).then(|| {
                let now_s = (js_sys::Date::now() / 1000.0) as u64;
                retry_after_seconds(
                    headers.get("Retry-After").as_deref(),
                    headers.get("X-RateLimit-Reset").as_deref(),
                    now_s,
                )
            });
            Err(ApiError::from_status(status, &body, retry_after))
        }
    }
}
