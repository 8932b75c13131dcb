//! Light / dark / system theme switch; the choice is kept on the device.

use leptos::prelude::*;

use crate::storage;

fn apply(theme: Option<&str>) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = match theme {
            Some(t) => root.set_attribute("data-theme", t),
            None => root.remove_attribute("data-theme"),
        };
    }
}

/// A button cycling system → light → dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = RwSignal::new(storage::theme());
    Effect::new(move |_| apply(theme.get().as_deref()));
    let next = move |_| {
        let new = match theme.get_untracked().as_deref() {
            None => Some("light".to_owned()),
            Some("light") => Some("dark".to_owned()),
            _ => None,
        };
        storage::set_theme(new.as_deref());
        theme.set(new);
    };
    let label = move || match theme.get().as_deref() {
        Some("light") => "Theme: light",
        Some("dark") => "Theme: dark",
        _ => "Theme: system",
    };
    view! {
        <button type="button" class="btn btn-ghost" on:click=next title="Switch theme">
            {label}
        </button>
    }
}
