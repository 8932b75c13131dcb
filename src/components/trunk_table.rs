//! The per-trunk latency table ("trunk latency", the vendor's second job), sortable;
//! a row sets the trunk filter.

use leptos::prelude::*;

use crate::format;
use crate::stats::{sort_trunks, Segment, TrunkColumn, TrunkRow, WORST_FIRST};

/// Rows per trunk with p50/p95 per segment.
#[component]
pub fn TrunkTable(
    #[prop(into)] rows: Signal<Vec<TrunkRow>>,
    #[prop(into)] on_trunk: Callback<String>,
) -> impl IntoView {
    let sort = RwSignal::new(WORST_FIRST);
    let sorted = Memo::new(move |_| {
        let mut r = rows.get();
        sort_trunks(&mut r, sort.get());
        r
    });
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
            <h2 id="trunks-title">"Latency by trunk"</h2>
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
                                    {Segment::ALL.into_iter().map(|s| view! {
                                        <td class="num">{format::millis_or_unknown(*r.p50.get(s))}</td>
                                        <td class="num">{format::millis_or_unknown(*r.p95.get(s))}</td>
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
