//! Deterministic synthetic call data: the trunks, the calls and (at request time) the
//! turns of a call.
//!
//! Everything is a pure function of the seed and `now`, so two machines generating with
//! the same flags get byte-identical tables. The stories a dashboard should be able to
//! show, and which trunk carries each:
//! - a daily rhythm (quiet nights, busy office hours in each trunk's own time zone, and
//!   an inverted rhythm for the after-hours trunk) and a weekly one (weekends lower);
//! - "APAC Overflow (Plivo)": chronic high carrier lag (median ≈ 260 ms vs 65–110);
//! - "Billing Hotline (Vonage)": an AI-latency incident three days before `now`,
//!   13:00–17:00 UTC, with AI latency ×4 at its peak and extra `ai_provider_error`s;
//! - "Appointments (Bandwidth)": a noticeably worse failure/disconnect rate;
//! - overall roughly 85 % connected, 8 % failed, 7 % disconnected;
//! - heavy-tailed (log-normal, plus rare spikes) latencies; AI latency rises a little
//!   with load;
//! - phone numbers both in the vendor's `+1-555-123-4567` style and strict E.164;
//! - the newest calls may still be running at `now`: the `calls` view shows them
//!   `connected` with `end_time` NULL;
//! - calls go on arriving after `now`: the next [`AHEAD_SECS`] (24 h) are generated
//!   too, with the same rhythm, and stored with seq <= 0 (they are newer than every
//!   call of the history). The API reveals them by its clock (`db::queries`).
//!
//! Every call is stored as it ends (final status, duration, end and reason); whether it
//! is still running is a matter of the clock it is looked at with.
//!
//! Failed calls never reach the AI agent: `duration_seconds = 0`, `end_time = start_time`,
//! `ai_latency_ms = 0` and no turns; their carrier and gateway latencies are those of
//! the call set-up.

use crate::db::rows::{CallRow, Turn};
use crate::db::schema::{INDEXES, SCHEMA, SCHEMA_VERSION};
use crate::error::ServerError;
use crate::params::Status;
use crate::rng::{fnv1a, splitmix64, Rng};
use rusqlite::{params, Connection};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Seconds in a day.
const DAY: i64 = 86_400;
/// Length of the generated history.
pub const HISTORY_DAYS: i64 = 14;
/// How far beyond `now` calls are generated: a day, so a demo or a test with a running
/// clock sees calls arrive for a day after the history ends.
pub const AHEAD_SECS: i64 = DAY;
/// Mixed into the seed for the calls ahead, so the history's draws (and so its data)
/// are the same as they were before calls were generated ahead.
const AHEAD_STREAM: u64 = 0xA4EA_D5EE_D000_0001;
/// Step of the numeric integral of a trunk's rhythm (how many calls fall in a window).
const RHYTHM_STEP: i64 = 300;
/// Alphabet of generated ids, in ascending ASCII order so numeric and text order agree.
const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
/// 36^12: the number of distinct 12-character ids.
const ID_SPACE: u64 = 4_738_381_338_321_616_896;

/// How phone numbers of a region look.
#[derive(Debug, Clone, Copy)]
enum NumberStyle {
    /// The vendor's example style, `+1-555-123-4567`.
    UsDashed,
    /// Strict E.164, North America: `+12125550123`.
    UsE164,
    /// German mobile: `+4915123456789`.
    De,
    /// UK mobile: `+447700900123`.
    Uk,
    /// Australian mobile: `+61412345678`.
    Au,
}

/// The fixed character of one trunk.
struct TrunkProfile {
    name: &'static str,
    carrier: &'static str,
    region: &'static str,
    /// The trunk's local time offset from UTC, in hours (drives the daily rhythm).
    utc_offset_h: i64,
    /// Share of all calls.
    share: f64,
    carrier_ms: f64,
    ai_ms: f64,
    gateway_ms: f64,
    p_failed: f64,
    p_disconnected: f64,
    /// Caller number styles and their weights.
    callers: &'static [(NumberStyle, f64)],
    /// The style of the trunk's own number.
    own_number: NumberStyle,
    /// Busy at night instead of during office hours.
    night_owl: bool,
    /// Carries the AI-latency incident.
    incident: bool,
    codecs: &'static [(&'static str, f64)],
    jitter_ms: f64,
    loss_percent: f64,
}

