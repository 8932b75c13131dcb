//! [`TrunkDirectory`]: trunk names by id, from every page of `GET /v1/trunks`.
//!
//! People think in names ("APAC Overflow (Plivo)"), the API speaks ids
//! (`conn_reqolbnmje08`). Every place that shows a trunk asks the directory for its
//! label: the name where the API gives one, else the id. A trunk the list does not
//! know, or an API without `/v1/trunks`, falls back to the id with no error. The id
//! stays where a manager would copy it (the detail panel, tooltips, exports).

use std::collections::BTreeMap;

use crate::api::Trunk;

/// Trunk names by id; empty where the API lists none.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrunkDirectory {
    names: BTreeMap<String, String>,
}

impl TrunkDirectory {
    /// No names at all: every trunk shows its id.
    pub const EMPTY: TrunkDirectory = TrunkDirectory {
        names: BTreeMap::new(),
    };

    /// The directory of `trunks` (every page of `/v1/trunks`); trunks without a
    /// non-blank name are left out, so they fall back to their id.
    pub fn from_trunks(trunks: &[Trunk]) -> Self {
        let names = trunks
            .iter()
            .filter_map(|t| {
                let name = t.name.as_deref()?.trim();
                (!name.is_empty()).then(|| (t.id.clone(), name.to_owned()))
            })
            .collect();
        TrunkDirectory { names }
    }

    /// The name of `id`, if the API gave one.
    pub fn name(&self, id: &str) -> Option<&str> {
        self.names.get(id).map(String::as_str)
    }

    /// What a trunk is called on screen: its name, else its id.
    pub fn label(&self, id: &str) -> String {
        self.name(id).unwrap_or(id).to_owned()
    }

    /// The label cut to `max_chars` for a chart axis (see [`shorten`]).
    pub fn short_label(&self, id: &str, max_chars: usize) -> String {
        shorten(self.name(id).unwrap_or(id), max_chars)
    }

    /// A trunk in a tooltip or a detail line: `Name · conn_id`, or the id alone.
    pub fn name_and_id(&self, id: &str) -> String {
        match self.name(id) {
            Some(name) => format!("{name} · {id}"),
            None => id.to_owned(),
        }
    }

    /// Whether the API named no trunk at all.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// `text` cut to at most `max_chars` characters, at a word boundary where there is one
/// in the second half, ending in `…`: "APAC Overflow (Plivo)" at 16 → "APAC Overflow…".
pub fn shorten(text: &str, max_chars: usize) -> String {
    let max_chars = max_chars.max(2);
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars - 1).collect();
    let at_word = cut
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .filter(|&i| cut[..i].chars().count() * 2 >= max_chars);
    let kept = match at_word {
        Some(i) => cut[..i].trim_end(),
        None => cut.trim_end(),
    };
    format!("{kept}…")
}
