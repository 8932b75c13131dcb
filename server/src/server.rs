//! Putting the pieces together per subcommand, binding, and running until a signal.

use crate::api::{self, ApiState};
use crate::auth::{ApiKey, Auth};
use crate::cli::{
    ApiOptions, Cli, Command, DataArgs, DEFAULT_API_RATE_LIMIT, DEFAULT_CALLS,
    DEFAULT_DEMO_RATE_LIMIT, DEFAULT_SEED,
};
use crate::clock::{Clock, ManualClock, ScaledClock, SystemClock};
use crate::db::{self, Db};
use crate::error::{ApiError, ErrorCode, ServerError};
use crate::faults::FaultSet;
use crate::generate::{self, GenerateOptions};
use crate::ratelimit::RateLimiter;
use crate::serve::{self, Hooks};
use crate::static_files::{self, KeyMode, Site, SiteConfig};
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::Router;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// In `demo`, data whose calls ahead would run out within this long is regenerated at
/// start, so calls go on arriving for at least half a day and "the last 24 hours"
/// means something.
const DEMO_MIN_AHEAD_SECS: i64 = 12 * 3600;

/// Open requests get this long to finish once a TLS server is asked to stop.
const TLS_GRACE: Duration = Duration::from_secs(10);

/// A server listening in the background.
pub struct Running {
    addr: SocketAddr,
    tls: bool,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// The bound address (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR:PORT`, or `https://` when serving TLS.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Stops accepting, finishes open requests, and waits.
    pub async fn stop(self) -> Result<(), ServerError> {
        let _ = self.shutdown.send(());
        Self::join(self.task).await
    }

    /// Waits until the server stops by itself (dropping a `Running` stops it).
    pub async fn wait(self) -> Result<(), ServerError> {
        let Running { shutdown, task, .. } = self;
        let result = Self::join(task).await;
        drop(shutdown);
        result
    }

    async fn join(task: JoinHandle<std::io::Result<()>>) -> Result<(), ServerError> {
        match task.await {
            Ok(result) => result.map_err(ServerError::Serve),
            Err(e) => Err(ServerError::Task(e.to_string())),
        }
    }
}

/// Size of the read-connection pool: queries run on the async workers (one per core)
/// and on the occasional thread a long scan moves to; four per core leaves headroom.
fn pool_size() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get() * 4)
        .clamp(4, 32)
}

/// Why the database must be (re)generated, or `None` to use it as is. `min_ahead`
/// (demo): regenerate when fewer than that many seconds of calls ahead are left.
fn regeneration_reason(
    data: &DataArgs,
    min_ahead: Option<i64>,
) -> Result<Option<String>, ServerError> {
    if data.fresh {
        return Ok(Some("--fresh".into()));
    }
    if !data.db.exists() {
        return Ok(Some("it does not exist".into()));
    }
    if let Some(version) =
        db::schema::stored_version(&data.db).filter(|v| *v < i64::from(db::SCHEMA_VERSION))
    {
        return Ok(Some(format!(
            "an older version wrote it (schema {version}, now {})",
            db::SCHEMA_VERSION
        )));
    }
    let meta = db::read_meta(&data.db)?;
    if let Some(calls) = data.calls.filter(|c| *c != meta.calls) {
        return Ok(Some(format!("it holds {} calls, not {calls}", meta.calls)));
    }
    if let Some(seed) = data.seed.filter(|s| *s != meta.seed) {
        return Ok(Some(format!(
            "it was made with seed {}, not {seed}",
            meta.seed
        )));
    }
    if let Some(now) = data.now.filter(|n| *n - n.rem_euclid(60) != meta.now) {
        return Ok(Some(format!(
            "its history ends at {}, not {}",
            db::rfc3339(meta.now),
            db::rfc3339(now)
        )));
    }
    if let (None, Some(min_ahead)) = (data.now, min_ahead) {
        if meta.ahead_until - generate::current_minute() < min_ahead {
            return Ok(Some(format!(
                "its calls run out at {}",
                db::rfc3339(meta.ahead_until)
            )));
        }
    }
    Ok(None)
}

/// The local API's data clock: a test's, else as the flags say. `--now T` stands still
/// at T (rounded down to the minute, as the history's end is) unless `--speed N` runs
/// it from there N times faster; without `--now`, the wall clock (N times faster from
/// the moment of start with `--speed`).
fn data_clock(data: &DataArgs, opts: &ApiOptions, hooks: &Hooks) -> Arc<dyn Clock> {
    if let Some(clock) = &hooks.data_clock {
        return clock.clone();
    }
    let now = data.now.map(|t| t - t.rem_euclid(60));
    match (now, opts.speed) {
        (Some(t), None) => Arc::new(ManualClock::new(t)),
        (Some(t), Some(speed)) => Arc::new(ScaledClock::new(t, speed)),
        (None, None) => Arc::new(SystemClock),
        (None, Some(speed)) => Arc::new(ScaledClock::new(SystemClock.now(), speed)),
    }
}

