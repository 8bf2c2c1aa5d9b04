//! The rules in force: staff write a measure's versions (checked against
//! the domain rules and the territory), residents' devices and open data
//! read them.

use beffroi_domain::measure::{Measure, MeasureDraft};
use time::OffsetDateTime;

use crate::AppState;
use crate::error::ApiError;
use crate::store::MeasureWrite;

/// `t` to the second: what staff set and residents read.
fn second(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(0).unwrap_or(t)
}

/// Checks a draft against the domain rules and the territory's communes.
async fn checked(state: &AppState, draft: MeasureDraft) -> Result<MeasureDraft, ApiError> {
    let mut draft = draft.tidied();
    draft.since = second(draft.since);
    draft.until = draft.until.map(second);
    draft
        .validate()
        .map_err(|e| ApiError::invalid("invalid_measure", &e))?;
    super::in_territory(state, &draft.communes, "invalid_measure").await?;
    Ok(draft)
}

/// Writes a measure's next version: a new measure when `expected` is
/// `None`, else the version the writer read; `None` as the draft withdraws it.
pub async fn write(
    state: &AppState,
    id: String,
    expected: Option<u32>,
    draft: Option<MeasureDraft>,
    actor: &str,
) -> Result<Measure, ApiError> {
    let draft = match draft {
        Some(d) => Some(checked(state, d).await?),
        None => None,
    };
    // What it was (an edit may move it elsewhere, or end it).
    let before: Option<MeasureDraft> = match expected {
        Some(_) => state
            .store
            .measure_history(id.clone())
            .await?
            .pop()
            .map(|v| v.measure.draft),
        None => None,
    };
    let withdraws = draft.is_none();
    let measure = state
        .store
        .write_measure(MeasureWrite {
            id,
            expected,
            draft,
            at: second(OffsetDateTime::now_utc()),
            actor: actor.to_owned(),
        })
        .await?;
    if expected != Some(measure.version) {
        // A new version (the same content again makes none).
        state.announce(crate::store::News::Measures).await;
        // Phones whose page is closed are told, unless the measure was and
        // is over (a fix to an old one is no news).
        let now = OffsetDateTime::now_utc();
        let live = |d: &MeasureDraft| d.until.is_none_or(|u| u > now);
        if live(&measure.draft) || before.as_ref().is_some_and(live) {
            // The communes the change touches, before and after; `None`:
            // the whole territory (no commune named, before or after).
            let old = before.map(|d| d.communes);
            let territory =
                measure.draft.communes.is_empty() || old.as_ref().is_some_and(Vec::is_empty);
            let touched = (!territory).then(|| {
                let mut all = measure.draft.communes.clone();
                all.extend(old.unwrap_or_default());
                all
            });
            // Pushed apart, never delaying this.
            tokio::spawn(crate::webpush::dispatch_measures(
                state.pusher.clone(),
                state.store.clone(),
                touched,
                measure.id.clone(),
            ));
        }
    }
    tracing::info!(
        staff = %actor,
        measure = %measure.id,
        version = measure.version,
        withdrawn = withdraws,
        "measure written"
    );
    Ok(measure)
}
