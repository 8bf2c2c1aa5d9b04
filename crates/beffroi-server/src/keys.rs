//! The town hall's Ed25519 signing keys, the key reporters' secrets are
//! derived from, and the Web Push (VAPID) key.
//!
//! A server alone keeps them in its data directory, one owner-only file
//! each (`keys/<key id>.json`, `keys/report.secret`, `keys/vapid.secret`).
//! Servers sharing a PostgreSQL database keep the same entries in it (its
//! `secrets`), so every replica signs with the same key; the first start on
//! such a database takes the keys of the data directory, if it has any, so
//! the devices that pinned them keep verifying.
//!
//! The newest key signs; older ones stay published so alerts they signed
//! still verify. A rotated key carries the previous key's endorsement, so
//! devices that pinned the old key accept the new one.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use beffroi_domain::alert::{AlertMessage, PublicKey, SignedAlert, signing};
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot use the key directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the key {name} is damaged: {detail}")]
    Damaged { name: String, detail: String },
    #[error("cannot read or keep the keys in the database: {0}")]
    Store(#[from] StoreError),
    #[error("cannot sign: {0}")]
    Sign(String),
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    secret: String,
    public: PublicKey,
}

/// Where the keys are kept.
#[derive(Clone, Copy, Debug)]
pub enum KeyHome<'a> {
    /// `keys/` in a server's data directory.
    Dir(&'a Path),
    /// The store the servers share; on first use, it takes the keys of
    /// `import_from`'s `keys/`, if there are any.
    Store {
        store: &'a dyn Store,
        import_from: &'a Path,
    },
}

const REPORT_SECRET: &str = "report.secret";
const VAPID_SECRET: &str = "vapid.secret";

impl KeyHome<'_> {
    /// Every entry: its name and its text.
    pub async fn entries(&self) -> Result<Vec<(String, String)>, KeyError> {
        match self {
            KeyHome::Dir(data_dir) => read_dir(&data_dir.join("keys")),
            KeyHome::Store { store, .. } => Ok(store.secrets().await?),
        }
    }

    /// Keeps `text` under `name`, unless there is one already (made at the
    /// same moment by another server: the caller reads again).
    pub async fn create(&self, name: &str, text: &str) -> Result<(), KeyError> {
        match self {
            KeyHome::Dir(data_dir) => {
                let dir = data_dir.join("keys");
                std::fs::create_dir_all(&dir).map_err(io(&dir))?;
                let path = dir.join(name);
                match write_private(&path, text.as_bytes()) {
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
                    other => other.map_err(io(&path)),
                }
            }
            KeyHome::Store { store, .. } => {
                store.add_secret(name.to_owned(), text.to_owned()).await?;
                Ok(())
            }
        }
    }
}

/// Copies every key of `from` that `to` lacks (a town hall moving to
/// another database, `beffroi-server migrate`); how many `to` now holds of
/// `from`'s. Nothing is replaced: a key is made once.
pub async fn copy(from: KeyHome<'_>, to: KeyHome<'_>) -> Result<usize, KeyError> {
    let entries = from.entries().await?;
    for (name, text) in &entries {
        to.create(name, text).await?;
    }
    let held = to.entries().await?;
    Ok(entries
        .iter()
        .filter(|e| held.iter().any(|h| h == *e))
        .count())
}

