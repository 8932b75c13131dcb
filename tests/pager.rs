//! Native tests of the pager's arithmetic (`pager.rs`): page counts, the window of
//! page buttons, offsets, jumps.

use call_dashboard::pager::{
    max_window_len, next, offset, page_count, page_of, page_window, parse_jump, previous,
    range_text, PageItem,
};

#[test]
fn page_counts() {
    let check =
        |total: u64, size: u32, expected: u32| assert_eq!(page_count(total, size), expected);
    check(0, 20, 1);
    check(1, 20, 1);
    check(20, 20, 1);
    check(21, 20, 2);
    check(1523, 20, 77);
    check(u64::MAX, 1, u32::MAX);
    assert_eq!(page_of(0, 20), 1);
    assert_eq!(page_of(40, 20), 3);
}

fn window(current: u32, pages: u32) -> String {
    page_window(current, pages, 2)
        .into_iter()
        .map(|i| match i {
            PageItem::Page(n) => n.to_string(),
            PageItem::Gap => "…".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The pager draws a fixed number of slots, so no window may be longer.
#[test]
fn page_windows_fit_their_slots() {
    for around in 0..4 {
        let mut longest = 0;
        for pages in 1..60 {
            for current in 0..=pages + 1 {
                longest = longest.max(page_window(current, pages, around).len());
            }
        }
        assert_eq!(longest, max_window_len(around), "around {around}");
    }
}

#[test]
fn page_windows() {
    let check = |current: u32, pages: u32, expected: &str| {
        assert_eq!(
            window(current, pages),
            expected,
            "page {current} of {pages}"
        )
    };
    check(1, 1, "1");
    check(1, 0, "1");
    check(1, 5, "1 2 3 4 5");
    check(1, 77, "1 2 3 4 5 … 77");
    check(4, 77, "1 2 3 4 5 6 … 77");
    check(5, 77, "1 2 3 4 5 6 7 … 77");
    check(6, 77, "1 … 4 5 6 7 8 … 77");
    check(39, 77, "1 … 37 38 39 40 41 … 77");
    check(77, 77, "1 … 73 74 75 76 77");
    check(74, 77, "1 … 72 73 74 75 76 77");
    check(500, 77, "1 … 73 74 75 76 77");
    check(3, 7, "1 2 3 4 5 6 7");
}

#[test]
fn offsets_jumps_and_neighbours() {
    assert_eq!(offset(1, 20), 0);
    assert_eq!(offset(3, 20), 40);
    assert_eq!(offset(0, 20), 0);
    assert_eq!(range_text(2, 20, 20, 1_523), "21–40 of 1,523");
    assert_eq!(parse_jump(" 7 ", 77), Some(7));
    assert_eq!(parse_jump("0", 77), Some(1));
    assert_eq!(parse_jump("999999999999", 77), Some(77));
    assert_eq!(parse_jump("seven", 77), None);
    assert_eq!(parse_jump("-3", 77), None);
    assert_eq!((previous(1), previous(5)), (1, 4));
    assert_eq!((next(5, 5), next(4, 5), next(1, 0)), (5, 5, 1));
}
