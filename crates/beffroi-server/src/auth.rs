//! Staff passwords (argon2id, the `argon2` crate's defaults) and bearer tokens
//! (32 random bytes, stored as their SHA-256).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes a password for storage. CPU-heavy: call from a blocking thread.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| HashError(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// How many password checks may run at once, and wait: each argon2id check
/// holds 19 MiB for its duration, so unbounded concurrent logins (from as
/// many addresses as an attacker has) would take the server's memory.
#[derive(Debug)]
pub struct PasswordChecks {
    running: std::sync::Arc<tokio::sync::Semaphore>,
    admitted: std::sync::Arc<tokio::sync::Semaphore>,
}

/// Too many password checks are running and waiting: try again shortly.
#[derive(Debug, Clone, Copy)]
pub struct Busy;

impl PasswordChecks {
    /// `running` checks at once (one per core is all the CPU has), and
    /// `waiting` more in line; beyond that a login is refused as busy.
    pub fn new(running: usize, waiting: usize) -> Self {
        Self {
            running: std::sync::Arc::new(tokio::sync::Semaphore::new(running.max(1))),
            admitted: std::sync::Arc::new(tokio::sync::Semaphore::new(running.max(1) + waiting)),
        }
    }

    /// One per core, at most four, and four times as many in line.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
        Self::new(cores, 4 * cores)
    }

    /// Checks `password` against `stored` on a blocking thread, within the bounds.
    pub async fn verify(&self, password: String, stored: String) -> Result<bool, Busy> {
        let admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| Busy)?;
        let running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Busy)?;
        // The permits go with the work: a client that leaves does not free
        // a place while its check still runs.
        tokio::task::spawn_blocking(move || {
            let matches = verify_password(&password, &stored);
            drop((running, admitted));
            matches
        })
        .await
        .map_err(|_| Busy)
    }
}

/// A hash to verify against when the username is unknown, so that a wrong
/// username costs as much time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default())
}

/// A new random secret (token or password), URL-safe.
pub fn random_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip() {
        let h = hash_password("correct horse battery").expect("hash");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn secrets_are_random() {
        assert_ne!(random_secret(32), random_secret(32));
        assert_eq!(random_secret(32).len(), 43);
    }
}