/// The files of a key directory (none if it does not exist).
fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, KeyError> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.ends_with(".json") || name == REPORT_SECRET || name == VAPID_SECRET {
            let text = std::fs::read_to_string(&path).map_err(io(&path))?;
            entries.push((name.to_owned(), text));
        }
    }
    Ok(entries)
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
    /// Loads the keys, creating the first one if there is none.
    pub async fn open(home: KeyHome<'_>) -> Result<Self, KeyError> {
        if let KeyHome::Store { store, import_from } = home
            && !store
                .secrets()
                .await?
                .iter()
                .any(|(n, _)| n.ends_with(".json"))
        {
            // A server moving to a shared database brings its keys.
            for (name, text) in read_dir(&import_from.join("keys"))? {
                home.create(&name, &text).await?;
            }
        }
        let ring = Self::load(home).await?;
        if ring.keys.is_empty() {
            return Self::rotate(home).await;
        }
        Ok(ring)
    }

    async fn load(home: KeyHome<'_>) -> Result<Self, KeyError> {
        let mut keys = Vec::new();
        let mut report_key = None;
        let mut vapid_key = None;
        for (name, text) in home.entries().await? {
            let damaged = |detail: String| KeyError::Damaged {
                name: name.clone(),
                detail,
            };
            if name == REPORT_SECRET {
                report_key = Some(
                    secret(&text, |_| true)
                        .ok_or_else(|| damaged("not a 32-byte key in base64".into()))?,
                );
                continue;
            }
            if name == VAPID_SECRET {
                vapid_key = Some(
                    secret(&text, vapid_valid)
                        .ok_or_else(|| damaged("not a P-256 secret key in base64".into()))?,
                );
                continue;
            }
            let file: KeyFile = serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?;
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
        keys.sort_by_key(|(_, p)| p.created);
        Ok(Self {
            keys,
            report_key: match report_key {
                Some(k) => k,
                None => made(home, REPORT_SECRET, |_| true).await?,
            },
            vapid_key: match vapid_key {
                Some(k) => k,
                None => made(home, VAPID_SECRET, vapid_valid).await?,
            },
        })
    }

    pub fn report_key(&self) -> &[u8; 32] {
        &self.report_key
    }

    /// The VAPID key pair (`vapid.secret`, made at first use).
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
    pub async fn rotate(home: KeyHome<'_>) -> Result<Self, KeyError> {
        let ring = Self::load(home).await?;
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
        let file = KeyFile {
            secret: STANDARD.encode(key.to_bytes()),
            public: public.clone(),
        };
        let json =
            serde_json::to_string_pretty(&file).map_err(|e| KeyError::Sign(e.to_string()))?;
        home.create(&format!("{}.json", public.key_id), &json)
            .await?;
        // Read again: servers starting together on a new database each made
        // a first key; every one signs with the same newest one.
        Self::load(home).await
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

fn vapid_valid(k: &[u8; 32]) -> bool {
    web_push_native::p256::SecretKey::from_slice(k).is_ok()
}

/// A 32-byte secret in base64 that `valid` accepts.
fn secret(text: &str, valid: impl Fn(&[u8; 32]) -> bool) -> Option<[u8; 32]> {
    STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .filter(valid)
}

/// Makes the secret `name` (random, until `valid` accepts it), keeps it,
/// and returns what is kept (another server's, if it made one first).
async fn made(
    home: KeyHome<'_>,
    name: &str,
    valid: impl Fn(&[u8; 32]) -> bool + Copy,
) -> Result<[u8; 32], KeyError> {
    let key = std::iter::repeat_with(rand::random::<[u8; 32]>)
        .find(|k| valid(k))
        .unwrap_or_default();
    home.create(name, &STANDARD.encode(key)).await?;
    let kept = home.entries().await?.into_iter().find(|(n, _)| n == name);
    kept.and_then(|(_, text)| secret(&text, valid))
        .ok_or_else(|| KeyError::Damaged {
            name: name.to_owned(),
            detail: "not kept".into(),
        })
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

    #[tokio::test]
    async fn the_first_start_makes_a_key_and_rotation_endorses_the_next() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = KeyHome::Dir(dir.path());
        let first = KeyRing::open(home).await.expect("open");
        assert_eq!(first.public_keys().len(), 1);
        let again = KeyRing::open(home).await.expect("reopen");
        assert_eq!(again.public_keys(), first.public_keys(), "kept, not remade");
        assert_eq!(again.report_key(), first.report_key());
        assert_eq!(again.vapid_key(), first.vapid_key());

        let rotated = KeyRing::rotate(home).await.expect("rotate");
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

    #[tokio::test]
    async fn servers_sharing_a_store_take_the_keys_of_the_first_one_and_sign_alike() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A server alone until now, with its keys in its data directory.
        let alone = KeyRing::open(KeyHome::Dir(dir.path())).await.expect("open");
        let db = tempfile::tempdir().expect("tempdir");
        let store = beffroi_store_sqlite::SqliteStore::open(db.path()).expect("store");
        let shared = KeyHome::Store {
            store: &store,
            import_from: dir.path(),
        };
        let moved = KeyRing::open(shared).await.expect("moved");
        assert_eq!(moved.public_keys(), alone.public_keys(), "pinned keys kept");
        assert_eq!(moved.report_key(), alone.report_key());
        assert_eq!(moved.vapid_key(), alone.vapid_key());
        // Another server, with an empty data directory of its own.
        let other = tempfile::tempdir().expect("tempdir");
        let replica = KeyRing::open(KeyHome::Store {
            store: &store,
            import_from: other.path(),
        })
        .await
        .expect("replica");
        assert_eq!(replica.public_keys(), alone.public_keys());
        // A rotation through one is the other's at its next start.
        let rotated = KeyRing::rotate(shared).await.expect("rotate");
        let again = KeyRing::open(KeyHome::Store {
            store: &store,
            import_from: other.path(),
        })
        .await
        .expect("again");
        assert_eq!(again.public_keys(), rotated.public_keys());
        assert_eq!(again.public_keys().len(), 2);
    }
}
