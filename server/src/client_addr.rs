//! Who is on the other end: the `--trusted-proxy` list (addresses and CIDR ranges)
//! and the client address, taken from `X-Forwarded-For` only when the connection comes
//! from a trusted proxy.
//!
//! With a trusted peer, `X-Forwarded-For` is read from the right: each proxy appends the
//! address it saw, so the rightmost address that is not itself a trusted proxy is the
//! first one no trusted party vouches for beyond, i.e. the client. Anything left of it
//! was written by the client and is ignored.

use crate::error::ServerError;
use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;
use std::str::FromStr;

/// `X-Forwarded-For`.
pub const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The addresses whose `X-Forwarded-For` and user header are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses `--trusted-proxy` values: `127.0.0.1`, `::1`, `10.0.0.0/8`, `fd00::/8`.
    pub fn parse(values: &[String]) -> Result<Self, ServerError> {
        values
            .iter()
            .map(|v| {
                let v = v.trim();
                IpNet::from_str(v)
                    .or_else(|_| IpAddr::from_str(v).map(IpNet::from))
                    .map_err(|_| {
                        ServerError::Config(format!(
                            "--trusted-proxy takes an IP address or a CIDR range such as \
                             127.0.0.1 or 10.0.0.0/8, got '{v}'"
                        ))
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    /// Is `addr` one of them? (An IPv4-mapped IPv6 address counts as its IPv4 form.)
    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = canonical(addr);
        self.0.iter().any(|net| net.contains(&addr))
    }

    /// No proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The client's address: the peer's, or, from a trusted peer, the rightmost
    /// `X-Forwarded-For` entry that is not a trusted proxy.
    pub fn client_addr(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.contains(peer) {
            return peer;
        }
        let mut client = peer;
        // Every X-Forwarded-For header, in order, as one list read from the right.
        let entries: Vec<&str> = headers
            .get_all(X_FORWARDED_FOR)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for entry in entries.iter().rev() {
            let Ok(addr) = IpAddr::from_str(entry.trim()) else {
                // An entry we cannot read ends what we can vouch for.
                break;
            };
            client = canonical(addr);
            if !self.contains(client) {
                break;
            }
        }
        client
    }
}

/// `::ffff:1.2.3.4` → `1.2.3.4`, so a dual-stack listener matches IPv4 ranges.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn proxies(v: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn check(trusted: &[&str], peer: &str, xff: &[&str], expected: &str) {
        let mut headers = HeaderMap::new();
        for v in xff {
            headers.append(
                X_FORWARDED_FOR,
                HeaderValue::from_str(v).unwrap_or_else(|_| unreachable!()),
            );
        }
        let peer: IpAddr = peer.parse().unwrap_or_else(|_| unreachable!());
        assert_eq!(
            proxies(trusted).client_addr(peer, &headers).to_string(),
            expected,
            "trusted {trusted:?}, peer {peer}, xff {xff:?}"
        );
    }

    #[test]
    fn forwarded_for_is_read_only_from_trusted_peers() {
        // Untrusted peer: its header is ignored.
        check(&[], "203.0.113.9", &["1.2.3.4"], "203.0.113.9");
        check(&["127.0.0.1"], "203.0.113.9", &["1.2.3.4"], "203.0.113.9");
        // Trusted peer: the rightmost untrusted entry.
        check(&["127.0.0.1"], "127.0.0.1", &["1.2.3.4"], "1.2.3.4");
        check(
            &["127.0.0.1"],
            "127.0.0.1",
            &["6.6.6.6, 1.2.3.4"],
            "1.2.3.4",
        );
        check(
            &["127.0.0.1", "10.0.0.0/8"],
            "127.0.0.1",
            &["6.6.6.6, 1.2.3.4, 10.1.2.3"],
            "1.2.3.4",
        );
        check(
            &["127.0.0.1"],
            "127.0.0.1",
            &["6.6.6.6", "1.2.3.4"],
            "1.2.3.4",
        );
        // No header, or garbage: the proxy itself.
        check(&["127.0.0.1"], "127.0.0.1", &[], "127.0.0.1");
        check(&["127.0.0.1"], "127.0.0.1", &["not-an-ip"], "127.0.0.1");
        // IPv4-mapped peers match IPv4 ranges.
        check(
            &["127.0.0.0/8"],
            "::ffff:127.0.0.1",
            &["1.2.3.4"],
            "1.2.3.4",
        );
        check(&["::1"], "::1", &["2001:db8::1"], "2001:db8::1");
    }

    #[test]
    fn parse_accepts_addresses_and_ranges_only() {
        assert!(
            TrustedProxies::parse(&["127.0.0.1".into(), "10.0.0.0/8".into(), "::1".into()]).is_ok()
        );
        assert!(TrustedProxies::parse(&["localhost".into()]).is_err());
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()]).is_err());
    }
}
