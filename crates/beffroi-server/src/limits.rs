//! Per-address rate limits (governor's keyed token buckets): one address that
//! floods is refused alone, the others are served as usual.
//!
//! The address is the connection's peer, unless the peer is one of the
//! operator's trusted reverse proxies: then it is the last address in
//! `X-Forwarded-For` that is not itself a trusted proxy. From anyone else,
//! `X-Forwarded-For` is ignored (it would let a client pick its own bucket).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::error::ApiError;

pub type Limiter = governor::DefaultKeyedRateLimiter<IpAddr>;

/// `burst` at once, then one every `interval`, per address.
pub fn per_address(burst: u32, interval: Duration) -> Limiter {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    let quota = governor::Quota::with_period(interval)
        .unwrap_or_else(|| governor::Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst);
    governor::RateLimiter::keyed(quota)
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
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    hops.into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

/// Refuses with 429 when `peer` has used its budget; `what` says what is limited.
pub fn check(limiter: &Limiter, peer: &Peer, what: &str) -> Result<(), ApiError> {
    match peer.0 {
        Some(ip) if limiter.check_key(&ip).is_err() => Err(ApiError::TooManyRequests(format!(
            "too many {what} from this address: wait a little and try again"
        ))),
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
}