const EU_CODECS: &[(&str, f64)] = &[("opus", 0.45), ("PCMA", 0.40), ("G722", 0.15)];
const US_CODECS: &[(&str, f64)] = &[("opus", 0.50), ("PCMU", 0.45), ("G722", 0.05)];
const APAC_CODECS: &[(&str, f64)] = &[("opus", 0.60), ("PCMA", 0.30), ("G729", 0.10)];

const PROFILES: [TrunkProfile; 6] = [
    TrunkProfile {
        name: "Support EU (Twilio)",
        carrier: "Twilio",
        region: "eu-central",
        utc_offset_h: 1,
        share: 0.26,
        carrier_ms: 75.0,
        ai_ms: 210.0,
        gateway_ms: 18.0,
        p_failed: 0.06,
        p_disconnected: 0.06,
        callers: &[
            (NumberStyle::De, 0.75),
            (NumberStyle::Uk, 0.15),
            (NumberStyle::UsDashed, 0.10),
        ],
        own_number: NumberStyle::De,
        night_owl: false,
        incident: false,
        codecs: EU_CODECS,
        jitter_ms: 6.0,
        loss_percent: 0.25,
    },
    TrunkProfile {
        name: "Sales US (Telnyx)",
        carrier: "Telnyx",
        region: "us-east",
        utc_offset_h: -5,
        share: 0.22,
        carrier_ms: 65.0,
        ai_ms: 230.0,
        gateway_ms: 20.0,
        p_failed: 0.07,
        p_disconnected: 0.06,
        callers: &[(NumberStyle::UsDashed, 0.70), (NumberStyle::UsE164, 0.30)],
        own_number: NumberStyle::UsDashed,
        night_owl: false,
        incident: false,
        codecs: US_CODECS,
        jitter_ms: 5.0,
        loss_percent: 0.2,
    },
    TrunkProfile {
        name: "Billing Hotline (Vonage)",
        carrier: "Vonage",
        region: "eu-west",
        utc_offset_h: 0,
        share: 0.16,
        carrier_ms: 90.0,
        ai_ms: 260.0,
        gateway_ms: 24.0,
        p_failed: 0.07,
        p_disconnected: 0.07,
        callers: &[
            (NumberStyle::Uk, 0.80),
            (NumberStyle::De, 0.10),
            (NumberStyle::UsDashed, 0.10),
        ],
        own_number: NumberStyle::Uk,
        night_owl: false,
        incident: true,
        codecs: EU_CODECS,
        jitter_ms: 7.0,
        loss_percent: 0.3,
    },
    TrunkProfile {
        name: "APAC Overflow (Plivo)",
        carrier: "Plivo",
        region: "ap-southeast",
        utc_offset_h: 10,
        share: 0.12,
        carrier_ms: 260.0,
        ai_ms: 240.0,
        gateway_ms: 22.0,
        p_failed: 0.09,
        p_disconnected: 0.08,
        callers: &[(NumberStyle::Au, 0.85), (NumberStyle::UsE164, 0.15)],
        own_number: NumberStyle::Au,
        night_owl: false,
        incident: false,
        codecs: APAC_CODECS,
        jitter_ms: 18.0,
        loss_percent: 0.9,
    },
    TrunkProfile {
        name: "Appointments (Bandwidth)",
        carrier: "Bandwidth",
        region: "us-central",
        utc_offset_h: -6,
        share: 0.14,
        carrier_ms: 110.0,
        ai_ms: 290.0,
        gateway_ms: 28.0,
        p_failed: 0.17,
        p_disconnected: 0.12,
        callers: &[(NumberStyle::UsDashed, 0.55), (NumberStyle::UsE164, 0.45)],
        own_number: NumberStyle::UsDashed,
        night_owl: false,
        incident: false,
        codecs: US_CODECS,
        jitter_ms: 9.0,
        loss_percent: 0.5,
    },
    TrunkProfile {
        name: "After-hours Concierge (sipgate)",
        carrier: "sipgate",
        region: "eu-central",
        utc_offset_h: 1,
        share: 0.10,
        carrier_ms: 80.0,
        ai_ms: 190.0,
        gateway_ms: 16.0,
        p_failed: 0.06,
        p_disconnected: 0.05,
        callers: &[(NumberStyle::De, 0.85), (NumberStyle::UsDashed, 0.15)],
        own_number: NumberStyle::De,
        night_owl: true,
        incident: false,
        codecs: EU_CODECS,
        jitter_ms: 6.0,
        loss_percent: 0.25,
    },
];

