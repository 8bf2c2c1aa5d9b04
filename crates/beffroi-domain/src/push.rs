//! Web Push subscriptions (RFC 8030; encryption RFC 8291, VAPID RFC 8292).
//!
//! A phone's browser (or a UnifiedPush distributor on Android) gives an
//! endpoint and its keys; the resident says which communes they follow, in
//! which language and from which severity. The town hall's server pushes
//! there only an alert's id, encrypted; the device fetches the signed alert
//! itself. What the server checks here is the shape; that the endpoint is a
//! public address it checks itself (it resolves the name).

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::InseeCode;
use crate::alert::Severity;
use crate::lang::Lang;

/// The longest endpoint accepted (push services' are ~200 characters).
pub const MAX_ENDPOINT: usize = 1000;
/// The most communes one subscription follows.
pub const MAX_COMMUNES: usize = 100;

/// A subscription as the browser's `PushSubscription.toJSON()` gives it,
/// with what the resident follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PushSubscription {
    /// Where the push service takes pushes for this device (`https://`).
    pub endpoint: String,
    pub keys: PushKeys,
    /// The communes followed; an alert for the whole territory reaches
    /// every subscription.
    pub communes: Vec<InseeCode>,
    /// The language the notification is shown in.
    pub lang: Lang,
    /// The lowest severity pushed (`unknown`: every alert).
    pub min_severity: Severity,
    /// Whether the device understands a push saying the rules in force
    /// changed (`{"measures":true}`): pages from before say nothing, and
    /// would show such a push as an alert they cannot read.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub measures: Option<bool>,
}

/// The device's keys, base64url (RFC 8291).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PushKeys {
    /// The device's P-256 public key, uncompressed (65 bytes).
    pub p256dh: String,
    /// The authentication secret (16 bytes).
    pub auth: String,
}

/// Ends a subscription: its endpoint and its authentication secret (which
/// only the device knows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PushUnsubscribe {
    pub endpoint: String,
    pub auth: String,
}

/// `GET /api/v1/push/key`: the server's VAPID public key, base64url (the
/// browser's `applicationServerKey`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct VapidKey {
    pub public_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    #[error("the push endpoint must be an https:// address")]
    EndpointNotHttps,
    #[error("the push endpoint is not a public internet address")]
    EndpointPrivate,
    #[error("the push endpoint is longer than {MAX_ENDPOINT} characters")]
    EndpointTooLong,
    #[error("the subscription's keys are not valid (p256dh: 65 bytes, auth: 16 bytes, base64url)")]
    Keys,
    #[error("a subscription follows 1 to {MAX_COMMUNES} communes")]
    Communes,
}

/// Decodes base64url, with or without padding.
pub fn base64url(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim().trim_end_matches('='))
        .ok()
}

/// The scheme and host of an endpoint: `("https", "push.example.net", 443)`.
pub fn endpoint_host(endpoint: &str) -> Option<(&str, &str, u16)> {
    let (scheme, rest) = endpoint.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.contains('@') {
        return None;
    }
    let default = match scheme {
        "https" => 443,
        "http" => 80,
        _ => return None,
    };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        match after.strip_prefix(':') {
            Some(p) => (host, p.parse().ok()?),
            None if after.is_empty() => (host, default),
            None => return None,
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().ok()?),
            None => (authority, default),
        }
    };
    (!host.is_empty()).then_some((scheme, host, port))
}

impl PushSubscription {
    /// Checks the shape: an `https` endpoint (`http` too when `insecure`,
    /// for a push service on this machine in tests), keys of the right
    /// lengths, 1 to [`MAX_COMMUNES`] communes. Whether the commune codes
    /// are the territory's and the host public is the server's to check.
    pub fn check(&self, insecure: bool) -> Result<(), PushError> {
        if self.endpoint.len() > MAX_ENDPOINT {
            return Err(PushError::EndpointTooLong);
        }
        match endpoint_host(&self.endpoint) {
            Some(("https", ..)) => {}
            Some(("http", ..)) if insecure => {}
            _ => return Err(PushError::EndpointNotHttps),
        }
        if self
            .endpoint
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(PushError::EndpointNotHttps);
        }
        let p256dh = base64url(&self.keys.p256dh).ok_or(PushError::Keys)?;
        let auth = base64url(&self.keys.auth).ok_or(PushError::Keys)?;
        if p256dh.len() != 65 || p256dh[0] != 4 || auth.len() != 16 {
            return Err(PushError::Keys);
        }
        if self.communes.is_empty() || self.communes.len() > MAX_COMMUNES {
            return Err(PushError::Communes);
        }
        Ok(())
    }
}

