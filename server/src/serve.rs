//! Putting `serve` together: the sign-in method from the flags, the proxy with its
//! limits, the site, and the layers every request passes, outermost first:
//! access log → identify (client address, user) → `/v1` wants a user → proxy (`/v1`
//! only: allow-list, fair use, forward) → sign-in routes and the site (a signed-out
//! browser navigating to a dashboard route is sent to `/signin`).

use crate::access_log::{self, AccessLog, Sink};
use crate::attempts::AttemptLimiter;
use crate::auth::ApiKey;
use crate::cli::ServeArgs;
use crate::client_addr::TrustedProxies;
use crate::clock::Clock;
use crate::error::ServerError;
use crate::fair_use::FairUse;
use crate::identity::{self, AuthMode, Gate, PasswordSignIn};
use crate::proxy::{self, Proxy};
use crate::session::SessionKey;
use crate::signin::{self, SignIn};
use crate::static_files::{self, KeyMode, Site, SiteConfig};
use crate::users::UserStore;
use axum::http::HeaderName;
use axum::middleware::from_fn_with_state;
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Password checks at once (argon2 keeps a core busy for each).
const VERIFY_SLOTS: usize = 2;

/// What tests may replace: the clocks and where access log lines go.
#[derive(Clone)]
pub struct Hooks {
    /// The clock of sessions, sign-in delays and rate windows.
    pub clock: Arc<dyn Clock>,
    /// Access log lines (default: stderr).
    pub access_log: Sink,
    /// The local API's data clock (`demo`, `api`); default `None`: as the flags say
    /// (`--now`, `--speed`, else the wall clock).
    pub data_clock: Option<Arc<dyn Clock>>,
}

impl Default for Hooks {
    fn default() -> Self {
        Hooks {
            clock: Arc::new(crate::clock::SystemClock),
            access_log: access_log::stderr_sink(),
            data_clock: None,
        }
    }
}

/// Why `serve` will not start without a sign-in method.
const NO_METHOD: &str = "serve asks who is looking before it lends the API key. Choose one: \
    --users-file PATH (built-in sign-in; add users with `dashboard-server user add NAME \
    --users-file PATH`, and give --session-secret-file), or --trust-user-header \
    X-Forwarded-User --trusted-proxy ADDR (behind a single-sign-on proxy), or --no-auth \
    (anyone who can reach the server reads every call)";

/// The sign-in method the flags ask for, checked.
fn auth_mode(a: &ServeArgs) -> Result<AuthMode, ServerError> {
    let auth = &a.auth;
    if a.direct {
        if auth.users_file.is_some() || auth.trust_user_header.is_some() {
            return Err(ServerError::Config(
                "--direct forwards nothing (the browser calls the API with its user's own key), \
                 so it has no sign-in: drop --users-file / --trust-user-header"
                    .into(),
            ));
        }
        return Ok(AuthMode::None);
    }
    if let Some(path) = &auth.users_file {
        let key = SessionKey::from_file_or_env(auth.session_secret_file.as_deref())?;
        let users = UserStore::open(path)?;
        let count = users.current().active_count();
        if count == 0 {
            tracing::warn!(
                "{} has no users yet: nobody can sign in (dashboard-server user add NAME --users-file {})",
                path.display(),
                path.display()
            );
        }
        tracing::info!(
            "sign-in with {count} users from {}; sessions last {} h",
            path.display(),
            auth.session_hours
        );
        return Ok(AuthMode::Password(PasswordSignIn {
            users,
            key,
            session_secs: i64::from(auth.session_hours) * 3600,
            attempts: AttemptLimiter::new(),
            verify_slots: Semaphore::new(VERIFY_SLOTS),
        }));
    }
    if let Some(name) = &auth.trust_user_header {
        let header = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            ServerError::Config(format!(
                "--trust-user-header must be a header name such as X-Forwarded-User, got '{name}'"
            ))
        })?;
        if auth.trusted_proxy.is_empty() {
            return Err(ServerError::Config(format!(
                "--trust-user-header {name} needs --trusted-proxy ADDR: the header is believed \
                 only from the single-sign-on proxy's address"
            )));
        }
        tracing::info!(
            "users come from {name}, believed only from {}",
            auth.trusted_proxy.join(", ")
        );
        return Ok(AuthMode::Header(header));
    }
    if auth.no_auth {
        return Ok(AuthMode::None);
    }
    Err(ServerError::Config(NO_METHOD.into()))
}

/// Builds `serve`'s app.
pub fn build(a: &ServeArgs, hooks: &Hooks) -> Result<Router, ServerError> {
    let proxies = TrustedProxies::parse(&a.auth.trusted_proxy)?;
    let mode = auth_mode(a)?;
    if a.auth.no_auth && !a.direct {
        tracing::warn!(
            "--no-auth: nobody is asked to sign in; anyone who can reach {}:{} reads every call \
             of the account with the server's key",
            a.site.addr,
            a.site.port
        );
    }
    let auth_name = mode.name();
    let gate = Arc::new(Gate {
        mode,
        proxies,
        clock: hooks.clock.clone(),
    });
    let site = Site {
        dist: a.site.dist.clone(),
    };
    let (api_base, key_mode, proxy) = if a.direct {
        let api_base = a.api_base.clone().unwrap_or_else(|| a.upstream.clone());
        tracing::info!("direct mode: the browser calls {api_base} with its user's key");
        (api_base, KeyMode::Direct, None)
    } else {
        let key = ApiKey::from_file_or_env(a.key_file.as_deref())?;
        let fair_use = FairUse::new(
            a.limits.user_rate_limit,
            a.limits.user_in_flight,
            a.limits.max_in_flight,
        );
        let proxy = Proxy::new(
            &a.upstream,
            &key,
            Duration::from_secs(a.timeout),
            fair_use,
            hooks.clock.clone(),
        )?;
        tracing::info!("proxying reads of /v1 to {}", proxy.upstream());
        ("/v1".to_string(), KeyMode::Server, Some(Arc::new(proxy)))
    };
    let site = static_files::router(
        site,
        SiteConfig {
            api_base,
            key_mode,
            auth: Some(auth_name),
            max_page: None,
        },
    )
    .layer(from_fn_with_state(
        gate.clone(),
        identity::redirect_navigation,
    ));
    let mut app = signin::router(SignIn {
        gate: gate.clone(),
        dist: a.site.dist.clone(),
    })
    .merge(site);
    if let Some(proxy) = proxy {
        app = app
            .layer(from_fn_with_state(proxy, proxy::intercept))
            .layer(from_fn_with_state(gate.clone(), identity::require_user));
    }
    Ok(app.layer(from_fn_with_state(gate, identity::identify)))
}

/// The access log layer, outermost, so it sees the final status.
pub fn with_access_log(app: Router, a: &ServeArgs, hooks: &Hooks) -> Router {
    let log = AccessLog::new(a.log_format, hooks.access_log.clone());
    app.layer(from_fn_with_state(log, access_log::log_request))
}
