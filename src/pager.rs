//! The pager's arithmetic, apart from its view: page counts and the window of page
//! numbers around the current page.

/// One slot of the pager's row of page buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageItem {
    /// A page number to click (1-based).
    Page(u32),
    /// Skipped pages, drawn as an ellipsis.
    Gap,
}

/// Number of pages for `total` rows at `size` rows a page; at least 1, so an empty
/// set still has a page to show its empty state on.
pub fn page_count(total: u64, size: u32) -> u32 {
    let size = u64::from(size.max(1));
    let pages = total.div_ceil(size).max(1);
    u32::try_from(pages).unwrap_or(u32::MAX)
}

/// The most items [`page_window`] gives for `around`: the first page, a gap or page,
/// the pages around the current one, a gap or page, the last page.
pub const fn max_window_len(around: u32) -> usize {
    2 * around as usize + 1 + 4
}

/// The page buttons to show: always the first and last page, `around` pages on each
/// side of `current`, and a gap wherever pages are skipped. A gap never stands for a
/// single page (that page is shown instead), so the row keeps a steady width.
pub fn page_window(current: u32, pages: u32, around: u32) -> Vec<PageItem> {
    let pages = pages.max(1);
    let current = current.clamp(1, pages);
    // Widen the window near the ends so the number of slots stays the same.
    let slots = 2 * around + 1;
    let mut lo = current.saturating_sub(around).max(1);
    let mut hi = (current + around).min(pages);
    if hi - lo + 1 < slots {
        if lo == 1 {
            hi = (lo + slots - 1).min(pages);
        } else {
            lo = hi.saturating_sub(slots - 1).max(1);
        }
    }
    let mut items = Vec::with_capacity(slots as usize + 4);
    if lo > 1 {
        items.push(PageItem::Page(1));
        match lo {
            2 => {}
            3 => items.push(PageItem::Page(2)),
            _ => items.push(PageItem::Gap),
        }
    }
    items.extend((lo..=hi).map(PageItem::Page));
    if hi < pages {
        match pages - hi {
            1 => {}
            2 => items.push(PageItem::Page(pages - 1)),
            _ => items.push(PageItem::Gap),
        }
        items.push(PageItem::Page(pages));
    }
    items
}

/// The page that holds row `offset` (0-based) at `size` rows a page.
pub fn page_of(offset: u64, size: u32) -> u32 {
    let page = offset / u64::from(size.max(1)) + 1;
    u32::try_from(page).unwrap_or(u32::MAX)
}

/// The offset of the first row of `page` (1-based) at `size` rows a page.
pub fn offset(page: u32, size: u32) -> u64 {
    u64::from(page.max(1) - 1) * u64::from(size)
}

/// The pager's range text for `page`: `21–40 of 1,523`.
pub fn range_text(page: u32, size: u32, shown: u64, total: u64) -> String {
    crate::format::range_text(offset(page, size), shown, total)
}

/// What a user typed into "jump to page", as a page within `1..=pages`; `None` for
/// anything that is not a number.
pub fn parse_jump(text: &str, pages: u32) -> Option<u32> {
    let n: u64 = text.trim().parse().ok()?;
    Some(u32::try_from(n).unwrap_or(u32::MAX).clamp(1, pages.max(1)))
}

/// The page before `page`, never below 1.
pub fn previous(page: u32) -> u32 {
    page.saturating_sub(1).max(1)
}

/// The page after `page`, never past `pages`.
pub fn next(page: u32, pages: u32) -> u32 {
    page.saturating_add(1).min(pages.max(1))
}

/// The rows of `page` (1-based) at `size` rows a page: the client-side pages of a
/// list held in memory (search results).
pub fn slice<T>(rows: &[T], page: u32, size: u32) -> &[T] {
    let start = usize::try_from(offset(page, size))
        .unwrap_or(usize::MAX)
        .min(rows.len());
    let end = start.saturating_add(size as usize).min(rows.len());
    &rows[start..end]
}
