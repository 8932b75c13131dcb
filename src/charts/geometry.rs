//! [`ChartGeometry`]: where a drawn chart put its data, for tooltips and clicks.

/// A rectangle in backend pixels; `right` and `bottom` are the far edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PixelRect {
    /// Left edge.
    pub left: i32,
    /// Top edge.
    pub top: i32,
    /// Right edge.
    pub right: i32,
    /// Bottom edge.
    pub bottom: i32,
}

impl PixelRect {
    /// Whether the pixel lies inside (edges included).
    pub fn contains(&self, px: i32, py: i32) -> bool {
        (self.left..=self.right).contains(&px) && (self.top..=self.bottom).contains(&py)
    }

    /// Width in pixels.
    pub fn width(&self) -> i32 {
        self.right - self.left
    }
}

/// Along which pixel axis a hit region extends across the plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Axis {
    /// A column band `from..to` in x (time buckets, histogram bins).
    X,
    /// A row band `from..to` in y (trunks).
    Y,
    /// A cell: `from..to` in x and `top..bottom` in y (the heatmap).
    Cell {
        /// First pixel row of the cell.
        top: i32,
        /// One past its last pixel row.
        bottom: i32,
    },
}

/// What a region of the plot stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HitTarget {
    /// Time bucket `i` of `TimeBuckets::buckets`.
    Bucket(usize),
    /// Histogram bin `i`; `counts.len()` is the overflow bin.
    Bin(usize),
    /// A trunk, by id.
    Trunk(String),
    /// A heatmap cell: a weekday and an hour (0–23) of the chosen zone.
    Cell {
        /// The weekday.
        weekday: chrono::Weekday,
        /// The hour, 0–23.
        hour: u32,
    },
}

/// A band of pixels standing for one bucket, bin or trunk, or a heatmap cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HitRegion {
    /// The axis the band is measured on.
    pub axis: Axis,
    /// First pixel of the band.
    pub from: i32,
    /// One past the last pixel.
    pub to: i32,
    /// What the band stands for.
    pub target: HitTarget,
}

/// The data under a pixel.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Data x (Unix seconds on time charts, ms on the distribution and trunk charts).
    pub x: f64,
    /// Data y (ms, calls, or the trunk slot counted from the bottom).
    pub y: f64,
    /// The bucket, bin or trunk there, if any.
    pub target: Option<HitTarget>,
}

/// The plotting area's pixels and data ranges, plus hit regions: pixel ↔ data is linear,
/// as plotters' `into_coord_trans()` gives it, but as plain data the UI can keep.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartGeometry {
    /// The plotting area (inside the axes).
    pub plot: PixelRect,
    /// Data x at `plot.left` and at `plot.right`.
    pub x_range: (f64, f64),
    /// Data y at `plot.bottom` and at `plot.top`.
    pub y_range: (f64, f64),
    /// Bands standing for buckets, bins or trunks.
    pub regions: Vec<HitRegion>,
    /// The chart had no data and drew its message instead.
    pub empty: bool,
}

impl ChartGeometry {
    /// Data coordinates of a pixel inside the plot; `None` outside.
    pub fn to_data(&self, px: i32, py: i32) -> Option<(f64, f64)> {
        if !self.plot.contains(px, py) {
            return None;
        }
        let fx = ratio(px - self.plot.left, self.plot.right - self.plot.left);
        let fy = ratio(self.plot.bottom - py, self.plot.bottom - self.plot.top);
        Some((
            self.x_range.0 + fx * (self.x_range.1 - self.x_range.0),
            self.y_range.0 + fy * (self.y_range.1 - self.y_range.0),
        ))
    }

    /// The pixel of a data point (not clamped to the plot).
    pub fn to_pixel(&self, x: f64, y: f64) -> (i32, i32) {
        let fx = (x - self.x_range.0) / nonzero(self.x_range.1 - self.x_range.0);
        let fy = (y - self.y_range.0) / nonzero(self.y_range.1 - self.y_range.0);
        (
            self.plot.left + (fx * f64::from(self.plot.right - self.plot.left)).round() as i32,
            self.plot.bottom - (fy * f64::from(self.plot.bottom - self.plot.top)).round() as i32,
        )
    }

    /// What lies under a pixel: data coordinates and the bucket, bin or trunk there.
    pub fn hit(&self, px: i32, py: i32) -> Option<Hit> {
        let (x, y) = self.to_data(px, py)?;
        let target = self
            .regions
            .iter()
            .find(|r| {
                let p = match r.axis {
                    Axis::X => px,
                    Axis::Y => py,
                    Axis::Cell { top, bottom } if (top..bottom).contains(&py) => px,
                    Axis::Cell { .. } => return false,
                };
                (r.from..r.to).contains(&p)
            })
            .map(|r| r.target.clone());
        Some(Hit { x, y, target })
    }
}

fn ratio(num: i32, den: i32) -> f64 {
    if den == 0 {
        0.0
    } else {
        f64::from(num) / f64::from(den)
    }
}

fn nonzero(d: f64) -> f64 {
    if d == 0.0 {
        1.0
    } else {
        d
    }
}
