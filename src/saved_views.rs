//! Saved views: a name and a view's URL (which page, and its query string), a default
//! view, rename and delete, and the versioned JSON file they are stored in and shared
//! as (`localStorage` holds the same text an export writes).
//!
//! ```json
//! {"format":"telepath-saved-views","version":1,"views":[
//!   {"name":"EU support, failed, 24 h","path":"calls","query":"status=failed&trunk=conn_x&range=24h","default":true}
//! ]}
//! ```
//!
//! A view's query is validated by parsing it into the view's own type
//! ([`CallQuery`] for the calls and analytics views, [`ReportQuery`] for the report)
//! and kept as that type renders it, so only parameters the dashboard knows survive:
//! nothing else (a phone number, a key) can ride along in a saved or imported view, and
//! the file holds no call data. An import is checked whole before anything changes:
//! a file that is not ours, larger than [`MAX_FILE_BYTES`], from a newer version, with
//! more than [`MAX_VIEWS`] views or an invalid entry is refused with a sentence.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::api::CallQuery;
use crate::links::{ReportQuery, View};

/// The `format` of our files.
pub const FORMAT: &str = "telepath-saved-views";
/// The version this dashboard writes and the newest it reads.
pub const VERSION: u64 = 1;
/// Largest file accepted: 256 KiB (200 views with long queries fit in a fraction).
pub const MAX_FILE_BYTES: usize = 256 * 1024;
/// Most views kept.
pub const MAX_VIEWS: usize = 200;
/// Longest view name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// Why a view, a change or an import was refused; each a sentence for the screen.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SavedViewsError {
    /// The name is empty, too long or holds control characters.
    #[error("A view's name needs 1 to {MAX_NAME_CHARS} characters, without line breaks.")]
    InvalidName,
    /// No view has this name.
    #[error("There is no saved view named “{0}”.")]
    NotFound(String),
    /// Another view already has this name.
    #[error("A view named “{0}” already exists; choose another name.")]
    NameTaken(String),
    /// The list is full.
    #[error("At most {MAX_VIEWS} views can be saved; delete one first.")]
    TooMany,
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error("This file is {0} KiB; a saved-views file is at most 256 KiB. Nothing was imported.")]
    TooLarge(usize),
    /// Not JSON, or JSON without our `format`.
    #[error("This is not a saved-views file of this dashboard. Nothing was imported.")]
    NotOurs,
    /// Written by a newer dashboard.
    #[error("This file was written by a newer version of the dashboard (format version {0}; this one reads version 1). Nothing was imported.")]
    NewerVersion(u64),
    /// An entry of the file is not a valid view.
    #[error("View {index} of the file is not valid: {reason} Nothing was imported.")]
    InvalidEntry {
        /// 1-based position in the file.
        index: usize,
        /// What is wrong, as a sentence.
        reason: String,
    },
    /// The file holds more views than are kept.
    #[error("The file and the saved views together hold {0} views; at most {MAX_VIEWS} can be kept. Nothing was imported.")]
    ImportTooMany(usize),
}

/// Which page a view opens; spelled `calls`, `analytics`, `report` in the file.
fn path_name(view: View) -> &'static str {
    match view {
        View::Calls => "calls",
        View::Analytics => "analytics",
        View::Report => "report",
    }
}

/// The page a file's `path` names.
fn view_of(name: &str) -> Option<View> {
    View::ALL.into_iter().find(|v| path_name(*v) == name)
}

/// A query string as the view's own type renders it: unknown parameters dropped.
fn canonical_query(view: View, raw: &str) -> String {
    match view {
        View::Report => ReportQuery::from_url_query(raw).to_url_query(),
        View::Calls | View::Analytics => CallQuery::from_url_query(raw).to_url_query(),
    }
}

/// A name as kept: trimmed, 1 to [`MAX_NAME_CHARS`] characters, no control characters.
fn valid_name(raw: &str) -> Result<String, SavedViewsError> {
    let name = raw.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && !name.chars().any(char::is_control);
    ok.then(|| name.to_owned())
        .ok_or(SavedViewsError::InvalidName)
}

/// One saved view: a name, a page and its validated query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedView {
    name: String,
    view: View,
    query: String,
}

impl SavedView {
    /// A view named `name` of page `view` with the URL query `raw_query` (with or
    /// without `?`); parameters the page does not know are dropped.
    pub fn new(name: &str, view: View, raw_query: &str) -> Result<SavedView, SavedViewsError> {
        Ok(SavedView {
            name: valid_name(name)?,
            view,
            query: canonical_query(view, raw_query),
        })
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The page it opens.
    pub fn view(&self) -> View {
        self.view
    }

    /// Its query string (no leading `?`), as the page's own type renders it.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The link that opens it, relative to the site's base (as `links` renders it).
    pub fn href(&self) -> String {
        match self.view {
            View::Report => ReportQuery::from_url_query(&self.query).href(),
            other => other.href(&CallQuery::from_url_query(&self.query)),
        }
    }
}

/// Whether a save added a view or replaced one of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// A new name.
    Added,
    /// The view of that name now holds the new URL.
    Replaced,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// Views with new names.
    pub added: usize,
    /// Views whose name existed, now holding the file's URL.
    pub replaced: usize,
}

/// The saved views, in the order the menu lists them, and the default one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SavedViews {
    views: Vec<SavedView>,
    default: Option<String>,
}

/// A view as the file spells it.
#[derive(Debug, Serialize, Deserialize)]
struct FileView {
    name: String,
    path: String,
    query: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    default: bool,
}

/// The file as written.
#[derive(Debug, Serialize)]
struct FileOut<'a> {
    format: &'a str,
    version: u64,
    views: Vec<FileView>,
}

