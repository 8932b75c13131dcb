//! [`thin_min_max`]: at most two points per horizontal pixel, spikes kept.

/// Thins points sorted by x to at most two per pixel column: for each run of points in
/// one column it keeps the lowest and the highest, in their original order, so a spike
/// one point wide still reaches its height. `x_range` maps to `width_px` columns.
pub fn thin_min_max(points: &[(f64, f64)], x_range: (f64, f64), width_px: u32) -> Vec<(f64, f64)> {
    let width = f64::from(width_px.max(1));
    let span = x_range.1 - x_range.0;
    let column = |x: f64| -> i64 {
        if span <= 0.0 {
            0
        } else {
            (((x - x_range.0) / span) * width)
                .floor()
                .clamp(0.0, width - 1.0) as i64
        }
    };
    let mut out = Vec::with_capacity(points.len().min(2 * width as usize + 2));
    let mut i = 0;
    while i < points.len() {
        let col = column(points[i].0);
        let mut j = i;
        let (mut lo, mut hi) = (i, i);
        while j < points.len() && column(points[j].0) == col {
            if points[j].1 < points[lo].1 {
                lo = j;
            }
            if points[j].1 > points[hi].1 {
                hi = j;
            }
            j += 1;
        }
        out.push(points[lo.min(hi)]);
        if lo != hi {
            out.push(points[lo.max(hi)]);
        }
        i = j;
    }
    out
}
