//! Native tests of `charts`: each chart drawn to an SVG string and read back, the hit
//! geometry, thinning, and the text alternatives.

use call_dashboard::api::{Call, TimeZoneMode};
use call_dashboard::charts::*;
use call_dashboard::stats::{Analysis, AnalysisOptions};
use plotters::coord::Shift;
use plotters::prelude::*;

mod fixtures;
use fixtures::utc;

/// A one-minute call: the charts do not look at durations.
fn call(trunk: &str, status: &str, start: &str, lat: [u32; 3]) -> Call {
    fixtures::call(trunk, status, start, 60, lat)
}

/// Three hourly buckets, 10:00–12:59 UTC, SLO 800 ms.
///
/// | start | trunk | status       | total               |
/// |-------|-------|--------------|---------------------|
/// | 10:10 | A     | connected    | 100+200+10 = 310    |
/// | 10:40 | B     | connected    | 50+100+5 = 155      |
/// | 11:15 | A     | failed       | –                   |
/// | 11:20 | B     | connected    | 60+300+20 = 380     |
/// | 12:05 | A     | disconnected | 80+900+30 = 1010    |
fn analysis_of(calls: &[Call]) -> Analysis {
    analysis_over(calls, ("2024-03-05T10:00:00Z", "2024-03-05T12:59:59Z"), 3)
}

/// The analysis of `calls` over `range` (RFC 3339, UTC) in at most `max_buckets`.
fn analysis_over(calls: &[Call], range: (&str, &str), max_buckets: usize) -> Analysis {
    let opts = AnalysisOptions {
        range: (Some(utc(range.0)), Some(utc(range.1))),
        max_buckets,
        ..AnalysisOptions::default()
    };
    Analysis::compute(calls, &opts)
}

fn fixture() -> Analysis {
    analysis_of(&[
        call("A", "connected", "10:10", [100, 200, 10]),
        call("B", "connected", "10:40", [50, 100, 5]),
        call("A", "failed", "11:15", [0, 0, 0]),
        call("B", "connected", "11:20", [60, 300, 20]),
        call("A", "disconnected", "12:05", [80, 900, 30]),
    ])
}

type Drawn = Result<ChartGeometry, ChartError>;

/// Draws one chart into an SVG string of the given size.
fn render(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Drawn,
) -> (String, Drawn) {
    let mut svg = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let drawn = draw(&root);
        root.present().expect("an SVG string always presents");
        drawn
    };
    (svg, drawn)
}

/// The latency chart's data for `a`, with an 800 ms SLO.
fn latency_800(a: &Analysis, tz: TimeZoneMode) -> LatencyData<'_> {
    LatencyData {
        buckets: &a.buckets,
        slo_ms: Some(800),
        tz,
    }
}