impl SavedViews {
    /// No views.
    pub fn new() -> Self {
        SavedViews::default()
    }

    /// The views, in menu order.
    pub fn list(&self) -> &[SavedView] {
        &self.views
    }

    /// The view that opens by default, if one is set.
    pub fn default_view(&self) -> Option<&SavedView> {
        let name = self.default.as_deref()?;
        self.views.iter().find(|v| v.name == name)
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.views.iter().position(|v| v.name == name.trim())
    }

    /// Saves `view`; a view of the same name is replaced (in its place in the menu).
    pub fn save(&mut self, view: SavedView) -> Result<Saved, SavedViewsError> {
        if let Some(i) = self.position(&view.name) {
            self.views[i] = view;
            return Ok(Saved::Replaced);
        }
        if self.views.len() >= MAX_VIEWS {
            return Err(SavedViewsError::TooMany);
        }
        self.views.push(view);
        Ok(Saved::Added)
    }

    /// Renames a view; the default follows it.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), SavedViewsError> {
        let i = self
            .position(from)
            .ok_or_else(|| SavedViewsError::NotFound(from.trim().to_owned()))?;
        let to = valid_name(to)?;
        if self.position(&to).is_some_and(|j| j != i) {
            return Err(SavedViewsError::NameTaken(to));
        }
        if self.default.as_deref() == Some(self.views[i].name.as_str()) {
            self.default = Some(to.clone());
        }
        self.views[i].name = to;
        Ok(())
    }

    /// Deletes a view (and the default, if it was that one).
    pub fn delete(&mut self, name: &str) -> Result<(), SavedViewsError> {
        let i = self
            .position(name)
            .ok_or_else(|| SavedViewsError::NotFound(name.trim().to_owned()))?;
        let gone = self.views.remove(i);
        if self.default.as_deref() == Some(gone.name.as_str()) {
            self.default = None;
        }
        Ok(())
    }

    /// Makes the named view the default (`None`: no default).
    pub fn set_default(&mut self, name: Option<&str>) -> Result<(), SavedViewsError> {
        self.default = match name {
            None => None,
            Some(n) => {
                let i = self
                    .position(n)
                    .ok_or_else(|| SavedViewsError::NotFound(n.trim().to_owned()))?;
                Some(self.views[i].name.clone())
            }
        };
        Ok(())
    }

    /// The file's text (what export downloads and `localStorage` keeps).
    pub fn to_json(&self) -> String {
        let views = self
            .views
            .iter()
            .map(|v| FileView {
                name: v.name.clone(),
                path: path_name(v.view).to_owned(),
                query: v.query.clone(),
                default: self.default.as_deref() == Some(v.name.as_str()),
            })
            .collect();
        let out = FileOut {
            format: FORMAT,
            version: VERSION,
            views,
        };
        // Strings and numbers only: serialising cannot fail.
        serde_json::to_string_pretty(&out).unwrap_or_default()
    }

    /// Reads a file (an import, or what `localStorage` kept), checked whole.
    pub fn from_json(text: &str) -> Result<SavedViews, SavedViewsError> {
        if text.len() > MAX_FILE_BYTES {
            return Err(SavedViewsError::TooLarge(text.len().div_ceil(1024)));
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|_| SavedViewsError::NotOurs)?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(SavedViewsError::NotOurs);
        }
        let version = value
            .get("version")
            .and_then(serde_json::Value::as_u64)
            .ok_or(SavedViewsError::NotOurs)?;
        if version > VERSION {
            return Err(SavedViewsError::NewerVersion(version));
        }
        let entries = value
            .get("views")
            .and_then(|v| v.as_array())
            .ok_or(SavedViewsError::NotOurs)?;
        if entries.len() > MAX_VIEWS {
            return Err(SavedViewsError::ImportTooMany(entries.len()));
        }
        let mut out = SavedViews::new();
        for (i, entry) in entries.iter().enumerate() {
            let invalid = |reason: &str| SavedViewsError::InvalidEntry {
                index: i + 1,
                reason: reason.to_owned(),
            };
            let v: FileView = serde_json::from_value(entry.clone()).map_err(|_| {
                invalid("it needs a name, a path (calls, analytics or report) and a query.")
            })?;
            let view = view_of(&v.path)
                .ok_or_else(|| invalid("its path must be calls, analytics or report."))?;
            let saved =
                SavedView::new(&v.name, view, &v.query).map_err(|e| invalid(&e.to_string()))?;
            if out.position(&saved.name).is_some() {
                return Err(invalid("another view of the file has the same name."));
            }
            if v.default {
                if out.default.is_some() {
                    return Err(invalid("only one view can be the default."));
                }
                out.default = Some(saved.name.clone());
            }
            out.views.push(saved);
        }
        Ok(out)
    }

    /// Imports a file into these views: views of new names are added, views of known
    /// names take the file's URL, and the file's default (if any) becomes the default.
    /// On any error nothing changes.
    pub fn import(&mut self, text: &str) -> Result<Imported, SavedViewsError> {
        let file = SavedViews::from_json(text)?;
        let added = file
            .views
            .iter()
            .filter(|v| self.position(&v.name).is_none())
            .count();
        if self.views.len() + added > MAX_VIEWS {
            return Err(SavedViewsError::ImportTooMany(self.views.len() + added));
        }
        let mut result = Imported { added, replaced: 0 };
        for view in file.views {
            if self.save(view)? == Saved::Replaced {
                result.replaced += 1;
            }
        }
        if file.default.is_some() {
            self.default = file.default;
        }
        Ok(result)
    }
}
