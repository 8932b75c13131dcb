//! Harness for `serve`: a recording upstream (records every request it receives and
//! answers like the API), a `serve` in front of it with a manual clock and a captured
//! access log, and a raw HTTP/1.1 client for paths that reqwest would normalise.

use dashboard_server::clock::{Clock, ManualClock};
use dashboard_server::users::{hash_password, UsersFile};
use dashboard_server::{Hooks, Running};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;

/// The key `serve` adds upstream.
pub const UPSTREAM_KEY: &str = "sk_live_recording_upstream_key_0123456789";
/// Every test user's password.
pub const PASSWORD: &str = "correct horse battery staple";
/// The manual clock's start (a whole minute).
pub const T0: i64 = 1_800_000_000;
/// The session secret in tests.
pub const SECRET: &str = "test-session-secret-0123456789abcdef-0123456789";

/// One request as the upstream saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How the upstream answers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    /// `X-RateLimit-Limit`, `-Remaining`, `-Reset`, if sent.
    pub rate: Option<(u32, u32, i64)>,
    pub location: Option<String>,
    pub body: String,
}

impl Default for Reply {
    fn default() -> Self {
        Reply {
            status: 200,
            rate: Some((1000, 999, T0 + 60)),
            location: None,
            body: r#"{"calls":[],"pagination":{"limit":20,"offset":0,"total":0}}"#.into(),
        }
    }
}

/// A recording upstream on a free port.
pub struct Upstream {
    /// `http://127.0.0.1:PORT/v1`.
    pub base: String,
    pub addr: SocketAddr,
    records: Arc<Mutex<Vec<Recorded>>>,
    reply: Arc<Mutex<Reply>>,
    /// When set, each request waits for a permit before answering.
    hold: Arc<Mutex<Option<Arc<Semaphore>>>>,
}

impl Upstream {
    pub async fn start() -> Upstream {
        let records: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let reply: Arc<Mutex<Reply>> = Arc::default();
        let hold: Arc<Mutex<Option<Arc<Semaphore>>>> = Arc::default();
        let (r, p, h) = (records.clone(), reply.clone(), hold.clone());
        let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
            let (r, p, h) = (r.clone(), p.clone(), h.clone());
            async move {
                let (parts, body) = req.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20)
                    .await
                    .map(|b| b.to_vec())
                    .unwrap_or_default();
                r.lock().expect("records").push(Recorded {
                    method: parts.method.to_string(),
                    path: parts.uri.path().to_string(),
                    query: parts.uri.query().map(str::to_string),
                    headers: parts
                        .headers
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.to_string(),
                                String::from_utf8_lossy(v.as_bytes()).into_owned(),
                            )
                        })
                        .collect(),
                    body,
                });
                let gate = h.lock().expect("hold").clone();
                if let Some(gate) = gate {
                    if let Ok(permit) = gate.acquire().await {
                        permit.forget();
                    }
                }
                let reply = p.lock().expect("reply").clone();
                let mut resp = axum::response::Response::new(axum::body::Body::from(reply.body));
                *resp.status_mut() =
                    axum::http::StatusCode::from_u16(reply.status).expect("status");
                let h = resp.headers_mut();
                h.insert("content-type", "application/json".parse().expect("hv"));
                h.insert("set-cookie", "upstream=1; Path=/".parse().expect("hv"));
                h.insert(
                    "www-authenticate",
                    "Bearer realm=\"upstream\"".parse().expect("hv"),
                );
                if let Some((limit, remaining, reset)) = reply.rate {
                    h.insert("x-ratelimit-limit", limit.into());
                    h.insert("x-ratelimit-remaining", remaining.into());
                    h.insert("x-ratelimit-reset", reset.into());
                }
                if let Some(loc) = reply.location {
                    h.insert("location", loc.parse().expect("hv"));
                }
                resp
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind upstream");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Upstream {
            base: format!("http://{addr}/v1"),
            addr,
            records,
            reply,
            hold,
        }
    }

    pub fn records(&self) -> Vec<Recorded> {
        self.records.lock().expect("records").clone()
    }

    pub fn count(&self) -> usize {
        self.records.lock().expect("records").len()
    }

    pub fn clear(&self) {
        self.records.lock().expect("records").clear();
    }

    pub fn set_reply(&self, reply: Reply) {
        *self.reply.lock().expect("reply") = reply;
    }

    /// From now on each request waits for a permit of the returned semaphore.
    pub fn hold(&self) -> Arc<Semaphore> {
        let s = Arc::new(Semaphore::new(0));
        *self.hold.lock().expect("hold") = Some(s.clone());
        s
    }
}

/// The sign-in method a test `serve` gets.
pub enum Auth<'a> {
    /// A users file with these users (all with `PASSWORD`).
    Password(&'a [&'a str]),
    /// `--trust-user-header X-Forwarded-User --trusted-proxy <these>`.
    Header(&'a [&'a str]),
    /// `--no-auth`.
    None,
}

/// A `serve` in front of a recording upstream.
pub struct Serve {
    pub running: Running,
    pub upstream: Upstream,
    pub dir: TempDir,
    pub users: PathBuf,
    pub clock: Arc<ManualClock>,
    log: Arc<Mutex<Vec<String>>>,
    pub client: reqwest::Client,
}

/// Writes a users file with `names`, all with `PASSWORD`.
pub fn write_users(path: &std::path::Path, names: &[&str]) {
    let mut file = UsersFile::default();
    for name in names {
        file.add(name, hash_password(PASSWORD).expect("hash"))
            .expect("add");
    }
    file.save(path).expect("save users");
}

