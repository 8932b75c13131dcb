//! [`use_analysis`]: gather a view's whole filtered set, and the period before it,
//! through the loader, and keep the statistics over them up to date.
//!
//! # Usage
//! ```ignore
//! let a = use_analysis(query, clock);
//! view! { <KpiCards current=a.analysis deltas=a.deltas coverage=a.coverage /> }
//! ```
//!
//! The gather is keyed on the filters and the view's clock: paging the call list or
//! changing a display setting never gathers again; a filter change, Refresh or Retry
//! does. Statistics are recomputed only when their own inputs change (the set, the
//! range, the SLO). Once the set is in, the previous period of the same length is
//! gathered quietly for the "change since" figures.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::api::{CallQuery, Filters};
use crate::app::{AppState, TrunkList};
use crate::client::SiteConfig;
use crate::gatherer::{gather, Gathered, PageCache};
use crate::load::Phase;
use crate::loader::{use_loader, Loader, LoaderOptions};
use crate::perf;
use crate::api::Call;
use crate::live::LiveCalls;
use crate::gather::GatherOptions;
use crate::stats::{
    compare, Analysis, AnalysisOptions, DEFAULT_REPLICATES, Heatmap, KpiDeltas, LatencyCalls, PerSegment, TrunkRow,
};
use crate::use_live::{use_live, LiveStatus};
use crate::view_clock;
use crate::view_clock::ViewClock;

/// What a gather is for: the filters, as of the view's clock, and whether a manager
/// asked to compute exactly (gather every call however many, instead of sampling a set
/// larger than the cap).
pub type GatherKey = (Filters, DateTime<Utc>, bool);

/// The gathered set of a view and what is computed from it.
#[derive(Clone, Copy)]
pub struct AnalysisView {
    /// The gather of the view's set (progress, Cancel, Resume, errors).
    pub gather: Loader<GatherKey, Arc<Gathered>>,
    /// Statistics over the set gathered so far (a preview while it runs).
    pub analysis: RwSignal<Option<Arc<Analysis>>>,
    /// Calls and p95 latency by hour of the day and weekday, over the same set.
    pub heatmap: RwSignal<Option<Arc<Heatmap>>>,
    /// What the live view reports.
    pub live: RwSignal<LiveStatus>,
    /// Each KPI against the previous period of the same length, once both are in.
    pub deltas: Memo<Option<KpiDeltas>>,
    /// How much of the set the figures cover, when not all of it.
    pub coverage: Signal<Option<String>>,
    /// The figures on screen belong to another filter than the one asked for (its
    /// gather failed): kept, greyed and said to be old.
    pub stale: Memo<bool>,
    /// Gathers the current view's whole set, however large ("Compute exactly").
    pub compute_exactly: Callback<()>,
}

/// The statistics of a gathered set: over its calls, or estimated from its sample.
fn analyse(g: &Gathered, calls: &[Call], opts: &AnalysisOptions) -> Analysis {
    match &g.sample {
        Some(set) => Analysis::compute_sampled(&g.calls, set, opts, DEFAULT_REPLICATES),
        None => Analysis::compute(calls, opts),
    }
}

/// The options of [`Analysis::compute`] for a view's range and SLO.
fn analysis_options(q: &CallQuery, now: DateTime<Utc>) -> AnalysisOptions {
    AnalysisOptions {
        slo_ms: PerSegment {
            total: Some(
                q.slo()
                    .map_or(crate::stats::DEFAULT_TOTAL_SLO_MS, |s| s.ms()),
            ),
            ..PerSegment::default()
        },
        range: q.range().bounds(now),
        ..AnalysisOptions::default()
    }
}

/// The view's filters as a query to gather: presets resolved and the end closed at
/// the clock's now, so every page of the gather sees the same set.
fn gather_query(filters: &Filters, now: DateTime<Utc>) -> CallQuery {
    CallQuery::new()
        .with_filters(|f| *f = filters.clone())
        .frozen(now)
}

/// The head of a set in API order that a live refresh may change: the calls of its
/// newest minutes, and any still in progress (a refresh from their start re-reads them).
fn head(calls: &[Call]) -> Vec<Call> {
    let Some(newest) = calls.first().map(|c| c.start_time) else {
        return Vec::new();
    };
    let oldest_running = calls
        .iter()
        .take(5_000)
        .filter(|c| c.end_time.is_none())
        .map(|c| c.start_time)
        .min()
        .unwrap_or(newest);
    let from = oldest_running.min(newest);
    calls.iter().take_while(|c| c.start_time >= from).cloned().collect()
}