/// Generates the database if needed, opens it, and starts counting totals as of the
/// clock's time.
async fn prepare_db(
    data: DataArgs,
    min_ahead: Option<i64>,
    clock: Arc<dyn Clock>,
) -> Result<Arc<Db>, ServerError> {
    let db = tokio::task::spawn_blocking(move || -> Result<Db, ServerError> {
        if let Some(reason) = regeneration_reason(&data, min_ahead)? {
            let opts = GenerateOptions {
                calls: data.calls.unwrap_or(DEFAULT_CALLS),
                seed: data.seed.unwrap_or(DEFAULT_SEED),
                now: data.now.unwrap_or_else(generate::current_minute),
            };
            tracing::info!(
                "generating {} calls into {} because {reason}",
                opts.calls,
                data.db.display()
            );
            let summary = generate::generate(&data.db, opts)?;
            tracing::info!("generated in {:.1} s", summary.elapsed.as_secs_f64());
        }
        Db::open(&data.db, pool_size())
    })
    .await
    .map_err(|e| ServerError::Task(e.to_string()))??;
    let db = Arc::new(db);
    tracing::info!(
        "{} calls in {}, and {} more arriving until {}; the clock reads {}",
        db.call_count(),
        db.path().display(),
        db.ahead_count(),
        db::rfc3339(db.meta().ahead_until),
        db::rfc3339(clock.now())
    );
    let warm = db.clone();
    tokio::task::spawn_blocking(move || {
        if let Err(e) = warm.prewarm(clock.now()) {
            tracing::warn!("could not pre-count totals: {e}");
        }
    });
    Ok(db)
}

/// The local API (and `/__faults` if asked for), reading the data by `clock`.
fn local_api(
    db: Arc<Db>,
    opts: &ApiOptions,
    demo: bool,
    clock: Arc<dyn Clock>,
) -> Result<Router, ServerError> {
    let faults = Arc::new(FaultSet::new(opts.faults.clone()));
    if !opts.faults.is_empty() {
        tracing::warn!("fault injection on: {:?}", opts.faults);
    }
    let default_rate = if demo {
        DEFAULT_DEMO_RATE_LIMIT
    } else {
        DEFAULT_API_RATE_LIMIT
    };
    let state = Arc::new(ApiState {
        db,
        auth: Auth {
            key: ApiKey::new(&opts.key)?,
            missing_is_key: demo,
        },
        limiter: RateLimiter::with_window(
            opts.rate_limit.unwrap_or(default_rate),
            opts.rate_window,
        ),
        faults: faults.clone(),
        clock,
        max_limit: opts.max_limit,
    });
    let mut router = api::router(state);
    if opts.fault_control {
        tracing::warn!("fault control mounted at /__faults");
        router = router.merge(api::fault_control(faults));
    }
    Ok(router)
}

/// Compression, security headers (HSTS when serving TLS) and request tracing around
/// the whole app.
fn finish(app: Router, connect_src: &[String], tls: bool) -> Result<Router, ServerError> {
    let app = app.layer(CompressionLayer::new());
    let mut app = static_files::security_headers(app, connect_src)?;
    if tls {
        app = app.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(crate::tls::HSTS),
        ));
    }
    Ok(app.layer(TraceLayer::new_for_http()))
}

/// What a serving subcommand listens on and answers with.
struct Built {
    ip: IpAddr,
    port: u16,
    app: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
}

/// JSON 404 for paths outside `/v1` in `api` mode.
async fn api_only_not_found(req: Request) -> ApiError {
    let shown: String = req.uri().path().chars().take(100).collect();
    ApiError::new(
        ErrorCode::NotFound,
        format!("There is no endpoint {shown}; this server only serves the API under /v1."),
    )
}

