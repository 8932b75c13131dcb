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
use crate::gatherer::{gather, GatherCtx, Gathered, Listeners, PageCache};
use crate::load::Phase;
use crate::loader::{use_loader, Loader, LoaderOptions};
use crate::perf;
use crate::stats::{compare, Analysis, AnalysisOptions, KpiDeltas, PerSegment, TrunkRow};
use crate::view_clock::ViewClock;

/// What a gather is for: the filters, as of the view's clock.
pub type GatherKey = (Filters, DateTime<Utc>);

/// The gathered set of a view and what is computed from it.
#[derive(Clone, Copy)]
pub struct AnalysisView {
    /// The gather of the view's set (progress, Cancel, Resume, errors).
    pub gather: Loader<GatherKey, Arc<Gathered>>,
    /// Statistics over the set gathered so far (a preview while it runs).
    pub analysis: RwSignal<Option<Arc<Analysis>>>,
    /// Each KPI against the previous period of the same length, once both are in.
    pub deltas: Memo<Option<KpiDeltas>>,
    /// How much of the set the figures cover, when not all of it.
    pub coverage: Signal<Option<String>>,
    /// The figures on screen belong to another filter than the one asked for (its
    /// gather failed): kept, greyed and said to be old.
    pub stale: Memo<bool>,
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

/// Gathers `query`'s set (and the period before it) and computes its statistics.
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

    let gather_set = use_loader(
        move || Some((query.with(|q| q.filters().clone()), clock.now.get())),
        move |(filters, now), job| {
            let (q, now, opts, cache) = (
                gather_query(filters, *now),
                *now,
                options(),
                cache.get_value(),
            );
            perf::start("dashboard:gather");
            Box::pin(async move {
                let preview = |g: Gathered| (job.preview())(Arc::new(g));
                let ctx = GatherCtx {
                    client: &job.client,
                    cache: &cache,
                    signal: &job.signal,
                    listen: Listeners {
                        progress: job.progress(),
                        preview: &preview,
                        notify: job.notify(),
                    },
                };
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
        move |(filters, now), job| {
            let prev = gather_query(filters, *now).previous_period(*now);
            let (now, opts, cache) = (*now, options(), cache.get_value());
            Box::pin(async move {
                let Some(prev) = prev else {
                    return Ok(None);
                };
                let ctx = GatherCtx {
                    client: &job.client,
                    cache: &cache,
                    signal: &job.signal,
                    listen: Listeners::QUIET,
                };
                let g = gather(&ctx, &prev, now, opts).await?;
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
    Effect::new(move |_| {
        let q = stats_query.get();
        let now = clock.now.get_untracked();
        let names = names.get();
        let result = gather_set.with(|l| {
            l.data().map(|g| {
                perf::start("dashboard:stats");
                let mut a = Analysis::compute(&g.calls, &analysis_options(&q, now));
                perf::measure("dashboard:stats");
                TrunkRow::named(&mut a.trunks, &names);
                Arc::new(a)
            })
        });
        analysis.set(result);
    });
    Effect::new(move |_| {
        let q = stats_query.get();
        let result = previous.with(|l| {
            let (key, g) = (l.shown_key()?, l.data()?.as_ref()?);
            let prev = q.previous_period(key.1)?;
            let a = Analysis::compute(&g.calls, &analysis_options(&prev, key.1));
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
            let label = l.data()?.progress.coverage_label()?;
            Some(if l.is_running() {
                format!("Preview: figures are {label}; gathering goes on.")
            } else {
                format!("Figures are {label} (the gathering cap, set in config.json).")
            })
        })
    });
    let stale = Memo::new(move |_| gather_set.with(|l| l.is_stale()));
    AnalysisView {
        gather: gather_set,
        analysis,
        deltas,
        coverage,
        stale,
    }
}
