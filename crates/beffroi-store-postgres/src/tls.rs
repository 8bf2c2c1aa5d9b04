//! How a server reaches its PostgreSQL database: the connection settings
//! and TLS, read from the database URL with libpq's meanings, which
//! operators know from `psql`:
//!
//! - `sslmode=disable`: never TLS;
//! - `sslmode=prefer` (the default) and `sslmode=require`: TLS when the
//!   server offers it (`require`: or not at all), the traffic encrypted
//!   but the certificate not checked, as libpq does, unless `sslrootcert`
//!   is given (then as `verify-ca`). Unlike libpq, a TLS handshake that
//!   fails under `prefer` is an error, not a retry in clear (the driver
//!   does not retry): `sslmode=disable` for a server whose TLS is broken;
//! - `sslmode=verify-ca`: TLS, the certificate signed by a trusted
//!   authority;
//! - `sslmode=verify-full`: that, and issued for the host connected to.
//!   What replicas on other machines than their database should use.
//! - `sslrootcert=/path/ca.pem`: the authorities trusted (PEM), instead of
//!   the system's.
//!
//! tokio-postgres reads `disable`, `prefer` and `require` only, and no
//! `sslrootcert`: the others are taken out of the URL here and applied to
//! the TLS connector (OpenSSL through `native-tls`, as the server's HTTP
//! client uses).

use beffroi_store::StoreError;

/// A database's connection settings with the TLS they need.
#[derive(Clone)]
pub struct Link {
    pub config: tokio_postgres::Config,
    pub tls: postgres_native_tls::MakeTlsConnector,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The config holds the password: only where it leads.
        f.debug_struct("Link")
            .field("hosts", &self.config.get_hosts())
            .field("ssl_mode", &self.config.get_ssl_mode())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Encrypted, the certificate not checked.
    Nothing,
    /// Signed by a trusted authority.
    Authority,
    /// That, and for the host.
    Full,
}

impl Link {
    /// Reads `url` (`postgres://user:password@host:port/database?…`).
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut kept = Vec::new();
        let mut check = None;
        let mut root = None;
        for param in query.split('&').filter(|p| !p.is_empty()) {
            match param.split_once('=') {
                // The last one counts, as for libpq.
                Some(("sslmode", mode)) => {
                    kept.retain(|p: &&str| !p.starts_with("sslmode="));
                    check = match mode {
                        "verify-ca" => Some(Check::Authority),
                        "verify-full" => Some(Check::Full),
                        _ => {
                            kept.push(param);
                            None
                        }
                    };
                }
                Some(("sslrootcert", path)) => root = Some(beffroi_store::percent_decoded(path)),
                _ => kept.push(param),
            }
        }
        let url = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let mut config: tokio_postgres::Config =
            url.parse().map_err(|e: tokio_postgres::Error| {
                // The driver's message is "invalid connection string"; what
                // is invalid is its cause.
                let cause = std::error::Error::source(&e).map(ToString::to_string);
                StoreError::Unavailable(match cause {
                    Some(cause) => format!("{e}: {cause}"),
                    None => e.to_string(),
                })
            })?;
        if check.is_some() {
            config.ssl_mode(tokio_postgres::config::SslMode::Require);
        }
        let check = match (check, &root) {
            (Some(check), _) => check,
            // libpq: `require` with a root certificate is `verify-ca`.
            (None, Some(_)) => Check::Authority,
            (None, None) => Check::Nothing,
        };
        let mut builder = native_tls::TlsConnector::builder();
        if let Some(path) = &root {
            let pem = std::fs::read(path)
                .map_err(|e| StoreError::Unavailable(format!("sslrootcert {path}: {e}")))?;
            let authorities = certificates(&pem)
                .map_err(|e| StoreError::Unavailable(format!("sslrootcert {path}: {e}")))?;
            builder.disable_built_in_roots(true);
            for authority in authorities {
                builder.add_root_certificate(authority);
            }
        }
        match check {
            Check::Nothing => {
                builder.danger_accept_invalid_certs(true);
            }
            Check::Authority => {
                builder.danger_accept_invalid_hostnames(true);
            }
            Check::Full => {}
        }
        let connector = builder
            .build()
            .map_err(|e| StoreError::Unavailable(format!("TLS: {e}")))?;
        Ok(Self {
            config,
            tls: postgres_native_tls::MakeTlsConnector::new(connector),
        })
    }
}

/// Each certificate of a PEM file (a bundle of authorities may hold
/// several; `native-tls` reads one at a time).
fn certificates(pem: &[u8]) -> Result<Vec<native_tls::Certificate>, String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    let text = std::str::from_utf8(pem).map_err(|_| "not a PEM file".to_owned())?;
    let found: Vec<_> = text
        .match_indices(BEGIN)
        .map(|(at, _)| {
            let end = text[at..]
                .find("-----END CERTIFICATE-----")
                .map_or(text.len(), |e| at + e + "-----END CERTIFICATE-----".len());
            native_tls::Certificate::from_pem(&text.as_bytes()[at..end]).map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    if found.is_empty() {
        return Err("no certificate in it".to_owned());
    }
    Ok(found)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn libpq_modes_are_read_and_taken_out_of_what_the_driver_reads() {
        use tokio_postgres::config::SslMode;
        let link = Link::parse("postgres://b:pw@db.local/town?sslmode=verify-full").unwrap();
        assert_eq!(link.config.get_ssl_mode(), SslMode::Require);
        assert_eq!(link.config.get_dbname(), Some("town"));
        let link =
            Link::parse("postgres://b@db.local/town?sslmode=disable&application_name=x").unwrap();
        assert_eq!(link.config.get_ssl_mode(), SslMode::Disable);
        assert_eq!(link.config.get_application_name(), Some("x"));
        assert_eq!(
            Link::parse("postgres://b@db.local/town")
                .unwrap()
                .config
                .get_ssl_mode(),
            SslMode::Prefer
        );
        assert!(!format!("{link:?}").contains("pw"));
        let err = Link::parse("postgres://b@db/town?sslrootcert=/nonexistent/ca.pem").unwrap_err();
        assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
        // The last mode counts; an encoded path is decoded.
        let link = Link::parse("postgres://b@db/town?sslmode=verify-full&sslmode=disable").unwrap();
        assert_eq!(link.config.get_ssl_mode(), SslMode::Disable);
        let link = Link::parse("postgres://b@db/town?sslmode=disable&sslmode=verify-ca").unwrap();
        assert_eq!(link.config.get_ssl_mode(), SslMode::Require);
        let err = Link::parse("postgres://b@db/town?sslrootcert=/no%20such/ca.pem").unwrap_err();
        assert!(err.to_string().contains("/no such/ca.pem"), "{err}");
        let err = Link::parse("postgres://b@db/town?sslmode=verify-everything").unwrap_err();
        assert!(err.to_string().contains("sslmode"), "{err}");
    }
}