/// Builds the app of a subcommand.
async fn build(command: Command, hooks: &Hooks) -> Result<Built, ServerError> {
    match command {
        Command::Demo(a) => {
            let clock = data_clock(&a.data, &a.api, hooks);
            let db = prepare_db(a.data.clone(), Some(DEMO_MIN_AHEAD_SECS), clock.clone()).await?;
            let site = static_files::router(
                Site {
                    dist: a.site.dist.clone(),
                },
                SiteConfig {
                    api_base: "/v1".into(),
                    key_mode: KeyMode::Server,
                    auth: None,
                    max_page: Some(a.api.max_limit),
                },
            );
            let app = local_api(db, &a.api, true, clock)?.merge(site);
            Ok(Built {
                ip: a.site.addr,
                port: a.site.port,
                app: finish(app, &a.site.connect_src, false)?,
                tls: None,
            })
        }
        Command::Api(a) => {
            let clock = data_clock(&a.data, &a.api, hooks);
            let db = prepare_db(a.data.clone(), None, clock.clone()).await?;
            let app = local_api(db, &a.api, false, clock)?
                .fallback(api_only_not_found)
                .layer(api::cors());
            Ok(Built {
                ip: a.addr,
                port: a.port,
                app: finish(app, &[], false)?,
                tls: None,
            })
        }
        Command::Serve(a) => {
            let tls = match (&a.tls_cert, &a.tls_key) {
                (Some(cert), Some(key)) => Some(crate::tls::server_config(cert, key)?),
                _ => None,
            };
            let mut connect_src = a.site.connect_src.clone();
            if a.direct {
                let api_base = a.api_base.clone().unwrap_or_else(|| a.upstream.clone());
                if let Some(origin) = static_files::origin_of(&api_base) {
                    connect_src.push(origin);
                }
            }
            let app = serve::build(&a, hooks)?;
            if !a.site.dist.join("index.html").exists() {
                tracing::warn!(
                    "{} has no index.html: build the dashboard first",
                    a.site.dist.display()
                );
            }
            let app = finish(app, &connect_src, tls.is_some())?;
            Ok(Built {
                ip: a.site.addr,
                port: a.site.port,
                app: serve::with_access_log(app, &a, hooks),
                tls,
            })
        }
        Command::Generate(_) | Command::User(_) => Err(ServerError::Config(
            "generate and user do their job and exit; they do not serve".into(),
        )),
    }
}

/// Builds and binds a serving subcommand, serving in the background.
pub async fn start(command: Command) -> Result<Running, ServerError> {
    start_with(command, Hooks::default()).await
}

/// `start` with a given clock and access-log sink (tests).
pub async fn start_with(command: Command, hooks: Hooks) -> Result<Running, ServerError> {
    let Built { ip, port, app, tls } = build(command, &hooks).await?;
    let bind_error = |source| ServerError::Bind {
        addr: SocketAddr::new(ip, port).to_string(),
        source,
    };
    let listener = TcpListener::bind((ip, port)).await.map_err(bind_error)?;
    let addr = listener.local_addr().map_err(ServerError::Serve)?;
    let (shutdown, rx) = oneshot::channel::<()>();
    let make = app.into_make_service_with_connect_info::<SocketAddr>();
    let task = match &tls {
        None => tokio::spawn(async move {
            axum::serve(listener, make)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
        }),
        Some(config) => {
            let listener = listener.into_std().map_err(ServerError::Serve)?;
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                let _ = rx.await;
                stopper.graceful_shutdown(Some(TLS_GRACE));
            });
            let config = axum_server::tls_rustls::RustlsConfig::from_config(config.clone());
            tokio::spawn(async move {
                axum_server::from_tcp_rustls(listener, config)
                    .handle(handle)
                    .serve(make)
                    .await
            })
        }
    };
    Ok(Running {
        addr,
        tls: tls.is_some(),
        shutdown,
        task,
    })
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Runs the command line: generate, or serve until Ctrl-C / SIGTERM.
pub async fn run(cli: Cli) -> Result<(), ServerError> {
    if let Command::User(u) = &cli.command {
        let u = u.clone();
        let message = tokio::task::spawn_blocking(move || crate::user_cmd::run(&u))
            .await
            .map_err(|e| ServerError::Task(e.to_string()))??;
        print!("{message}");
        return Ok(());
    }
    if let Command::Generate(g) = cli.command {
        let opts = GenerateOptions {
            calls: g.calls,
            seed: g.seed,
            now: g.now.unwrap_or_else(generate::current_minute),
        };
        let path = g.db.clone();
        let summary = tokio::task::spawn_blocking(move || generate::generate(&path, opts))
            .await
            .map_err(|e| ServerError::Task(e.to_string()))??;
        println!(
            "generated {} calls on {} trunks into {} in {:.1} s",
            summary.calls,
            summary.trunks,
            summary.path.display(),
            summary.elapsed.as_secs_f64()
        );
        return Ok(());
    }
    let running = start(cli.command).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", running.url())
            .and_then(|()| out.flush())
            .map_err(ServerError::Serve)?;
    }
    tokio::select! {
        () = stop_signal() => {
            tracing::info!("stopping");
            running.stop().await
        }
    }
}