/// The argv of a test `serve` (for tests of start-up refusals too).
pub fn serve_argv(dir: &std::path::Path, upstream: &str, auth: &Auth<'_>) -> Vec<String> {
    let key_file = dir.join("key");
    std::fs::write(&key_file, UPSTREAM_KEY).expect("key file");
    let dist = super::fake_dist(dir);
    let mut argv: Vec<String> = [
        "serve",
        "--port",
        "0",
        "--dist",
        &dist.to_string_lossy(),
        "--upstream",
        upstream,
        "--key-file",
        &key_file.to_string_lossy(),
    ]
    .map(String::from)
    .to_vec();
    match auth {
        Auth::Password(names) => {
            let users = dir.join("users");
            write_users(&users, names);
            let secret = dir.join("secret");
            std::fs::write(&secret, SECRET).expect("secret");
            argv.extend(
                [
                    "--users-file",
                    &users.to_string_lossy(),
                    "--session-secret-file",
                    &secret.to_string_lossy(),
                ]
                .map(String::from),
            );
        }
        Auth::Header(proxies) => {
            argv.extend(["--trust-user-header", "X-Forwarded-User"].map(String::from));
            for p in *proxies {
                argv.extend(["--trusted-proxy".to_string(), p.to_string()]);
            }
        }
        Auth::None => argv.push("--no-auth".into()),
    }
    argv
}

/// Starts a recording upstream and a `serve` in front of it.
pub async fn serve(auth: Auth<'_>, extra: &[&str]) -> Serve {
    let upstream = Upstream::start().await;
    serve_in_front_of(upstream, auth, extra).await
}

/// Starts a `serve` in front of a given upstream.
pub async fn serve_in_front_of(upstream: Upstream, auth: Auth<'_>, extra: &[&str]) -> Serve {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut argv = serve_argv(dir.path(), &upstream.base, &auth);
    argv.extend(extra.iter().map(|s| s.to_string()));
    let clock = Arc::new(ManualClock::new(T0));
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink_log = log.clone();
    let hooks = Hooks {
        clock: clock.clone() as Arc<dyn Clock>,
        access_log: Arc::new(move |line: &str| {
            sink_log.lock().expect("log").push(line.to_string())
        }),
        ..Hooks::default()
    };
    let cli = <dashboard_server::cli::Cli as clap::Parser>::try_parse_from(
        std::iter::once("dashboard-server".to_string()).chain(argv),
    )
    .expect("valid command line");
    let running = dashboard_server::start_with(cli.command, hooks)
        .await
        .expect("serve starts");
    Serve {
        running,
        upstream,
        users: dir.path().join("users"),
        dir,
        clock,
        log,
        client: super::client(),
    }
}

/// A response read off the wire.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The error code of a JSON error body, or "" if there is none.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `METHOD target HTTP/1.1` exactly as given (bytes), with `headers`, and reads
/// the whole answer (the connection is closed after it).
pub async fn raw_bytes(
    addr: SocketAddr,
    method: &str,
    target: &[u8],
    headers: &[(&str, &str)],
    body: &[u8],
) -> Raw {
    let mut req = Vec::new();
    req.extend_from_slice(method.as_bytes());
    req.push(b' ');
    req.extend_from_slice(target);
    req.extend_from_slice(format!(" HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n").as_bytes());
    for (k, v) in headers {
        req.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    if !body.is_empty() {
        req.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    req.extend_from_slice(b"\r\n");
    req.extend_from_slice(body);
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(&req).await.expect("write");
    let mut buf = Vec::new();
    let _ = stream.read_to_end(&mut buf).await;
    parse_response(&buf)
}

/// `raw_bytes` with a text target.
pub async fn raw(addr: SocketAddr, method: &str, target: &str, headers: &[(&str, &str)]) -> Raw {
    raw_bytes(addr, method, target.as_bytes(), headers, b"").await
}

fn parse_response(buf: &[u8]) -> Raw {
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(buf)));
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = buf[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Raw {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(pos) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&rest[..pos])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        rest = &rest[pos + 2..];
        if size == 0 || rest.len() < size {
            break;
        }
        out.extend_from_slice(&rest[..size]);
        rest = rest.get(size + 2..).unwrap_or(&[]);
    }
    out
}

impl Serve {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.running.url(), path)
    }

    pub fn addr(&self) -> SocketAddr {
        self.running.addr()
    }

    /// The access log lines so far.
    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }

    /// POSTs the sign-in form (as a same-origin browser form would).
    pub async fn sign_in(&self, user: &str, password: &str, next: &str) -> reqwest::Response {
        self.client
            .post(self.url("/signin"))
            .header("sec-fetch-site", "same-origin")
            .form(&[("user", user), ("password", password), ("next", next)])
            .send()
            .await
            .expect("sign in")
    }

    /// Signs in and returns the `Cookie` header value to send.
    pub async fn cookie(&self, user: &str) -> String {
        let resp = self.sign_in(user, PASSWORD, "/").await;
        assert_eq!(resp.status(), 303, "sign-in of {user}");
        cookie_of(&resp)
    }

    /// GET with a cookie.
    pub async fn get_with(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .expect("get")
    }
}

/// The status of a GET of `url` sending `cookie`, as a future that owns what it needs
/// (so it can be spawned); 0 when no answer came.
pub fn status_with_cookie(
    client: &reqwest::Client,
    url: String,
    cookie: String,
) -> impl std::future::Future<Output = u16> + Send + 'static {
    let client = client.clone();
    async move {
        client
            .get(url)
            .header("cookie", cookie)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    }
}

/// A response header as a string ("" when absent).
pub fn h<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    super::header(r.headers(), name)
}

/// `name=value` of the session cookie a response sets.
pub fn cookie_of(resp: &reqwest::Response) -> String {
    let set = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("set-cookie");
    set.split(';').next().unwrap_or("").to_string()
}
