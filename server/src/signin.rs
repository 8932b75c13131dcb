//! The built-in sign-in: the page (`GET /signin`), signing in (`POST /signin`), signing
//! out (`POST /signout`), who is signed in (`GET /auth/session`) and the page's
//! stylesheet (`GET /signin.css`).
//!
//! The page is plain HTML with a form (no script, no inline style), so it passes the
//! site's CSP. It links the dashboard's own stylesheet when `dist/index.html` names one,
//! so it looks like the dashboard. Both POSTs are refused when a browser says they come
//! from another site (`Sec-Fetch-Site`, else `Origin` against `Host`): that stops login
//! CSRF (signing a victim into the attacker's account) and forced sign-out.

use crate::error::{ApiError, ErrorCode};
use crate::identity::{self, AuthMode, ClientAddr, Gate, Identity, PasswordSignIn};
use crate::session::{self, Claims};
use axum::body::Bytes;
use axum::extract::{RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::Arc;

/// The page's own stylesheet.
const SIGNIN_CSS: &str = include_str!("../assets/signin.css");
/// Largest sign-in form body accepted.
const MAX_FORM_BYTES: usize = 8 * 1024;
/// The one message for an unknown user and a wrong password alike.
const WRONG: &str = "The user name or the password is not right.";

/// What the sign-in routes need.
pub struct SignIn {
    /// Sessions, users, clock.
    pub gate: Arc<Gate>,
    /// The built dashboard (for its stylesheet).
    pub dist: PathBuf,
}

impl SignIn {
    fn password(&self) -> Option<&PasswordSignIn> {
        match &self.gate.mode {
            AuthMode::Password(p) => Some(p),
            _ => None,
        }
    }
}

/// Escapes text for HTML content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `next` if it is a path on this site (one leading `/`, not `//` or `/\`, visible
/// ASCII only, since browsers drop tabs and newlines and would read `/\t/evil` as
/// `//evil`), else `/`.
pub fn local_next(next: &str) -> &str {
    let bytes = next.as_bytes();
    let local = bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && bytes.iter().all(|b| b.is_ascii_graphic())
        && next.len() <= 2048;
    if local {
        next
    } else {
        "/"
    }
}

/// The `href`s of the dashboard's stylesheet and icon, read from `dist/index.html`
/// (Trunk's hashed file names change with every build).
fn dashboard_links(dist: &std::path::Path) -> Vec<(&'static str, String)> {
    let Ok(index) = std::fs::read_to_string(dist.join("index.html")) else {
        return Vec::new();
    };
    let mut links = Vec::new();
    for tag in index.split("<link").skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        let rel = if tag.contains("rel=\"stylesheet\"") {
            "stylesheet"
        } else if tag.contains("rel=\"icon\"") {
            "icon"
        } else {
            continue;
        };
        let Some(href) = tag
            .split("href=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        // Only this site's own hashed files, so nothing odd goes into the page.
        let href = href.strip_prefix('.').unwrap_or(href);
        if href.starts_with('/')
            && !href.starts_with("//")
            && crate::static_files::is_hashed_asset(href)
        {
            links.push((rel, href.to_string()));
        }
    }
    links
}

/// The sign-in page.
fn page(dist: &std::path::Path, next: &str, user: &str, message: Option<&str>) -> String {
    let mut head_links = String::new();
    for (rel, href) in dashboard_links(dist) {
        head_links.push_str(&format!(
            "<link rel=\"{rel}\" href=\"{}\">\n",
            escape(&href)
        ));
    }
    let alert = message.map_or(String::new(), |m| {
        format!(
            "<p class=\"signin-error\" role=\"alert\" id=\"signin-error\">{}</p>\n",
            escape(m)
        )
    });
    let described = if message.is_some() {
        " aria-describedby=\"signin-error\""
    } else {
        ""
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <title>Sign in · Telepath Call Analytics</title>\n{head_links}\
         <link rel=\"stylesheet\" href=\"/signin.css\">\n</head>\n\
         <body class=\"signin-body\">\n\
         <header class=\"topbar\"><span class=\"brand\"><span class=\"brand-mark\" aria-hidden=\"true\"></span>\
         <span>Telepath Call Analytics</span></span></header>\n\
         <main class=\"signin-main\">\n\
         <form class=\"signin-card\" method=\"post\" action=\"/signin\">\n\
         <h1>Sign in</h1>\n<p class=\"signin-lead\">to see this account's calls.</p>\n{alert}\
         <input type=\"hidden\" name=\"next\" value=\"{next}\">\n\
         <label for=\"user\">User name</label>\n\
         <input id=\"user\" name=\"user\" type=\"text\" autocomplete=\"username\" autocapitalize=\"none\" \
         spellcheck=\"false\" required maxlength=\"64\" value=\"{user}\"{described}{focus_user}>\n\
         <label for=\"password\">Password</label>\n\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" \
         required{described}{focus_password}>\n\
         <button class=\"btn btn-primary\" type=\"submit\">Sign in</button>\n\
         </form>\n</main>\n</body>\n</html>\n",
        next = escape(local_next(next)),
        user = escape(user),
        focus_user = if user.is_empty() { " autofocus" } else { "" },
        focus_password = if user.is_empty() { "" } else { " autofocus" },
    )
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

async fn signin_page(State(s): State<Arc<SignIn>>, RawQuery(query): RawQuery) -> Response {
    let next = query
        .as_deref()
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "next")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_else(|| "/".into());
    html(StatusCode::OK, page(&s.dist, &next, "", None))
}

async fn signin_css() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        SIGNIN_CSS,
    )
        .into_response()
}

