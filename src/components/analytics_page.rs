//! The analytics view: the whole filtered set gathered, KPI cards, four charts, the
//! per-trunk table, the vendor's jobs as one-click views, and the call list below,
//! which follows every click on a chart.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::Duration;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiError, CallQuery, DateRange, StatusFilter};
use crate::app::AppState;
use crate::charts::{
    draw_distribution, draw_latency, draw_trunks, draw_volume, summary_distribution,
    summary_latency, summary_trunks, summary_volume, table_distribution, table_latency,
    table_trunks, table_volume, DistributionData, Hit, HitTarget, LatencyData, Table, TrunkData,
    VolumeData,
};
use crate::client::{RequestSlot, RetryNotice, SiteConfig};
use crate::components::{
    visible_busy, CallList, ChartPanel, DrawRequest, ErrorBanner, FilterPanel, KpiCards,
    RetryBanner, StatusLine, ThemeChoice, TrunkTable, ViewClock,
};
use crate::format;
use crate::gather::Progress;
use crate::gatherer::{gather, Gathered, Listeners, PageCache};
use crate::perf;
use crate::stats::{compare, Analysis, AnalysisOptions, PerSegment, DEFAULT_TOTAL_SLO_MS};
use crate::url_state::{use_call_query, UrlWriter};

/// What a gather is for: the filters of the view (paging and display settings aside).
type GatherKey = (Option<StatusFilter>, Option<String>, DateRange);

/// Where gathering stands.
#[derive(Clone, PartialEq)]
enum GatherState {
    Idle,
    Running(Progress),
    Done,
    Cancelled(Progress),
    Failed(ApiError),
}

fn analyse(g: &Gathered, q: &CallQuery, now: chrono::DateTime<chrono::Utc>) -> Analysis {
    let opts = AnalysisOptions {
        slo_ms: PerSegment {
            total: Some(q.slo_ms.unwrap_or(DEFAULT_TOTAL_SLO_MS)),
            ..PerSegment::default()
        },
        range: q.range.bounds(now),
        ..AnalysisOptions::default()
    };
    Analysis::compute(&g.calls, &opts)
}

