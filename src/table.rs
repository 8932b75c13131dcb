//! The call table apart from its DOM: its columns ([`COLUMNS`], one descriptor each),
//! sorting the shown page, and the per-row latency bar.

use std::cmp::Ordering;

use crate::api::{Call, CallStatus, TimeZoneMode};
use crate::format;
pub use crate::sort::SortDir;
use crate::sort::{missing_last, Sort, SortKey};
use crate::trunks::TrunkDirectory;

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

impl SortKey for SortColumn {
    fn first_dir(self) -> SortDir {
        match self {
            SortColumn::Id
            | SortColumn::Trunk
            | SortColumn::From
            | SortColumn::To
            | SortColumn::Status => SortDir::Asc,
            _ => SortDir::Desc,
        }
    }
}

/// How the shown page is sorted; the API's own order (newest first) is the default.
pub type CallSort = Sort<SortColumn>;

/// The API's own order: newest first.
pub const API_ORDER: CallSort = Sort {
    column: SortColumn::Start,
    dir: SortDir::Desc,
};

/// What a cell holds, which decides its markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Plain text.
    Text,
    /// An identifier or phone number, in a monospace font.
    Mono,
    /// A status badge.
    Badge,
    /// An instant, never wrapped.
    Time,
    /// A number, right-aligned.
    Number,
    /// The total latency, right-aligned, with the row's latency bar.
    Total,
}

/// One column of the call table: everything about it, in one place. The heading,
/// the skeleton, row creation and row update all read this, so moving a column
/// cannot put one column's value under another's heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// What the column shows, and what a click on its heading sorts by.
    pub key: SortColumn,
    /// Its heading.
    pub label: &'static str,
    /// Its cells' markup.
    pub kind: CellKind,
    /// Its class in the narrow layout, where a row becomes a small card; `None` for a
    /// column left out there (the detail panel shows it).
    pub card: Option<&'static str>,
}

impl Column {
    /// Left out of the narrow layout.
    pub fn wide_only(&self) -> bool {
        self.card.is_none()
    }

    /// Right-aligned numbers.
    pub fn numeric(&self) -> bool {
        matches!(self.kind, CellKind::Number | CellKind::Total)
    }

    /// The CSS classes of its cells.
    pub fn class(&self) -> String {
        let kind = match self.kind {
            CellKind::Text | CellKind::Badge => "",
            CellKind::Mono => "mono",
            CellKind::Time => "nowrap",
            CellKind::Number => "num",
            CellKind::Total => "num total",
        };
        let layout = self.card.unwrap_or("wide-only");
        if kind.is_empty() {
            layout.to_owned()
        } else {
            format!("{kind} {layout}")
        }
    }

    /// The text of this column's cell for `call`.
    pub fn text(&self, call: &Call, cx: &CellContext<'_>) -> String {
        let tz = cx.tz;
        let ms = |v: Option<u32>| format::latency_ms(v);
        match self.key {
            SortColumn::Id => call.id.clone(),
            SortColumn::Trunk => cx.trunks.label(&call.trunk_id),
            SortColumn::From => call.from.clone(),
            SortColumn::To => call.to.clone(),
            SortColumn::Status => call.status.as_str().to_owned(),
            SortColumn::Start => format::instant(call.start_time, tz),
            SortColumn::Duration => format::duration_s(call.duration_seconds),
            SortColumn::Carrier => ms(call.carrier_lag_ms),
            SortColumn::Ai => ms(call.ai_latency_ms),
            SortColumn::Gateway => ms(call.gateway_processing_ms),
            SortColumn::Total => ms(call.total_latency_ms()),
        }
    }
}

/// What a cell's text depends on besides its call.
#[derive(Debug, Clone, Copy)]
pub struct CellContext<'a> {
    /// The zone times are shown in.
    pub tz: TimeZoneMode,
    /// Trunk names.
    pub trunks: &'a TrunkDirectory,
}

impl Column {
    /// The tooltip of this column's cell, where it has one: a trunk shown by name
    /// keeps its id there, to copy.
    pub fn title(&self, call: &Call, cx: &CellContext<'_>) -> Option<String> {
        (self.key == SortColumn::Trunk && cx.trunks.name(&call.trunk_id).is_some())
            .then(|| call.trunk_id.clone())
    }
}

const fn column(
    key: SortColumn,
    label: &'static str,
    kind: CellKind,
    card: Option<&'static str>,
) -> Column {
    Column {
        key,
        label,
        kind,
        card,
    }
}

/// The call table's columns, in order.
pub const COLUMNS: [Column; 11] = [
    column(SortColumn::Id, "Call", CellKind::Mono, Some("c-id")),
    column(SortColumn::Trunk, "Trunk", CellKind::Text, Some("c-trunk")),
    column(SortColumn::From, "From", CellKind::Mono, None),
    column(SortColumn::To, "To", CellKind::Mono, None),
    column(
        SortColumn::Status,
        "Status",
        CellKind::Badge,
        Some("c-status"),
    ),
    column(
        SortColumn::Start,
        "Started",
        CellKind::Time,
        Some("c-start"),
    ),
    column(
        SortColumn::Duration,
        "Duration",
        CellKind::Number,
        Some("c-duration"),
    ),
    column(SortColumn::Carrier, "Carrier", CellKind::Number, None),
    column(SortColumn::Ai, "AI", CellKind::Number, None),
    column(SortColumn::Gateway, "Gateway", CellKind::Number, None),
    column(
        SortColumn::Total,
        "Total latency",
        CellKind::Total,
        Some("c-total"),
    ),
];