/// Merges what a live refresh from `since` brought into `calls` (API order): the head
/// from `since` on is replaced by the merged head, and calls a relative range has left
/// (started before `start`) are dropped from the end.
fn merge_live(
    calls: &mut Vec<Call>,
    since: DateTime<Utc>,
    fetched: &[Call],
    complete: bool,
    status: Option<crate::api::StatusFilter>,
    start: Option<DateTime<Utc>>,
) {
    let head_len = calls.iter().take_while(|c| c.start_time >= since).count();
    let mut merged = LiveCalls::new(calls[..head_len].to_vec(), status);
    merged.receive(fetched, complete);
    merged.show_pending();
    calls.splice(..head_len, merged.shown().iter().cloned());
    if let Some(start) = start {
        let keep = calls.partition_point(|c| c.start_time >= start);
        calls.truncate(keep);
    }
}

/// Gathers `query`'s set (and the period before it) and computes its statistics.
/// A shown set: equal when it is the same key and the same gathered calls (compared by
/// address, never call by call).
#[derive(Clone)]
struct ShownSet(GatherKey, Arc<Gathered>);

impl PartialEq for ShownSet {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 && Arc::ptr_eq(&self.1, &other.1)
    }
}

pub fn use_analysis(query: Memo<CallQuery>, clock: ViewClock) -> AnalysisView {
    let state = expect_context::<AppState>();
    let cache = use_context::<StoredValue<PageCache, LocalStorage>>()
        .unwrap_or_else(|| StoredValue::new_local(PageCache::default()));
    let options = move || {
        state
            .config
            .with_untracked(|c| c.as_ref().map(SiteConfig::gather_options))
            .unwrap_or_default()
    };

    // The view a manager asked to compute exactly (only that one: another filter samples again).
    let exact = RwSignal::new(None::<(Filters, DateTime<Utc>)>);
    let gather_set = use_loader(
        move || {
            let key = (query.with(|q| q.filters().clone()), clock.now.get());
            let exactly = exact.with(|e| e.as_ref() == Some(&key));
            Some((key.0, key.1, exactly))
        },
        move |(filters, now, exactly), job| {
            let opts = GatherOptions {
                sample_past_cap: !*exactly,
                cap: if *exactly { u64::MAX } else { options().cap },
                ..options()
            };
            let (q, now, cache) = (gather_query(filters, *now), *now, cache.get_value());
            perf::start("dashboard:gather");
            Box::pin(async move {
                let preview = |g: Gathered| (job.preview())(Arc::new(g));
                let mut ctx = job.gather_ctx(&cache, true);
                ctx.listen.preview = &preview;
                let g = gather(&ctx, &q, now, opts).await?;
                perf::measure("dashboard:gather");
                Ok(Arc::new(g))
            })
        },
        LoaderOptions::default(),
    );

    // The previous period, once the current set is in.
    let previous = use_loader(
        move || {
            gather_set.with(|l| {
                (l.phase() == Phase::Loaded)
                    .then(|| l.shown_key().cloned())
                    .flatten()
            })
        },
        move |(filters, now, exactly), job| {
            let prev = gather_query(filters, *now).previous_period(*now);
            // Computed exactly, the change is between exact figures too.
            let opts = GatherOptions {
                sample_past_cap: !*exactly,
                cap: if *exactly { u64::MAX } else { options().cap },
                ..options()
            };
            let (now, cache) = (*now, cache.get_value());
            Box::pin(async move {
                let Some(prev) = prev else {
                    return Ok(None);
                };
                let g = gather(&job.gather_ctx(&cache, false), &prev, now, opts).await?;
                Ok(Some(Arc::new(g)))
            })
        },
        LoaderOptions::default(),
    );

    // Statistics, recomputed only when their own inputs change: the set, the range and
    // the SLO (paging the list below, or the previous period arriving, must not
    // recompute the current set).
    let analysis = RwSignal::new(None::<Arc<Analysis>>);
    let previous_analysis = RwSignal::new(None::<(GatherKey, Arc<Analysis>)>);
    let stats_query = Memo::new(move |_| query.with(CallQuery::stats_scope));
    let names = expect_context::<TrunkList>().names;
    // The live view adds the calls that arrive to the gathered set, in place, and drops
    // those a relative range has left; `live_version` says when it changed.
    let live = StoredValue::new_local(None::<(GatherKey, Vec<Call>)>);
    let live_version = RwSignal::new(0u32);
    // Runs `f` over the set the figures are of: the live set when it belongs to the
    // gathered key, else the gathered calls.
    // The loader's state also changes with every page's progress: the figures follow
    // the set alone, or a gather of 1,000 pages would compute and draw them 1,000 times.
    let shown = Memo::new(move |_| {
        gather_set.with(|l| Some(ShownSet(l.shown_key()?.clone(), l.data()?.clone())))
    });
    let with_set = move |f: &mut dyn FnMut(&[Call])| {
        live_version.track();
        shown.with(|s| {
            let Some(ShownSet(key, g)) = s else {
                return false;
            };
            let used = live.with_value(|v| match v {
                Some((k, calls)) if k == key => {
                    f(calls);
                    true
                }
                _ => false,
            });
            if !used {
                f(&g.calls);
            }
            true
        })
    };
    Effect::new(move |_| {
        let q = stats_query.get();
        let now = clock.as_of();
        let names = names.get();
        let gathered = shown.with(|s| s.as_ref().map(|ShownSet(_, g)| g.clone()));
        let mut result = None;
        with_set(&mut |calls| {
            let Some(g) = &gathered else { return };
            perf::start("dashboard:stats");
            let mut a = analyse(g, calls, &analysis_options(&q, now));
            perf::measure("dashboard:stats");
            TrunkRow::named(&mut a.trunks, &names);
            result = Some(Arc::new(a));
        });
        analysis.set(result);
    });
    // When calls come: hour of the day × weekday, in the view's zone.
    let heatmap = RwSignal::new(None::<Arc<Heatmap>>);
    Effect::new(move |_| {
        let tz = query.with(CallQuery::tz);
        let mut result = None;
        with_set(&mut |calls| {
            result = Some(Arc::new(Heatmap::compute_in(calls, tz, LatencyCalls::Answered)));
        });
        heatmap.set(result);
    });
    let live_status = use_live(
        Memo::new(move |_| query.with(CallQuery::live)),
        move |job| {
            let key = gather_set.with_untracked(|l| {
                (l.phase() == Phase::Loaded).then(|| l.shown_key().cloned()).flatten()
            });
            let seed = key.clone().and_then(|k| {
                let fresh = live.with_value(|v| v.as_ref().is_none_or(|(lk, _)| lk != &k));
                fresh.then(|| gather_set.with_untracked(|l| l.data().map(|g| g.calls.clone())))?
            });
            let q = query.get_untracked();
            let now = view_clock::now();
            Box::pin(async move {
                // Nothing gathered yet: the loader's own request comes first.
                let Some(key) = key else {
                    return Ok(());
                };
                if let Some(calls) = seed {
                    live.try_set_value(Some((key.clone(), calls)));
                }
                let since = live
                    .try_with_value(|v| v.as_ref().and_then(|(_, c)| LiveCalls::new(head(c), q.status()).since()))
                    .flatten();
                let Some(since) = since else {
                    return Ok(());
                };
                let (fetched, complete) = job
                    .client
                    .calls_since(&q.since(since, now), now, 20, &job.signal, job.notify())
                    .await?;
                let start = q.range().bounds(now).0;
                live.try_update_value(|v| {
                    if let Some((_, calls)) = v {
                        merge_live(calls, since, &fetched, complete, q.status(), start);
                    }
                });
                clock.live_now.try_set(Some(now));
                live_version.try_update(|n| *n += 1);
                Ok(())
            })
        },
    );
    Effect::new(move |_| {
        let q = stats_query.get();
        let result = previous.with(|l| {
            let (key, g) = (l.shown_key()?, l.data()?.as_ref()?);
            let prev = q.previous_period(key.1)?;
            let a = analyse(g, &g.calls, &analysis_options(&prev, key.1));
            Some((key.clone(), Arc::new(a)))
        });
        previous_analysis.set(result);
    });
    // Deltas only between a set and its own previous period.
    let deltas = Memo::new(move |_| {
        let current_key = gather_set.with(|l| l.shown_key().cloned())?;
        analysis.with(|a| {
            previous_analysis.with(|p| {
                let ((key, prev), a) = (p.as_ref()?, a.as_ref()?);
                (key == &current_key).then(|| compare(a, prev))
            })
        })
    });
    // Every figure says how much of the set it covers: a preview while gathering runs,
    // or the cap once it is done.
    let coverage = Signal::derive(move || {
        gather_set.with(|l| {
            if let Some(e) = analysis.with(|a| a.as_ref().and_then(|a| a.estimates.as_ref().map(|e| e.label()))) {
                return Some(format!(
                    "{e}: a random sample of pages across the range, the same on every reload. \
                     The counts of calls and outcomes, the volume chart and each trunk's calls \
                     and failures are exact; figures marked ≈ are estimates with their 95 % \
                     interval (a trunk's in its tooltip); the latency charts, the distribution \
                     and the heatmap are drawn from the sample."
                ));
            }
            let label = l.data()?.progress.coverage_label()?;
            Some(if l.is_running() {
                format!("Preview: figures are {label}; gathering goes on.")
            } else {
                format!("Figures are {label} (the gathering cap, set in config.json).")
            })
        })
    });
    let stale = Memo::new(move |_| gather_set.with(|l| l.is_stale()));
    let compute_exactly = Callback::new(move |()| {
        exact.set(Some((query.with_untracked(|q| q.filters().clone()), clock.now.get_untracked())));
    });
    AnalysisView {
        compute_exactly,
        gather: gather_set,
        analysis,
        heatmap,
        live: live_status,
        deltas,
        coverage,
        stale,
    }
}