/// The analytics view.
#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let cache = use_context::<StoredValue<PageCache, LocalStorage>>()
        .unwrap_or_else(|| StoredValue::new_local(PageCache::default()));
    let theme = ThemeChoice::use_context();
    let (query, set_query) = use_call_query();
    let url = expect_context::<UrlWriter>();
    let clock = ViewClock::new(query);
    let seen_trunks = RwSignal::new(BTreeSet::new());
    let busy = RwSignal::new(false);
    let shown_busy = visible_busy(busy);
    let gathering = RwSignal::new(GatherState::Idle);
    let retry_notice = RwSignal::new(None::<RetryNotice>);
    let current = RwSignal::new(None::<Arc<Gathered>>);
    // The filter `current` was gathered for: after a failed change the figures on screen
    // are the previous view's, and say so.
    let current_key = RwSignal::new(None::<GatherKey>);
    let previous = RwSignal::new(None::<Arc<Gathered>>);
    let run = RwSignal::new(0u32);
    let slot = StoredValue::new_local(RequestSlot::default());

    // Gather the filtered set, then the previous period of the same length.
    let gather_key = Memo::new(move |_| query.with(|q| (q.status, q.trunk_id.clone(), q.range)));
    Effect::new(move |_| {
        // Read, not `track()`: a memo that is only tracked is never evaluated, so it
        // never subscribes to the query and never changes.
        gather_key.with(|_| ());
        run.track();
        let now = clock.now.get();
        let Some(client) = state.client.get() else {
            return;
        };
        let q = query.get_untracked();
        let key = gather_key.get_untracked();
        let signal = slot.with_value(RequestSlot::begin);
        retry_notice.set(None);
        let cache = cache.get_value();
        gathering.set(GatherState::Running(Progress::default()));
        perf::start("dashboard:gather");
        spawn_local(async move {
            let notify = move |n: Option<RetryNotice>| retry_notice.set(n);
            let on_progress = move |p: Progress| gathering.set(GatherState::Running(p));
            // Figures over the calls so far, labelled "over n of total" until the end.
            let got = move |g: Gathered| {
                current.set(Some(Arc::new(g)));
                current_key.set(Some(key.clone()));
            };
            let on_preview = got.clone();
            let listen = Listeners {
                progress: &on_progress,
                preview: &on_preview,
                notify: &notify,
            };
            let frozen = q.frozen(now);
            let opts = state
                .config
                .with_untracked(|c| c.as_ref().map(SiteConfig::gather_options))
                .unwrap_or_default();
            match gather(&client, &frozen, now, opts, &cache, &signal, &listen).await {
                Ok(g) => {
                    perf::measure("dashboard:gather");
                    got(g);
                    gathering.set(GatherState::Done);
                }
                Err(ApiError::Aborted) => {
                    // The view may be gone (navigated away): never panic on its signals.
                    // Its retry notice was cleared by whoever aborted it (Cancel, or the
                    // next gather's start); clearing it here could hide the next one's.
                    if let Some(GatherState::Running(p)) = gathering.try_get_untracked() {
                        gathering.set(GatherState::Cancelled(p));
                    }
                    return;
                }
                Err(e) => {
                    if let ApiError::Unauthorized { message } = &e {
                        state.key_rejected(message.clone());
                    }
                    gathering.set(GatherState::Failed(e));
                    return;
                }
            }
            previous.set(None);
            if let Some(prev) = q.previous_period(now) {
                let prev_frozen = prev.frozen(now);
                let listen = Listeners {
                    notify: &notify,
                    ..Listeners::QUIET
                };
                if let Ok(g) =
                    gather(&client, &prev_frozen, now, opts, &cache, &signal, &listen).await
                {
                    previous.set(Some(Arc::new(g)));
                }
            }
        });
    });
    on_cleanup(move || slot.with_value(RequestSlot::cancel));

    // Statistics, recomputed only when their own inputs change: the set, the range and
    // the SLO (paging the list below, or the previous period arriving, must not
    // recompute the current set).
    let analysis = RwSignal::new(None::<Arc<Analysis>>);
    let previous_analysis = RwSignal::new(None::<Arc<Analysis>>);
    let stats_query = Memo::new(move |_| {
        query.with(|q| CallQuery {
            range: q.range,
            slo_ms: q.slo_ms,
            ..CallQuery::new()
        })
    });
    Effect::new(move |_| {
        let q = stats_query.get();
        let now = clock.now.get_untracked();
        let result = current.with(|g| {
            g.as_ref().map(|g| {
                perf::start("dashboard:stats");
                let a = analyse(g, &q, now);
                perf::measure("dashboard:stats");
                Arc::new(a)
            })
        });
        analysis.set(result);
    });
    Effect::new(move |_| {
        let q = stats_query.get();
        let now = clock.now.get_untracked();
        let prev = previous.with(|g| {
            g.as_ref().and_then(|g| {
                let pq = q.previous_period(now)?;
                Some(Arc::new(analyse(g, &pq, now)))
            })
        });
        previous_analysis.set(prev);
    });
    let deltas = Signal::derive(move || {
        analysis.with(|a| {
            previous_analysis.with(|p| a.as_ref().zip(p.as_ref()).map(|(a, p)| compare(a, p)))
        })
    });
    // Every figure says how much of the set it covers: a preview while gathering runs,
    // or the cap once it is done.
    let coverage = Signal::derive(move || {
        let label = current.with(|g| g.as_ref().and_then(|g| g.progress.coverage_label()))?;
        Some(match gathering.get() {
            GatherState::Running(_) => format!("Preview: figures are {label}; gathering goes on."),
            _ => format!("Figures are {label} (the gathering cap, set in config.json)."),
        })
    });

    // A failed gather leaves the figures of the set before it on screen: kept, but greyed
    // and said to be old, as the call list does with its rows.
    let stale = Memo::new(move |_| {
        gathering.with(|g| matches!(g, GatherState::Failed(_)))
            && current.with(Option::is_some)
            && current_key.with(|k| gather_key.with(|now| k.as_ref() != Some(now)))
    });

    let tz = Signal::derive(move || query.with(|q| q.tz));
    let slo = Signal::derive(move || query.with(|q| q.slo_ms.unwrap_or(DEFAULT_TOTAL_SLO_MS)));
    let dark = Signal::derive(move || theme.is_dark());

    // ---- chart callbacks --------------------------------------------------------
    let draw_lat = Callback::new(move |r: DrawRequest| {
        let (zone, slo_ms) = (tz.get(), slo.get());
        analysis.with(|a| {
            a.as_ref().map(|a| {
                DrawRequest::draw(r, |root, style| {
                    draw_latency(
                        root,
                        &LatencyData {
                            buckets: &a.buckets,
                            slo_ms: Some(slo_ms),
                            tz: zone,
                        },
                        style,
                    )
                })
            })
        })
    });
    let draw_vol = Callback::new(move |r: DrawRequest| {
        let zone = tz.get();
        analysis.with(|a| {
            a.as_ref().map(|a| {
                DrawRequest::draw(r, |root, style| {
                    draw_volume(
                        root,
                        &VolumeData {
                            buckets: &a.buckets,
                            tz: zone,
                        },
                        style,
                    )
                })
            })
        })
    });
    let draw_dist = Callback::new(move |r: DrawRequest| {
        analysis.with(|a| {
            a.as_ref().map(|a| {
                DrawRequest::draw(r, |root, style| {
                    draw_distribution(
                        root,
                        &DistributionData {
                            distribution: &a.distribution,
                            total: &a.latency.total,
                        },
                        style,
                    )
                })
            })
        })
    });
    let draw_trk = Callback::new(move |r: DrawRequest| {
        analysis.with(|a| {
            a.as_ref().map(|a| {
                DrawRequest::draw(r, |root, style| {
                    draw_trunks(
                        root,
                        &TrunkData {
                            rows: &a.trunks,
                            max_rows: 8,
                        },
                        style,
                    )
                })
            })
        })
    });
    let text = move |f: fn(&Analysis, crate::api::TimeZoneMode, u32) -> String| {
        Signal::derive(move || {
            let (zone, slo_ms) = (tz.get(), slo.get());
            analysis.with(|a| a.as_ref().map(|a| f(a, zone, slo_ms)).unwrap_or_default())
        })
    };
    let tables = move |f: fn(&Analysis, crate::api::TimeZoneMode, u32) -> Table| {
        Signal::derive(move || {
            let (zone, slo_ms) = (tz.get(), slo.get());
            analysis.with(|a| a.as_ref().map(|a| f(a, zone, slo_ms)).unwrap_or_default())
        })
    };
    let bucket_tip = Callback::new(move |hit: Hit| {
        let zone = tz.get_untracked();
        analysis.with_untracked(|a| {
            let a = a.as_ref()?;
            let Some(HitTarget::Bucket(i)) = hit.target else {
                return None;
            };
            let b = a.buckets.buckets.get(i)?;
            let width = a.buckets.width.seconds();
            Some(format!(
                "{} · {} ({} failed) · mean total {} · p95 total {}",
                format::bucket_start(b.start, zone, width),
                format::calls(b.counts.total()),
                format::thousands(b.counts.failed),
                b.mean
                    .total
                    .map(format::millis)
                    .unwrap_or_else(|| "–".into()),
                b.p95
                    .total
                    .map(format::millis)
                    .unwrap_or_else(|| "–".into()),
            ))
        })
    });
    let bin_tip = Callback::new(move |hit: Hit| {
        analysis.with_untracked(|a| {
            let a = a.as_ref()?;
            let Some(HitTarget::Bin(i)) = hit.target else {
                return None;
            };
            let h = &a.distribution.histogram;
            if i < h.counts.len() {
                let (lo, hi) = h.bin_range(i);
                Some(format!(
                    "{}–{}: {}",
                    format::millis(lo),
                    format::millis(hi),
                    format::calls(h.counts[i])
                ))
            } else {
                Some(format!(
                    "≥ {}: {}",
                    format::millis(h.overflow_from()),
                    format::calls(h.overflow)
                ))
            }
        })
    });
    let trunk_tip = Callback::new(move |hit: Hit| {
        analysis.with_untracked(|a| {
            let a = a.as_ref()?;
            let Some(HitTarget::Trunk(id)) = hit.target else {
                return None;
            };
            let r = a.trunks.iter().find(|r| r.trunk_id == id)?;
            let ms = |v: Option<f64>| v.map(format::millis).unwrap_or_else(|| "–".into());
            Some(format!(
                "{id} · p50/p95 carrier {}/{} · AI {}/{} · gateway {}/{} — click to filter",
                ms(r.p50.carrier),
                ms(r.p95.carrier),
                ms(r.p50.ai),
                ms(r.p95.ai),
                ms(r.p50.gateway),
                ms(r.p95.gateway)
            ))
        })
    });
    // A click on a bucket narrows the date filter to it; on a trunk, sets the trunk.
    let pick = Callback::new(move |target: HitTarget| {
        let q = query.get_untracked();
        match target {
            HitTarget::Bucket(i) => {
                let bounds = analysis.with_untracked(|a| {
                    let a = a.as_ref()?;
                    let start = a.buckets.buckets.get(i)?.start;
                    let end = a.buckets.bucket_end(i)? - Duration::seconds(1);
                    Some((start, end))
                });
                if let Some((start, end)) = bounds {
                    set_query.run(q.with_filters(|q| {
                        q.range = DateRange::Custom {
                            start: Some(start),
                            end: Some(end),
                        }
                    }));
                }
            }
            HitTarget::Trunk(id) => set_query.run(q.with_filters(|q| q.trunk_id = Some(id))),
            HitTarget::Bin(_) => {}
        }
    });
    let on_trunk = Callback::new(move |id: String| {
        set_query.run(
            query
                .get_untracked()
                .with_filters(|q| q.trunk_id = Some(id)),
        );
    });

    // ---- the vendor's jobs ------------------------------------------------------
    let failed_hours = RwSignal::new("24".to_owned());
    let show_failed = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let hours: i64 = failed_hours
            .get_untracked()
            .trim()
            .parse()
            .unwrap_or(24)
            .clamp(1, 24 * 90);
        let now = chrono::Utc::now();
        let q = query.get_untracked().with_filters(|q| {
            q.status = Some(StatusFilter::Failed);
            q.range = DateRange::Custom {
                start: Some(now - Duration::hours(hours)),
                end: None,
            };
        });
        set_query.run(q);
    };
    let report_href = move || {
        let day = format::instant_with(chrono::Utc::now(), tz.get(), "%Y-%m-%d");
        let q = query.with(|q| {
            CallQuery {
                tz: q.tz,
                ..CallQuery::new()
            }
            .to_url_query()
        });
        if q.is_empty() {
            format!("report?day={day}")
        } else {
            format!("report?day={day}&{q}")
        }
    };

    let slo_text = RwSignal::new(String::new());
    Effect::new(move |_| slo_text.set(slo.get().to_string()));
    let set_slo = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(ms) = slo_text.get_untracked().trim().parse::<u32>() {
            if (1..=crate::api::MAX_SLO_MS).contains(&ms) {
                let mut q = query.get_untracked();
                q.slo_ms = Some(ms);
                set_query.run(q);
            }
        }
    };

    view! {
        <div class="analytics-page" class:busy=move || shown_busy.get() aria-busy=move || (busy.get() || url.is_pending()).to_string()>
            <FilterPanel query=query on_change=set_query clock=clock seen_trunks=seen_trunks />
            <StatusLine query=query clock=clock busy=shown_busy />
            <section class="jobs card" aria-label="Quick views">
                <form class="job" on:submit=show_failed>
                    <label for="failed-hours">"Failed calls in the last"</label>
                    <input id="failed-hours" type="number" min="1" max="2160" inputmode="numeric"
                        prop:value=move || failed_hours.get()
                        on:input=move |ev| failed_hours.set(event_target_value(&ev)) />
                    <span>"hours"</span>
                    <button type="submit" class="btn">"Show"</button>
                </form>
                <a class="btn" href="#trunks">"Trunk latency"</a>
                <a class="btn" href=report_href>"Daily report"</a>
                <form class="job" on:submit=set_slo>
                    <label for="slo">"Latency SLO"</label>
                    <input id="slo" type="number" min="1" max="600000" inputmode="numeric"
                        prop:value=move || slo_text.get()
                        on:input=move |ev| slo_text.set(event_target_value(&ev)) />
                    <span>"ms"</span>
                    <button type="submit" class="btn">"Set"</button>
                </form>
            </section>
            {move || retry_notice.get().map(|n| view! { <RetryBanner notice=n /> })}
            {move || match gathering.get() {
                GatherState::Running(p) => view! {
                    <div class="gather" role="status" aria-live="polite">
                        <div class="progress" role="progressbar" aria-label="Gathering calls"
                            aria-valuemin="0" aria-valuemax=p.target.to_string() aria-valuenow=p.fetched.to_string()>
                            <span class="progress-fill" style:width=format!("{:.1}%", p.fraction() * 100.0)></span>
                        </div>
                        <span class="gather-text">{format!("Gathering {}", p.text())}</span>
                        <button type="button" class="btn" on:click=move |_| {
                            slot.with_value(RequestSlot::cancel);
                            retry_notice.set(None);
                        }>"Cancel"</button>
                    </div>
                }.into_any(),
                GatherState::Cancelled(p) => view! {
                    <div class="gather" role="status">
                        <span class="gather-text">{format!("Gathering cancelled at {}. Figures below are from the previous set.", p.text())}</span>
                        <button type="button" class="btn" on:click=move |_| run.update(|n| *n += 1)>"Resume"</button>
                    </div>
                }.into_any(),
                GatherState::Failed(e) => view! {
                    <ErrorBanner error=e on_retry=move |_| run.update(|n| *n += 1) />
                    <Show when=move || stale.get()>
                        <p class="stale-note figures-note">"The figures below are the previous view's, kept until this one loads."</p>
                    </Show>
                }.into_any(),
                GatherState::Done => view! {
                    <p class="gather gather-done muted" role="status">
                        {move || current.with(|g| g.as_ref().map(|g| format!(
                            "Statistics over {} of {} calls",
                            format::thousands(g.progress.fetched),
                            format::thousands(g.progress.total),
                        )))}
                    </p>
                }.into_any(),
                GatherState::Idle => ().into_any(),
            }}
            <div class="figures" class:stale=move || stale.get()>
                <KpiCards current=analysis deltas=deltas coverage=coverage />
                <div class="charts-grid">
                    <ChartPanel title="Latency over time" name="latency" draw=draw_lat dark=dark
                        summary=text(|a, tz, slo| summary_latency(&LatencyData { buckets: &a.buckets, slo_ms: Some(slo), tz }))
                        table=tables(|a, tz, slo| table_latency(&LatencyData { buckets: &a.buckets, slo_ms: Some(slo), tz }))
                        tooltip=bucket_tip on_pick=pick />
                    <ChartPanel title="Call volume by outcome" name="volume" draw=draw_vol dark=dark
                        summary=text(|a, tz, _| summary_volume(&VolumeData { buckets: &a.buckets, tz }))
                        table=tables(|a, tz, _| table_volume(&VolumeData { buckets: &a.buckets, tz }))
                        tooltip=bucket_tip on_pick=pick />
                    <ChartPanel title="Total latency distribution" name="distribution" draw=draw_dist dark=dark
                        summary=text(|a, _, _| summary_distribution(&DistributionData { distribution: &a.distribution, total: &a.latency.total }))
                        table=tables(|a, _, _| table_distribution(&DistributionData { distribution: &a.distribution, total: &a.latency.total }))
                        tooltip=bin_tip on_pick=pick />
                    <ChartPanel title="Latency by trunk (p50 solid, p95 light)" name="trunks" draw=draw_trk dark=dark
                        summary=text(|a, _, _| summary_trunks(&TrunkData { rows: &a.trunks, max_rows: 8 }))
                        table=tables(|a, _, _| table_trunks(&TrunkData { rows: &a.trunks, max_rows: 8 }))
                        tooltip=trunk_tip on_pick=pick />
                </div>
                <TrunkTable rows=Signal::derive(move || analysis.with(|a| a.as_ref().map(|a| a.trunks.clone()).unwrap_or_default())) on_trunk=on_trunk />
            </div>
            <h2 class="section-title">"Calls"</h2>
            <CallList query=query on_change=set_query clock=clock seen_trunks=seen_trunks busy=busy />
        </div>
    }
}