/// Relative call volume by local hour for office-hours trunks (peak 1.0).
const OFFICE_HOURS: [f64; 24] = [
    0.05, 0.03, 0.03, 0.03, 0.04, 0.08, 0.18, 0.40, 0.75, 1.00, 1.00, 0.95, 0.75, 0.80, 0.95, 1.00,
    0.90, 0.70, 0.45, 0.30, 0.22, 0.15, 0.10, 0.07,
];
/// Relative volume on Monday..Sunday.
const WEEKDAYS: [f64; 7] = [1.0, 0.97, 0.95, 0.95, 0.90, 0.40, 0.28];

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Number of calls.
    pub calls: u64,
    /// PRNG seed.
    pub seed: u64,
    /// End of the history (Unix seconds; rounded down to the minute).
    pub now: i64,
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct GenerateSummary {
    /// The database file.
    pub path: PathBuf,
    /// Calls written.
    pub calls: u64,
    /// Trunks written.
    pub trunks: usize,
    /// Wall time taken.
    pub elapsed: std::time::Duration,
}

/// The Unix time of the current minute (the default `now`).
pub fn current_minute() -> i64 {
    let now = chrono::Utc::now().timestamp();
    now - now.rem_euclid(60)
}

/// Encodes `n < 36^12` as 12 lower-case base-36 characters.
fn base36_12(mut n: u64) -> String {
    let mut out = [b'0'; 12];
    for slot in out.iter_mut().rev() {
        *slot = BASE36[(n % 36) as usize];
        n /= 36;
    }
    out.iter().map(|b| char::from(*b)).collect()
}

/// A phone number in the given style.
fn phone_number(style: NumberStyle, rng: &mut Rng) -> String {
    match style {
        NumberStyle::UsDashed => format!(
            "+1-555-{:03}-{:04}",
            100 + rng.below(900),
            rng.below(10_000)
        ),
        NumberStyle::UsE164 => format!("+1{:03}555{:04}", 201 + rng.below(780), rng.below(10_000)),
        NumberStyle::De => format!("+4915{}{:08}", 1 + rng.below(9), rng.below(100_000_000)),
        NumberStyle::Uk => format!("+447700{:06}", rng.below(1_000_000)),
        NumberStyle::Au => format!("+614{:08}", rng.below(100_000_000)),
    }
}

/// Relative volume (0..=1) of a trunk at Unix time `t`.
fn rhythm(profile: &TrunkProfile, t: i64) -> f64 {
    let local = t + profile.utc_offset_h * 3600;
    let day = local.div_euclid(DAY);
    let weekday = (day + 3).rem_euclid(7) as usize; // 1970-01-01 was a Thursday
    let secs = local.rem_euclid(DAY);
    let hour = (secs / 3600) as usize;
    let frac = (secs % 3600) as f64 / 3600.0;
    let at = |h: usize| {
        if profile.night_owl {
            // Busy when the office is closed, still some traffic by day.
            0.15 + 0.85 * (1.0 - OFFICE_HOURS[h % 24])
        } else {
            OFFICE_HOURS[h % 24]
        }
    };
    let hourly = at(hour) + (at(hour + 1) - at(hour)) * frac;
    let weekly = if profile.night_owl {
        // Weekends are the after-hours line's busy days.
        1.0 - 0.3 * (1.0 - WEEKDAYS[weekday])
    } else {
        WEEKDAYS[weekday]
    };
    hourly * weekly
}

