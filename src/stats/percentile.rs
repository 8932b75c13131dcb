//! Percentiles by numpy's default method (`np.percentile(a, q)`, method `"linear"`).
//!
//! For `n` sorted values `x[0] ≤ … ≤ x[n-1]` and `q` in `0..=100`, the virtual index is
//! `h = (q / 100)·(n − 1)`; with `i = ⌊h⌋` and `t = h − i` the percentile is
//! `x[i] + (x[i+1] − x[i])·t` (numpy's `_lerp`, which computes `x[i+1] − (x[i+1] − x[i])·(1 − t)`
//! when `t ≥ 0.5`; done the same way here so results agree bit for bit).
//! `np.percentile([1, 2, 3, 4], [50, 90, 95, 99])` is `[2.5, 3.7, 3.85, 3.97]`.

/// The `q`-th percentile (`0..=100`) of already sorted values; `None` when empty or `q` is out of range.
///
/// Usage: `percentile_sorted(&[1u32, 2, 3, 4], 90.0) == Some(3.7)`.
pub fn percentile_sorted<T: Copy + Into<f64>>(sorted: &[T], q: f64) -> Option<f64> {
    let (i, t) = virtual_index(sorted.len(), q)?;
    let a = sorted[i].into();
    let b = sorted[(i + 1).min(sorted.len() - 1)].into();
    Some(lerp(a, b, t))
}

/// numpy's virtual index split into the lower order statistic and the fraction.
fn virtual_index(n: usize, q: f64) -> Option<(usize, f64)> {
    if n == 0 || !(0.0..=100.0).contains(&q) {
        return None;
    }
    let h = (q / 100.0) * (n - 1) as f64;
    let i = (h.floor() as usize).min(n - 1);
    Some((i, h - i as f64))
}

/// numpy's `_lerp`: the form depends on `t` so that `t = 1` gives exactly `b`.
pub(super) fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    }
}
