//! One route, one fetched JSON page, one table: the floor of the dashboard's stack.
use leptos::prelude::*;
use leptos_router::{components::*, hooks::use_query_map, path};
use serde::Deserialize;

#[derive(Deserialize, Clone)]
struct Call {
    id: String,
    status: String,
    duration_ms: Option<u64>,
}

#[derive(Deserialize)]
struct Page {
    data: Vec<Call>,
}

async fn load(status: String) -> Result<Vec<Call>, String> {
    let url = format!("/v1/calls?status={status}");
    let answer = gloo_net::http::Request::get(&url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let page: Page = answer.json().await.map_err(|e| e.to_string())?;
    Ok(page.data)
}

#[component]
fn Calls() -> impl IntoView {
    let query = use_query_map();
    let calls = LocalResource::new(move || load(query.read().get("status").unwrap_or_default()));
    view! {
        <a href="?status=failed">"Failed"</a>
        <table>
            <tbody>
                {move || calls.get().map(|answer| match answer {
                    Ok(calls) => calls
                        .into_iter()
                        .map(|c| view! { <tr><td>{c.id}</td><td>{c.status}</td><td>{c.duration_ms}</td></tr> })
                        .collect_view()
                        .into_any(),
                    Err(e) => view! { <tr><td>{e}</td></tr> }.into_any(),
                })}
            </tbody>
        </table>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    mount_to_body(|| {
        view! {
            <Router>
                <Routes fallback=|| "Not found">
                    <Route path=path!("/") view=Calls />
                </Routes>
            </Router>
        }
    });
}