/// Whether an address is on the public internet: not this machine, not a
/// private, shared, link-local, documentation, multicast or reserved range
/// (a push to one would reach into the town hall's own network).
pub fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            // Global unicast (2000::/3) only, without the ranges that carry
            // an IPv4 address or a tunnel into one: 6to4 (2002::/16),
            // Teredo (2001::/32), documentation (2001:db8::/32). The rest
            // (loopback, IPv4-compatible, NAT64, unique and link local,
            // multicast) is outside 2000::/3.
            (s[0] & 0xe000) == 0x2000
                && s[0] != 0x2002
                && !(s[0] == 0x2001 && (s[1] == 0 || s[1] == 0x0db8))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(endpoint: &str) -> PushSubscription {
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let mut p256dh = vec![4u8];
        p256dh.extend([7u8; 64]);
        PushSubscription {
            endpoint: endpoint.into(),
            keys: PushKeys {
                p256dh: b64(&p256dh),
                auth: b64(&[1u8; 16]),
            },
            communes: vec!["06088".parse().unwrap_or_else(|e| panic!("{e:?}"))],
            lang: Lang::Fr,
            min_severity: Severity::Severe,
            measures: None,
        }
    }

    #[test]
    fn a_subscription_is_an_https_endpoint_with_keys_of_the_right_size() {
        assert_eq!(
            sub("https://push.example.net/wpush/v2/abc").check(false),
            Ok(())
        );
        assert_eq!(
            sub("http://push.example.net/x").check(false),
            Err(PushError::EndpointNotHttps)
        );
        assert_eq!(sub("http://127.0.0.1:9/x").check(true), Ok(()));
        for bad in [
            "ftp://x/y",
            "https://",
            "https://user@host/x",
            "push.example.net",
        ] {
            assert_eq!(
                sub(bad).check(true),
                Err(PushError::EndpointNotHttps),
                "{bad}"
            );
        }
        let long = format!("https://push.example.net/{}", "a".repeat(MAX_ENDPOINT));
        assert_eq!(sub(&long).check(false), Err(PushError::EndpointTooLong));
        let mut s = sub("https://push.example.net/x");
        s.keys.auth = "AAAA".into();
        assert_eq!(s.check(false), Err(PushError::Keys));
        let mut s = sub("https://push.example.net/x");
        s.keys.p256dh = "not base64!".into();
        assert_eq!(s.check(false), Err(PushError::Keys));
        let mut s = sub("https://push.example.net/x");
        s.communes.clear();
        assert_eq!(s.check(false), Err(PushError::Communes));
    }

    #[test]
    fn hosts_and_ports_are_read_from_the_endpoint() {
        assert_eq!(
            endpoint_host("https://push.example.net/x"),
            Some(("https", "push.example.net", 443))
        );
        assert_eq!(
            endpoint_host("http://127.0.0.1:8080/x?y"),
            Some(("http", "127.0.0.1", 8080))
        );
        assert_eq!(
            endpoint_host("https://[::1]:9/x"),
            Some(("https", "::1", 9))
        );
        assert_eq!(
            endpoint_host("https://[::1]/x"),
            Some(("https", "::1", 443))
        );
        assert_eq!(endpoint_host("https://host:port/x"), None);
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "192.0.0.1",
            "198.18.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::127.0.0.1",
            "64:ff9b:1::a00:1",
            "2002:a00:1::",
            "2001::1",
            "fec0::1",
            "100::1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            let ip: std::net::IpAddr = private.parse().unwrap_or_else(|e| panic!("{private}: {e}"));
            assert!(!is_public(ip), "{private}");
        }
        for public in [
            "8.8.8.8",
            "93.184.216.34",
            "2a00:1450:4007:80e::200e",
            "::ffff:8.8.8.8",
        ] {
            let ip: std::net::IpAddr = public.parse().unwrap_or_else(|e| panic!("{public}: {e}"));
            assert!(is_public(ip), "{public}");
        }
    }
}
