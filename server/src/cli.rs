//! The command line: `demo`, `api`, `serve`, `generate` and `user`.

use crate::access_log::LogFormat;
use crate::auth::DEMO_KEY;
use crate::fair_use::{DEFAULT_TOTAL_IN_FLIGHT, DEFAULT_USER_IN_FLIGHT, DEFAULT_USER_RATE};
use crate::faults::Fault;
use crate::identity::DEFAULT_SESSION_HOURS;
use clap::{Args, Parser, Subcommand};
use std::net::IpAddr;
use std::path::PathBuf;

/// Default database of `demo` and `api`, relative to the working directory.
pub const DEFAULT_DB: &str = "target/demo/calls.db";
/// Default number of generated calls.
pub const DEFAULT_CALLS: u64 = 20_000;
/// Default generator seed.
pub const DEFAULT_SEED: u64 = 42;
/// Default per-key limit of `api`, requests per minute.
pub const DEFAULT_API_RATE_LIMIT: u32 = 600;
/// Default per-key limit of `demo` (the dashboard pages through whole filtered sets).
pub const DEFAULT_DEMO_RATE_LIMIT: u32 = 6_000;
/// The real service, where `serve` forwards `/v1` by default.
pub const DEFAULT_UPSTREAM: &str = "https://api.telepathvoice.com/v1";

/// Telepath call dashboard server: the local API, the site server and the key-injecting
/// proxy. Once listening, prints one line `listening on http://ADDR:PORT` to stdout.
#[derive(Debug, Parser)]
#[command(name = "dashboard-server", version)]
pub struct Cli {
    /// What to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database if needed, serve the dashboard (dist/) and the local API on
    /// one port; the browser needs no key.
    Demo(DemoArgs),
    /// Serve only the local API, with CORS for any origin; clients must send the key.
    Api(ApiArgs),
    /// Production: serve dist/ and proxy reads of /v1 to the real API, adding the key
    /// from TELEPATH_API_KEY or --key-file, for signed-in users only.
    Serve(ServeArgs),
    /// Write a database of generated calls and exit (for benchmarks).
    Generate(GenerateArgs),
    /// Manage the users file of serve's built-in sign-in.
    User(UserArgs),
}

/// Where the generated database lives and what it holds.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// SQLite database file; created (with parent directories) if missing.
    #[arg(long, value_name = "PATH", default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Calls to generate [default: 20000]. An existing database made with another
    /// number is regenerated; without this flag any existing database is used.
    #[arg(long, value_name = "N")]
    pub calls: Option<u64>,
    /// Generator seed [default: 42]; same rule as --calls.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// End of the 14-day history, RFC 3339 [default: the current minute]; same rule.
    /// Calls are generated for 24 h beyond it and appear by the API's clock, which
    /// stands still at this time (rounded down to the minute) unless --speed is given.
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<i64>,
    /// Recreate the database even if it exists.
    #[arg(long)]
    pub fresh: bool,
}

/// Options of the local API (shared by `demo` and `api`).
#[derive(Debug, Clone, Args)]
pub struct ApiOptions {
    /// The key clients send as `Authorization: Bearer <key>`.
    #[arg(long, value_name = "KEY", default_value = DEMO_KEY)]
    pub key: String,
    /// Requests per minute per key; 0 = unlimited [default: 600 for api, 6000 for demo].
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<u32>,
    /// Length of a rate-limit window in seconds (the API's is a minute; tests shorten it).
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub rate_window: u32,
    /// Inject a fault, e.g. `500:rate=0.2`, `slow:delay_ms=300`, `429:retry_after=5`,
    /// `truncated`, `malformed`, `drift:path=/v1/calls`, `503:count=3` (repeatable).
    #[arg(long = "fault", value_name = "SPEC")]
    pub faults: Vec<Fault>,
    /// Mount /__faults to read (GET), replace (PUT/POST) and clear (DELETE) faults at
    /// run time.
    #[arg(long)]
    pub fault_control: bool,
    /// Run the data clock N times faster than real time, from --now (or, without it,
    /// from the wall clock at start). Without --speed, a --now clock stands still.
    #[arg(long, value_name = "N", value_parser = parse_speed)]
    pub speed: Option<f64>,
    /// Largest `limit` the API accepts (the contract's is 100); answers report the
    /// honoured limit in `pagination.limit`.
    #[arg(long, value_name = "N", default_value_t = crate::params::MAX_LIMIT,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::params::MAX_MAX_LIMIT)))]
    pub max_limit: u32,
}

/// Where and what a site-serving subcommand (`demo`, `serve`) serves.
#[derive(Debug, Clone, Args)]
pub struct SiteArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub addr: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The built dashboard.
    #[arg(long, value_name = "DIR", default_value = "dist")]
    pub dist: PathBuf,
    /// Extra CSP connect-src sources (repeatable).
    #[arg(long, value_name = "SOURCE")]
    pub connect_src: Vec<String>,
}

/// `demo` flags.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Address, port, site and CSP.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Database.
    #[command(flatten)]
    pub data: DataArgs,
    /// API behaviour.
    #[command(flatten)]
    pub api: ApiOptions,
}

/// `api` flags.
#[derive(Debug, Clone, Args)]
pub struct ApiArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub addr: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8081)]
    pub port: u16,
    /// Database.
    #[command(flatten)]
    pub data: DataArgs,
    /// API behaviour.
    #[command(flatten)]
    pub api: ApiOptions,
}

