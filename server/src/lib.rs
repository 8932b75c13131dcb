//! `dashboard-server`: the native side of the Telepath call dashboard.
//!
//! One binary, three roles (see `cli`):
//! - `demo`: generated data in SQLite, the local API at `/v1` (server-side key) and the
//!   built dashboard at `/`, on one port;
//! - `api`: only the local API, with CORS, for tests and the dashboard's direct-key mode;
//! - `serve`: the production site server, proxying `/v1` to the real API with the key
//!   kept on the server.
//!
//! Code map: `params` (raw query → validated `CallQuery`), `db` (schema, pool, queries),
//! `generate` (deterministic data and turns), `api` (handlers, auth, rate limit,
//! `/__faults`), `faults`, `static_files` (dist/, caching, CSP, `/config.json`),
//! `proxy`, `server` (assembly, binding), `error`, `auth`, `ratelimit`, `rng`.

#![warn(missing_docs)]

pub mod api;
pub mod auth;
pub mod cli;
pub mod db;
pub mod error;
pub mod faults;
pub mod generate;
pub mod params;
pub mod proxy;
pub mod ratelimit;
pub mod rng;
pub mod server;
pub mod static_files;

pub use server::{run, start, Running};
