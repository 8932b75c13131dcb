//! The call table's arithmetic: sorting the shown page and the per-row latency bar.

use std::cmp::Ordering;

use crate::api::Call;

/// A sortable column of the call table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortColumn {
    /// Call id.
    Id,
    /// Trunk id.
    Trunk,
    /// Caller number.
    From,
    /// Callee number.
    To,
    /// Status.
    Status,
    /// Start time.
    Start,
    /// Talk time.
    Duration,
    /// Carrier latency.
    Carrier,
    /// AI latency.
    Ai,
    /// Gateway latency.
    Gateway,
    /// Total latency.
    Total,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortDir {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// How the shown page is sorted; the API's own order (newest first) is `Start, Desc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sort {
    /// The column.
    pub column: SortColumn,
    /// The direction.
    pub dir: SortDir,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            column: SortColumn::Start,
            dir: SortDir::Desc,
        }
    }
}

impl Sort {
    /// The sort after clicking `column`'s header: the same column flips direction; a new
    /// column starts with the direction a user most likely wants (numbers and times
    /// largest first, text A→Z).
    pub fn toggled(self, column: SortColumn) -> Sort {
        if self.column == column {
            let dir = match self.dir {
                SortDir::Asc => SortDir::Desc,
                SortDir::Desc => SortDir::Asc,
            };
            return Sort { column, dir };
        }
        let dir = match column {
            SortColumn::Id
            | SortColumn::Trunk
            | SortColumn::From
            | SortColumn::To
            | SortColumn::Status => SortDir::Asc,
            _ => SortDir::Desc,
        };
        Sort { column, dir }
    }

    /// `aria-sort` value for a header.
    pub fn aria(self, column: SortColumn) -> &'static str {
        match (self.column == column, self.dir) {
            (false, _) => "none",
            (true, SortDir::Asc) => "ascending",
            (true, SortDir::Desc) => "descending",
        }
    }
}

fn compare(a: &Call, b: &Call, column: SortColumn) -> Ordering {
    match column {
        SortColumn::Id => a.id.cmp(&b.id),
        SortColumn::Trunk => a.trunk_id.cmp(&b.trunk_id),
        SortColumn::From => a.from.cmp(&b.from),
        SortColumn::To => a.to.cmp(&b.to),
        SortColumn::Status => a.status.as_str().cmp(b.status.as_str()),
        SortColumn::Start => a.start_time.cmp(&b.start_time),
        SortColumn::Duration => a.duration_seconds.cmp(&b.duration_seconds),
        SortColumn::Carrier => a.carrier_lag_ms.cmp(&b.carrier_lag_ms),
        SortColumn::Ai => a.ai_latency_ms.cmp(&b.ai_latency_ms),
        SortColumn::Gateway => a.gateway_processing_ms.cmp(&b.gateway_processing_ms),
        SortColumn::Total => a.total_latency_ms().cmp(&b.total_latency_ms()),
    }
}

/// Sorts the shown page; ties keep the API's order (newest first, then id).
pub fn sort_calls(calls: &mut [Call], sort: Sort) {
    calls.sort_by(|a, b| {
        let primary = compare(a, b, sort.column);
        let primary = match sort.dir {
            SortDir::Asc => primary,
            SortDir::Desc => primary.reverse(),
        };
        primary
            .then_with(|| b.start_time.cmp(&a.start_time))
            .then_with(|| b.id.cmp(&a.id))
    });
}

/// The latency every row's bar is drawn against: the page's largest total, unless a
/// few outliers would squeeze every other bar to a sliver; then one and a half times
/// the page's 90th-percentile total, and the rows above it draw a full bar, marked
/// (see [`latency_bar`]). At least 1.
pub fn latency_scale_ms(calls: &[Call]) -> u32 {
    let mut totals: Vec<u32> = calls.iter().map(Call::total_latency_ms).collect();
    totals.sort_unstable();
    let Some(&largest) = totals.last() else {
        return 1;
    };
    let p90 = totals[(totals.len() - 1) * 9 / 10];
    largest.min(p90.saturating_mul(3) / 2).max(1)
}

/// A row's latency bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyBar {
    /// Widths in percent of carrier, AI and gateway. They add up to the row's share of
    /// the scale, so rows compare at a glance; a row over the scale fills the bar in its
    /// own proportions.
    pub widths: [f64; 3],
    /// The row's total is beyond the scale.
    pub over: bool,
}

/// The bar of `call` against `scale_ms` (from [`latency_scale_ms`]).
pub fn latency_bar(call: &Call, scale_ms: u32) -> LatencyBar {
    let total = call.total_latency_ms();
    let over = total > scale_ms.max(1);
    let scale = f64::from(if over { total } else { scale_ms.max(1) });
    let pct = |ms: u32| (f64::from(ms) / scale * 100.0).clamp(0.0, 100.0);
    LatencyBar {
        widths: [
            pct(call.carrier_lag_ms),
            pct(call.ai_latency_ms),
            pct(call.gateway_processing_ms),
        ],
        over,
    }
}

/// The trunk filter's choices as `(id, label)`: the account's trunks where the API
/// lists them, else the trunks seen in calls so far; the selected one is always
/// present (a shared link may name a trunk not seen yet). Sorted by label.
pub fn trunk_choices<'a>(
    listed: Option<&[crate::api::Trunk]>,
    seen: impl IntoIterator<Item = &'a str>,
    selected: Option<&str>,
) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> = match listed {
        Some(trunks) => trunks
            .iter()
            .map(|t| {
                let label = match &t.name {
                    Some(name) if !name.is_empty() => format!("{name} ({})", t.id),
                    _ => t.id.clone(),
                };
                (t.id.clone(), label)
            })
            .collect(),
        None => seen
            .into_iter()
            .map(|id| (id.to_owned(), id.to_owned()))
            .collect(),
    };
    if let Some(sel) = selected {
        if !choices.iter().any(|(id, _)| id == sel) {
            choices.push((sel.to_owned(), sel.to_owned()));
        }
    }
    choices.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    choices.dedup_by(|a, b| a.0 == b.0);
    choices
}