/// `serve` flags. The key is never a flag: it comes from `TELEPATH_API_KEY` or a file.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address, port, site and CSP.
    #[command(flatten)]
    pub site: SiteArgs,
    /// Where /v1 is forwarded.
    #[arg(long, value_name = "URL", default_value = DEFAULT_UPSTREAM)]
    pub upstream: String,
    /// File holding the API key (else the TELEPATH_API_KEY environment variable).
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// No proxy: config.json says key_mode "direct" and the browser calls --api-base
    /// with the key its user enters.
    #[arg(long)]
    pub direct: bool,
    /// With --direct: the API base URL the browser calls [default: --upstream].
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,
    /// Upstream timeout in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
    /// Sign-in and access control.
    #[command(flatten)]
    pub auth: ServeAuthArgs,
    /// Fair use of the upstream's rate limit, per instance.
    #[command(flatten)]
    pub limits: ServeLimitArgs,
    /// Access log format: `text` (key=value) or `json` (one object per line).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// TLS certificate chain (PEM); serve HTTPS with HSTS. Needs --tls-key.
    #[arg(long, value_name = "PATH", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM). Needs --tls-cert.
    #[arg(long, value_name = "PATH", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

/// How `serve` asks who is looking: exactly one of a users file, a trusted SSO header,
/// or `--no-auth`.
#[derive(Debug, Clone, Args)]
pub struct ServeAuthArgs {
    /// Built-in sign-in with this users file (write it with `dashboard-server user add`).
    #[arg(long, value_name = "PATH", conflicts_with_all = ["trust_user_header", "no_auth"])]
    pub users_file: Option<PathBuf>,
    /// File holding the secret that signs sessions, shared by every instance (else the
    /// DASHBOARD_SESSION_SECRET environment variable); at least 32 bytes.
    #[arg(long, value_name = "PATH")]
    pub session_secret_file: Option<PathBuf>,
    /// How long a session lasts, in hours (1 to 72).
    #[arg(long, value_name = "HOURS", default_value_t = DEFAULT_SESSION_HOURS,
          value_parser = clap::value_parser!(u32).range(1..=72))]
    pub session_hours: u32,
    /// Take the user from this header (e.g. X-Forwarded-User), set by a single-sign-on
    /// proxy; believed only from --trusted-proxy addresses.
    #[arg(long, value_name = "HEADER", conflicts_with = "no_auth")]
    pub trust_user_header: Option<String>,
    /// A proxy in front (IP or CIDR, repeatable) whose X-Forwarded-For and user header
    /// are believed.
    #[arg(long, value_name = "ADDR")]
    pub trusted_proxy: Vec<String>,
    /// Ask nobody to sign in: anyone who reaches the server reads the calls. Warned
    /// about on every start.
    #[arg(long)]
    pub no_auth: bool,
}

/// `serve`'s own limits towards the upstream, per instance.
#[derive(Debug, Clone, Args)]
pub struct ServeLimitArgs {
    /// Requests per minute per user (per client address with --no-auth); 0 = unlimited.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_USER_RATE)]
    pub user_rate_limit: u32,
    /// Requests of one user in flight to the upstream at once; 0 = no cap.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_USER_IN_FLIGHT)]
    pub user_in_flight: usize,
    /// Requests of all users in flight to the upstream at once; 0 = no cap.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_TOTAL_IN_FLIGHT)]
    pub max_in_flight: usize,
}

/// `user` flags.
#[derive(Debug, Clone, Args)]
pub struct UserArgs {
    /// The users file (created by `add` if missing).
    #[arg(long, value_name = "PATH", global = true)]
    pub users_file: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub action: UserAction,
}

/// What `user` does. Passwords are read without echo from a terminal, or as one line
/// from standard input when it is not a terminal (scripts, tests).
#[derive(Debug, Clone, Subcommand)]
pub enum UserAction {
    /// Add a user, asking for the password.
    Add {
        /// The user name (letters, digits, . _ - @).
        name: String,
    },
    /// Change a user's password; their sessions end on every instance.
    Passwd {
        /// The user name.
        name: String,
    },
    /// Remove a user; their sessions end on every instance.
    Remove {
        /// The user name.
        name: String,
    },
    /// List the users and their generations.
    List,
}

/// `generate` flags.
#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// Database file to write (replaced if it exists).
    #[arg(long, value_name = "PATH")]
    pub db: PathBuf,
    /// Number of calls.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CALLS)]
    pub calls: u64,
    /// Generator seed.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// End of the 14-day history, RFC 3339 [default: the current minute].
    #[arg(long, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<i64>,
}

/// Parses `--now` (RFC 3339) into Unix seconds.
fn parse_now(s: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|dt| dt.timestamp())
        .map_err(|e| format!("expected an RFC 3339 time such as 2024-03-15T12:00:00Z: {e}"))
}

/// Parses `--speed`: a positive number up to `clock::MAX_SPEED`.
fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= crate::clock::MAX_SPEED => Ok(v),
        _ => Err(format!(
            "expected a number greater than 0 and at most {} (how many times faster than \
             real time the data clock runs), got '{s}'",
            crate::clock::MAX_SPEED
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_is_a_positive_finite_number() {
        let cases: &[(&str, Option<f64>)] = &[
            ("1", Some(1.0)),
            ("60", Some(60.0)),
            ("0.5", Some(0.5)),
            ("1000000", Some(1_000_000.0)),
            ("0", None),
            ("-2", None),
            ("NaN", None),
            ("inf", None),
            ("1000001", None),
            ("fast", None),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_speed(input).ok(), *expected, "{input}");
        }
    }
}