/// The column of `key`.
pub fn column_of(key: SortColumn) -> Column {
    COLUMNS
        .into_iter()
        .find(|c| c.key == key)
        .unwrap_or(COLUMNS[0])
}

/// The CSS class of a status badge; unknown statuses get a neutral one.
pub fn badge_class(status: &CallStatus) -> &'static str {
    match status {
        CallStatus::Connected => "badge badge-connected",
        CallStatus::Failed => "badge badge-failed",
        CallStatus::Disconnected => "badge badge-disconnected",
        CallStatus::Other(_) => "badge badge-other",
    }
}

/// Compares two calls by `column` in `dir`; unknown latencies go last either way, and
/// trunks sort by what the table shows (their names).
fn compare(
    a: &Call,
    b: &Call,
    column: SortColumn,
    dir: SortDir,
    names: &TrunkDirectory,
) -> Ordering {
    let known = |x: Option<u32>, y: Option<u32>| missing_last(x, y, dir);
    let plain = |o: Ordering| dir.apply(o);
    match column {
        SortColumn::Id => plain(a.id.cmp(&b.id)),
        SortColumn::Trunk => plain(
            names
                .label(&a.trunk_id)
                .cmp(&names.label(&b.trunk_id))
                .then_with(|| a.trunk_id.cmp(&b.trunk_id)),
        ),
        SortColumn::From => plain(a.from.cmp(&b.from)),
        SortColumn::To => plain(a.to.cmp(&b.to)),
        SortColumn::Status => plain(a.status.as_str().cmp(b.status.as_str())),
        SortColumn::Start => plain(a.start_time.cmp(&b.start_time)),
        SortColumn::Duration => plain(a.duration_seconds.cmp(&b.duration_seconds)),
        SortColumn::Carrier => known(a.carrier_lag_ms, b.carrier_lag_ms),
        SortColumn::Ai => known(a.ai_latency_ms, b.ai_latency_ms),
        SortColumn::Gateway => known(a.gateway_processing_ms, b.gateway_processing_ms),
        SortColumn::Total => known(a.total_latency_ms(), b.total_latency_ms()),
    }
}

/// Sorts the shown page; ties keep the API's order (newest first, then id).
pub fn sort_calls(calls: &mut [Call], sort: CallSort, names: &TrunkDirectory) {
    calls.sort_by(|a, b| {
        compare(a, b, sort.column, sort.dir, names)
            .then_with(|| b.start_time.cmp(&a.start_time))
            .then_with(|| b.id.cmp(&a.id))
    });
}

/// The latency every row's bar is drawn against: the page's largest total, unless a
/// few outliers would squeeze every other bar to a sliver; then one and a half times
/// the page's 90th-percentile total, and the rows above it draw a full bar, marked
/// (see [`latency_bar`]). Calls with an unknown latency are left out. At least 1.
pub fn latency_scale_ms(calls: &[Call]) -> u32 {
    let mut totals: Vec<u32> = calls.iter().filter_map(Call::total_latency_ms).collect();
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

/// The bar of `call` against `scale_ms` (from [`latency_scale_ms`]); an empty bar
/// when its latency is unknown (no part is drawn as a guess).
pub fn latency_bar(call: &Call, scale_ms: u32) -> LatencyBar {
    let (Some(total), Some(c), Some(a), Some(g)) = (
        call.total_latency_ms(),
        call.carrier_lag_ms,
        call.ai_latency_ms,
        call.gateway_processing_ms,
    ) else {
        return LatencyBar {
            widths: [0.0; 3],
            over: false,
        };
    };
    let over = total > scale_ms.max(1);
    let scale = f64::from(if over { total } else { scale_ms.max(1) });
    let pct = |ms: u32| (f64::from(ms) / scale * 100.0).clamp(0.0, 100.0);
    LatencyBar {
        widths: [pct(c), pct(a), pct(g)],
        over,
    }
}

/// The trunk filter's choices as `(id, label)`: the account's trunks where the API
/// lists them, else the trunks seen in calls so far; the selected one is always
/// present (a shared link may name a trunk not seen yet). Labels are names (an id
/// where there is none; a name two trunks share gets its id added), sorted by label.
pub fn trunk_choices<'a>(
    listed: Option<&[crate::api::Trunk]>,
    seen: impl IntoIterator<Item = &'a str>,
    selected: Option<&str>,
    names: &TrunkDirectory,
) -> Vec<(String, String)> {
    let mut ids: Vec<String> = match listed {
        Some(trunks) => trunks.iter().map(|t| t.id.clone()).collect(),
        None => seen.into_iter().map(str::to_owned).collect(),
    };
    if let Some(sel) = selected {
        if !ids.iter().any(|id| id == sel) {
            ids.push(sel.to_owned());
        }
    }
    ids.sort();
    ids.dedup();
    let mut choices: Vec<(String, String)> =
        ids.iter().map(|id| (id.clone(), names.label(id))).collect();
    let shared: Vec<String> = choices
        .iter()
        .filter(|(id, label)| choices.iter().any(|(o, l)| o != id && l == label))
        .map(|(id, _)| id.clone())
        .collect();
    for (id, label) in &mut choices {
        if shared.contains(id) {
            *label = format!("{label} ({id})");
        }
    }
    choices.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    choices
}
