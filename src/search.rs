//! The header's search box: a call id, or a phone number in any spelling.
//!
//! A call id (`call_…`) opens that call; digits find every call of the current filter
//! whose `from` or `to` contains them. A phone number is personal data: the search is
//! held in memory only (never the URL, the history, a saved view or a log).

use crate::api::Call;

/// Fewest digits a number search takes: fewer would match nearly every call.
pub const MIN_DIGITS: usize = 4;

/// Longest input the box reads (a phone number has at most 15 digits, E.164).
const MAX_INPUT: usize = 64;

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// One call by its id.
    CallId(String),
    /// Calls whose `from` or `to` contains these digits.
    Number(PhoneDigits),
}

/// The digits of a phone number as typed, separators dropped: `+1-555-123-4567` →
/// `15551234567`. `Debug` shows only how many there are: a number is personal data.
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneDigits(String);

impl std::fmt::Debug for PhoneDigits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PhoneDigits(<{} digits>)", self.0.len())
    }
}

impl PhoneDigits {
    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `number` (as the API spells it) contains these digits.
    pub fn matches(&self, number: &str) -> bool {
        digits_of(number).contains(&self.0)
    }

    /// Whether the call's caller or callee number contains these digits.
    pub fn matches_call(&self, call: &Call) -> bool {
        self.matches(&call.from) || self.matches(&call.to)
    }
}

fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// What the box accepts, said when the input is neither.
pub const ACCEPTS: &str = "Search takes a call id (call_…) or a phone number of at least 4 digits, in any spelling (+1-555-123-4567, 15551234567, 555 1234).";

/// Reads the box: a call id, a phone number, or a sentence saying what the box takes.
pub fn parse(input: &str) -> Result<Search, &'static str> {
    let s = input.trim();
    if s.is_empty() || s.chars().count() > MAX_INPUT {
        return Err(ACCEPTS);
    }
    let id_like = s.starts_with("call_")
        && s.len() > "call_".len()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if id_like {
        return Ok(Search::CallId(s.to_owned()));
    }
    // A number: digits and the separators people type, nothing else.
    let number_like = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')' | '.' | '/'));
    let digits = digits_of(s);
    if number_like && digits.len() >= MIN_DIGITS && digits.len() <= 15 {
        return Ok(Search::Number(PhoneDigits(digits)));
    }
    Err(ACCEPTS)
}

/// The calls of `calls` whose numbers contain `digits`, in their order.
pub fn matching<'a>(calls: &'a [Call], digits: &PhoneDigits) -> Vec<&'a Call> {
    calls.iter().filter(|c| digits.matches_call(c)).collect()
}

/// "3 matches in 2,000 calls searched".
pub fn summary(matches: usize, searched: u64) -> String {
    let m = match matches {
        1 => "1 match".to_owned(),
        n => format!("{} matches", crate::format::thousands(n as u64)),
    };
    format!("{m} in {} searched", crate::format::calls(searched))
}
