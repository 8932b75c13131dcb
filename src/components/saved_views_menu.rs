//! Saved views, on every page: save the view on screen (its page and URL) under a
//! name, open one, rename, delete, choose the view that opens by default, and export
//! or import the list as a JSON file a team can share. Kept in `localStorage` (a view
//! holds no key and no call data); a file that is not ours, too large, or from a newer
//! version is refused with a sentence, and changes nothing.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::download;
use crate::export::ExportFormat;
use crate::links::View;
use crate::navigation;
use crate::saved_views::{Saved, SavedView, SavedViews};
use crate::storage;
use crate::url_state;

/// The header's "Views" menu.
#[component]
pub fn SavedViewsMenu() -> impl IntoView {
    let (loaded, problem) = storage::saved_views();
    let views = RwSignal::new(loaded);
    let note = RwSignal::new(problem);
    let new_name = RwSignal::new(String::new());
    let renaming = RwSignal::new(None::<(String, String)>);

    // Every change is stored at once; a refusal is said, and the list stays as it was.
    let change = move |f: &dyn Fn(&mut SavedViews) -> Result<String, String>| {
        let Some(mut next) = views.try_get_untracked() else {
            return;
        };
        match f(&mut next) {
            Ok(done) => {
                if storage::set_saved_views(&next) {
                    views.set(next);
                    note.set(Some(done));
                } else {
                    note.set(Some("The browser refused to store the views (private mode or full storage).".to_owned()));
                }
            }
            Err(e) => note.set(Some(e)),
        }
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = new_name.get_untracked();
        let page = url_state::current_view().unwrap_or(View::Calls);
        let search = url_state::current_search();
        change(&|v| {
            let view = SavedView::new(&name, page, &search).map_err(|e| e.to_string())?;
            let shown = view.name().to_owned();
            match v.save(view).map_err(|e| e.to_string())? {
                Saved::Added => Ok(format!("Saved “{shown}”.")),
                Saved::Replaced => Ok(format!("“{shown}” now opens this view.")),
            }
        });
        new_name.set(String::new());
    };
    let export = move |_| {
        let text = views.with_untracked(SavedViews::to_json);
        let saved = download::save("telepath-saved-views.json", ExportFormat::Json.mime(), &text);
        note.set(Some(match saved {
            Ok(()) => "Saved the views to telepath-saved-views.json.".to_owned(),
            Err(e) => e.to_string(),
        }));
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            let Some(text) = text.ok().and_then(|t| t.as_string()) else {
                note.try_set(Some("The file could not be read.".to_owned()));
                return;
            };
            change(&|v| {
                let done = v.import(&text).map_err(|e| e.to_string())?;
                Ok(format!("Imported {} new and {} replaced views.", done.added, done.replaced))
            });
        });
    };

    // The default view opens where the dashboard is opened bare (its root, no query).
    let navigate = leptos_router::hooks::use_navigate();
    let bare = url_state::current_view() == Some(View::Calls) && url_state::current_search().is_empty();
    if let Some(default) = views.with_untracked(|v| v.default_view().cloned()).filter(|_| bare) {
        navigate(
            &navigation::resolve(&default.href()),
            leptos_router::NavigateOptions {
                resolve: false,
                replace: true,
                ..Default::default()
            },
        );
    }

    view! {
        <details class="views-menu">
            <summary class="btn btn-ghost">"Views"</summary>
            <div class="views-panel" role="group" aria-label="Saved views">
                {move || note.get().map(|n| view! { <p class="views-note" role="status">{n}</p> })}
                <ul class="views-list">
                    {move || views.with(|v| v.list().iter().map(|sv| {
                        let name = sv.name().to_owned();
                        let href = navigation::resolve(&sv.href());
                        let is_default = v.default_view().is_some_and(|d| d.name() == name);
                        let (n_default, n_delete, n_rename) = (name.clone(), name.clone(), name.clone());
                        view! {
                            <li>
                                <a href=href class="saved-view">{name.clone()}</a>
                                {is_default.then(|| view! { <span class="muted small">" (opens by default)"</span> })}
                                <button type="button" class="btn btn-link" on:click=move |_| {
                                    let n = n_default.clone();
                                    change(&|v| {
                                        let target = if is_default { None } else { Some(n.as_str()) };
                                        v.set_default(target).map_err(|e| e.to_string())?;
                                        Ok(if is_default { "No view opens by default now.".to_owned() } else { format!("“{n}” opens by default.") })
                                    })
                                }>{if is_default { "Not default" } else { "Make default" }}</button>
                                <button type="button" class="btn btn-link" on:click=move |_| renaming.set(Some((n_rename.clone(), n_rename.clone())))>"Rename"</button>
                                <button type="button" class="btn btn-link" on:click=move |_| {
                                    let n = n_delete.clone();
                                    change(&|v| {
                                        v.delete(&n).map_err(|e| e.to_string())?;
                                        Ok(format!("Deleted “{n}”."))
                                    })
                                }>"Delete"</button>
                            </li>
                        }
                    }).collect_view())}
                </ul>
                {move || renaming.get().map(|(from, text)| view! {
                    <form class="views-rename" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        let (from, to) = (from.clone(), renaming.get_untracked().map(|r| r.1).unwrap_or_default());
                        change(&|v| {
                            v.rename(&from, &to).map_err(|e| e.to_string())?;
                            Ok(format!("Renamed to “{}”.", to.trim()))
                        });
                        renaming.set(None);
                    }>
                        <label for="view-rename">"New name"</label>
                        <input id="view-rename" type="text" prop:value=text
                            on:input=move |ev| renaming.update(|r| if let Some(r) = r { r.1 = event_target_value(&ev) }) />
                        <button type="submit" class="btn">"Rename"</button>
                    </form>
                })}
                <form class="views-save" on:submit=save>
                    <label for="view-name">"Save this view as"</label>
                    <input id="view-name" type="text" maxlength="80" required
                        prop:value=move || new_name.get()
                        on:input=move |ev| new_name.set(event_target_value(&ev)) />
                    <button type="submit" class="btn">"Save"</button>
                </form>
                <div class="views-file">
                    <button type="button" class="btn" on:click=export>"Export views"</button>
                    <label class="btn" for="views-import">"Import views"</label>
                    <input id="views-import" class="visually-hidden" type="file" accept="application/json,.json" on:change=import />
                </div>
            </div>
        </details>
    }
}
