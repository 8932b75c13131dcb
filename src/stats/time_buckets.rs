//! [`TimeBuckets`]: calls grouped by start time, with a width chosen from a ladder.

use chrono::{DateTime, Utc};

use super::{PerSegment, StatusCounts};

/// A bucket width from the ladder 1 min … 1 day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BucketWidth {
    /// One minute.
    Min1,
    /// Five minutes.
    Min5,
    /// Fifteen minutes.
    Min15,
    /// Thirty minutes.
    Min30,
    /// One hour.
    Hour1,
    /// Three hours.
    Hour3,
    /// Six hours.
    Hour6,
    /// Twelve hours.
    Hour12,
    /// One day (UTC midnight to midnight).
    Day1,
}

/// The default most buckets a chart should show.
pub const MAX_BUCKETS: usize = 200;

impl BucketWidth {
    /// The ladder, narrowest first.
    pub const LADDER: [BucketWidth; 9] = [
        BucketWidth::Min1,
        BucketWidth::Min5,
        BucketWidth::Min15,
        BucketWidth::Min30,
        BucketWidth::Hour1,
        BucketWidth::Hour3,
        BucketWidth::Hour6,
        BucketWidth::Hour12,
        BucketWidth::Day1,
    ];

    /// The width in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            BucketWidth::Min1 => 60,
            BucketWidth::Min5 => 300,
            BucketWidth::Min15 => 900,
            BucketWidth::Min30 => 1800,
            BucketWidth::Hour1 => 3600,
            BucketWidth::Hour3 => 3 * 3600,
            BucketWidth::Hour6 => 6 * 3600,
            BucketWidth::Hour12 => 12 * 3600,
            BucketWidth::Day1 => 86_400,
        }
    }

    /// How one bucket is named in a sentence, singular and plural: `("hour", "hours")`.
    pub fn nouns(self) -> (&'static str, &'static str) {
        match self {
            BucketWidth::Min1 => ("minute", "minutes"),
            BucketWidth::Min5 => ("5-minute bucket", "5-minute buckets"),
            BucketWidth::Min15 => ("15-minute bucket", "15-minute buckets"),
            BucketWidth::Min30 => ("30-minute bucket", "30-minute buckets"),
            BucketWidth::Hour1 => ("hour", "hours"),
            BucketWidth::Hour3 => ("3-hour bucket", "3-hour buckets"),
            BucketWidth::Hour6 => ("6-hour bucket", "6-hour buckets"),
            BucketWidth::Hour12 => ("12-hour bucket", "12-hour buckets"),
            BucketWidth::Day1 => ("day", "days"),
        }
    }

    /// The start of the bucket holding `t` (Unix seconds): a multiple of the width in UTC.
    pub fn align(self, t: i64) -> i64 {
        t.div_euclid(self.seconds()) * self.seconds()
    }

    /// Buckets of this width needed to cover `start..=end` (Unix seconds).
    pub fn count(self, start: i64, end: i64) -> usize {
        if end < start {
            return 0;
        }
        ((self.align(end) - self.align(start)) / self.seconds() + 1) as usize
    }

    /// The narrowest width covering `start..=end` in at most `max_buckets`; one day if none does.
    pub fn choose(start: i64, end: i64, max_buckets: usize) -> Self {
        BucketWidth::LADDER
            .into_iter()
            .find(|w| w.count(start, end) <= max_buckets)
            .unwrap_or(BucketWidth::Day1)
    }
}

/// One bucket: outcomes of all its calls, latencies of its latency calls.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimeBucket {
    /// Start of the bucket (inclusive), aligned to the width in UTC.
    pub start: DateTime<Utc>,
    /// Calls that started in the bucket, by outcome.
    pub counts: StatusCounts,
    /// Calls in the bucket that count for latency.
    pub latency_calls: usize,
    /// Mean of each segment in ms (the parts add up to the total's mean).
    pub mean: PerSegment<Option<f64>>,
    /// Median of each segment in ms.
    pub p50: PerSegment<Option<f64>>,
    /// 95th percentile of each segment in ms.
    pub p95: PerSegment<Option<f64>>,
    /// When the bucket is a stratum of a sample (`Analysis::compute_sampled`): the 95 %
    /// interval of its total p95; `None` when exact.
    pub p95_interval: Option<super::Estimate>,
}

/// Contiguous buckets of one width, oldest first, empty ones included.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeBuckets {
    /// The width of every bucket.
    pub width: BucketWidth,
    /// The buckets, oldest first, with no gaps.
    pub buckets: Vec<TimeBucket>,
}

impl Default for TimeBuckets {
    fn default() -> Self {
        TimeBuckets {
            width: BucketWidth::Hour1,
            buckets: Vec::new(),
        }
    }
}

impl TimeBuckets {
    /// The end (exclusive) of bucket `i`.
    pub fn bucket_end(&self, i: usize) -> Option<DateTime<Utc>> {
        let b = self.buckets.get(i)?;
        Some(b.start + chrono::Duration::seconds(self.width.seconds()))
    }

    /// The first and last second of bucket `i`, both inclusive, as a date filter takes
    /// them (a click on a bucket narrows the view to it).
    pub fn bounds(&self, i: usize) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let start = self.buckets.get(i)?.start;
        Some((start, self.bucket_end(i)? - chrono::Duration::seconds(1)))
    }

    /// The span covered: start of the first bucket to end of the last.
    pub fn span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let first = self.buckets.first()?.start;
        Some((first, self.bucket_end(self.buckets.len() - 1)?))
    }

    /// Whether no bucket holds a call.
    pub fn is_empty(&self) -> bool {
        self.buckets.iter().all(|b| b.counts.total() == 0)
    }
}
