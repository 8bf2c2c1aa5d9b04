//! Per-address rate limits (governor's keyed token buckets): one address that
//! floods is refused alone, the others are served as usual.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::Extension;
use axum::extract::ConnectInfo;

use crate::error::ApiError;

pub type Limiter = governor::DefaultKeyedRateLimiter<IpAddr>;

/// The peer address, as the server's connection layer records it.
pub type Peer = Option<Extension<ConnectInfo<SocketAddr>>>;

/// `burst` at once, then one every `interval`, per address.
pub fn per_address(burst: u32, interval: Duration) -> Limiter {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    let quota = governor::Quota::with_period(interval)
        .unwrap_or_else(|| governor::Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst);
    governor::RateLimiter::keyed(quota)
}

/// Refuses with 429 when `peer` has used its budget; `what` says what is limited.
pub fn check(limiter: &Limiter, peer: &Peer, what: &str) -> Result<(), ApiError> {
    match peer {
        Some(Extension(ConnectInfo(addr))) if limiter.check_key(&addr.ip()).is_err() => {
            Err(ApiError::TooManyRequests(format!(
                "too many {what} from this address: wait a little and try again"
            )))
        }
        _ => Ok(()),
    }
}
