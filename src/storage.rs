//! What the dashboard keeps on the device, and only with the user's consent.
//!
//! The API key is stored only when the user ticks "remember on this device", and
//! [`forget_connection`] removes it. The theme choice is stored freely: it is no secret.
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
