use std::sync::atomic::{AtomicUsize, Ordering};

use beffroi_client::ClientError;
use beffroi_client::i18n::Localizer;
use beffroi_domain::Lang;
use beffroi_domain::l10n::{Localize, Msg};
use serde::Serialize;

/// The resident's language (an index into `Lang::ALL`): errors are said in it.
static LANG: AtomicUsize = AtomicUsize::new(0);

/// Says the app's errors in `lang` from now on (at start, and when the
/// resident changes it).
pub fn set_lang(lang: Lang) {
    LANG.store(
        Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0),
        Ordering::Relaxed,
    );
}

/// A message in the resident's language.
pub fn say(msg: &Msg) -> String {
    let lang = Lang::ALL[LANG.load(Ordering::Relaxed).min(2)];
    Localizer::shared(lang).map_or_else(|_| msg.id.to_owned(), |l| l.render(msg))
}

/// What a command can fail with, as the front end receives it:
/// `{"kind": "offline", "message": "..."}`.
#[derive(Debug, thiserror::Error, Serialize, ts_rs::TS)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
#[ts(export)]
pub enum CommandError {
    /// The server cannot be reached; the cache still answers.
    #[error("{0}")]
    Offline(String),
    /// The server refused the request.
    #[error("{0}")]
    Server(String),
    /// The input is not valid (e.g. an unknown commune).
    #[error("{0}")]
    Invalid(String),
    /// The local store failed.
    #[error("{0}")]
    Storage(String),
    /// The server does not hold the town hall's key the resident was given:
    /// nothing from it is trusted.
    #[error("{0}")]
    Untrusted(String),
}

impl From<ClientError> for CommandError {
    fn from(e: ClientError) -> Self {
        let msg = say(&e.msg());
        match e {
            ClientError::Offline { .. } => CommandError::Offline(msg),
            ClientError::Server { .. } | ClientError::Protocol { .. } => CommandError::Server(msg),
            ClientError::KeyMismatch { .. } => CommandError::Untrusted(msg),
            ClientError::NoServer
            | ClientError::InvalidServerUrl(_)
            | ClientError::InvalidKey(_)
            | ClientError::InvalidReport(_)
            | ClientError::InvalidPlace(_)
            | ClientError::Photo(_)
            | ClientError::PushNoCommune
            | ClientError::PushNotSubscribed => CommandError::Invalid(msg),
            ClientError::Store(_) | ClientError::Io { .. } => CommandError::Storage(msg),
        }
    }
}
