//! [`StatusCounts`]: calls counted by outcome, unknown statuses included.

use crate::api::CallStatus;

/// An outcome as the statistics group it: the contract's three plus everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusKind {
    /// `connected`.
    Connected,
    /// `disconnected`: connected, then dropped.
    Disconnected,
    /// `failed`: never connected.
    Failed,
    /// Any status this version does not know.
    Other,
}

impl StatusKind {
    /// All kinds, in the order charts stack them (bottom first).
    pub const ALL: [StatusKind; 4] = [
        StatusKind::Connected,
        StatusKind::Disconnected,
        StatusKind::Failed,
        StatusKind::Other,
    ];

    /// The label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            StatusKind::Connected => "Connected",
            StatusKind::Disconnected => "Disconnected",
            StatusKind::Failed => "Failed",
            StatusKind::Other => "Other",
        }
    }

    /// The kind of a wire status.
    pub fn of(status: &CallStatus) -> Self {
        match status {
            CallStatus::Connected => StatusKind::Connected,
            CallStatus::Disconnected => StatusKind::Disconnected,
            CallStatus::Failed => StatusKind::Failed,
            CallStatus::Other(_) => StatusKind::Other,
        }
    }
}

/// Calls counted by [`StatusKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatusCounts {
    /// Connected calls.
    pub connected: u64,
    /// Disconnected calls.
    pub disconnected: u64,
    /// Failed calls.
    pub failed: u64,
    /// Calls with a status this version does not know.
    pub other: u64,
}

impl StatusCounts {
    /// Counts from the API's totals: all calls, and the calls of each of the contract's
    /// statuses (connected, failed, disconnected); whatever the three leave of the
    /// whole is calls of statuses this version does not know.
    pub fn from_totals(all: u64, [connected, failed, disconnected]: [u64; 3]) -> Self {
        StatusCounts {
            connected,
            disconnected,
            failed,
            other: all.saturating_sub(connected + failed + disconnected),
        }
    }

    /// The count of a status filter's calls.
    pub fn of_filter(&self, filter: Option<crate::api::StatusFilter>) -> u64 {
        use crate::api::StatusFilter;
        match filter {
            None => self.total(),
            Some(StatusFilter::Connected) => self.connected,
            Some(StatusFilter::Failed) => self.failed,
            Some(StatusFilter::Disconnected) => self.disconnected,
        }
    }

    /// Counts one call of this kind.
    pub fn add(&mut self, kind: StatusKind) {
        *self.get_mut(kind) += 1;
    }

    /// The count of one kind.
    pub fn get(&self, kind: StatusKind) -> u64 {
        match kind {
            StatusKind::Connected => self.connected,
            StatusKind::Disconnected => self.disconnected,
            StatusKind::Failed => self.failed,
            StatusKind::Other => self.other,
        }
    }

    fn get_mut(&mut self, kind: StatusKind) -> &mut u64 {
        match kind {
            StatusKind::Connected => &mut self.connected,
            StatusKind::Disconnected => &mut self.disconnected,
            StatusKind::Failed => &mut self.failed,
            StatusKind::Other => &mut self.other,
        }
    }

    /// Adds another set of counts to these.
    pub fn merge(&mut self, other: &StatusCounts) {
        self.connected += other.connected;
        self.disconnected += other.disconnected;
        self.failed += other.failed;
        self.other += other.other;
    }

    /// All calls counted.
    pub fn total(&self) -> u64 {
        self.connected + self.disconnected + self.failed + self.other
    }

    /// The share of one kind in all calls; `None` when there are none.
    pub fn share(&self, kind: StatusKind) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| self.get(kind) as f64 / total as f64)
    }
}
