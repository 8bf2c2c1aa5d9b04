//! The town hall's Ed25519 signing keys, kept in the data directory.
//!
//! Each key is one file `keys/<key id>.json` (owner-only permissions) holding
//! its secret and its public description. The newest key signs; older ones
//! stay published so alerts they signed still verify. A rotated key carries
//! the previous key's endorsement, so devices that pinned the old key accept
//! the new one.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use beffroi_domain::alert::{AlertMessage, PublicKey, SignedAlert, signing};
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot use the key directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the key file {path} is damaged: {detail}")]
    Damaged { path: PathBuf, detail: String },
    #[error("cannot sign: {0}")]
    Sign(String),
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    secret: String,
    public: PublicKey,
}

/// The keys of one server, newest last, and the key reporters' secrets are
/// derived from.
#[derive(Clone)]
pub struct KeyRing {
    keys: Vec<(SigningKey, PublicKey)>,
    report_key: [u8; 32],
    /// The P-256 key Web Push requests are signed with (VAPID, RFC 8292).
    vapid_key: [u8; 32],
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("keys", &self.public_keys())
            .finish()
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |source| KeyError::Io {
        path: path.to_owned(),
        source,
    }
}

impl KeyRing {
    fn dir(data_dir: &Path) -> PathBuf {
        data_dir.join("keys")
    }

    /// Loads the keys in `data_dir`, creating the first one if there is none.
    pub fn open(data_dir: &Path) -> Result<Self, KeyError> {
        let ring = Self::load(data_dir)?;
        if ring.keys.is_empty() {
            return Self::rotate(data_dir);
        }
        Ok(ring)
    }

    fn load(data_dir: &Path) -> Result<Self, KeyError> {
        let dir = Self::dir(data_dir);
        let mut keys = Vec::new();
        if dir.exists() {
            for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
                let path = entry.map_err(io(&dir))?.path();
                if path.extension().is_none_or(|e| e != "json") {
                    continue;
                }
                let damaged = |detail: String| KeyError::Damaged {
                    path: path.clone(),
                    detail,
                };
                let text = std::fs::read_to_string(&path).map_err(io(&path))?;
                let file: KeyFile =
                    serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?;
                let secret: [u8; 32] = STANDARD
                    .decode(&file.secret)
                    .ok()
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| damaged("the secret is not 32 bytes of base64".into()))?;
                let key = SigningKey::from_bytes(&secret);
                if signing::key_id(&key.verifying_key()) != file.public.key_id
                    || signing::encode_key(&key.verifying_key()) != file.public.public_key
                {
                    return Err(damaged("the secret does not match the public key".into()));
                }
                keys.push((key, file.public));
            }
        }
        keys.sort_by_key(|(_, p)| p.created);
        Ok(Self {
            keys,
            report_key: secret_file(&dir.join("report.secret"), |_| true)?,
            vapid_key: secret_file(&dir.join("vapid.secret"), |k| {
                web_push_native::p256::SecretKey::from_slice(k).is_ok()
            })?,
        })
    }

    pub fn report_key(&self) -> &[u8; 32] {
        &self.report_key
    }

    /// The VAPID key pair (`keys/vapid.secret`, made at first use).
    pub fn vapid_key(&self) -> &[u8; 32] {
        &self.vapid_key
    }

    /// The VAPID public key, uncompressed and base64url: what browsers
    /// subscribe with (`applicationServerKey`).
    pub fn vapid_public_key(&self) -> String {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;
        // Checked when it was read.
        web_push_native::p256::SecretKey::from_slice(&self.vapid_key)
            .map(|k| URL_SAFE_NO_PAD.encode(k.public_key().to_encoded_point(false).as_bytes()))
            .unwrap_or_default()
    }

    /// Makes a new signing key (endorsed by the current one, if any) and
    /// returns the ring with it.
    pub fn rotate(data_dir: &Path) -> Result<Self, KeyError> {
        let mut ring = Self::load(data_dir)?;
        let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
        let vk = key.verifying_key();
        let previous = ring.keys.last();
        let public = PublicKey {
            key_id: signing::key_id(&vk),
            public_key: signing::encode_key(&vk),
            created: OffsetDateTime::now_utc(),
            endorsed_by: previous.map(|(_, p)| p.key_id.clone()),
            endorsement: previous.map(|(old, _)| signing::endorse(old, &vk)),
        };
        let dir = Self::dir(data_dir);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let path = dir.join(format!("{}.json", public.key_id));
        let file = KeyFile {
            secret: STANDARD.encode(key.to_bytes()),
            public: public.clone(),
        };
        let json =
            serde_json::to_string_pretty(&file).map_err(|e| KeyError::Sign(e.to_string()))?;
        write_private(&path, json.as_bytes()).map_err(io(&path))?;
        ring.keys.push((key, public));
        Ok(ring)
    }

    pub fn public_keys(&self) -> Vec<PublicKey> {
        self.keys.iter().map(|(_, p)| p.clone()).collect()
    }

    /// Signs with the newest key.
    pub fn sign(&self, message: &AlertMessage) -> Result<SignedAlert, KeyError> {
        let (key, _) = self
            .keys
            .last()
            .ok_or_else(|| KeyError::Sign("no signing key".into()))?;
        signing::sign(message, key).map_err(|e| KeyError::Sign(e.to_string()))
    }
}

/// A 32-byte secret kept in `path` (base64), made at first use (random,
/// until `valid` accepts it).
fn secret_file(path: &Path, valid: impl Fn(&[u8; 32]) -> bool) -> Result<[u8; 32], KeyError> {
    match std::fs::read_to_string(path) {
        Ok(text) => STANDARD
            .decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .filter(&valid)
            .ok_or_else(|| KeyError::Damaged {
                path: path.to_owned(),
                detail: "not a 32-byte key in base64".into(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dir = path.parent().unwrap_or(path);
            std::fs::create_dir_all(dir).map_err(io(dir))?;
            let key = std::iter::repeat_with(rand::random::<[u8; 32]>)
                .find(&valid)
                .unwrap_or_default();
            write_private(path, STANDARD.encode(key).as_bytes()).map_err(io(path))?;
            Ok(key)
        }
        Err(e) => Err(KeyError::Io {
            path: path.to_owned(),
            source: e,
        }),
    }
}

/// Writes a file only its owner can read, then syncs it.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_start_makes_a_key_and_rotation_endorses_the_next() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = KeyRing::open(dir.path()).expect("open");
        assert_eq!(first.public_keys().len(), 1);
        let again = KeyRing::open(dir.path()).expect("reopen");
        assert_eq!(again.public_keys(), first.public_keys(), "kept, not remade");

        let rotated = KeyRing::rotate(dir.path()).expect("rotate");
        let keys = rotated.public_keys();
        assert_eq!(keys.len(), 2);
        assert_eq!(
            keys[1].endorsed_by.as_deref(),
            Some(keys[0].key_id.as_str())
        );
        assert!(signing::is_endorsed(&keys[1], &keys[..1]));

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = dir
                .path()
                .join("keys")
                .join(format!("{}.json", keys[1].key_id));
            let mode = std::fs::metadata(path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the owner reads a secret key");
        }
    }
}
