//! The browser layer's components, one per file, named after it.

mod call_list;
mod call_table;
mod calls_page;
mod connect_panel;
mod detail_panel;
mod filter_bar;
mod filter_panel;
mod notice;
mod pager;
mod status_line;
mod theme_toggle;
mod view_clock;

pub use call_list::CallList;
pub use call_table::CallTable;
pub use calls_page::CallsPage;
pub use connect_panel::ConnectPanel;
pub use detail_panel::DetailPanel;
pub use filter_bar::FilterBar;
pub use filter_panel::FilterPanel;
pub use notice::{ErrorBanner, RetryBanner};
pub use pager::Pager;
pub use status_line::StatusLine;
pub use theme_toggle::ThemeToggle;
pub use view_clock::ViewClock;
