//! Sorting a table by a column: the one [`SortDir`] and [`Sort`] every table uses.
//!
//! A table names its columns with its own key type (the call table's `SortColumn`,
//! the per-trunk table's `TrunkColumn`) and says which direction a first click on each
//! picks ([`SortKey::first_dir`]); the rest (flipping, `aria-sort`, missing values
//! last) is here, once.

use std::cmp::Ordering;

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortDir {
    /// Smallest first.
    Asc,
    /// Largest first.
    #[default]
    Desc,
}

impl SortDir {
    /// The other direction.
    pub fn flipped(self) -> SortDir {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }

    /// Applies this direction to an ascending comparison.
    pub fn apply(self, ascending: Ordering) -> Ordering {
        match self {
            SortDir::Asc => ascending,
            SortDir::Desc => ascending.reverse(),
        }
    }

    /// The mark a sorted heading shows: `▲` or `▼`.
    pub fn mark(self) -> &'static str {
        match self {
            SortDir::Asc => "▲",
            SortDir::Desc => "▼",
        }
    }
}

/// A column key of a sortable table.
pub trait SortKey: Copy + Eq {
    /// The direction a first click on this column picks: what a user most likely
    /// wants (numbers and times largest first, text A→Z).
    fn first_dir(self) -> SortDir;
}

/// How a table is sorted: a column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sort<C> {
    /// The column.
    pub column: C,
    /// The direction.
    pub dir: SortDir,
}

impl<C: SortKey> Sort<C> {
    /// Sorted by `column` in `dir`.
    pub fn new(column: C, dir: SortDir) -> Self {
        Sort { column, dir }
    }

    /// The sort after a click on `column`'s heading: the same column flips direction;
    /// another starts in its [`SortKey::first_dir`].
    pub fn toggled(self, column: C) -> Self {
        if self.column == column {
            Sort::new(column, self.dir.flipped())
        } else {
            Sort::new(column, column.first_dir())
        }
    }

    /// The sort after picking `column` from a menu: a new column starts in its first
    /// direction; the current one keeps its direction.
    pub fn picked(self, column: C) -> Self {
        if self.column == column {
            self
        } else {
            Sort::new(column, column.first_dir())
        }
    }

    /// The direction `column` is sorted in, if it is the sorted column.
    pub fn dir_of(self, column: C) -> Option<SortDir> {
        (self.column == column).then_some(self.dir)
    }

    /// The `aria-sort` value of `column`'s heading.
    pub fn aria(self, column: C) -> &'static str {
        match self.dir_of(column) {
            None => "none",
            Some(SortDir::Asc) => "ascending",
            Some(SortDir::Desc) => "descending",
        }
    }

    /// The mark beside `column`'s heading: `▲`, `▼`, or nothing.
    pub fn mark(self, column: C) -> &'static str {
        self.dir_of(column).map_or("", SortDir::mark)
    }
}

/// Compares two values that may be missing: present ones in `dir`, missing ones last
/// in either direction (an unknown latency is neither the fastest nor the slowest).
pub fn missing_last<T: PartialOrd>(a: Option<T>, b: Option<T>, dir: SortDir) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => dir.apply(x.partial_cmp(&y).unwrap_or(Ordering::Equal)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}
