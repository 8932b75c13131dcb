//! The detail panel for one call: the row's fields, then reason, metrics and turns
//! from `GET /v1/calls/{id}` where the server has them (a 404 there is no error).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiError, Call, CallDetail, TimeZoneMode};
use crate::app::AppState;
use crate::client::RequestSlot;
use crate::format;

#[derive(Clone, PartialEq)]
enum Extra {
    Loading,
    Loaded(CallDetail),
    NotOffered,
    Failed(ApiError),
}

/// A side panel (a dialog on small screens) for `call`; `on_close` hides it.
#[component]
pub fn DetailPanel(
    call: Call,
    #[prop(into)] tz: Signal<TimeZoneMode>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let extra = RwSignal::new(Extra::Loading);
    let slot = StoredValue::new_local(RequestSlot::default());
    let reload = RwSignal::new(0u32);
    let id = call.id.clone();
    Effect::new(move |_| {
        reload.track();
        let Some(client) = state.client.get_untracked() else {
            return;
        };
        let signal = slot.with_value(RequestSlot::begin);
        let id = id.clone();
        extra.set(Extra::Loading);
        spawn_local(async move {
            let result = client.call_detail(&id, &signal, &|_| {}).await;
            extra.set(match result {
                Err(ApiError::Aborted) => return,
                Ok(d) => Extra::Loaded(d),
                Err(ApiError::NotFound { .. }) => Extra::NotOffered,
                Err(ApiError::Unauthorized { message }) => {
                    state.key_rejected(message.clone());
                    Extra::Failed(ApiError::Unauthorized { message })
                }
                Err(e) => Extra::Failed(e),
            });
        });
    });
    on_cleanup(move || slot.with_value(RequestSlot::cancel));

    let close_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = close_ref.get() {
            let _ = b.focus();
        }
    });

    let field = |name: &'static str, value: String| {
        view! { <dt>{name}</dt><dd>{value}</dd> }
    };
    let c = call.clone();
    let zone = tz.get_untracked();
    view! {
        <aside class="detail" role="dialog" aria-modal="false" aria-labelledby="detail-title"
            on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }>
            <header class="detail-head">
                <h2 id="detail-title" class="mono">{c.id.clone()}</h2>
                <button type="button" class="btn btn-icon" aria-label="Close details" node_ref=close_ref
                    on:click=move |_| on_close.run(())>"✕"</button>
            </header>
            <dl class="kv">
                {field("Status", c.status.as_str().to_owned())}
                {field("Trunk", c.trunk_id.clone())}
                {field("From", c.from.clone())}
                {field("To", c.to.clone())}
                {field("Started", format!("{} {}", format::instant(c.start_time, zone), format::zone_label(zone)))}
                {field("Ended", c.end_time.map(|t| format::instant(t, zone)).unwrap_or_else(|| "in progress".to_owned()))}
                {field("Duration", format::duration_s(c.duration_seconds))}
                {field("Carrier", format::millis(f64::from(c.carrier_lag_ms)))}
                {field("AI agent", format::millis(f64::from(c.ai_latency_ms)))}
                {field("Gateway", format::millis(f64::from(c.gateway_processing_ms)))}
                {field("Total latency", format::millis(f64::from(c.total_latency_ms())))}
            </dl>
            {move || match extra.get() {
                Extra::Loading => view! { <p class="muted">"Loading details…"</p> }.into_any(),
                Extra::NotOffered => view! {
                    <p class="muted">"This API does not offer per-call details; the fields above are all there is."</p>
                }.into_any(),
                Extra::Failed(e) => view! {
                    <div class="banner banner-error" role="alert">
                        <p>{e.to_string()}</p>
                        <button type="button" class="btn" on:click=move |_| reload.update(|n| *n += 1)>"Retry"</button>
                    </div>
                }.into_any(),
                Extra::Loaded(d) => {
                    let metrics = d.metrics.clone().unwrap_or_default();
                    view! {
                        <h3>"Outcome"</h3>
                        <dl class="kv">
                            {field("Disconnect reason", d.disconnect_reason.clone().unwrap_or_else(|| "–".to_owned()))}
                            {field("Packet loss", metrics.packet_loss_percent.map(|p| format!("{p:.2}%")).unwrap_or_else(|| "–".to_owned()))}
                            {field("Jitter", metrics.jitter_ms.map(format::millis).unwrap_or_else(|| "–".to_owned()))}
                            {field("Codec", metrics.codec_used.clone().unwrap_or_else(|| "–".to_owned()))}
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
            }}
        </aside>
    }
}
