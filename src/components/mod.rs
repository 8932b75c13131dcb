//! The browser layer's components, one per file, named after it.

mod analytics_page;
mod call_list;
mod call_table;
mod calls_page;
mod chart_panel;
mod connect_panel;
mod detail_panel;
mod filter_bar;
mod filter_panel;
mod kpi_cards;
mod notice;
mod pager;
mod report_page;
mod status_line;
mod theme_toggle;
mod trunk_table;
mod view_clock;

pub use analytics_page::AnalyticsPage;
pub use call_list::CallList;
pub use call_table::CallTable;
pub use calls_page::CallsPage;
pub use chart_panel::{ChartPanel, DrawRequest};
pub use connect_panel::ConnectPanel;
pub use detail_panel::DetailPanel;
pub use filter_bar::FilterBar;
pub use filter_panel::FilterPanel;
pub use kpi_cards::KpiCards;
pub use notice::{ErrorBanner, RetryBanner};
pub use pager::Pager;
pub use report_page::ReportPage;
pub use status_line::{visible_busy, StatusLine};
pub use theme_toggle::{ThemeChoice, ThemeToggle};
pub use trunk_table::TrunkTable;
pub use view_clock::ViewClock;
