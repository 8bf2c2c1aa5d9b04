//! Rate limits (governor's keyed token buckets) per client address and per
//! account: one address or one account that floods is refused alone, the
//! others are served as usual.
//!
//! The address is the connection's peer, unless the peer is one of the
//! operator's trusted reverse proxies: then it is the last address in
//! `X-Forwarded-For` that is not itself a trusted proxy. From anyone else,
//! `X-Forwarded-For` is ignored (it would let a client pick its own bucket).
//! An IPv6 address counts as its /64: one subscriber gets a whole /64 and
//! could otherwise take a fresh bucket per request.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::error::ApiError;

pub type Limiter = governor::DefaultKeyedRateLimiter<IpAddr>;
pub type AccountLimiter = governor::DefaultKeyedRateLimiter<String>;

fn quota(burst: u32, interval: Duration) -> governor::Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    governor::Quota::with_period(interval)
        .unwrap_or_else(|| governor::Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

/// `burst` at once, then one every `interval`, per address.
pub fn per_address(burst: u32, interval: Duration) -> Limiter {
    governor::RateLimiter::keyed(quota(burst, interval))
}

/// `burst` at once, then one every `interval`, per account name.
pub fn per_account(burst: u32, interval: Duration) -> AccountLimiter {
    governor::RateLimiter::keyed(quota(burst, interval))
}

/// Forgets the keys whose bucket is full again (they behave as new ones),
/// so that a flood of addresses cannot grow the limiters for good.
pub fn prune<K: std::hash::Hash + Eq + Clone>(limiter: &governor::DefaultKeyedRateLimiter<K>) {
    limiter.retain_recent();
    limiter.shrink_to_fit();
}

/// The bucket an address counts in: itself for IPv4, its /64 for IPv6
/// (an IPv4-mapped IPv6 address is its IPv4 address).
pub fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(
                u128::from(v6) & !((1u128 << 64) - 1),
            )),
        },
    }
}

/// One `X-Forwarded-For` hop: an address, with or without a port
/// (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// The client's address, as far as the server can tell (see the module).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<IpAddr>);

impl FromRequestParts<crate::AppState> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(Peer(peer.map(|ip| {
            client_address(ip, &parts.headers, &state.settings.trusted_proxies)
        })))
    }
}

/// `peer`, or behind trusted proxies the address they say they received from.
pub fn client_address(peer: IpAddr, headers: &axum::http::HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    // Each proxy appends the address it received from: read from the right.
    // A hop that is no address is where the trusted chain ends: what is left
    // of it was written by the client, so the client is the proxy's peer
    // as far as anyone can tell, and shares the proxy's bucket.
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        match parse_hop(hop) {
            Some(ip) if trusted.contains(&ip) => client = ip,
            Some(ip) => return ip,
            None => return client,
        }
    }
    client
}

/// Refuses with 429 when `peer` has used its budget; `what` says what is limited.
/// `what` names what is limited, for the message: `login`, `report`,
/// `read` (see `err-too-many` in `locales/*/errors.ftl`).
pub fn check(limiter: &Limiter, peer: &Peer, what: &'static str) -> Result<(), ApiError> {
    match peer.0 {
        Some(ip) if limiter.check_key(&bucket(ip)).is_err() => Err(ApiError::TooManyRequests(
            beffroi_domain::msg!("err-too-many", what = what),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn forwarded(v: &str) -> axum::http::HeaderMap {
        let mut h = axum::http::HeaderMap::new();
        h.insert("x-forwarded-for", v.parse().unwrap());
        h
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let spoofed = forwarded("198.51.100.1, 203.0.113.7");
        assert_eq!(client_address(proxy, &spoofed, &[proxy]), client);
        assert_eq!(
            client_address(client, &spoofed, &[proxy]),
            client,
            "not a proxy"
        );
        assert_eq!(
            client_address(proxy, &axum::http::HeaderMap::new(), &[proxy]),
            proxy
        );
        let two = forwarded("203.0.113.7, 10.0.0.2");
        let inner: IpAddr = "10.0.0.2".parse().unwrap();
        assert_eq!(client_address(proxy, &two, &[proxy, inner]), client);
    }

    #[test]
    fn a_hop_with_a_port_is_an_address_and_garbage_cannot_pick_a_bucket() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        // nginx with `$remote_addr:$remote_port`-style entries.
        let ported = forwarded("198.51.100.1, 203.0.113.7:4711");
        assert_eq!(client_address(proxy, &ported, &[proxy]), client);
        let v6 = forwarded("[2001:db8::1]:4711");
        assert_eq!(
            client_address(proxy, &v6, &[proxy]),
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
        // What the proxy appended is not an address: the left-hand entries
        // are the client's own words and are not believed.
        let garbage = forwarded("198.51.100.1, unknown");
        assert_eq!(client_address(proxy, &garbage, &[proxy]), proxy);
    }

    #[test]
    fn an_ipv6_address_counts_as_its_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(bucket(a), bucket(b));
        assert_ne!(bucket(a), bucket(other));
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        assert_eq!(bucket(mapped), "203.0.113.7".parse::<IpAddr>().unwrap());
        // One /64 shares one budget.
        let limiter = per_address(2, Duration::from_secs(60));
        let peer = |ip| Peer(Some(ip));
        assert!(check(&limiter, &peer(a), "tries").is_ok());
        assert!(check(&limiter, &peer(b), "tries").is_ok());
        assert!(check(&limiter, &peer(a), "tries").is_err());
        assert!(check(&limiter, &peer(other), "tries").is_ok());
    }

    #[test]
    fn pruning_forgets_addresses_whose_budget_is_full_again() {
        let limiter = per_address(1, Duration::from_millis(5));
        for i in 0..200u32 {
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            let _ = limiter.check_key(&ip);
        }
        assert_eq!(limiter.len(), 200);
        std::thread::sleep(Duration::from_millis(20));
        prune(&limiter);
        assert_eq!(limiter.len(), 0);
    }
}