/// Did a browser send this POST from another site? `Sec-Fetch-Site` when present (every
/// current browser sends it), else `Origin` compared with `Host`; a request with neither
/// is not a browser's cross-site form (browsers send `Origin` with every POST).
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site.as_bytes() != b"same-origin";
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    !(origin_host.is_some() && origin_host == host)
}

fn cross_site_refusal(s: &SignIn) -> Response {
    html(
        StatusCode::FORBIDDEN,
        page(
            &s.dist,
            "/",
            "",
            Some("This form was sent from another site; sign in on this page instead."),
        ),
    )
}

async fn signin_post(State(s): State<Arc<SignIn>>, req: Request) -> Response {
    let Some(p) = s.password() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if is_cross_site(req.headers()) {
        return cross_site_refusal(&s);
    }
    let client = req
        .extensions()
        .get::<ClientAddr>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0);
    let Ok(body) = axum::body::to_bytes(req.into_body(), MAX_FORM_BYTES).await else {
        return html(
            StatusCode::PAYLOAD_TOO_LARGE,
            page(&s.dist, "/", "", Some("The form was too large.")),
        );
    };
    let form = Form::parse(&body);
    let now = s.gate.clock.now();
    if let Err(wait) = p.attempts.begin(client, &form.user, now) {
        let mut resp = html(
            StatusCode::TOO_MANY_REQUESTS,
            page(
                &s.dist,
                &form.next,
                &form.user,
                Some(&format!(
                    "Too many sign-in attempts. Try again in {wait} second{}.",
                    if wait == 1 { "" } else { "s" }
                )),
            ),
        );
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return resp;
    }
    let generation = check_password(&s, &form.user, form.password).await;
    let Some(generation) = generation else {
        tracing::info!("sign-in refused for a user name from {client}");
        return html(
            StatusCode::UNAUTHORIZED,
            page(&s.dist, &form.next, &form.user, Some(WRONG)),
        );
    };
    p.attempts.succeeded(client, &form.user);
    let expires = now + p.session_secs;
    let token = p.key.sign(&Claims {
        user: form.user.clone(),
        generation,
        expires,
    });
    let Some(cookie) = session::set_cookie(&token, p.session_secs) else {
        return ApiError::internal().into_response();
    };
    let location = HeaderValue::from_str(local_next(&form.next))
        .unwrap_or_else(|_| HeaderValue::from_static("/"));
    tracing::info!(user = %form.user, "signed in from {client}");
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response()
}

/// Runs the argon2 check on a blocking thread, at most `verify_slots` at once.
async fn check_password(s: &Arc<SignIn>, user: &str, password: String) -> Option<u64> {
    let AuthMode::Password(p) = &s.gate.mode else {
        return None;
    };
    let _slot = p.verify_slots.acquire().await.ok()?;
    let s2 = s.clone();
    let user = user.to_string();
    tokio::task::spawn_blocking(move || {
        s2.password()
            .and_then(|p| p.users.check_password(&user, &password))
    })
    .await
    .ok()
    .flatten()
}

