//! The browser layer's components, one per file, named after it.

mod call_table;
mod calls_page;
mod connect_panel;
mod detail_panel;
mod filter_bar;
mod notice;
mod pager;
mod theme_toggle;

pub use call_table::CallTable;
pub use calls_page::CallsPage;
pub use connect_panel::ConnectPanel;
pub use detail_panel::DetailPanel;
pub use filter_bar::FilterBar;
pub use notice::{ErrorBanner, RetryBanner};
pub use pager::Pager;
pub use theme_toggle::ThemeToggle;