/// The four charts of one analysis, light style, 640×360 px, UTC.
fn all_charts(a: &Analysis) -> Vec<(&'static str, String, Drawn)> {
    let style = ChartStyle::light();
    let size = (640, 360);
    let tz = TimeZoneMode::Utc;
    let lat = latency_800(a, tz);
    let vol = VolumeData {
        buckets: &a.buckets,
        tz,
    };
    let dist = DistributionData {
        distribution: &a.distribution,
        total: &a.latency.total,
    };
    let trunks = TrunkData {
        rows: &a.trunks,
        max_rows: 10,
    };
    let (s1, d1) = render(size, |r| draw_latency(r, &lat, &style));
    let (s2, d2) = render(size, |r| draw_volume(r, &vol, &style));
    let (s3, d3) = render(size, |r| draw_distribution(r, &dist, &style));
    let (s4, d4) = render(size, |r| draw_trunks(r, &trunks, &style));
    vec![
        ("latency", s1, d1),
        ("volume", s2, d2),
        ("distribution", s3, d3),
        ("trunks", s4, d4),
    ]
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Points of the longest polyline stroked in `color`.
fn longest_polyline(svg: &str, color: RGBColor) -> usize {
    let stroke = format!("stroke=\"{}\"", hex(color));
    svg.split("<polyline")
        .skip(1)
        .map(|tag| tag.split('>').next().unwrap_or(""))
        .filter(|tag| tag.contains(&stroke))
        .filter_map(|tag| tag.split("points=\"").nth(1))
        .map(|pts| {
            pts.split('"')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Filled rectangles in `color` at full opacity.
fn solid_rects(svg: &str, color: RGBColor) -> usize {
    let fill = format!("fill=\"{}\"", hex(color));
    svg.split("<rect")
        .skip(1)
        .map(|tag| tag.split('>').next().unwrap_or(""))
        .filter(|tag| tag.contains(&fill) && tag.contains("opacity=\"1\""))
        .count()
}

/// Each `<text>` of an SVG: its y and its content.
fn texts(svg: &str) -> Vec<(i32, String)> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let (tag, rest) = t.split_once('>')?;
            let y: f64 = tag.split(" y=\"").nth(1)?.split('"').next()?.parse().ok()?;
            let content = rest.split("</text>").next()?.trim().to_owned();
            Some((y.round() as i32, content))
        })
        .collect()
}

mod drawing {
    use super::*;

    fn check(chart: &str, expected_texts: &[&str]) {
        let a = fixture();
        let (_, svg, drawn) = all_charts(&a)
            .into_iter()
            .find(|(n, ..)| *n == chart)
            .expect("chart exists");
        assert!(drawn.is_ok(), "{chart}: {drawn:?}");
        for text in expected_texts {
            assert!(svg.contains(text), "{chart} lacks {text:?}");
        }
        assert!(svg.contains("sans-serif"), "{chart}: font family");
    }

    #[test]
    fn legends_and_axis_units() {
        // Axis titles and ticks per chart; each chart's key entries come from `KEYS`.
        let axes: [(&str, &[&str]); 4] = [
            ("latency", &["Latency (ms)", "Time (UTC)", "10:00", "12:00"]),
            ("volume", &["Calls per hour", "Time (UTC)"]),
            (
                "distribution",
                &["Total latency (ms)", "Calls per", "p50 ", "p95 ", "p99 "],
            ),
            ("trunks", &["Latency (ms)", "Trunk", "\nA\n", "\nB\n"]),
        ];
        for ((name, axis), (keyed, key)) in axes.into_iter().zip(KEYS) {
            assert_eq!(name, keyed);
            check(name, &[axis, key].concat());
        }
    }

    #[test]
    fn as_many_marks_as_the_data_implies() {
        let a = fixture();
        let style = ChartStyle::light();
        let charts = all_charts(&a);
        // Latency: all three buckets have latency → a p95 polyline of 3 points.
        assert_eq!(longest_polyline(&charts[0].1, style.p95), 3);
        // Volume: connected in 10:00 and 11:00 → 2 bars, + 1 legend swatch;
        // failed only at 11:00 → 1 + 1; disconnected only at 12:00 → 1 + 1.
        assert_eq!(solid_rects(&charts[1].1, style.connected), 3);
        assert_eq!(solid_rects(&charts[1].1, style.disconnected), 2);
        // Distribution: 4 totals [155, 310, 380, 1010], all in distinct bins or the tail.
        let h = &a.distribution.histogram;
        let bins = h.counts.iter().filter(|&&c| c > 0).count();
        assert_eq!(solid_rects(&charts[2].1, style.bars), bins + 1);
        // p50, p95, p99 markers: a vertical line each, plus their legend entries.
        for label in ["p50 ", "p95 ", "p99 "] {
            assert_eq!(
                charts[2].1.matches(label).count(),
                2,
                "{label}: marker text and legend"
            );
        }
        // Trunks: per trunk one solid p50 bar per segment, + 1 legend swatch.
        assert_eq!(solid_rects(&charts[3].1, style.carrier), 2 + 1);
    }

    /// What each chart's key lists for the fixture.
    const KEYS: [(&str, &[&str]); 4] = [
        (
            "latency",
            &[
                "Carrier mean",
                "AI mean",
                "Gateway mean",
                "Total p50",
                "Total p95",
                "SLO 800 ms",
            ],
        ),
        ("volume", &["Connected", "Disconnected", "Failed"]),
        ("distribution", &["Calls"]),
        ("trunks", &["Carrier", "AI", "Gateway"]),
    ];

    fn assert_key_above_plot(name: &str, svg: &str, geo: &ChartGeometry, labels: &[&str]) {
        let texts = texts(svg);
        for label in labels {
            let ys: Vec<i32> = texts
                .iter()
                .filter(|(_, t)| t == label)
                .map(|&(y, _)| y)
                .collect();
            assert!(!ys.is_empty(), "{name}: no key entry {label:?}");
            assert!(
                ys.iter().all(|&y| y < geo.plot.top),
                "{name}: {label:?} at y {ys:?} is not above the plot (top {})",
                geo.plot.top
            );
        }
    }

    #[test]
    fn the_key_sits_above_the_plot_and_never_covers_data() {
        for (name, svg, drawn) in all_charts(&fixture()) {
            let geo = drawn.unwrap_or_else(|e| panic!("{name}: {e}"));
            let labels = KEYS.iter().find(|(n, _)| *n == name).expect("a key").1;
            assert_key_above_plot(name, &svg, &geo, labels);
        }
    }

    #[test]
    fn a_narrow_key_wraps_into_rows_above_the_plot() {
        let a = fixture();
        let lat = latency_800(&a, TimeZoneMode::Utc);
        let style = ChartStyle::light();
        let (svg, drawn) = render((300, 280), |r| draw_latency(r, &lat, &style));
        let geo = drawn.expect("draws at 300 px");
        assert_key_above_plot("latency at 300 px", &svg, &geo, KEYS[0].1);
        let rows: std::collections::BTreeSet<i32> = texts(&svg)
            .into_iter()
            .filter(|(_, t)| KEYS[0].1.contains(&t.as_str()))
            .map(|(y, _)| y)
            .collect();
        assert!(rows.len() >= 2, "six entries in 300 px take rows: {rows:?}");
    }

    #[test]
    fn a_week_on_a_phone_gets_several_time_labels() {
        let calls: Vec<Call> = (0..7)
            .map(|day| {
                let mut c = call("A", "connected", "10:10", [100, 200, 10]);
                c.start_time = utc("2024-03-01T10:10:00Z") + chrono::Duration::days(day);
                c.id = format!("c{day}");
                c
            })
            .collect();
        let a = analysis_over(
            &calls,
            ("2024-03-01T00:00:00Z", "2024-03-07T23:59:59Z"),
            168,
        );
        let vol = VolumeData {
            buckets: &a.buckets,
            tz: TimeZoneMode::Utc,
        };
        // The chart's width in the page at 375 px.
        let (svg, drawn) = render((323, 280), |r| draw_volume(r, &vol, &ChartStyle::light()));
        drawn.expect("draws at 323 px");
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let labels: Vec<String> = texts(&svg)
            .into_iter()
            .map(|(_, t)| t)
            .filter(|t| days.iter().any(|d| t.starts_with(d)))
            .collect();
        assert!(labels.len() >= 3, "a week at 323 px: {labels:?}");
    }

    #[test]
    fn a_message_wraps_to_the_width() {
        let a = analysis_of(&[]);
        let lat = latency_800(&a, TimeZoneMode::Utc);
        let style = ChartStyle::light();
        let font = (style.font_family, style.font_px + 2).into_font();
        for width in [200u32, 320, 900] {
            let (svg, drawn) = render((width, 280), |r| draw_latency(r, &lat, &style));
            assert!(drawn.expect("an empty chart draws").empty);
            let lines: Vec<String> = texts(&svg).into_iter().map(|(_, t)| t).collect();
            assert_eq!(lines.join(" "), NO_ANSWERED_CALLS, "at {width} px");
            for line in &lines {
                let (w, _) = font.box_size(line).expect("measurable");
                assert!(w < width, "{line:?} is {w} px wide in a {width} px chart");
            }
            if width == 900 {
                assert_eq!(lines.len(), 1, "a wide chart says it in one line");
            } else {
                assert!(lines.len() >= 2, "at {width} px the message wraps");
            }
        }
    }

    #[test]
    fn empty_data_says_so() {
        let a = analysis_of(&[]);
        for (name, svg, drawn) in all_charts(&a) {
            let geo = drawn.unwrap_or_else(|e| panic!("{name}: {e}"));
            let message = if name == "volume" {
                NO_CALLS
            } else {
                NO_ANSWERED_CALLS
            };
            let said: Vec<String> = texts(&svg).into_iter().map(|(_, t)| t).collect();
            assert_eq!(said.join(" "), message, "{name}");
            assert!(geo.regions.is_empty(), "{name}");
            assert!(geo.empty, "{name}");
        }
        // Only failed calls: counts exist, latency does not, and the charts say why.
        let a = analysis_of(&[call("A", "failed", "10:10", [0, 0, 0])]);
        let charts = all_charts(&a);
        assert!(charts[0].1.contains(NO_ANSWERED_CALLS));
        assert!(!charts[1].1.contains(NO_CALLS));
    }

    #[test]
    fn one_call_all_equal_and_huge_values_draw() {
        let m = u32::MAX;
        let sets = [
            vec![call("A", "connected", "10:10", [1, 2, 3])],
            (0..6)
                .map(|i| call("A", "connected", &format!("1{}:1{i}", i % 3), [5, 5, 5]))
                .collect(),
            vec![
                call("A", "connected", "10:10", [m, m, m]),
                call("B", "connected", "11:10", [0, 0, 0]),
            ],
        ];
        for calls in sets {
            for (name, svg, drawn) in all_charts(&analysis_of(&calls)) {
                assert!(drawn.is_ok(), "{name}: {drawn:?}");
                assert!(!drawn.as_ref().is_ok_and(|g| g.empty), "{name}");
                assert!(
                    !svg.contains(NO_CALLS) && !svg.contains(NO_ANSWERED_CALLS),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn too_small_is_an_error_not_a_panic() {
        let a = fixture();
        let lat = LatencyData {
            buckets: &a.buckets,
            slo_ms: None,
            tz: TimeZoneMode::Utc,
        };
        let (_, drawn) = render((40, 30), |r| draw_latency(r, &lat, &ChartStyle::dark()));
        assert!(matches!(
            drawn,
            Err(ChartError::TooSmall { w: 40, h: 30, .. })
        ));
    }

    #[test]
    fn local_time_draws() {
        let a = fixture();
        let lat = latency_800(&a, TimeZoneMode::Local);
        let (svg, drawn) = render((640, 360), |r| draw_latency(r, &lat, &ChartStyle::dark()));
        assert!(drawn.is_ok());
        assert!(svg.contains("Time (local)"));
    }
}

mod hit {
    use super::*;

    fn geometry() -> ChartGeometry {
        ChartGeometry {
            plot: PixelRect {
                left: 100,
                top: 10,
                right: 300,
                bottom: 210,
            },
            x_range: (0.0, 1000.0),
            y_range: (0.0, 50.0),
            regions: vec![
                HitRegion {
                    axis: Axis::X,
                    from: 100,
                    to: 200,
                    target: HitTarget::Bucket(0),
                },
                HitRegion {
                    axis: Axis::X,
                    from: 200,
                    to: 300,
                    target: HitTarget::Bucket(1),
                },
            ],
            empty: false,
        }
    }

    fn check(px: i32, py: i32, expected: Option<(f64, f64, Option<HitTarget>)>) {
        let got = geometry().hit(px, py).map(|h| (h.x, h.y, h.target));
        assert_eq!(got, expected, "({px}, {py})");
    }

    #[test]
    fn pixels_map_linearly_to_data_and_regions() {
        check(100, 210, Some((0.0, 0.0, Some(HitTarget::Bucket(0)))));
        check(200, 110, Some((500.0, 25.0, Some(HitTarget::Bucket(1)))));
        check(199, 10, Some((495.0, 50.0, Some(HitTarget::Bucket(0)))));
        check(300, 10, Some((1000.0, 50.0, None))); // the right edge is past the last band
        check(99, 110, None);
        check(150, 211, None);
        assert_eq!(geometry().to_pixel(500.0, 25.0), (200, 110));
    }

    #[test]
    fn drawn_charts_hit_their_buckets_and_trunks() {
        let a = fixture();
        let charts = all_charts(&a);
        for (name, _, drawn) in &charts[..2] {
            let geo = drawn.as_ref().expect("drawn");
            assert_eq!(geo.regions.len(), 3, "{name}");
            for (i, r) in geo.regions.iter().enumerate() {
                let mid = (r.from + r.to) / 2;
                let y = (geo.plot.top + geo.plot.bottom) / 2;
                assert_eq!(
                    geo.hit(mid, y).and_then(|h| h.target),
                    Some(HitTarget::Bucket(i)),
                    "{name}"
                );
            }
            // The x of a bucket's middle pixel lies inside the bucket.
            let (x, _) = geo
                .to_data((geo.regions[1].from + geo.regions[1].to) / 2, geo.plot.top)
                .expect("inside");
            assert!((utc("2024-03-05T11:00:00Z").timestamp() as f64
                ..utc("2024-03-05T12:00:00Z").timestamp() as f64)
                .contains(&x));
        }
        let geo = charts[3].2.as_ref().expect("drawn");
        let ids: Vec<HitTarget> = geo.regions.iter().map(|r| r.target.clone()).collect();
        assert_eq!(
            ids,
            [HitTarget::Trunk("A".into()), HitTarget::Trunk("B".into())]
        ); // worst first
        let top = &geo.regions[0];
        assert!(top.from < geo.regions[1].from, "worst trunk on top");
        let x = (geo.plot.left + geo.plot.right) / 2;
        assert_eq!(
            geo.hit(x, (top.from + top.to) / 2).and_then(|h| h.target),
            Some(HitTarget::Trunk("A".into()))
        );
    }
}

mod thinning {
    use super::*;

    fn check(points: &[(f64, f64)], width_px: u32, expected: &[(f64, f64)]) {
        let x_range = (0.0, 10.0);
        assert_eq!(
            thin_min_max(points, x_range, width_px),
            expected,
            "{points:?} in {width_px} px"
        );
    }

    #[test]
    fn keeps_min_and_max_per_column_in_order() {
        let pts = [
            (0.0, 5.0),
            (1.0, 9.0),
            (2.0, 1.0),
            (3.0, 4.0),
            (6.0, 2.0),
            (7.0, 3.0),
        ];
        // 2 columns of 5 units: [0,5) keeps 9 and 1 in their order; [5,10) keeps 2 and 3.
        check(&pts, 2, &[(1.0, 9.0), (2.0, 1.0), (6.0, 2.0), (7.0, 3.0)]);
        // Wide enough: nothing dropped.
        check(&pts, 10, &pts);
        check(&[], 100, &[]);
        check(&[(5.0, 1.0)], 0, &[(5.0, 1.0)]);
        check(&[(1.0, 3.0), (1.1, 3.0)], 1, &[(1.0, 3.0)]); // equal values: one point
    }

    #[test]
    fn many_points_become_two_per_pixel_and_spikes_survive() {
        let mut pts: Vec<(f64, f64)> = (0..10_000).map(|i| (i as f64 / 1000.0, 1.0)).collect();
        pts[4321].1 = 1_000.0;
        let out = thin_min_max(&pts, (0.0, 10.0), 100);
        assert!(out.len() <= 200, "{}", out.len());
        assert!(out.contains(&(4.321, 1_000.0)));
        assert!(out.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}

mod text_alternatives {
    use super::*;

    fn check(got: String, expected: &str) {
        assert_eq!(got, expected);
    }

    #[test]
    fn summaries() {
        let a = fixture();
        let tz = TimeZoneMode::Utc;
        // p95 per bucket: 10:00 [155, 310] → 302.25; 11:00 [380]; 12:00 [1010] > 800.
        check(
            summary_latency(&LatencyData { buckets: &a.buckets, slo_ms: Some(800), tz }),
            "p95 total latency peaked at 1010 ms at 12:00 on Mar 05; SLO 800 ms exceeded in 1 of 3 hours.",
        );
        check(
            summary_volume(&VolumeData { buckets: &a.buckets, tz }),
            "5 calls: 3 connected (60.0%), 1 disconnected (20.0%), 1 failed (20.0%); busiest hour 10:00 on Mar 05 with 2 calls.",
        );
        // totals [155, 310, 380, 1010]: p50 h=1.5 → 345; p95 h=2.85 → 1010 − 630·0.15 = 915.5
        // (915.4999… in f64, so 915); p99 h=2.97 → 991.1. p99.9 = 1008.1 → 20 ms bins from
        // 140 to 1020, so nothing overflows and the sentence has no tail clause.
        check(
            summary_distribution(&DistributionData {
                distribution: &a.distribution,
                total: &a.latency.total,
            }),
            "Total latency of 4 calls: median 345 ms, p95 915 ms, p99 991 ms.",
        );
        // A: totals [310, 1010] → p95 h=0.95 → 1010 − 700·0.05 = 975; carrier [80, 100] → 99;
        // AI [200, 900] → 865; gateway [10, 30] → 29.
        check(
            summary_trunks(&TrunkData { rows: &a.trunks, max_rows: 10 }),
            "Worst of 2 trunks by p95 total latency: A at 975 ms (Carrier 99 ms, AI 865 ms, Gateway 29 ms at p95).",
        );
        let empty = analysis_of(&[]);
        check(
            summary_trunks(&TrunkData {
                rows: &empty.trunks,
                max_rows: 10,
            }),
            "No answered calls in this range (latency counts connected and disconnected calls).",
        );
    }

    #[test]
    fn tables() {
        let a = fixture();
        let tz = TimeZoneMode::Utc;
        let t = table_latency(&LatencyData {
            buckets: &a.buckets,
            slo_ms: Some(800),
            tz,
        });
        assert_eq!(t.headers[0], "Time (UTC)");
        assert_eq!(t.rows.len(), 3);
        assert_eq!(
            t.rows[2][..4],
            ["12:00 on Mar 05", "1", "1010 ms", "1010 ms"]
        );
        let t = table_volume(&VolumeData {
            buckets: &a.buckets,
            tz,
        });
        assert_eq!(
            t.headers,
            ["Time (UTC)", "Connected", "Disconnected", "Failed", "Total"]
        );
        assert_eq!(t.rows[1], ["11:00 on Mar 05", "1", "0", "1", "2"]);
        let t = table_trunks(&TrunkData {
            rows: &a.trunks,
            max_rows: 10,
        });
        // Unnamed trunks show their id as the label, and the id has its own column.
        assert_eq!(t.rows[0][..4], ["A", "A", "3", "33.3%"]);
        assert_eq!(t.headers.len(), 4 + 8);
        let t = table_distribution(&DistributionData {
            distribution: &a.distribution,
            total: &a.latency.total,
        });
        assert_eq!(t.rows.last().map(|r| r[2].as_str()), Some("100.0%"));
    }
}

mod registry {
    use super::*;
    use call_dashboard::api::{CallQuery, DateRange};

    const CTX: ChartOptions = ChartOptions {
        tz: TimeZoneMode::Utc,
        slo_ms: 800,
    };

    #[test]
    fn every_chart_draws_summarises_and_tabulates_through_the_registry() {
        let a = fixture();
        for kind in ChartKind::ALL {
            let (svg, drawn) = render((640, 360), |r| kind.draw(r, &a, CTX, &ChartStyle::light()));
            assert!(drawn.is_ok(), "{} draws", kind.name());
            assert!(svg.contains("<svg"), "{} is an SVG", kind.name());
            assert!(
                !kind.summary(&a, CTX).is_empty(),
                "{} has a summary",
                kind.name()
            );
            assert!(
                !kind.table(&a, CTX).rows.is_empty(),
                "{} has a table",
                kind.name()
            );
        }
        // The registry draws what the chart function draws, byte for byte.
        let direct = render((640, 360), |r| {
            draw_latency(r, &latency_800(&a, TimeZoneMode::Utc), &ChartStyle::light())
        })
        .0;
        let listed = render((640, 360), |r| {
            ChartKind::Latency.draw(r, &a, CTX, &ChartStyle::light())
        })
        .0;
        assert_eq!(direct, listed);
    }

    #[test]
    fn tooltips_name_what_is_under_the_pointer() {
        let a = fixture();
        let hit = |target| Hit {
            x: 0.0,
            y: 0.0,
            target: Some(target),
        };
        let bucket = ChartKind::Volume
            .tooltip(&a, CTX, &hit(HitTarget::Bucket(1)))
            .expect("bucket 1");
        assert_eq!(
            bucket,
            "11:00 on Mar 05 · 2 calls (1 failed) · mean total 380 ms · p95 total 380 ms"
        );
        let trunk = ChartKind::Trunks
            .tooltip(&a, CTX, &hit(HitTarget::Trunk("B".into())))
            .expect("trunk B");
        assert!(trunk.starts_with("B · p50/p95 carrier 55 ms/"), "{trunk}");
        // A target of another chart, or none, gives no tooltip.
        assert_eq!(
            ChartKind::Trunks.tooltip(&a, CTX, &hit(HitTarget::Bucket(0))),
            None
        );
        let nothing = Hit {
            x: 0.0,
            y: 0.0,
            target: None,
        };
        assert_eq!(ChartKind::Latency.tooltip(&a, CTX, &nothing), None);
    }

    #[test]
    fn a_click_narrows_the_view() {
        let a = fixture();
        let q = CallQuery::new().with_page(3);
        let bucket = pick(&q, &a, &HitTarget::Bucket(1)).expect("a bucket narrows the range");
        assert_eq!(
            bucket.range(),
            DateRange::Custom {
                start: Some(utc("2024-03-05T11:00:00Z")),
                end: Some(utc("2024-03-05T11:59:59Z")),
            }
        );
        assert_eq!(bucket.page(), 1);
        let trunk = pick(&q, &a, &HitTarget::Trunk("A".into())).expect("a trunk filters");
        assert_eq!(trunk.trunk_id(), Some("A"));
        assert_eq!(pick(&q, &a, &HitTarget::Bin(2)), None);
        assert_eq!(pick(&q, &a, &HitTarget::Bucket(99)), None);
    }
}

mod heatmap {
    use super::*;
    use call_dashboard::stats::{Heatmap, LatencyCalls};
    use chrono::Weekday;

    /// The fixture's five calls (all on Tuesday 2024-03-05, UTC) binned by hour: 10:00
    /// has two (totals 310 and 155), 11:00 two (one failed; 380), 12:00 one (1,010).
    fn heat() -> Heatmap {
        let calls = [
            call("A", "connected", "10:10", [100, 200, 10]),
            call("B", "connected", "10:40", [50, 100, 5]),
            call("A", "failed", "11:15", [0, 0, 0]),
            call("B", "connected", "11:20", [60, 300, 20]),
            call("A", "disconnected", "12:05", [80, 900, 30]),
        ];
        Heatmap::compute(&calls, &chrono::Utc, LatencyCalls::Answered)
    }

    fn data(h: &Heatmap, mode: HeatmapMode) -> HeatmapData<'_> {
        HeatmapData {
            heatmap: h,
            mode,
            tz: TimeZoneMode::Utc,
        }
    }

    fn draw(
        h: &Heatmap,
        mode: HeatmapMode,
        style: &ChartStyle,
        size: (u32, u32),
    ) -> (String, Drawn) {
        render(size, |r| draw_heatmap(r, &data(h, mode), style))
    }

    /// Filled rectangles of any colour but the background, grid and key swatches:
    /// the colours of the cells that have a value.
    fn fills(svg: &str) -> Vec<String> {
        svg.split("<rect")
            .skip(1)
            .filter_map(|tag| {
                tag.split("fill=\"")
                    .nth(1)?
                    .split('"')
                    .next()
                    .map(String::from)
            })
            .collect()
    }

    #[test]
    fn renders_seven_by_twenty_four_cells_coloured_by_value_in_both_themes() {
        let h = heat();
        for style in [ChartStyle::light(), ChartStyle::dark()] {
            for mode in HeatmapMode::ALL {
                let (svg, drawn) = draw(&h, mode, &style, (640, 320));
                let geo = drawn.unwrap_or_else(|e| panic!("{mode:?}: {e}"));
                assert!(!geo.empty);
                assert_eq!(geo.regions.len(), 7 * 24, "a hit region per cell");
                let colours = fills(&svg);
                let grid = hex(style.grid);
                // Background, 5 key swatches, then the 168 cells.
                assert_eq!(colours.len(), 1 + 5 + 168, "{mode:?}");
                let valued: Vec<&String> = colours[6..].iter().filter(|c| **c != grid).collect();
                let expected = match mode {
                    HeatmapMode::Calls => 3,      // 10:00, 11:00 and 12:00 on Tuesday
                    HeatmapMode::P95Latency => 3, // each of those hours has a latency call
                };
                assert_eq!(valued.len(), expected, "{mode:?}");
                // The fullest cell is the scale's full colour; the others are lighter.
                let full = match mode {
                    HeatmapMode::Calls => hex(style.bars),
                    HeatmapMode::P95Latency => hex(style.p95),
                };
                assert_eq!(
                    valued.iter().filter(|c| ***c == full).count(),
                    match mode {
                        HeatmapMode::Calls => 2,      // 10:00 and 11:00 both have the most (2)
                        HeatmapMode::P95Latency => 1, // 12:00, the worst p95
                    }
                );
                for text in [
                    "Mon",
                    "Sun",
                    "Hour of the day (UTC)",
                    "No calls",
                    "No latency calls",
                ] {
                    let wanted = match (text, mode) {
                        ("No calls", HeatmapMode::P95Latency) => continue,
                        ("No latency calls", HeatmapMode::Calls) => continue,
                        _ => text,
                    };
                    assert!(svg.contains(wanted), "{mode:?} lacks {wanted:?}");
                }
            }
        }
    }

    #[test]
    fn hits_map_to_cells() {
        let h = heat();
        let (_, drawn) = draw(&h, HeatmapMode::Calls, &ChartStyle::light(), (640, 320));
        let geo = drawn.expect("drawn");
        // (weekday, hour) of every region's centre pixel is the region's own cell.
        for r in &geo.regions {
            let Axis::Cell { top, bottom } = r.axis else {
                panic!("a heatmap region is a cell: {r:?}");
            };
            let hit = geo.hit((r.from + r.to) / 2, (top + bottom) / 2);
            assert_eq!(hit.and_then(|x| x.target), Some(r.target.clone()));
        }
        let cell = |weekday, hour| {
            geo.regions
                .iter()
                .find(|r| r.target == HitTarget::Cell { weekday, hour })
                .expect("a region")
        };
        let (mon0, tue14, sun23) = (
            cell(Weekday::Mon, 0),
            cell(Weekday::Tue, 14),
            cell(Weekday::Sun, 23),
        );
        assert!(
            mon0.from < tue14.from && tue14.from < sun23.from,
            "hours run left to right"
        );
        let top = |r: &HitRegion| match r.axis {
            Axis::Cell { top, .. } => top,
            _ => 0,
        };
        assert!(
            top(mon0) < top(tue14) && top(tue14) < top(sun23),
            "Monday on top"
        );
        assert_eq!(
            geo.hit(geo.plot.left - 5, top(mon0) + 2),
            None,
            "outside the plot"
        );
        let d = data(&h, HeatmapMode::Calls);
        assert_eq!(
            tooltip_heatmap(&d, Weekday::Tue, 12),
            "Tue 12:00–13:00 · 1 call · p95 total 1010 ms"
        );
        assert_eq!(
            tooltip_heatmap(&d, Weekday::Wed, 3),
            "Wed 03:00–04:00 · 0 calls · p95 total –"
        );
    }

    #[test]
    fn summaries_and_tables() {
        let h = heat();
        // (mode, summary)
        let cases = [
            (
                HeatmapMode::Calls,
                "busiest: Tue 10:00–11:00, 2 calls; 5 calls in all (hours in UTC).",
            ),
            (
                HeatmapMode::P95Latency,
                "worst p95 total latency: Tue 12:00–13:00, 1010 ms over 1 latency call (hours in UTC).",
            ),
        ];
        for (mode, summary) in cases {
            assert_eq!(summary_heatmap(&data(&h, mode)), summary);
        }
        let t = table_heatmap(&data(&h, HeatmapMode::Calls));
        assert_eq!(t.headers.len(), 25);
        assert_eq!(t.headers[0], "Weekday (calls, hours in UTC)");
        assert_eq!(t.headers[11], "10:00");
        assert_eq!(t.rows.len(), 7);
        assert_eq!(t.rows[1][0], "Tue");
        assert_eq!(&t.rows[1][10..14], ["0", "2", "2", "1"]);
        assert_eq!(t.rows[0][11], "0");
        let t = table_heatmap(&data(&h, HeatmapMode::P95Latency));
        // p95 of [155, 310] = 302.25 → "302 ms"; 11:00 has only 380 (the failed call is out).
        assert_eq!(&t.rows[1][11..14], ["302 ms", "380 ms", "1010 ms"]);
        assert_eq!(t.rows[0][11], "–");
    }

    #[test]
    fn no_data_draws_its_message() {
        let empty = Heatmap::compute(&[], &chrono::Utc, LatencyCalls::Answered);
        let failed_only = Heatmap::compute(
            &[call("A", "failed", "11:15", [0, 0, 0])],
            &chrono::Utc,
            LatencyCalls::Answered,
        );
        // (data, mode, message)
        let cases = [
            (&empty, HeatmapMode::Calls, NO_CALLS),
            (&empty, HeatmapMode::P95Latency, NO_CALLS),
            (&failed_only, HeatmapMode::P95Latency, NO_ANSWERED_CALLS),
        ];
        for (h, mode, message) in cases {
            let (svg, drawn) = draw(h, mode, &ChartStyle::light(), (640, 320));
            let geo = drawn.expect("an empty chart draws");
            assert!(geo.empty && geo.regions.is_empty(), "{mode:?}");
            let text: Vec<String> = texts(&svg).into_iter().map(|(_, t)| t).collect();
            assert_eq!(text.join(" "), message, "{mode:?}");
            assert_eq!(summary_heatmap(&data(h, mode)), format!("{message}."));
        }
        let (_, drawn) = draw(
            &failed_only,
            HeatmapMode::Calls,
            &ChartStyle::light(),
            (640, 320),
        );
        assert!(
            !drawn.expect("drawn").empty,
            "a failed call still counts as a call"
        );
        let (_, drawn) = draw(&heat(), HeatmapMode::Calls, &ChartStyle::light(), (120, 80));
        assert!(matches!(drawn, Err(ChartError::TooSmall { .. })));
    }

    #[test]
    fn a_phone_width_labels_fewer_hours() {
        let h = heat();
        let hours = |w| {
            let (svg, drawn) = draw(&h, HeatmapMode::Calls, &ChartStyle::light(), (w, 300));
            drawn.expect("drawn");
            texts(&svg)
                .into_iter()
                .filter(|(_, t)| t.len() == 2 && t.chars().all(|c| c.is_ascii_digit()))
                .count()
        };
        assert_eq!(hours(1000), 24);
        let narrow = hours(323);
        assert!((4..=12).contains(&narrow), "{narrow} hour labels at 323 px");
    }
}

mod sampled_band {
    use super::*;
    use call_dashboard::stats::Estimate;

    /// A sample's p95 per bucket comes with its interval: drawn as a band behind the
    /// p95 line (a filled polygon in the p95 colour, tinted), named in the key, said in
    /// the summary and given as a column of the table. Exact buckets have none of it.
    #[test]
    fn a_samples_p95_interval_is_a_band_in_the_key_summary_and_table() {
        let mut a = fixture();
        let exact_svg = render((640, 360), |root| {
            draw_latency(
                root,
                &latency_800(&a, TimeZoneMode::Utc),
                &ChartStyle::light(),
            )
        })
        .0;
        for b in a
            .buckets
            .buckets
            .iter_mut()
            .filter(|b| b.p95.total.is_some())
        {
            let v = b.p95.total.unwrap();
            b.p95_interval = Some(Estimate {
                value: v,
                low: v * 0.9,
                high: v * 1.2,
            });
        }
        let style = ChartStyle::light();
        let (svg, drawn) = render((640, 360), |root| {
            draw_latency(root, &latency_800(&a, TimeZoneMode::Utc), &style)
        });
        assert!(drawn.is_ok(), "{drawn:?}");
        let band = hex(style.tint(style.p95, 0.3));
        assert!(svg.contains("p95 95 % interval (sample)"));
        assert!(!exact_svg.contains("p95 95 % interval"));
        let bands = |svg: &str| {
            svg.split("<polygon")
                .skip(1)
                .filter(|p| {
                    p.split('>')
                        .next()
                        .is_some_and(|tag| tag.to_uppercase().contains(&band.to_uppercase()))
                })
                .count()
        };
        assert!(bands(&svg) > 0, "a band in its colour");
        assert_eq!(bands(&exact_svg), 0);
        let data = latency_800(&a, TimeZoneMode::Utc);
        assert!(summary_latency(&data)
            .contains("estimated from a sample, with its 95 % interval shaded"));
        let t = table_latency(&data);
        let col = t
            .headers
            .iter()
            .position(|h| h == "p95 95 % interval")
            .expect("a column");
        // 10:00 holds 155 and 310: p95 = 302.25 ms, so 272–363 ms.
        assert_eq!(t.rows[0][col], "272 ms–363 ms");
    }
}
