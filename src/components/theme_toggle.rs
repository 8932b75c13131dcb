//! Light / dark / system theme switch; the choice is kept on the device.

use leptos::prelude::*;

use crate::storage;

/// The user's theme choice (`None` follows the system), shared through context so the
/// charts can pick their palette.
#[derive(Clone, Copy)]
pub struct ThemeChoice(pub RwSignal<Option<String>>);

impl ThemeChoice {
    /// The choice from context, or one read from storage when none is provided.
    pub fn use_context() -> Self {
        use_context::<ThemeChoice>().unwrap_or_else(|| ThemeChoice(RwSignal::new(storage::theme())))
    }

    /// Whether the page is dark: the choice, else the system's preference.
    pub fn is_dark(&self) -> bool {
        match self.0.get().as_deref() {
            Some("dark") => true,
            Some(_) => false,
            None => web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|m| m.matches()),
        }
    }
}

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
    let theme = ThemeChoice::use_context().0;
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
        <button type="button" class="btn btn-ghost" id="theme-toggle" on:click=next title="Switch theme">
            {label}
        </button>
    }
}
