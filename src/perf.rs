//! Performance marks the benchmark reads: `performance.measure` entries named
//! `dashboard:*` (`rows`, `rows-fetch` (request and decode only), `gather`, `stats`,
//! `chart:<name>`), so timings come from the
//! page itself. Each measure runs from the mark `<name>:start` to the moment it is taken.

fn performance() -> Option<web_sys::Performance> {
    web_sys::window().and_then(|w| w.performance())
}

/// Sets the start mark of `name`.
pub fn start(name: &str) {
    if let Some(p) = performance() {
        let _ = p.mark(&format!("{name}:start"));
    }
}

/// Records the measure `name` from its start mark to now.
pub fn measure(name: &str) {
    if let Some(p) = performance() {
        let _ = p.measure_with_start_mark(name, &format!("{name}:start"));
    }
}

/// Records the measure `name` at the next frame, i.e. once the DOM update has been
/// rendered, which is what a user waits for.
pub fn measure_after_paint(name: &'static str) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let cb = Closure::once_into_js(move || measure(name));
    let _ = window.request_animation_frame(cb.unchecked_ref());
}
