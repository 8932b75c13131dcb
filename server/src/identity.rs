//! Who is asking, in `serve`: the client's address and the signed-in user, found once per
//! request by the `identify` middleware, and the two gates built on them (`/v1` wants a
//! user; a browser navigating to a dashboard route without a session is sent to the
//! sign-in page).
//!
//! A user comes from one of the sign-in methods `serve` was started with:
//! - `Password`: a session cookie signed with the session secret (`session`), whose
//!   generation still matches the users file and which has not expired;
//! - `Header`: the `--trust-user-header` header, believed only when the connection comes
//!   from a `--trusted-proxy` address (the SSO proxy in front);
//! - `None` (`--no-auth`): nobody is asked.

use crate::allowlist;
use crate::attempts::AttemptLimiter;
use crate::client_addr::TrustedProxies;
use crate::clock::Clock;
use crate::error::{ApiError, ErrorCode};
use crate::session::{self, Claims, SessionKey};
use crate::static_files;
use crate::users::UserStore;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Default session lifetime in hours.
pub const DEFAULT_SESSION_HOURS: u32 = 8;
/// Longest user name taken from a trusted header.
const MAX_HEADER_USER: usize = 256;

/// How a user signed in, as `/auth/session` and `config.json` say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignInMethod {
    /// The built-in sign-in page and session cookie.
    Password,
    /// A trusted single-sign-on proxy's header.
    Header,
}

/// The signed-in user of a request (a request extension; also put on the response for
/// the access log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The user name.
    pub user: String,
    /// How they signed in.
    pub method: SignInMethod,
    /// When the session ends (Unix s); `None` in header mode.
    pub expires_at: Option<i64>,
}

/// The client's address (a request and response extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Built-in sign-in: users, the session secret and lifetime, attempt limits.
#[derive(Debug)]
pub struct PasswordSignIn {
    /// The users file.
    pub users: UserStore,
    /// Signs and checks sessions.
    pub key: SessionKey,
    /// Session lifetime in seconds.
    pub session_secs: i64,
    /// Sign-in attempt limits.
    pub attempts: AttemptLimiter,
    /// Password checks running at once (argon2 takes a core for tens of milliseconds).
    pub verify_slots: Semaphore,
}

/// The sign-in method of a `serve`.
#[derive(Debug)]
pub enum AuthMode {
    /// Users file + session cookie.
    Password(PasswordSignIn),
    /// A header set by a trusted SSO proxy.
    Header(HeaderName),
    /// `--no-auth`.
    None,
}

impl AuthMode {
    /// `config.json`'s `auth`: `password`, `header` or `none`.
    pub fn name(&self) -> &'static str {
        match self {
            AuthMode::Password(_) => "password",
            AuthMode::Header(_) => "header",
            AuthMode::None => "none",
        }
    }
}

/// Everything the identity middleware and the sign-in handlers share.
pub struct Gate {
    /// The sign-in method.
    pub mode: AuthMode,
    /// Addresses whose forwarding headers are believed.
    pub proxies: TrustedProxies,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

impl Gate {
    /// The user a request's session or trusted header names, if any.
    pub fn identity(&self, headers: &HeaderMap, peer: IpAddr) -> Option<Identity> {
        match &self.mode {
            AuthMode::Password(p) => {
                let claims = p.key.verify(session::read_cookie(headers)?)?;
                self.session_is_current(p, &claims).then_some(Identity {
                    user: claims.user,
                    method: SignInMethod::Password,
                    expires_at: Some(claims.expires),
                })
            }
            AuthMode::Header(name) => {
                if !self.proxies.contains(peer) {
                    return None;
                }
                let user = headers.get(name)?.to_str().ok()?.trim();
                let ok = !user.is_empty()
                    && user.len() <= MAX_HEADER_USER
                    && !user.chars().any(char::is_control);
                ok.then(|| Identity {
                    user: user.to_string(),
                    method: SignInMethod::Header,
                    expires_at: None,
                })
            }
            AuthMode::None => None,
        }
    }

    /// Not expired, and the user still exists with the generation signed in.
    fn session_is_current(&self, p: &PasswordSignIn, claims: &Claims) -> bool {
        claims.expires > self.clock.now()
            && p.users.generation(&claims.user) == Some(claims.generation)
    }

    /// Does this `serve` ask who is looking?
    pub fn requires_user(&self) -> bool {
        !matches!(self.mode, AuthMode::None)
    }
}

/// The peer's address, if the server was started with connection info.
fn peer_of(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// Finds the client address and the user once, for everything after it.
pub async fn identify(State(gate): State<Arc<Gate>>, mut req: Request, next: Next) -> Response {
    let peer = peer_of(&req);
    let client = ClientAddr(gate.proxies.client_addr(peer, req.headers()));
    let identity = gate.identity(req.headers(), peer);
    req.extensions_mut().insert(client);
    if let Some(id) = identity.clone() {
        req.extensions_mut().insert(id);
    }
    let mut resp = next.run(req).await;
    resp.extensions_mut().insert(client);
    if let Some(id) = identity {
        resp.extensions_mut().insert(id);
    }
    resp
}

/// 401 `SIGN_IN_REQUIRED` (no `WWW-Authenticate`: this is not the API's Bearer scheme).
pub fn sign_in_required() -> Response {
    let mut resp =
        ApiError::new(ErrorCode::SignInRequired, "Sign in to see the calls.").into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// `/v1` and below: no user, no answer (whatever the method or path, before the
/// allow-list is even asked).
pub async fn require_user(State(gate): State<Arc<Gate>>, req: Request, next: Next) -> Response {
    if gate.requires_user()
        && allowlist::is_proxied(req.uri().path())
        && req.extensions().get::<Identity>().is_none()
    {
        return sign_in_required();
    }
    next.run(req).await
}

/// The dashboard's routes: a browser navigating to one without a session (password
/// mode) is sent to `/signin?next=<where it was going>`. Assets and `config.json` stay
/// open: they hold no data.
pub async fn redirect_navigation(
    State(gate): State<Arc<Gate>>,
    req: Request,
    next: Next,
) -> Response {
    let wants_page = matches!(*req.method(), Method::GET | Method::HEAD)
        && static_files::is_app_route(req.uri().path(), static_files::accepts_html(req.headers()));
    if wants_page
        && matches!(gate.mode, AuthMode::Password(_))
        && req.extensions().get::<Identity>().is_none()
    {
        let target = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
        let next_param: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
        let location = format!("/signin?next={next_param}");
        return match HeaderValue::from_str(&location) {
            Ok(v) => (
                StatusCode::SEE_OTHER,
                [
                    (header::LOCATION, v),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
            )
                .into_response(),
            Err(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, "/signin")]).into_response(),
        };
    }
    next.run(req).await
}
