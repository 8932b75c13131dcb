//! Signed, stateless sessions: the token in the session cookie, the secret that signs
//! it, and the cookie's attributes.
//!
//! A token is `v1.<user, base64url>.<generation>.<expiry, Unix s>.<HMAC-SHA256, base64url>`,
//! the MAC taken over all three fields with the secret from `--session-secret-file` or
//! `DASHBOARD_SESSION_SECRET`. Nothing is stored: any instance holding the same secret
//! accepts it, and it ends when it expires, when the user's generation in the users file
//! moves on (`user passwd`, `user remove`), or when the secret changes.

use crate::error::ServerError;
use axum::http::{header, HeaderMap, HeaderValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

/// The cookie's name. `__Host-` makes browsers insist on `Secure`, `Path=/` and no
/// `Domain`, so no other host (a sibling subdomain) can set or overwrite it.
pub const COOKIE_NAME: &str = "__Host-dashboard_session";
/// Environment variable holding the session secret (when no file is given).
pub const SECRET_ENV: &str = "DASHBOARD_SESSION_SECRET";
/// Shortest secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;
/// Domain separation for the MAC, so it can never be confused with another use.
const MAC_CONTEXT: &[u8] = b"dashboard-server session v1\n";

type HmacSha256 = Hmac<Sha256>;

/// What a session says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The signed-in user.
    pub user: String,
    /// The user's generation when the session was made.
    pub generation: u64,
    /// Unix second after which it is no longer accepted.
    pub expires: i64,
}

/// The session secret. `Debug` is redacted.
#[derive(Clone)]
pub struct SessionKey(Vec<u8>);

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKey(<redacted>)")
    }
}

impl SessionKey {
    /// A key from the secret's bytes (surrounding whitespace trimmed; at least 32 bytes).
    pub fn new(raw: &[u8]) -> Result<Self, ServerError> {
        let trimmed = raw.trim_ascii();
        if trimmed.len() < MIN_SECRET_BYTES {
            return Err(ServerError::Config(format!(
                "the session secret must have at least {MIN_SECRET_BYTES} bytes (got {}); make \
                 one with: head -c 32 /dev/urandom | base64 > session-secret",
                trimmed.len()
            )));
        }
        Ok(SessionKey(trimmed.to_vec()))
    }

    /// Reads the secret from `--session-secret-file` if given, else from
    /// `DASHBOARD_SESSION_SECRET`.
    pub fn from_file_or_env(file: Option<&Path>) -> Result<Self, ServerError> {
        if let Some(path) = file {
            let bytes = std::fs::read(path).map_err(|source| ServerError::Io {
                what: "cannot read the session secret file",
                path: path.to_path_buf(),
                source,
            })?;
            return Self::new(&bytes);
        }
        match std::env::var(SECRET_ENV) {
            Ok(v) => Self::new(v.as_bytes()),
            Err(_) => Err(ServerError::Config(format!(
                "sign-in needs a session secret shared by every instance: pass \
                 --session-secret-file PATH or set {SECRET_ENV} (at least {MIN_SECRET_BYTES} \
                 bytes; e.g. head -c 32 /dev/urandom | base64)"
            ))),
        }
    }

    fn mac(&self, user: &str, generation: u64, expires: i64) -> HmacSha256 {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = match HmacSha256::new_from_slice(&self.0) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC accepts any key length"),
        };
        mac.update(MAC_CONTEXT);
        mac.update(user.as_bytes());
        mac.update(b"\n");
        mac.update(generation.to_string().as_bytes());
        mac.update(b"\n");
        mac.update(expires.to_string().as_bytes());
        mac
    }

    /// The token for `claims`.
    pub fn sign(&self, claims: &Claims) -> String {
        let tag = self
            .mac(&claims.user, claims.generation, claims.expires)
            .finalize()
            .into_bytes();
        format!(
            "v1.{}.{}.{}.{}",
            URL_SAFE_NO_PAD.encode(claims.user.as_bytes()),
            claims.generation,
            claims.expires,
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// The claims of a token whose MAC is right (compared in constant time), whatever
    /// its expiry; the caller checks expiry and generation.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut parts = token.split('.');
        let (Some("v1"), Some(user), Some(generation), Some(expires), Some(tag), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let user = String::from_utf8(URL_SAFE_NO_PAD.decode(user).ok()?).ok()?;
        let generation: u64 = generation.parse().ok()?;
        let expires: i64 = expires.parse().ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        self.mac(&user, generation, expires)
            .verify_slice(&tag)
            .ok()?;
        Some(Claims {
            user,
            generation,
            expires,
        })
    }
}

/// `Set-Cookie` for a new session lasting `max_age` seconds.
pub fn set_cookie(token: &str, max_age: i64) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={token}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={max_age}"
    ))
    .ok()
    .map(|mut v| {
        v.set_sensitive(true);
        v
    })
}

/// `Set-Cookie` that drops the session cookie.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static(
        "__Host-dashboard_session=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0",
    )
}

/// The session cookie's value among the request's `Cookie` headers.
pub fn read_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE_NAME).then_some(value)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> SessionKey {
        SessionKey::new(s.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn signed_tokens_round_trip_and_resist_tampering() {
        let k = key("0123456789abcdef0123456789abcdef");
        let claims = Claims {
            user: "alice".into(),
            generation: 3,
            expires: 1_800_000_000,
        };
        let token = k.sign(&claims);
        assert_eq!(k.verify(&token), Some(claims.clone()));
        // Another secret, another user, generation or expiry, a cut or padded token.
        assert_eq!(
            key("another secret of at least 32 bytes!").verify(&token),
            None
        );
        let forged = |user: &str, generation: u64, expires: i64| {
            let tag = token.rsplit('.').next().unwrap_or("");
            format!(
                "v1.{}.{generation}.{expires}.{tag}",
                URL_SAFE_NO_PAD.encode(user)
            )
        };
        assert_eq!(k.verify(&forged("alice", 3, 1_800_000_000)), Some(claims));
        assert_eq!(k.verify(&forged("admin", 3, 1_800_000_000)), None);
        assert_eq!(k.verify(&forged("alice", 4, 1_800_000_000)), None);
        assert_eq!(k.verify(&forged("alice", 3, 1_900_000_000)), None);
        assert_eq!(k.verify(&token[..token.len() - 1]), None);
        assert_eq!(k.verify(&format!("{token}.x")), None);
        assert_eq!(k.verify("v2.YWxpY2U.3.1800000000.AAAA"), None);
        assert_eq!(k.verify(""), None);
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(SessionKey::new(b"too short").is_err());
        assert!(SessionKey::new(b"   0123456789abcdef0123456789abcdef \n").is_ok());
        assert!(!format!("{:?}", key("0123456789abcdef0123456789abcdef")).contains("0123"));
    }

    #[test]
    fn cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; b=2"));
        assert_eq!(read_cookie(&h), None);
        h.append(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; __Host-dashboard_session=v1.abc ; x=y"),
        );
        assert_eq!(read_cookie(&h), Some("v1.abc"));
        let set = set_cookie("tok", 28800).map(|v| v.to_str().unwrap_or("").to_string());
        assert_eq!(
            set.as_deref(),
            Some("__Host-dashboard_session=tok; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=28800")
        );
        assert!(clear_cookie()
            .to_str()
            .unwrap_or("")
            .starts_with(&format!("{COOKIE_NAME}=;")));
    }
}
