//! The per-trunk latency table ("trunk latency", the vendor's second job), sortable;
//! a row sets the trunk filter.

use leptos::prelude::*;

use crate::charts::{table_trunks, TrunkData};
use crate::download;
use crate::export::{self, ExportFormat};
use crate::format;
use crate::stats::{sort_trunks, Estimate, Segment, TrunkColumn, TrunkRow, WORST_FIRST};

/// Rows per trunk with p50/p95 per segment.
#[component]
pub fn TrunkTable(
    #[prop(into)] rows: Signal<Vec<TrunkRow>>,
    #[prop(into)] on_trunk: Callback<String>,
    /// The name of the file the table downloads as.
    #[prop(into)]
    file_name: Signal<String>,
) -> impl IntoView {
    let sort = RwSignal::new(WORST_FIRST);
    let sorted = Memo::new(move |_| {
        let mut r = rows.get();
        sort_trunks(&mut r, sort.get());
        r
    });
    let csv_problem = RwSignal::new(None::<String>);
    let download_csv = move |_| {
        let saved = sorted
            .with_untracked(|rows| export::table_csv(&table_trunks(&TrunkData { rows, max_rows: usize::MAX })))
            .map_err(|e| e.to_string())
            .and_then(|text| {
                download::save(&file_name.get_untracked(), ExportFormat::Csv.mime(), &text)
                    .map_err(|e| e.to_string())
            });
        csv_problem.set(saved.err());
    };
    let columns: Vec<(TrunkColumn, String)> = [
        (TrunkColumn::Trunk, "Trunk".to_owned()),
        (TrunkColumn::Calls, "Calls".to_owned()),
        (TrunkColumn::FailureShare, "Failed".to_owned()),
    ]
    .into_iter()
    .chain(Segment::ALL.into_iter().flat_map(|s| {
        [
            (TrunkColumn::P50(s), format!("{} p50", s.label())),
            (TrunkColumn::P95(s), format!("{} p95", s.label())),
        ]
    }))
    .collect();
    let header = move |(column, label): (TrunkColumn, String)| {
        view! {
            <th scope="col" aria-sort=move || sort.get().aria(column) class:num=column != TrunkColumn::Trunk>
                <button type="button" class="th-sort" on:click=move |_| sort.update(|s| *s = s.toggled(column))>{label}</button>
            </th>
        }
    };
    view! {
        <section class="card trunk-table" id="trunks" aria-labelledby="trunks-title">
            <div class="chart-head">
                <h2 id="trunks-title">"Latency by trunk"</h2>
                <button type="button" class="btn btn-ghost" id="trunks-csv" on:click=download_csv
                    aria-label="Download the per-trunk table as CSV">"CSV"</button>
            </div>
            {move || csv_problem.get().map(|p| view! { <p class="banner banner-error" role="alert">{p}</p> })}
            <div class="table-wrap">
                <table class="calls">
                    <thead><tr>{columns.into_iter().map(header).collect_view()}</tr></thead>
                    <tbody>
                        {move || sorted.get().into_iter().map(|r| {
                            let id = r.trunk_id.clone();
                            let label = r.label().to_owned();
                            let pick = id.clone();
                            let pick_key = id.clone();
                            let attr = id.clone();
                            view! {
                                <tr class="row" tabindex="0" data-trunk=attr
                                    on:click=move |_| on_trunk.run(pick.clone())
                                    on:keydown=move |ev| if ev.key() == "Enter" { on_trunk.run(pick_key.clone()) }>
                                    <td title=id>{label}</td>
                                    <td class="num">{format::thousands(r.calls)}</td>
                                    <td class="num">{format::percent_or_unknown(r.failure_share())}</td>
                                    {Segment::ALL.into_iter().map(|s| {
                                        // An estimate reads "≈ 1072 ms", its interval in the tooltip.
                                        let cell = |v: Option<f64>, e: Option<Estimate>| match e {
                                            Some(e) => (
                                                format!("≈ {}", format::millis(e.value)),
                                                Some(e.interval_text(format::millis)),
                                            ),
                                            None => (format::millis_or_unknown(v), None),
                                        };
                                        let iv = r.intervals.as_ref().map(|i| *i.get(s));
                                        let (p50, p50_ci) = cell(*r.p50.get(s), iv.and_then(|i| i[0]));
                                        let (p95, p95_ci) = cell(*r.p95.get(s), iv.and_then(|i| i[1]));
                                        view! {
                                            <td class="num" title=p50_ci>{p50}</td>
                                            <td class="num" title=p95_ci>{p95}</td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
