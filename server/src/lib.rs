//! `dashboard-server`: the native side of the Telepath call dashboard.
//!
//! One binary, three serving roles and two tools (see `cli`):
//! - `demo`: generated data in SQLite, the local API at `/v1` (server-side key) and the
//!   built dashboard at `/`, on one port;
//! - `api`: only the local API, with CORS, for tests and the dashboard's direct-key mode;
//! - `serve`: the production site server, lending the key kept on the server only to
//!   signed-in users' reads of `/v1`;
//! - `generate` writes a database; `user` edits `serve`'s users file.
//!
//! Code map: `params` (raw query → validated `CallQuery`, the `Status` enum), `db`
//! (`schema`, wire `rows`, connection `pool`, `filter_index`, `live`, `queries`; never uses
//! `generate`), `generate` (deterministic data and turns, written through
//! `db::schema`), `api` (handlers, auth, rate limit, `/__faults`), `faults`,
//! `static_files` (dist/, caching, CSP, `/config.json`), `server` (assembly per
//! subcommand, binding, TLS), `error`, `auth` (API keys), `ratelimit`, `rng`.
//! `serve` alone: `serve` (its assembly), `allowlist` (what may be forwarded), `proxy`,
//! `fair_use` (per-user rate and in-flight caps), `identity` (client address, user,
//! gates), `client_addr` (trusted proxies), `users` (users file, argon2id),
//! `session` (signed cookies), `attempts` (sign-in limits), `signin` (page and routes),
//! `access_log`, `tls`, `clock`; `user_cmd` is the `user` subcommand.

#![warn(missing_docs)]

pub mod access_log;
pub mod allowlist;
pub mod api;
pub mod attempts;
pub mod auth;
pub mod cli;
pub mod client_addr;
pub mod clock;
pub mod db;
pub mod error;
pub mod fair_use;
pub mod faults;
pub mod generate;
pub mod identity;
pub mod params;
pub mod proxy;
pub mod ratelimit;
pub mod rng;
pub mod serve;
pub mod server;
pub mod session;
pub mod signin;
pub mod static_files;
pub mod tls;
pub mod user_cmd;
pub mod users;

pub use serve::Hooks;
pub use server::{run, start, start_with, Running};