/// The sign-in form's fields.
struct Form {
    user: String,
    password: String,
    next: String,
}

impl Form {
    fn parse(body: &Bytes) -> Form {
        let mut form = Form {
            user: String::new(),
            password: String::new(),
            next: "/".into(),
        };
        for (k, v) in form_urlencoded::parse(body) {
            match k.as_ref() {
                "user" => form.user = v.trim().chars().take(256).collect(),
                "password" => form.password = v.into_owned(),
                "next" => form.next = v.into_owned(),
                _ => {}
            }
        }
        form
    }
}

async fn signout(State(s): State<Arc<SignIn>>, headers: HeaderMap) -> Response {
    if is_cross_site(&headers) {
        return cross_site_refusal(&s);
    }
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, session::clear_cookie()),
            (header::LOCATION, HeaderValue::from_static("/signin")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response()
}

/// `GET /auth/session`'s answer.
#[derive(Debug, Serialize)]
struct SessionBody {
    user: String,
    expires_at: Option<String>,
    method: identity::SignInMethod,
}

async fn session_info(req: Request) -> Response {
    let Some(id) = req.extensions().get::<Identity>() else {
        return identity::sign_in_required();
    };
    let body = SessionBody {
        user: id.user.clone(),
        expires_at: id.expires_at.and_then(|t| {
            chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        }),
        method: id.method,
    };
    let json = serde_json::to_vec(&body).unwrap_or_default();
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        json,
    )
        .into_response()
}

async fn no_session_endpoint() -> Response {
    ApiError::new(
        ErrorCode::NotFound,
        "This server asks nobody to sign in (--no-auth).",
    )
    .into_response()
}

/// The sign-in routes for the gate's mode: all of them with a users file;
/// `/auth/session` alone with a trusted header; a 404 `/auth/session` with `--no-auth`.
pub fn router(s: SignIn) -> Router {
    let s = Arc::new(s);
    match s.gate.mode {
        AuthMode::Password(_) => Router::new()
            .route("/signin", get(signin_page).post(signin_post))
            .route("/signout", post(signout))
            .route("/signin.css", get(signin_css))
            .route("/auth/session", get(session_info))
            .with_state(s),
        AuthMode::Header(_) => Router::new().route("/auth/session", get(session_info)),
        AuthMode::None => Router::new().route("/auth/session", get(no_session_endpoint)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_stay_on_this_site() {
        let cases = [
            ("/analytics?range=24h", "/analytics?range=24h"),
            ("/", "/"),
            ("//evil.example", "/"),
            ("/\\evil.example", "/"),
            ("https://evil.example/", "/"),
            ("/\t/evil.example", "/"),
            ("/a b", "/"),
            ("", "/"),
            ("javascript:alert(1)", "/"),
        ];
        for (next, expected) in cases {
            assert_eq!(local_next(next), expected, "{next:?}");
        }
    }

    #[test]
    fn cross_site_posts_are_recognised() {
        let h = |pairs: &[(&'static str, &'static str)]| {
            let mut m = HeaderMap::new();
            for (k, v) in pairs {
                m.insert(*k, HeaderValue::from_static(v));
            }
            m
        };
        assert!(!is_cross_site(&h(&[("sec-fetch-site", "same-origin")])));
        assert!(is_cross_site(&h(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&h(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(&h(&[
            ("origin", "https://dash.example"),
            ("host", "dash.example")
        ])));
        assert!(is_cross_site(&h(&[
            ("origin", "https://evil.example"),
            ("host", "dash.example")
        ])));
        assert!(is_cross_site(&h(&[
            ("origin", "null"),
            ("host", "dash.example")
        ])));
        assert!(!is_cross_site(&h(&[("host", "dash.example")])));
    }

    #[test]
    fn page_escapes_what_it_echoes_and_has_no_script_or_style() {
        let dir = std::path::Path::new("/nonexistent");
        let p = page(dir, "/x?a=\"><script>", "<b>", Some("<i>"));
        assert!(!p.contains("<script") && !p.contains("<b>") && !p.contains("<i>"));
        assert!(!p.contains("style=") && !p.contains("<style"));
        assert!(p.contains("autocomplete=\"username\""));
        assert!(p.contains("autocomplete=\"current-password\""));
        assert!(p.contains("role=\"alert\""));
        assert!(p.contains("<label for=\"user\">") && p.contains("<label for=\"password\">"));
    }
}
