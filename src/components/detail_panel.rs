//! The detail panel for one call: the row's fields, then reason, metrics and turns
//! from `GET /v1/calls/{id}` where the server has them (a 404 there is no error).

use leptos::prelude::*;

use crate::api::{ApiError, Call, CallId, TimeZoneMode};
use crate::app::TrunkList;
use crate::components::LoadBanners;
use crate::format;
use crate::loader::{use_loader, LoaderOptions};

/// A side panel (a dialog on small screens) for the call `id`; `on_close` hides it.
#[component]
pub fn DetailPanel(
    /// The call.
    id: CallId,
    /// Its row, when it is on screen: its fields show at once.
    row: Option<Call>,
    #[prop(into)] tz: Signal<TimeZoneMode>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    // `None`: a 404. For a call on screen that means the API offers no per-call
    // details; for a call named only by id (a link, a search), that there is no such call.
    let key = id.clone();
    let extra = use_loader(
        move || Some(key.clone()),
        |id, job| {
            let id = id.as_str().to_owned();
            Box::pin(async move {
                match job.client.call_detail(&id, &job.signal, job.notify()).await {
                    Ok(d) => Ok(Some(d)),
                    Err(ApiError::NotFound { .. }) => Ok(None),
                    Err(e) => Err(e),
                }
            })
        },
        LoaderOptions::default(),
    );

    let names = expect_context::<TrunkList>().names;
    let close_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = close_ref.get() {
            let _ = b.focus();
        }
    });

    let field = |name: &'static str, value: String| {
        view! { <dt>{name}</dt><dd>{value}</dd> }
    };
    let zone = tz.get_untracked();
    let known = row.is_some();
    let fields = move |c: &Call| {
        view! {
            <dl class="kv">
                {field("Status", c.status.as_str().to_owned())}
                {field("Trunk", names.get_untracked().name_and_id(&c.trunk_id))}
                {field("From", c.from.clone())}
                {field("To", c.to.clone())}
                {field("Started", format!("{} {}", format::instant(c.start_time, zone), format::zone_label(zone)))}
                {field("Ended", c.end_time.map(|t| format::instant(t, zone)).unwrap_or_else(|| "in progress".to_owned()))}
                {field("Duration", format::duration_s(c.duration_seconds))}
                {field("Carrier", format::latency_ms(c.carrier_lag_ms))}
                {field("AI agent", format::latency_ms(c.ai_latency_ms))}
                {field("Gateway", format::latency_ms(c.gateway_processing_ms))}
                {field("Total latency", format::latency_ms(c.total_latency_ms()))}
            </dl>
        }
    };
    let shown_id = id.as_str().to_owned();
    view! {
        <aside class="detail" role="dialog" aria-modal="false" aria-labelledby="detail-title"
            on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }>
            <header class="detail-head">
                <h2 id="detail-title" class="mono">{shown_id.clone()}</h2>
                <button type="button" class="btn btn-icon" aria-label="Close details" node_ref=close_ref
                    on:click=move |_| on_close.run(())>"✕"</button>
            </header>
            {row.as_ref().map(fields)}
            {move || (!known).then(|| extra.with(|l| l.data().cloned().flatten()).map(|d| fields(&d.call)))}
            {move || extra.with(|l| l.is_running() && l.data().is_none())
                .then(|| view! { <p class="muted">"Loading details…"</p> })}
            <LoadBanners status=extra.status() on_retry=move |_| extra.retry() />
            {move || extra.with(|l| l.data().cloned()).map(|detail| match detail {
                None if known => view! {
                    <p class="muted">"This API does not offer per-call details; the fields above are all there is."</p>
                }.into_any(),
                None => view! {
                    <p class="not-found" role="alert">{format!("No call with id {}.", shown_id)}</p>
                }.into_any(),
                Some(d) => {
                    let metrics = d.metrics.clone().unwrap_or_default();
                    view! {
                        <h3>"Outcome"</h3>
                        <dl class="kv">
                            {field("Disconnect reason", format::text_or_unknown(d.disconnect_reason.as_deref()))}
                            {field("Packet loss", metrics.packet_loss_percent.map_or_else(|| format::UNKNOWN.to_owned(), format::percent_value))}
                            {field("Jitter", format::millis_or_unknown(metrics.jitter_ms))}
                            {field("Codec", format::text_or_unknown(metrics.codec_used.as_deref()))}
                        </dl>
                        <h3>{format!("Turns ({})", d.turns.len())}</h3>
                        {if d.turns.is_empty() {
                            view! { <p class="muted">"No conversation turns."</p> }.into_any()
                        } else {
                            view! {
                                <table class="turns">
                                    <thead><tr>
                                        <th scope="col">"#"</th><th scope="col">"Speaker"</th>
                                        <th scope="col" class="num">"Duration"</th>
                                        <th scope="col" class="num">"Processing"</th>
                                    </tr></thead>
                                    <tbody>
                                        {d.turns.iter().map(|t| view! {
                                            <tr>
                                                <td>{t.turn_number}</td>
                                                <td>{t.speaker.clone()}</td>
                                                <td class="num">{format::seconds_tenths(t.duration_ms)}</td>
                                                <td class="num">{format::millis(t.processing_time_ms as f64)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }.into_any()
                }
            })}
        </aside>
    }
}
