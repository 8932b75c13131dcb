//! Pagination: page size, first/previous/next/last, a window of pages, jump to page.

use leptos::prelude::*;

use crate::api::PageSize;
use crate::format;
use crate::pager::{self, max_window_len, page_count, page_window, PageItem};

/// Pages shown on each side of the current one.
const AROUND: u32 = 2;
/// Slots in the row of page numbers.
const WINDOW_SLOTS: usize = max_window_len(AROUND);

/// The pager under the call table.
#[component]
pub fn Pager(
    /// Calls matching the filters.
    #[prop(into)]
    total: Signal<u64>,
    /// Rows on the current page.
    #[prop(into)]
    shown: Signal<u64>,
    /// Current 1-based page.
    #[prop(into)]
    page: Signal<u32>,
    /// Current page size.
    #[prop(into)]
    page_size: Signal<PageSize>,
    /// Go to a page.
    #[prop(into)]
    on_page: Callback<u32>,
    /// Change the page size.
    #[prop(into)]
    on_size: Callback<PageSize>,
) -> impl IntoView {
    let pages = Memo::new(move |_| page_count(total.get(), page_size.get().get()));
    let range =
        move || pager::range_text(page.get(), page_size.get().get(), shown.get(), total.get());
    let jump = RwSignal::new(String::new());
    let go = move |p: u32| on_page.run(p.clamp(1, pages.get_untracked()));
    // The row of page numbers is a fixed set of slots, each a button and a gap of which
    // at most one shows, with every attribute its own effect: a page change sets the
    // labels that changed instead of rebuilding the row.
    let window = Memo::new(move |_| page_window(page.get(), pages.get(), AROUND));
    let page_slot = move |i: usize| {
        let item = move || window.with(|w| w.get(i).copied());
        let number = move || match item() {
            Some(PageItem::Page(n)) => Some(n),
            _ => None,
        };
        let current = move || number().is_some_and(|n| n == page.get());
        view! {
            <button type="button" class="btn btn-page" class:current=current
                hidden=move || number().is_none()
                aria-current=move || current().then_some("page")
                aria-label=move || number().map(|n| format!("Page {n}"))
                on:click=move |_| {
                    if let Some(PageItem::Page(n)) = window.with_untracked(|w| w.get(i).copied()) {
                        go(n);
                    }
                }>{move || number().map(|n| format::thousands(u64::from(n)))}</button>
            <span class="pager-gap" aria-hidden="true"
                hidden=move || item() != Some(PageItem::Gap)>"…"</span>
        }
    };
    let on_jump = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(p) = pager::parse_jump(&jump.get_untracked(), pages.get_untracked()) {
            go(p);
        }
        jump.set(String::new());
    };
    view! {
        <nav class="pager" aria-label="Pagination">
            <label class="pager-size">
                "Rows"
                <select on:change=move |ev| {
                    if let Some(size) = event_target_value(&ev).parse().ok().and_then(PageSize::from_rows) {
                        on_size.run(size);
                    }
                }>
                    {PageSize::ALL.into_iter().map(|s| view! {
                        <option value=s.get().to_string() selected=move || page_size.get() == s>
                            {s.get().to_string()}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <span class="pager-range" aria-live="polite">{range}</span>
            <div class="pager-buttons">
                <button type="button" class="btn btn-icon" aria-label="First page"
                    disabled=move || { page.get() <= 1 } on:click=move |_| go(1)>"«"</button>
                <button type="button" class="btn btn-icon" aria-label="Previous page"
                    disabled=move || { page.get() <= 1 }
                    on:click=move |_| go(pager::previous(page.get_untracked()))>"‹"</button>
                {(0..WINDOW_SLOTS).map(page_slot).collect_view()}
                <button type="button" class="btn btn-icon" aria-label="Next page"
                    disabled=move || { page.get() >= pages.get() }
                    on:click=move |_| go(pager::next(page.get_untracked(), pages.get_untracked()))>"›"</button>
                <button type="button" class="btn btn-icon" aria-label="Last page"
                    disabled=move || { page.get() >= pages.get() }
                    on:click=move |_| go(pages.get_untracked())>"»"</button>
            </div>
            <form class="pager-jump" on:submit=on_jump>
                <label for="jump">"Page"</label>
                <input id="jump" type="number" min="1" inputmode="numeric"
                    max=move || pages.get().to_string()
                    placeholder=move || format!("of {}", format::thousands(u64::from(pages.get())))
                    prop:value=move || jump.get()
                    on:input=move |ev| jump.set(event_target_value(&ev)) />
                <button type="submit" class="btn">"Go"</button>
            </form>
        </nav>
    }
}