/// Start and end (Unix seconds) of the AI-latency incident for a history ending at `now`.
pub fn incident_window(now: i64) -> (i64, i64) {
    let start = now.div_euclid(DAY) * DAY - 3 * DAY + 13 * 3600;
    (start, start + 4 * 3600)
}

/// Incident strength at `t`: 0 outside, ramping to 1 over 30 minutes at each edge.
fn incident_level(now: i64, t: i64) -> f64 {
    let (start, end) = incident_window(now);
    if t < start || t >= end {
        return 0.0;
    }
    let ramp = 1800.0;
    let from_start = (t - start) as f64 / ramp;
    let to_end = (end - t) as f64 / ramp;
    from_start.min(to_end).min(1.0)
}

/// One generated call, as stored.
struct CallRecord {
    id: String,
    trunk: usize,
    from: String,
    to: String,
    status: Status,
    duration_seconds: i64,
    start_time: i64,
    end_time: i64,
    carrier_lag_ms: i64,
    ai_latency_ms: i64,
    gateway_processing_ms: i64,
    disconnect_reason: &'static str,
    packet_loss_percent: f64,
    jitter_ms: f64,
    codec_used: &'static str,
}

/// Rounds to `places` decimals.
fn round_to(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// Fills in every field of one call from its id, trunk and start.
fn make_call(
    seed: u64,
    now: i64,
    id_num: u64,
    trunk: usize,
    start: i64,
    trunk_number: &str,
) -> CallRecord {
    let p = &PROFILES[trunk];
    let mut mix = seed ^ id_num.rotate_left(17);
    let mut rng = Rng::new(splitmix64(&mut mix));
    let incident = if p.incident {
        incident_level(now, start)
    } else {
        0.0
    };

    let p_failed = p.p_failed + 0.06 * incident;
    let p_disconnected = p.p_disconnected + 0.05 * incident;
    let roll = rng.f64();
    let status = if roll < p_failed {
        Status::Failed
    } else if roll < p_failed + p_disconnected {
        Status::Disconnected
    } else {
        Status::Connected
    };

    // Latencies: log-normal bodies, plus rare spikes for a long tail.
    let spike = |rng: &mut Rng| {
        if rng.chance(0.02) {
            rng.range(2.0, 4.5)
        } else {
            1.0
        }
    };
    let carrier = rng.lognormal(p.carrier_ms, 0.35) * spike(&mut rng);
    let load = rhythm(p, start);
    let ai_median = p.ai_ms * (1.0 + 0.15 * load) * (1.0 + 3.0 * incident);
    let ai = rng.lognormal(ai_median, 0.45) * spike(&mut rng);
    let gateway = rng.lognormal(p.gateway_ms, 0.3) * spike(&mut rng);

    let duration = match status {
        Status::Connected => rng.lognormal(170.0, 0.75).clamp(8.0, 5400.0),
        Status::Disconnected => rng.lognormal(50.0, 0.9).clamp(2.0, 2400.0),
        Status::Failed => 0.0,
    }
    .round() as i64;

    let disconnect_reason = match status {
        Status::Connected => "normal_disconnect",
        Status::Failed => {
            if incident > 0.3 && rng.chance(0.6) {
                "ai_provider_error"
            } else {
                [
                    "no_answer",
                    "connection_failed",
                    "carrier_error",
                    "ai_provider_error",
                ][rng.weighted(&[0.40, 0.25, 0.20, 0.15])]
            }
        }
        Status::Disconnected => {
            if incident > 0.3 && rng.chance(0.5) {
                "ai_provider_error"
            } else {
                ["carrier_error", "ai_provider_error", "normal_disconnect"]
                    [rng.weighted(&[0.45, 0.30, 0.25])]
            }
        }
    };

    let caller_style =
        p.callers[rng.weighted(&p.callers.iter().map(|c| c.1).collect::<Vec<_>>())].0;
    let from = phone_number(caller_style, &mut rng);
    let codec = p.codecs[rng.weighted(&p.codecs.iter().map(|c| c.1).collect::<Vec<_>>())].0;
    let worse = if status == Status::Disconnected {
        2.5
    } else {
        1.0
    };
    let loss = (rng.lognormal(p.loss_percent, 0.8) * worse).min(15.0);
    let jitter = rng.lognormal(p.jitter_ms, 0.5) * worse;

    CallRecord {
        id: format!("call_{}", base36_12(id_num)),
        trunk,
        from,
        to: trunk_number.to_string(),
        status,
        duration_seconds: duration,
        start_time: start,
        end_time: start + duration,
        carrier_lag_ms: carrier.round().max(1.0) as i64,
        ai_latency_ms: if status == Status::Failed {
            0
        } else {
            ai.round().max(1.0) as i64
        },
        gateway_processing_ms: gateway.round().max(1.0) as i64,
        disconnect_reason,
        packet_loss_percent: round_to(loss, 2),
        jitter_ms: round_to(jitter, 1),
        codec_used: codec,
    }
}

/// The turns of a call, derived from its id and row so they are stable and consistent:
/// none for a failed call, durations summing to the call's duration, and agent
/// processing times averaging (up to rounding) to the row's `ai_latency_ms`.
pub fn turns(
    id: &str,
    status: Status,
    duration_seconds: i64,
    ai_latency_ms: i64,
    gateway_processing_ms: i64,
) -> Vec<Turn> {
    if status == Status::Failed || duration_seconds <= 0 {
        return Vec::new();
    }
    let mut rng = Rng::new(fnv1a(id.as_bytes()));
    let min_turns = if status == Status::Connected {
        2.0
    } else {
        1.0
    };
    let n = (duration_seconds as f64 / 14.0 * rng.range(0.7, 1.3))
        .round()
        .clamp(min_turns, 80.0) as usize;
    let speaker = |i: usize| {
        if i.is_multiple_of(2) {
            "agent"
        } else {
            "caller"
        }
    };

    let length_weights: Vec<f64> = (0..n).map(|_| rng.lognormal(1.0, 0.6)).collect();
    let length_sum: f64 = length_weights.iter().sum();
    let total_ms = duration_seconds as f64 * 1000.0;

    let agent_weights: Vec<f64> = (0..n)
        .filter(|i| i.is_multiple_of(2))
        .map(|_| rng.lognormal(1.0, 0.35))
        .collect();
    let agent_mean = agent_weights.iter().sum::<f64>() / agent_weights.len().max(1) as f64;

    let mut out = Vec::with_capacity(n);
    let mut agent_i = 0;
    for (i, w) in length_weights.iter().enumerate() {
        let processing = if speaker(i) == "agent" {
            let x = agent_weights[agent_i] / agent_mean * ai_latency_ms as f64;
            agent_i += 1;
            x
        } else {
            rng.lognormal(gateway_processing_ms as f64, 0.25)
        };
        out.push(Turn {
            turn_number: i as u32 + 1,
            speaker: speaker(i),
            duration_ms: (w / length_sum * total_ms).round() as i64,
            processing_time_ms: processing.round().max(1.0) as i64,
        });
    }
    out
}

/// The turns of a stored call (`GET /v1/calls/{id}` derives them at request time).
pub fn turns_of(row: &CallRow) -> Vec<Turn> {
    turns(
        &row.id,
        row.status,
        row.duration_seconds,
        row.ai_latency_ms,
        row.gateway_processing_ms,
    )
}

/// The integral of a trunk's rhythm over `[from, to)`, in rhythm-seconds.
fn rhythm_mass(profile: &TrunkProfile, from: i64, to: i64) -> f64 {
    (from..to)
        .step_by(RHYTHM_STEP as usize)
        .map(|t| rhythm(profile, t) * RHYTHM_STEP as f64)
        .sum()
}

/// Who calls when in the day after `now`: per trunk, as many calls as the history's
/// rate predicts for that day (its share of `calls`, scaled by how busy the day is
/// compared with the history), each start drawn by the trunk's rhythm in
/// `(now, now + AHEAD_SECS]`. Ids never repeat one in `seen`.
fn ahead_skeleton(seed: u64, now: i64, calls: u64, seen: &mut HashSet<u64>) -> Vec<(i64, u64, u8)> {
    let mut rng = Rng::new(seed ^ AHEAD_STREAM);
    let first = now - HISTORY_DAYS * DAY;
    let mut out = Vec::new();
    for (trunk, p) in PROFILES.iter().enumerate() {
        let history = rhythm_mass(p, first, now);
        let ahead = rhythm_mass(p, now + 1, now + 1 + AHEAD_SECS);
        let expected = calls as f64 * p.share * ahead / history.max(1.0);
        for _ in 0..expected.round() as u64 {
            let start = loop {
                let t = now + 1 + rng.below(AHEAD_SECS as u64) as i64;
                if rng.f64() < rhythm(p, t) {
                    break t;
                }
            };
            let id = loop {
                let id = rng.below(ID_SPACE);
                if seen.insert(id) {
                    break id;
                }
            };
            out.push((start, id, trunk as u8));
        }
    }
    out
}

/// Creates (or replaces) the database at `path` with generated data.
///
/// Writes to a temporary file beside it and renames at the end, so a crash never leaves
/// a half-written database behind. Parent directories are created.
pub fn generate(path: &Path, opts: GenerateOptions) -> Result<GenerateSummary, ServerError> {
    let started = Instant::now();
    let now = opts.now - opts.now.rem_euclid(60);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| ServerError::Io {
            what: "cannot create directory",
            path: parent.to_path_buf(),
            source,
        })?;
    }
    // Per-process name: two servers creating the same database must not share it.
    let tmp = PathBuf::from(format!("{}.tmp-{}", path.display(), std::process::id()));
    remove_if_exists(&tmp)?;

    let mut rng = Rng::new(opts.seed);
    let trunks: Vec<(String, String)> = PROFILES
        .iter()
        .map(|p| {
            (
                format!("conn_{}", base36_12(rng.below(ID_SPACE))),
                phone_number(p.own_number, &mut rng),
            )
        })
        .collect();

    // Phase 1: who calls when. Sorting puts the rows in API order before insertion,
    // so `seq` (the rowid) is each call's rank.
    let shares: Vec<f64> = PROFILES.iter().map(|p| p.share).collect();
    let first = now - HISTORY_DAYS * DAY;
    let span = (now - first) as u64;
    let mut seen = HashSet::with_capacity(opts.calls as usize);
    let mut skeleton: Vec<(i64, u64, u8)> = Vec::with_capacity(opts.calls as usize);
    while (skeleton.len() as u64) < opts.calls {
        let trunk = rng.weighted(&shares);
        let start = loop {
            let t = first + rng.below(span) as i64;
            if rng.f64() < rhythm(&PROFILES[trunk], t) {
                break t;
            }
        };
        let id = rng.below(ID_SPACE);
        if seen.insert(id) {
            skeleton.push((start, id, trunk as u8));
        }
    }
    skeleton.sort_unstable_by_key(|&(start, id, _)| std::cmp::Reverse((start, id)));
    let mut ahead = ahead_skeleton(opts.seed, now, opts.calls, &mut seen);
    drop(seen);
    ahead.sort_unstable_by_key(|&(start, id, _)| std::cmp::Reverse((start, id)));
    // API order over both: the newest call ahead first. The history keeps seq 1..=n
    // (1 = newest at `now`); the calls ahead count down from 0, newest lowest.
    let first_seq = 1 - ahead.len() as i64;

    let mut conn = Connection::open(&tmp)?;
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;",
    )?;
    conn.execute_batch(SCHEMA)?;
    let tx = conn.transaction()?;
    {
        let mut trunk_stmt = tx.prepare(
            "INSERT INTO trunks (id, position, name, carrier, region, phone_number, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (i, (p, (id, number))) in PROFILES.iter().zip(&trunks).enumerate() {
            let created = first - (90 + 37 * i as i64) * DAY;
            trunk_stmt.execute(params![
                id,
                i as i64 + 1,
                p.name,
                p.carrier,
                p.region,
                number,
                created
            ])?;
        }
        let mut call_stmt = tx.prepare(
            "INSERT INTO generated_calls (seq, id, trunk_id, from_number, to_number, status, \
             duration_seconds, start_time, end_time, carrier_lag_ms, ai_latency_ms, \
             gateway_processing_ms, disconnect_reason, packet_loss_percent, jitter_ms, codec_used) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?;
        let mut max_duration = 0;
        for (i, (start, id, trunk)) in ahead.iter().chain(&skeleton).enumerate() {
            let trunk = usize::from(*trunk);
            let c = make_call(opts.seed, now, *id, trunk, *start, &trunks[trunk].1);
            max_duration = max_duration.max(c.duration_seconds);
            call_stmt.execute(params![
                first_seq + i as i64,
                c.id,
                trunks[c.trunk].0,
                c.from,
                c.to,
                c.status,
                c.duration_seconds,
                c.start_time,
                c.end_time,
                c.carrier_lag_ms,
                c.ai_latency_ms,
                c.gateway_processing_ms,
                c.disconnect_reason,
                c.packet_loss_percent,
                c.jitter_ms,
                c.codec_used,
            ])?;
        }
        let mut meta = tx.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)")?;
        for (k, v) in [
            ("schema_version", SCHEMA_VERSION.to_string()),
            ("seed", opts.seed.to_string()),
            ("calls", opts.calls.to_string()),
            ("now", now.to_string()),
            ("generated_at", chrono::Utc::now().timestamp().to_string()),
            ("ahead_until", (now + AHEAD_SECS).to_string()),
            ("max_duration", max_duration.to_string()),
        ] {
            meta.execute(params![k, v])?;
        }
    }
    tx.commit()?;
    conn.execute_batch(INDEXES)?;
    conn.execute_batch("ANALYZE;")?;
    drop(conn);
    std::fs::rename(&tmp, path).map_err(|source| ServerError::Io {
        what: "cannot move the new database to",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(GenerateSummary {
        path: path.to_path_buf(),
        calls: opts.calls,
        trunks: PROFILES.len(),
        elapsed: started.elapsed(),
    })
}

/// Deletes `path` if it exists.
pub fn remove_if_exists(path: &Path) -> Result<(), ServerError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(ServerError::Io {
            what: "cannot remove",
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base36_is_fixed_width_and_ordered() {
        assert_eq!(base36_12(0), "000000000000");
        assert_eq!(base36_12(35), "00000000000z");
        assert_eq!(base36_12(ID_SPACE - 1), "zzzzzzzzzzzz");
        assert!(base36_12(1000) < base36_12(1001));
    }

    #[test]
    fn turns_agree_with_the_row() {
        let t = turns("call_abc", Status::Connected, 300, 250, 20);
        assert!(t.len() >= 2);
        let total: i64 = t.iter().map(|x| x.duration_ms).sum();
        assert!((total - 300_000).abs() <= t.len() as i64);
        let agent: Vec<i64> = t
            .iter()
            .filter(|x| x.speaker == "agent")
            .map(|x| x.processing_time_ms)
            .collect();
        let mean = agent.iter().sum::<i64>() as f64 / agent.len() as f64;
        assert!((mean - 250.0).abs() < 2.0, "mean {mean}");
        assert_eq!(t, turns("call_abc", Status::Connected, 300, 250, 20));
        assert!(turns("call_x", Status::Failed, 0, 0, 20).is_empty());
        let d = turns("call_d", Status::Disconnected, 20, 250, 20);
        assert!(!d.is_empty() && d[0].speaker == "agent");
    }

    #[test]
    fn rhythm_is_quiet_at_night_and_on_weekends() {
        let p = &PROFILES[0];
        // 2024-03-05 is a Tuesday; the trunk is UTC+1.
        let tuesday_10_local = 1_709_629_200; // 2024-03-05T09:00:00Z
        let tuesday_03_local = tuesday_10_local - 7 * 3600;
        let sunday_10_local = tuesday_10_local - 2 * DAY;
        assert!(rhythm(p, tuesday_10_local) > 0.9);
        assert!(rhythm(p, tuesday_03_local) < 0.1);
        assert!(rhythm(p, sunday_10_local) < 0.4);
    }
}
