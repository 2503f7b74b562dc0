//! Which address a request comes from, for rate limiting (defect 12).
//!
//! The original took the *first* `X-Forwarded-For` entry, which the client
//! writes itself, so anyone could pick a fresh "ip" per request. Here:
//! - by default the socket peer address is the client (nothing the client
//!   sends can change it);
//! - with `trust_forwarded_for` (only when every request passes through our
//!   own reverse proxy, which appends the address it saw), the **right-most**
//!   `X-Forwarded-For` entry is taken: the one our proxy wrote. Entries to its
//!   left are client-controlled and ignored. With two proxy tiers configure
//!   the inner one to forward the outer one's value unchanged (e.g. nginx
//!   `real_ip_header` + `set_real_ip_from`), so the last hop is still the
//!   client. A missing or malformed last entry falls back to the peer.
//!
//! `Forwarded` (RFC 7239) and `X-Real-IP` are not read.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use actix_web::http::header::HeaderMap;

/// Header appended to by reverse proxies.
pub const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The client address per the rules of this module; `None` only when there
/// is no peer address and no usable header (e.g. some test harnesses).
pub fn client_ip(
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
    trust_forwarded_for: bool,
) -> Option<IpAddr> {
    let peer_ip = peer.map(|a| a.ip());
    if !trust_forwarded_for {
        return peer_ip;
    }
    let last_hop = headers
        .get_all(X_FORWARDED_FOR)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|s| !s.is_empty());
    last_hop.and_then(parse_hop).or(peer_ip)
}

/// Parses `1.2.3.4`, `2001:db8::1`, `1.2.3.4:5678` or `[2001:db8::1]:443`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// The rate-limit subject of `ip`: IPv4 (also IPv4-mapped IPv6) as is, other
/// IPv6 addresses by their /64 network — one subscriber usually owns a whole
/// /64, so per-address keys would let them rotate through 2^64 "clients".
pub fn subject(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4.to_string();
            }
            let s = v6.segments();
            format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(
                HeaderName::from_static(X_FORWARDED_FOR),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    fn peer() -> Option<SocketAddr> {
        "10.0.0.9:40000".parse().ok()
    }

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn untrusted_headers_are_ignored() {
        assert_eq!(
            client_ip(peer(), &headers(&["1.1.1.1"]), false),
            ip("10.0.0.9")
        );
        assert_eq!(client_ip(None, &headers(&["1.1.1.1"]), false), None);
    }

    #[test]
    fn trusted_takes_the_right_most_hop() {
        let h = headers(&["6.6.6.6, 7.7.7.7", "203.0.113.5"]);
        assert_eq!(client_ip(peer(), &h, true), ip("203.0.113.5"));
        let h = headers(&["spoofed, 198.51.100.7 , "]);
        assert_eq!(client_ip(peer(), &h, true), ip("198.51.100.7"));
        let h = headers(&["[2001:db8::1]:443"]);
        assert_eq!(client_ip(peer(), &h, true), ip("2001:db8::1"));
        assert_eq!(
            client_ip(peer(), &headers(&["1.2.3.4:80"]), true),
            ip("1.2.3.4")
        );
    }

    #[test]
    fn trusted_without_usable_header_uses_the_peer() {
        assert_eq!(client_ip(peer(), &headers(&[]), true), ip("10.0.0.9"));
        assert_eq!(
            client_ip(peer(), &headers(&["1.1.1.1, garbage"]), true),
            ip("10.0.0.9")
        );
    }

    #[test]
    fn subjects_group_ipv6_by_network() {
        assert_eq!(subject("192.0.2.1".parse().unwrap()), "192.0.2.1");
        assert_eq!(subject("::ffff:192.0.2.1".parse().unwrap()), "192.0.2.1");
        assert_eq!(
            subject("2001:db8:1:2:3:4:5:6".parse().unwrap()),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            subject("2001:db8:1:2:ffff::1".parse().unwrap()),
            subject("2001:db8:1:2::9".parse().unwrap())
        );
    }
}
