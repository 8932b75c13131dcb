//! [`Segment`]: the parts of a call's latency, and [`PerSegment`], one value for each.

use crate::api::Call;

/// One part of a call's latency, or their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// The carrier leg (`carrier_lag_ms`).
    Carrier,
    /// The AI agent's response (`ai_latency_ms`).
    Ai,
    /// The gateway's own processing (`gateway_processing_ms`).
    Gateway,
    /// Carrier + AI + gateway ([`Call::total_latency_ms`]).
    Total,
}

impl Segment {
    /// All four, parts first, total last.
    pub const ALL: [Segment; 4] = [
        Segment::Carrier,
        Segment::Ai,
        Segment::Gateway,
        Segment::Total,
    ];

    /// The three parts that add up to the total.
    pub const PARTS: [Segment; 3] = [Segment::Carrier, Segment::Ai, Segment::Gateway];

    /// The label shown to users: `Carrier`, `AI`, `Gateway`, `Total`.
    pub fn label(self) -> &'static str {
        match self {
            Segment::Carrier => "Carrier",
            Segment::Ai => "AI",
            Segment::Gateway => "Gateway",
            Segment::Total => "Total",
        }
    }

    /// This segment's latency of one call, in milliseconds; `None` when unknown.
    pub fn of(self, call: &Call) -> Option<u32> {
        match self {
            Segment::Carrier => call.carrier_lag_ms,
            Segment::Ai => call.ai_latency_ms,
            Segment::Gateway => call.gateway_processing_ms,
            Segment::Total => call.total_latency_ms(),
        }
    }
}

/// One `T` per [`Segment`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PerSegment<T> {
    /// The carrier leg's value.
    pub carrier: T,
    /// The AI agent's value.
    pub ai: T,
    /// The gateway's value.
    pub gateway: T,
    /// The total's value.
    pub total: T,
}

impl<T> PerSegment<T> {
    /// Builds each value from its segment.
    pub fn from_fn(mut f: impl FnMut(Segment) -> T) -> Self {
        PerSegment {
            carrier: f(Segment::Carrier),
            ai: f(Segment::Ai),
            gateway: f(Segment::Gateway),
            total: f(Segment::Total),
        }
    }

    /// The value of one segment.
    pub fn get(&self, s: Segment) -> &T {
        match s {
            Segment::Carrier => &self.carrier,
            Segment::Ai => &self.ai,
            Segment::Gateway => &self.gateway,
            Segment::Total => &self.total,
        }
    }

    /// The value of one segment, mutably.
    pub fn get_mut(&mut self, s: Segment) -> &mut T {
        match s {
            Segment::Carrier => &mut self.carrier,
            Segment::Ai => &mut self.ai,
            Segment::Gateway => &mut self.gateway,
            Segment::Total => &mut self.total,
        }
    }
}
