//! The demo territory: the 51 communes of the Métropole Nice Côte d'Azur
//! (INSEE/Etalab, Licence Ouverte — see `data/README.md`) and a demo staff
//! account with a fresh random password.

use beffroi_domain::advice::{AdviceDraft, AdviceText};
use beffroi_domain::{Commune, Lang, Role, Username};

use crate::auth::{hash_password, random_secret};
use crate::store::{AdviceWrite, Store, StoreError};

const COMMUNES_CSV: &str = include_str!("../../../data/communes-metropole-nca.csv");

/// The demo's advice pages (`data/advice/SLUG.LANG.md`, the first line the
/// title): id, then the French, English and Italian texts.
const ADVICE: [(&str, [&str; 3]); 3] = [
    (
        "gestes-barrieres",
        [
            include_str!("../../../data/advice/gestes-barrieres.fr.md"),
            include_str!("../../../data/advice/gestes-barrieres.en.md"),
            include_str!("../../../data/advice/gestes-barrieres.it.md"),
        ],
    ),
    (
        "confinement",
        [
            include_str!("../../../data/advice/confinement.fr.md"),
            include_str!("../../../data/advice/confinement.en.md"),
            include_str!("../../../data/advice/confinement.it.md"),
        ],
    ),
    (
        "plan-familial",
        [
            include_str!("../../../data/advice/plan-familial.fr.md"),
            include_str!("../../../data/advice/plan-familial.en.md"),
            include_str!("../../../data/advice/plan-familial.it.md"),
        ],
    ),
];

/// A demo page's draft from its files: `# Title`, then the Markdown body.
fn advice_draft(files: [&str; 3]) -> Result<AdviceDraft, DemoError> {
    let texts = [Lang::Fr, Lang::En, Lang::It]
        .into_iter()
        .zip(files)
        .map(|(lang, file)| {
            let (first, body) = file.split_once('\n').unwrap_or((file, ""));
            let title = first.strip_prefix("# ").ok_or_else(|| DemoError::Data {
                line: 1,
                reason: format!("an advice page ({lang}) starts with `# Title`"),
            })?;
            Ok(AdviceText {
                lang,
                title: title.trim().to_owned(),
                body: body.trim().to_owned(),
            })
        })
        .collect::<Result<Vec<_>, DemoError>>()?;
    let draft = AdviceDraft {
        communes: Vec::new(),
        texts,
    }
    .tidied();
    draft.validate().map_err(|e| DemoError::Data {
        line: 0,
        reason: e.to_string(),
    })?;
    Ok(draft)
}

/// The demo's advice pages, each written once (staff edits stay).
async fn seed_advice(store: &dyn Store) -> Result<(), DemoError> {
    for (id, files) in ADVICE {
        if !store.advice_history(id.to_owned()).await?.is_empty() {
            continue;
        }
        store
            .write_advice(AdviceWrite {
                id: id.to_owned(),
                expected: None,
                draft: Some(advice_draft(files)?),
                at: time::OffsetDateTime::now_utc(),
                actor: DEMO_USERNAME.to_owned(),
            })
            .await?;
    }
    Ok(())
}

/// The demo staff account's username.
pub const DEMO_USERNAME: &str = "demo";
/// The demo territory's CAP geocode (SIREN of the EPCI) and name.
pub const TERRITORY_CODE: &str = "200030195";
pub const TERRITORY_NAME: &str = "Métropole Nice Côte d'Azur";

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the embedded communes file is invalid at line {line}: {reason}")]
    Data { line: usize, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Hash(String),
}

/// Parses a communes CSV (`insee_code,name,population,postal_codes`, postal
/// codes separated by `;`).
pub fn parse_communes(csv_text: &str) -> Result<Vec<Commune>, DemoError> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    reader
        .records()
        .enumerate()
        .map(|(i, rec)| {
            let line = i + 2;
            let data = |reason: String| DemoError::Data { line, reason };
            let rec = rec.map_err(|e| data(e.to_string()))?;
            let field = |n: usize| {
                rec.get(n)
                    .ok_or_else(|| data(format!("missing column {n}")))
            };
            let population = field(2)?
                .parse()
                .map_err(|e| data(format!("population: {e}")))?;
            let postal = field(3)?
                .split([';', ' '])
                .filter(|p| !p.is_empty())
                .map(str::to_owned);
            Commune::new(field(0)?, field(1)?, population, postal).map_err(|e| data(e.to_string()))
        })
        .collect()
}

/// The demo territory's communes, with their outlines.
pub fn communes() -> Result<Vec<Commune>, DemoError> {
    let outlines = crate::geography::read_outlines(crate::geography::DEMO_OUTLINES)
        .map_err(|reason| DemoError::Data { line: 0, reason })?;
    parse_communes(COMMUNES_CSV)?
        .into_iter()
        .map(
            |c| match outlines.iter().find(|(code, _)| code == &c.code) {
                Some((code, outline)) => {
                    c.with_outline(outline.clone())
                        .map_err(|e| DemoError::Data {
                            line: 0,
                            reason: format!("the outline of {code}: {e}"),
                        })
                }
                None => Ok(c),
            },
        )
        .collect()
}

/// Credentials of the demo staff account, to print for the operator.
#[derive(Debug, Clone)]
pub struct DemoCredentials {
    pub username: Username,
    pub password: String,
    pub role: Role,
}

/// Seeds the demo territory (idempotent) and (re)sets the demo account's password.
pub async fn seed(store: &dyn Store) -> Result<DemoCredentials, DemoError> {
    store.upsert_communes(communes()?).await?;
    seed_advice(store).await?;
    let password = random_secret(12);
    let hash = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| DemoError::Hash(e.to_string()))?
            .map_err(|e| DemoError::Hash(e.to_string()))?
    };
    let username: Username = DEMO_USERNAME
        .parse()
        .map_err(|e: beffroi_domain::staff::StaffError| DemoError::Hash(e.to_string()))?;
    store.put_staff(&username, Role::Admin, hash).await?;
    Ok(DemoCredentials {
        username,
        password,
        role: Role::Admin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_territory_has_51_communes_with_nice() {
        let communes = communes().expect("embedded CSV parses");
        assert_eq!(communes.len(), 51);
        let nice = communes
            .iter()
            .find(|c| c.code.as_str() == "06088")
            .expect("Nice");
        assert_eq!(nice.name, "Nice");
        assert!(nice.postal_codes.contains(&"06000".to_owned()));
    }

    #[test]
    fn the_demo_advice_pages_are_valid_in_three_languages() {
        for (id, files) in ADVICE {
            beffroi_domain::advice::check_id(id).expect("a valid id");
            let draft = advice_draft(files).expect("a valid page");
            assert_eq!(draft.texts.len(), 3, "{id}");
            for t in &draft.texts {
                let html = beffroi_domain::advice::render(&t.body);
                assert!(html.contains("<li>"), "{id} ({}) has a list", t.lang);
            }
        }
    }

    #[test]
    fn bad_rows_say_where() {
        let err =
            parse_communes("insee_code,name,population,postal_codes\n06088,Nice,lots,06000\n")
                .expect_err("population is not a number");
        assert!(matches!(err, DemoError::Data { line: 2, .. }), "{err}");
    }
}
