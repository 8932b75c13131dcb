//! Gathering the whole filtered set: which windows to fetch, and how far along we are.
//!
//! The API pages 100 calls at most per request, so statistics over a filtered set need
//! `total / 100` requests. [`GatherPlan`] lists them after the first answer has told the
//! total; the browser layer runs them a few at a time and reports [`Progress`].

/// How to gather; `GatherOptions::default()` is what the dashboard uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatherOptions {
    /// Requests in flight at once. Default 4.
    pub concurrency: usize,
    /// Most calls gathered; past it every figure says "n of total". Default 100,000.
    pub cap: u64,
    /// Calls per request; the API's maximum is 100. Default 100.
    pub page: u32,
}

impl Default for GatherOptions {
    fn default() -> Self {
        GatherOptions {
            concurrency: 4,
            cap: 100_000,
            page: 100,
        }
    }
}

/// The windows to fetch for a set of `total` calls, the first one excluded when it
/// has been fetched already (it told us the total).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatherPlan {
    /// Calls matching the filters.
    pub total: u64,
    /// Calls that will be gathered: `min(total, cap)`.
    pub target: u64,
    /// `(offset, limit)` of every request, in order.
    pub windows: Vec<(u64, u32)>,
}

impl GatherPlan {
    /// The plan for `total` calls; `skip_first` leaves out the window at offset 0.
    pub fn new(total: u64, opts: &GatherOptions, skip_first: bool) -> Self {
        let page = u64::from(opts.page.clamp(1, 100));
        let target = total.min(opts.cap);
        let mut windows = Vec::with_capacity(target.div_ceil(page) as usize);
        let mut offset = if skip_first { page.min(target) } else { 0 };
        while offset < target {
            let limit = (target - offset).min(page);
            windows.push((offset, limit as u32));
            offset += limit;
        }
        GatherPlan {
            total,
            target,
            windows,
        }
    }

    /// Whether the cap cuts the set short, so figures must say "n of total".
    pub fn is_capped(&self) -> bool {
        self.target < self.total
    }
}

/// Smallest set worth previewing: below it gathering is over in a blink.
pub const PREVIEW_MIN_TARGET: u64 = 5_000;

/// Whether statistics over the calls gathered so far should be shown now: each time
/// gathering crosses a quarter of a large set (25, 50 and 75 %). A manager sees the
/// figures take shape during a long gather, and the statistics code is warm (compiled
/// by the browser's optimising tier) when the whole set arrives.
pub fn preview_due(fetched_before: u64, fetched_now: u64, target: u64) -> bool {
    if target < PREVIEW_MIN_TARGET || fetched_now >= target {
        return false;
    }
    let quarter = |n: u64| n * 4 / target;
    quarter(fetched_now) > quarter(fetched_before)
}

/// How far gathering has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Calls received so far.
    pub fetched: u64,
    /// Calls that will be gathered in all.
    pub target: u64,
    /// Calls matching the filters.
    pub total: u64,
}

impl Progress {
    /// Fraction done in `0.0..=1.0` (1.0 for an empty set).
    pub fn fraction(&self) -> f64 {
        if self.target == 0 {
            1.0
        } else {
            (self.fetched as f64 / self.target as f64).clamp(0.0, 1.0)
        }
    }

    /// `12,300 of 20,000 calls`.
    pub fn text(&self) -> String {
        format!(
            "{} of {} calls",
            crate::format::thousands(self.fetched),
            crate::format::thousands(self.target)
        )
    }

    /// The label every figure carries when the set is incomplete: `n of total`,
    /// or `None` when the figures cover every matching call.
    pub fn coverage_label(&self) -> Option<String> {
        (self.fetched < self.total).then(|| {
            format!(
                "over {} of {} calls",
                crate::format::thousands(self.fetched),
                crate::format::thousands(self.total)
            )
        })
    }
}
