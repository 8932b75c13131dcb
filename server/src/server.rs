//! Putting the pieces together per subcommand, binding, and running until a signal.

use crate::api::{self, ApiState};
use crate::auth::{ApiKey, Auth};
use crate::cli::{
    ApiOptions, Cli, Command, DataArgs, DEFAULT_API_RATE_LIMIT, DEFAULT_CALLS,
    DEFAULT_DEMO_RATE_LIMIT, DEFAULT_SEED,
};
use crate::db::{self, Db};
use crate::error::{ApiError, ErrorCode, ServerError};
use crate::faults::FaultSet;
use crate::generate::{self, GenerateOptions};
use crate::proxy::{self, Proxy};
use crate::ratelimit::RateLimiter;
use crate::static_files::{self, KeyMode, Site, SiteConfig};
use axum::extract::Request;
use axum::Router;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// In `demo`, data ending longer ago than this is regenerated so "the last 24 hours"
/// means something.
const DEMO_MAX_AGE_SECS: i64 = 3600;

/// A server listening in the background.
pub struct Running {
    addr: SocketAddr,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// The bound address (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
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

/// Why the database must be (re)generated, or `None` to use it as is.
fn regeneration_reason(
    data: &DataArgs,
    max_age: Option<i64>,
) -> Result<Option<String>, ServerError> {
    if data.fresh {
        return Ok(Some("--fresh".into()));
    }
    if !data.db.exists() {
        return Ok(Some("it does not exist".into()));
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
    if let (None, Some(max_age)) = (data.now, max_age) {
        if generate::current_minute() - meta.now > max_age {
            return Ok(Some(format!(
                "its history ended at {}",
                db::rfc3339(meta.now)
            )));
        }
    }
    Ok(None)
}

/// Generates the database if needed, opens it, and starts counting totals.
async fn prepare_db(data: DataArgs, max_age: Option<i64>) -> Result<Arc<Db>, ServerError> {
    let db = tokio::task::spawn_blocking(move || -> Result<Db, ServerError> {
        if let Some(reason) = regeneration_reason(&data, max_age)? {
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
    tracing::info!("{} calls in {}", db.call_count(), db.path().display());
    let warm = db.clone();
    tokio::task::spawn_blocking(move || {
        if let Err(e) = warm.prewarm() {
            tracing::warn!("could not pre-count totals: {e}");
        }
    });
    Ok(db)
}

/// The local API (and `/__faults` if asked for).
fn local_api(db: Arc<Db>, opts: &ApiOptions, demo: bool) -> Result<Router, ServerError> {
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
    });
    let mut router = api::router(state);
    if opts.fault_control {
        tracing::warn!("fault control mounted at /__faults");
        router = router.merge(api::fault_control(faults));
    }
    Ok(router)
}

/// Compression, security headers and request tracing around the whole app.
fn finish(app: Router, connect_src: &[String]) -> Result<Router, ServerError> {
    let app = app.layer(CompressionLayer::new());
    let app = static_files::security_headers(app, connect_src)?;
    Ok(app.layer(TraceLayer::new_for_http()))
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
async fn build(command: Command) -> Result<(IpAddr, u16, Router), ServerError> {
    match command {
        Command::Demo(a) => {
            let db = prepare_db(a.data.clone(), Some(DEMO_MAX_AGE_SECS)).await?;
            let site = static_files::router(
                Site {
                    dist: a.site.dist.clone(),
                },
                SiteConfig {
                    api_base: "/v1".into(),
                    key_mode: KeyMode::Server,
                },
            );
            let app = local_api(db, &a.api, true)?.merge(site);
            Ok((a.site.addr, a.site.port, finish(app, &a.site.connect_src)?))
        }
        Command::Api(a) => {
            let db = prepare_db(a.data.clone(), None).await?;
            let app = local_api(db, &a.api, false)?
                .fallback(api_only_not_found)
                .layer(api::cors());
            Ok((a.addr, a.port, finish(app, &[])?))
        }
        Command::Serve(a) => {
            let site = Site {
                dist: a.site.dist.clone(),
            };
            let mut connect_src = a.site.connect_src.clone();
            let app = if a.direct {
                let api_base = a.api_base.clone().unwrap_or_else(|| a.upstream.clone());
                if let Some(origin) = static_files::origin_of(&api_base) {
                    connect_src.push(origin);
                }
                tracing::info!("direct mode: the browser calls {api_base} with its user's key");
                static_files::router(
                    site,
                    SiteConfig {
                        api_base,
                        key_mode: KeyMode::Direct,
                    },
                )
            } else {
                let key = ApiKey::from_file_or_env(a.key_file.as_deref())?;
                let proxy = Proxy::new(&a.upstream, &key, Duration::from_secs(a.timeout))?;
                tracing::info!("proxying /v1 to {}", proxy.upstream());
                proxy::router(proxy).merge(static_files::router(
                    site,
                    SiteConfig {
                        api_base: "/v1".into(),
                        key_mode: KeyMode::Server,
                    },
                ))
            };
            if !a.site.dist.join("index.html").exists() {
                tracing::warn!(
                    "{} has no index.html: build the dashboard first",
                    a.site.dist.display()
                );
            }
            Ok((a.site.addr, a.site.port, finish(app, &connect_src)?))
        }
        Command::Generate(_) => Err(ServerError::Config(
            "generate writes a database and does not serve".into(),
        )),
    }
}

/// Builds and binds a serving subcommand, serving in the background.
pub async fn start(command: Command) -> Result<Running, ServerError> {
    let (ip, port, app) = build(command).await?;
    let listener = TcpListener::bind((ip, port))
        .await
        .map_err(|source| ServerError::Bind {
            addr: SocketAddr::new(ip, port).to_string(),
            source,
        })?;
    let addr = listener.local_addr().map_err(ServerError::Serve)?;
    let (shutdown, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok(Running {
        addr,
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
