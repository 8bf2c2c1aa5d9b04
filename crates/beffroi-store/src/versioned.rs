//! Documents staff keep in versions: the rules in force (measures) and the
//! advice pages. Each write makes the next version of one document, named
//! by the version its writer read; every version is kept (the history) and
//! devices sync each document's latest, a withdrawn one as a tombstone.
//! Every backend decides a write the same way, here, whatever its SQL.

use beffroi_domain::advice::{Advice, AdviceDraft};
use beffroi_domain::l10n::Msg;
use beffroi_domain::measure::{Measure, MeasureDraft};
use beffroi_domain::msg;
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::StoreError;

/// A kind of versioned document, with its table (`id`, `version`, `data`,
/// `withdrawn`, `rev`) and what its writes say.
pub trait Versioned: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    type Draft: PartialEq + Clone + Send + Sync + 'static;
    /// Its table; also what its errors name it.
    const TABLE: &'static str;
    /// Its audit actions: created, changed, withdrawn.
    const ACTIONS: [&'static str; 3];
    fn make(id: String, version: u32, draft: Self::Draft, at: OffsetDateTime) -> Self;
    fn id(&self) -> &str;
    fn version(&self) -> u32;
    fn draft(&self) -> &Self::Draft;
    /// The audit entry's detail.
    fn detail(&self) -> Option<String>;
    /// No such document.
    fn not_found(id: &str) -> Msg;
    /// The writer read an older version than `latest`.
    fn changed(latest: u32) -> Msg;
    /// A creation under an id in use at version `latest`.
    fn taken(id: &str, latest: u32) -> Msg;
    /// It was withdrawn: nothing more can be written under its id.
    fn withdrawn() -> Msg;
}

/// A document's next version, as staff write it.
#[derive(Debug, Clone)]
pub struct VersionWrite<D> {
    pub id: String,
    /// The version the writer read; `None` makes a new document.
    pub expected: Option<u32>,
    /// The new content; `None` withdraws the document.
    pub draft: Option<D>,
    pub at: OffsetDateTime,
    pub actor: String,
}

/// A measure's next version.
pub type MeasureWrite = VersionWrite<MeasureDraft>;
/// An advice page's next version.
pub type AdviceWrite = VersionWrite<AdviceDraft>;

/// A document's latest stored version: its number, whether it withdrew the
/// document, and the document as it stands.
#[derive(Debug)]
pub struct Latest<T> {
    pub version: u32,
    pub withdrawn: bool,
    pub doc: T,
}

/// What a write stores: the next version (with whether it withdraws), or
/// nothing when the content is the same.
#[derive(Debug)]
pub enum Step<T> {
    Write { doc: T, withdrawn: bool },
    Unchanged(T),
}

/// Decides a write against the document's latest stored version.
pub fn step<T: Versioned>(
    latest: Option<Latest<T>>,
    write: &VersionWrite<T::Draft>,
) -> Result<Step<T>, StoreError> {
    let next = |version: u32, draft: T::Draft| T::make(write.id.clone(), version, draft, write.at);
    match (latest, write.expected) {
        (None, None) => match &write.draft {
            Some(draft) => Ok(Step::Write {
                doc: next(1, draft.clone()),
                withdrawn: false,
            }),
            None => Err(StoreError::NotFound(T::not_found(&write.id))),
        },
        (None, Some(_)) => Err(StoreError::NotFound(T::not_found(&write.id))),
        (Some(latest), _) if latest.withdrawn => Err(StoreError::Conflict(T::withdrawn())),
        (Some(latest), None) => Err(StoreError::Conflict(T::taken(&write.id, latest.version))),
        (Some(latest), expected) if expected != Some(latest.version) => {
            Err(StoreError::Conflict(T::changed(latest.version)))
        }
        (Some(latest), _) => match &write.draft {
            Some(draft) if draft == latest.doc.draft() => Ok(Step::Unchanged(latest.doc)),
            Some(draft) => Ok(Step::Write {
                doc: next(latest.version + 1, draft.clone()),
                withdrawn: false,
            }),
            None => Ok(Step::Write {
                doc: next(latest.version + 1, latest.doc.draft().clone()),
                withdrawn: true,
            }),
        },
    }
}

/// The audit action of a write.
pub fn action<T: Versioned>(doc: &T, withdrawn: bool) -> &'static str {
    let [created, changed, gone] = T::ACTIONS;
    match (withdrawn, doc.version()) {
        (true, _) => gone,
        (false, 1) => created,
        (false, _) => changed,
    }
}

/// A stored version from its JSON.
pub fn decode<T: Versioned>(id: &str, data: &str) -> Result<T, StoreError> {
    serde_json::from_str(data).map_err(|e| StoreError::Corrupt(format!("{} {id}: {e}", T::TABLE)))
}

/// A version as stored, whole.
pub fn encode<T: Versioned>(doc: &T) -> Result<String, StoreError> {
    serde_json::to_string(doc).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Versioned for Measure {
    type Draft = MeasureDraft;
    const TABLE: &'static str = "measures";
    const ACTIONS: [&'static str; 3] = ["measure-created", "measure-changed", "measure-withdrawn"];
    fn make(id: String, version: u32, draft: MeasureDraft, at: OffsetDateTime) -> Self {
        Measure {
            id,
            version,
            draft,
            changed_at: at,
        }
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn version(&self) -> u32 {
        self.version
    }
    fn draft(&self) -> &MeasureDraft {
        &self.draft
    }
    fn detail(&self) -> Option<String> {
        Some(self.draft.rule.kind().to_owned())
    }
    fn not_found(id: &str) -> Msg {
        msg!("err-no-measure", id = id)
    }
    fn changed(latest: u32) -> Msg {
        msg!("err-measure-changed", version = latest)
    }
    // Measures' ids are the server's, never reused: a clash is a stale write.
    fn taken(_: &str, latest: u32) -> Msg {
        Self::changed(latest)
    }
    fn withdrawn() -> Msg {
        msg!("err-measure-withdrawn")
    }
}

impl Versioned for Advice {
    type Draft = AdviceDraft;
    const TABLE: &'static str = "advice";
    const ACTIONS: [&'static str; 3] = ["advice-created", "advice-changed", "advice-withdrawn"];
    fn make(id: String, version: u32, draft: AdviceDraft, at: OffsetDateTime) -> Self {
        Advice {
            id,
            version,
            draft,
            changed_at: at,
        }
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn version(&self) -> u32 {
        self.version
    }
    fn draft(&self) -> &AdviceDraft {
        &self.draft
    }
    fn detail(&self) -> Option<String> {
        None
    }
    fn not_found(id: &str) -> Msg {
        msg!("err-no-advice", id = id)
    }
    fn changed(latest: u32) -> Msg {
        msg!("err-advice-changed", version = latest)
    }
    fn taken(id: &str, _: u32) -> Msg {
        msg!("err-advice-exists", id = id)
    }
    fn withdrawn() -> Msg {
        msg!("err-advice-withdrawn")
    }
}
