//! `serve --tls-cert/--tls-key`: HTTPS with a self-signed certificate made here, HSTS
//! only when serving TLS, and the sign-in working over it.

mod common;
use common::serve::*;

#[tokio::test]
async fn tls_serves_https_with_hsts() {
    let cert =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .expect("self-signed certificate");
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).expect("write cert");
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).expect("write key");
    let s = serve(
        Auth::Password(&["alice"]),
        &[
            "--tls-cert",
            &cert_path.to_string_lossy(),
            "--tls-key",
            &key_path.to_string_lossy(),
        ],
    )
    .await;
    assert!(
        s.running.url().starts_with("https://"),
        "{}",
        s.running.url()
    );
    let client = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).expect("cert"),
        )
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = client
        .get(s.url("/config.json"))
        .send()
        .await
        .expect("https get");
    assert_eq!(r.status(), 200);
    assert_eq!(h(&r, "strict-transport-security"), "max-age=31536000");
    let r = client
        .post(s.url("/signin"))
        .form(&[("user", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status(), 303);
    assert_eq!(h(&r, "strict-transport-security"), "max-age=31536000");
    let cookie = cookie_of(&r);
    let r = client
        .get(s.url("/v1/calls"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    assert_eq!(h(&r, "strict-transport-security"), "max-age=31536000");
    // Plain HTTP on the TLS port is not served.
    let plain = s.running.url().replace("https://", "http://");
    let r = common::client()
        .get(format!("{plain}/config.json"))
        .send()
        .await;
    assert!(r.is_err() || r.is_ok_and(|r| r.status() != 200));
    s.running.stop().await.expect("stops");
}

#[tokio::test]
async fn no_hsts_without_tls() {
    let s = serve(Auth::None, &[]).await;
    let r = s
        .client
        .get(s.url("/config.json"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn a_key_that_does_not_fit_is_refused() {
    let a = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("cert");
    let b = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("cert");
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, a.cert.pem()).expect("write");
    std::fs::write(&key_path, b.signing_key.serialize_pem()).expect("write");
    let mut argv = serve_argv(dir.path(), "http://127.0.0.1:9/v1", &Auth::None);
    argv.extend([
        "--tls-cert".to_string(),
        cert_path.to_string_lossy().into_owned(),
        "--tls-key".to_string(),
        key_path.to_string_lossy().into_owned(),
    ]);
    let args: Vec<&str> = argv.iter().map(String::as_str).collect();
    let err = common::launch(&args)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("does not fit"), "{err}");
}
