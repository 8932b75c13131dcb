//! Where the site lives and leaving the page: the base path, resolving a view link
//! against it, and going to the dashboard server's sign-in page.

use crate::links::sign_in_href;

/// The path the site is served under (`""` at the root, `/dash` for a sub-path),
/// read from the document's base URL so one build runs anywhere.
pub fn base_path() -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .and_then(|uri| web_sys::Url::new(&uri).ok())
        .map(|u| u.pathname())
        .unwrap_or_default();
    // The base is a directory ("/dash/" or "/"); a document URL ends in a file name.
    let dir = match base.rfind('/') {
        Some(i) => &base[..i],
        None => "",
    };
    dir.to_owned()
}

/// A link relative to the site's base (`report?day=…`) as the absolute path and query
/// the router navigates to (`/dash/report?day=…`).
pub fn resolve(href: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten());
    match base.and_then(|b| web_sys::Url::new_with_base(href, &b).ok()) {
        Some(url) => format!("{}{}", url.pathname(), url.search()),
        None => href.to_owned(),
    }
}

/// Leaves for the sign-in page, which brings the user back to this page afterwards.
pub fn go_to_sign_in() {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let here = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let _ = location.assign(&sign_in_href(&base_path(), &here));
}
