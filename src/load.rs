//! [`Load`]: the state of one piece of data a view loads, as a pure type.
//!
//! Every request in the dashboard goes through one loader (`loader.rs` in the browser
//! layer); this is its state machine, kept free of the browser so every transition is
//! tested natively (`tests/load.rs`). A load is keyed: `K` says what was asked for
//! (a page of a view, a call id, a day), `T` is what came back.
//!
//! The rules it keeps, for every view alike:
//! - a newer request supersedes an older one: a result for any key but the latest is
//!   dropped, and an aborted request changes nothing;
//! - the data on screen stays while the next loads, and after a failure (a blank view
//!   loses what the user was reading); when what stays belongs to another key than the
//!   one asked for, it is *stale*, and the view greys it and says so;
//! - a wait before a retry is shown while it lasts, and goes with its request;
//! - a long load reports progress and may show partial data (a preview) before the end.
//!
//! | phase          | when                                                          |
//! |----------------|---------------------------------------------------------------|
//! | `Idle`         | nothing asked for yet, and nothing shown                      |
//! | `Loading`      | a request is out                                              |
//! | `RateLimited`  | a request is out, waiting out a 429 before its retry          |
//! | `Loaded`       | the data shown answers the latest request                     |
//! | `Stale`        | the latest request failed; the data shown answers an older one |
//! | `Failed`       | the latest request failed; nothing older is shown             |
//! | `Cancelled`    | the user stopped the latest request                            |

use crate::api::{ApiError, RetryNotice};
use crate::gather::Progress;

/// Where a load stands; see the module doc for when each holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Nothing asked for yet, nothing shown.
    Idle,
    /// A request is out.
    Loading,
    /// A request is out, waiting out the API's rate limit before retrying.
    RateLimited,
    /// The data shown answers the latest request.
    Loaded,
    /// The latest request failed; the data shown answers an older one.
    Stale,
    /// The latest request failed, with nothing older to show.
    Failed,
    /// The user cancelled the latest request.
    Cancelled,
}

/// The state of one keyed load.
#[derive(Debug, Clone, PartialEq)]
pub struct Load<K, T> {
    wanted: Option<K>,
    shown: Option<(K, T)>,
    running: bool,
    cancelled: bool,
    error: Option<ApiError>,
    notice: Option<RetryNotice>,
    progress: Option<Progress>,
}

impl<K, T> Default for Load<K, T> {
    fn default() -> Self {
        Load {
            wanted: None,
            shown: None,
            running: false,
            cancelled: false,
            error: None,
            notice: None,
            progress: None,
        }
    }
}

impl<K: PartialEq, T> Load<K, T> {
    /// A load that has asked for nothing.
    pub fn new() -> Self {
        Load::default()
    }

    /// A request for `key` has started; it supersedes any other.
    pub fn begin(&mut self, key: K) {
        self.wanted = Some(key);
        self.running = true;
        self.cancelled = false;
        self.error = None;
        self.notice = None;
        self.progress = None;
    }

    /// The request for `key` waits before a retry (`Some`), or stopped waiting (`None`).
    /// Ignored unless `key` is the latest request and it is still out.
    pub fn waiting(&mut self, key: &K, notice: Option<RetryNotice>) {
        if self.is_latest(key) && self.running {
            self.notice = notice;
        }
    }

    /// The request for `key` has got this far. Ignored for an older request.
    pub fn progressed(&mut self, key: &K, progress: Progress) {
        if self.is_latest(key) && self.running {
            self.progress = Some(progress);
        }
    }

    /// Partial data for `key` while its request goes on (a long gather's preview).
    pub fn preview(&mut self, key: K, data: T) {
        if self.is_latest(&key) && self.running {
            self.shown = Some((key, data));
        }
    }

    /// The request for `key` ended. An aborted request, or one superseded by a newer
    /// key, changes nothing; returns whether the result was taken.
    pub fn finish(&mut self, key: K, result: Result<T, ApiError>) -> bool {
        if !self.is_latest(&key) || !self.running {
            return false;
        }
        match result {
            Err(ApiError::Aborted) => return false,
            Ok(data) => {
                self.shown = Some((key, data));
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
        self.running = false;
        self.notice = None;
        true
    }

    /// The user stopped the request: it is no longer out, and what was shown stays.
    pub fn cancel(&mut self) {
        if self.running {
            self.running = false;
            self.cancelled = true;
            self.notice = None;
        }
    }

    /// Nothing is asked for any more (the view has nothing to load); what was shown
    /// stays until something else is.
    pub fn idle(&mut self) {
        self.wanted = None;
        self.running = false;
        self.notice = None;
        self.progress = None;
    }

    /// Where the load stands.
    pub fn phase(&self) -> Phase {
        if self.running {
            if self.notice.as_ref().is_some_and(RetryNotice::is_rate_limit) {
                Phase::RateLimited
            } else {
                Phase::Loading
            }
        } else if self.cancelled {
            Phase::Cancelled
        } else if self.error.is_some() {
            if self.is_stale() {
                Phase::Stale
            } else {
                Phase::Failed
            }
        } else if self.shown.is_some() {
            Phase::Loaded
        } else {
            Phase::Idle
        }
    }

    /// The data on screen, whichever request it answers.
    pub fn data(&self) -> Option<&T> {
        self.shown.as_ref().map(|(_, t)| t)
    }

    /// The key the data on screen answers.
    pub fn shown_key(&self) -> Option<&K> {
        self.shown.as_ref().map(|(k, _)| k)
    }

    /// The key of the latest request.
    pub fn wanted(&self) -> Option<&K> {
        self.wanted.as_ref()
    }

    /// Whether the data on screen answers the latest request.
    pub fn is_current(&self) -> bool {
        match (&self.shown, &self.wanted) {
            (Some((shown, _)), Some(wanted)) => shown == wanted,
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// Whether the latest request failed and the data kept on screen answers an
    /// older one: the view greys it and says it is the previous view's.
    pub fn is_stale(&self) -> bool {
        !self.running && self.error.is_some() && self.shown.is_some() && !self.is_current()
    }

    /// Whether a request is out.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Why the latest request failed.
    pub fn error(&self) -> Option<&ApiError> {
        self.error.as_ref()
    }

    /// The wait the latest request is sitting out before a retry.
    pub fn notice(&self) -> Option<&RetryNotice> {
        self.notice.as_ref()
    }

    /// How far the latest request has got, for loads that report it.
    pub fn progress(&self) -> Option<Progress> {
        self.progress
    }

    fn is_latest(&self, key: &K) -> bool {
        self.wanted.as_ref() == Some(key)
    }
}
