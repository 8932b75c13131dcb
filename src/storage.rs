//! What the dashboard keeps on the device, and only with the user's consent.
//!
//! The API key is stored only when the user ticks "remember on this device", and
//! [`forget_connection`] removes it. The theme choice and the saved views are stored
//! freely: neither holds a key or call data (a saved view is a page and its URL query,
//! which holds no phone number).
//! Storage failures (private mode, quota, disabled storage) are ignored: the
//! dashboard works without storage, it just forgets on reload.

use serde::{Deserialize, Serialize};

const CONNECTION_KEY: &str = "telepath-dashboard.connection";
const THEME_KEY: &str = "telepath-dashboard.theme";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A connection the user asked to remember.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RememberedConnection {
    /// API base URL.
    pub api_base: String,
    /// The API key.
    pub key: String,
}

/// The remembered connection, if the user chose to keep one.
pub fn remembered_connection() -> Option<RememberedConnection> {
    let raw = local_storage()?.get_item(CONNECTION_KEY).ok().flatten()?;
    serde_json::from_str(&raw).ok()
}

/// Keeps the connection on this device (the user ticked "remember").
pub fn remember_connection(c: &RememberedConnection) {
    if let (Some(storage), Ok(raw)) = (local_storage(), serde_json::to_string(c)) {
        let _ = storage.set_item(CONNECTION_KEY, &raw);
    }
}

/// Removes any remembered connection.
pub fn forget_connection() {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(CONNECTION_KEY);
    }
}

/// The user's theme choice: `light`, `dark`, or `None` to follow the system.
pub fn theme() -> Option<String> {
    let t = local_storage()?.get_item(THEME_KEY).ok().flatten()?;
    matches!(t.as_str(), "light" | "dark").then_some(t)
}

/// Stores the theme choice (`None` follows the system again).
pub fn set_theme(theme: Option<&str>) {
    if let Some(storage) = local_storage() {
        let _ = match theme {
            Some(t) => storage.set_item(THEME_KEY, t),
            None => storage.remove_item(THEME_KEY),
        };
    }
}

const SAVED_VIEWS_KEY: &str = "telepath-dashboard.saved-views";

/// The saved views as stored (their file format, no key and no call data in it); an
/// empty list where there are none, and the reason where the stored text is unreadable.
pub fn saved_views() -> (crate::saved_views::SavedViews, Option<String>) {
    use crate::saved_views::SavedViews;
    let Some(raw) = local_storage().and_then(|s| s.get_item(SAVED_VIEWS_KEY).ok().flatten())
    else {
        return (SavedViews::new(), None);
    };
    match SavedViews::from_json(&raw) {
        Ok(v) => (v, None),
        Err(e) => (SavedViews::new(), Some(format!("The saved views on this device could not be read: {e}"))),
    }
}

/// Stores the saved views; `false` when the browser refused (private mode, quota).
pub fn set_saved_views(views: &crate::saved_views::SavedViews) -> bool {
    local_storage().is_some_and(|s| s.set_item(SAVED_VIEWS_KEY, &views.to_json()).is_ok())
}
