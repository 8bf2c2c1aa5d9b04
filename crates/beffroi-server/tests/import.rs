//! Importing the directory from real OSM data and from CSV files with errors.

#![allow(clippy::unwrap_used)]

use beffroi_domain::Cursor;
use beffroi_domain::Lang;
use beffroi_domain::hours::Hours;
use beffroi_server::import::{CommuneLocator, Format, ImportError, import_places, parse_csv};
use beffroi_server::{SqliteStore, Store, demo};

const MONACO: &str = include_str!("../../../data/osm-monaco-pois.geojson");
const BAD_CSV: &str = include_str!("fixtures/places-bad.csv");

/// The Monaco extract, rows' issues in English.
async fn import_monaco(store: &SqliteStore) -> beffroi_domain::place::ImportReport {
    import_places(store, Format::GeoJson, MONACO, Lang::En, Default::default())
        .await
        .unwrap()
}

async fn store_with_territory() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    store
        .upsert_communes(demo::communes().unwrap())
        .await
        .unwrap();
    (dir, store)
}

#[tokio::test]
async fn the_osm_extract_imports_and_a_reimport_changes_nothing() {
    let (_dir, store) = store_with_territory().await;
    let first = import_monaco(&store).await;
    assert!(first.counts.inserted > 400, "{:?}", first.counts);
    assert_eq!(first.counts.updated, 0);
    assert!(
        first.skipped.len() > 100,
        "benches, artworks and parkings are skipped"
    );
    // Rejections say why, with the parser's message for hours.
    assert!(
        first
            .rejected
            .iter()
            .any(|r| r.reason.contains("opening_hours")),
        "{:?}",
        first.rejected
    );
    assert!(
        first
            .rejected
            .iter()
            .all(|r| r.what.is_some() && !r.reason.is_empty())
    );

    let page = store.places_since(Cursor::START, 1000).await.unwrap();
    assert_eq!(page.items.len(), first.counts.inserted);
    // Every stored place whose hours parse gets a state.
    let now = chrono::Utc::now();
    let with_hours: Vec<_> = page
        .items
        .iter()
        .filter_map(|p| p.opening_hours.as_deref())
        .collect();
    assert!(with_hours.len() > 150, "{}", with_hours.len());
    for oh in with_hours {
        let h = Hours::parse(oh, Some("MC")).unwrap();
        let _ = h.status(&now).state;
    }
    // Monaco is outside the territory: no commune, address kept.
    assert!(page.items.iter().all(|p| p.commune.is_none()));

    let again = import_monaco(&store).await;
    assert_eq!((again.counts.inserted, again.counts.updated), (0, 0));
    assert_eq!(again.counts.unchanged, first.counts.inserted);
    let after = store.places_since(page.next_cursor, 1000).await.unwrap();
    assert!(
        after.items.is_empty(),
        "a re-import creates no change for clients"
    );
}

#[tokio::test]
async fn csv_rows_with_errors_are_reported_and_the_others_imported() {
    let (_dir, store) = store_with_territory().await;
    let report = import_places(
        &store,
        Format::Csv,
        BAD_CSV,
        Lang::It,
        std::sync::Arc::default(),
    )
    .await
    .unwrap();
    assert_eq!(report.counts.inserted, 3, "{report:?}");
    let reason = |row: usize| {
        report
            .rejected
            .iter()
            .find(|r| r.row == row)
            .map(|r| r.reason.clone())
            .unwrap_or_else(|| panic!("row {row} not rejected: {report:?}"))
    };
    // Said in the language asked for (Italian here).
    assert!(
        reason(3).contains("Orari « lundi 9h-18h » non validi"),
        "{}",
        reason(3)
    );
    assert!(reason(4).contains("La latitudine 143.7"), "{}", reason(4));
    assert!(reason(5).contains("duplicato"), "{}", reason(5));
    assert!(reason(7).contains("colonne"), "{}", reason(7));
    assert_eq!(report.rejected.len(), 4);

    // Communes come from postcode and city; a town hall reference is kept as such.
    let page = store.places_since(Cursor::START, 100).await.unwrap();
    let mairie = page
        .items
        .iter()
        .find(|p| p.id.as_str() == "ref:mairie-4")
        .unwrap();
    assert_eq!(mairie.commune.as_ref().map(|c| c.as_str()), Some("06088"));
    assert_eq!(
        mairie.source,
        beffroi_domain::place::Source::File {
            reference: "mairie-4".into()
        },
        "a row of the town hall's own file, which the same file updates"
    );
    let bakery = page
        .items
        .iter()
        .find(|p| p.id.as_str() == "osm:node:1")
        .unwrap();
    assert_eq!(
        (bakery.takeaway, bakery.delivery),
        (Some(true), Some(false))
    );
}

#[test]
fn a_csv_without_the_required_columns_is_refused_whole() {
    let err = parse_csv(
        "id,name,lat\nnode/1,X,43.7\n",
        &CommuneLocator::default(),
        Lang::En,
    )
    .unwrap_err();
    assert!(
        matches!(&err, ImportError::CsvHeader(cols) if cols.contains("category") && cols.contains("lon")),
        "{err}"
    );
}

#[tokio::test]
async fn local_producers_come_with_their_direct_sales_and_collection_points() {
    let (_dir, store) = store_with_territory().await;
    let feature = |id: u64, tags: serde_json::Value| {
        serde_json::json!({
            "type": "Feature",
            "id": format!("node/{id}"),
            "properties": tags,
            "geometry": {"type": "Point", "coordinates": [7.2683, 43.7009]}
        })
    };
    let geojson = serde_json::json!({"type": "FeatureCollection", "features": [
        feature(1, serde_json::json!({"name": "Ferme des Collines", "shop": "farm", "collection_point": "yes",
            "opening_hours": "We,Sa 08:00-12:00"})),
        feature(2, serde_json::json!({"name": "Domaine de Bellet", "craft": "winery", "shop": "wine"})),
        feature(3, serde_json::json!({"name": "Marché de la Libération", "amenity": "marketplace",
            "opening_hours": "Tu-Su 07:00-13:00"})),
        feature(4, serde_json::json!({"name": "Revendeur", "shop": "farm", "direct_sales": "no"})),
        feature(5, serde_json::json!({"name": "Boulangerie", "shop": "bakery"})),
    ]})
    .to_string();
    let report = import_places(
        &store,
        Format::GeoJson,
        &geojson,
        Lang::Fr,
        std::sync::Arc::default(),
    )
    .await
    .unwrap();
    assert_eq!(report.counts.inserted, 5, "{report:?}");
    let page = store.places_since(Cursor::START, 100).await.unwrap();
    let flags = |name: &str| {
        let p = page.items.iter().find(|p| p.name == name).unwrap();
        (p.category.as_str(), p.direct_sales, p.collection_point)
    };
    assert_eq!(
        flags("Ferme des Collines"),
        ("farm", Some(true), Some(true))
    );
    assert_eq!(flags("Domaine de Bellet"), ("producer", Some(true), None));
    // A market's stalls may be resellers: a market says it itself.
    assert_eq!(
        flags("Marché de la Libération"),
        ("marketplace", None, None)
    );
    assert_eq!(
        flags("Revendeur"),
        ("farm", Some(false), None),
        "said otherwise"
    );
    assert_eq!(flags("Boulangerie"), ("bakery", None, None));
    // Places without the flags keep their stored form: the same file again
    // changes nothing (a place stored before the flags existed compares
    // equal, its JSON having no such field).
    let bakery = page.items.iter().find(|p| p.name == "Boulangerie").unwrap();
    let json = serde_json::to_value(bakery).unwrap();
    assert!(json.get("direct_sales").is_none() && json.get("collection_point").is_none());
    let again = import_places(
        &store,
        Format::GeoJson,
        &geojson,
        Lang::Fr,
        std::sync::Arc::default(),
    )
    .await
    .unwrap();
    assert_eq!(again.counts.unchanged, 5, "{again:?}");
}

#[tokio::test]
async fn the_town_halls_own_file_imported_again_updates_its_rows() {
    let (_dir, store) = store_with_territory().await;
    let file = |hours: &str| {
        format!(
            "id,name,category,lat,lon,opening_hours,direct_sales\n\
             mairie-1,Mairie annexe,townhall,43.7120,7.2840,{hours},\n\
             ferme-2,Ferme du Rey,farm,43.7300,7.2600,We 08:00-12:00,no\n"
        )
    };
    let import = |text: String| {
        let store = store.clone();
        async move {
            import_places(
                &store,
                Format::Csv,
                &text,
                Lang::Fr,
                std::sync::Arc::default(),
            )
            .await
            .unwrap()
        }
    };
    let first = import(file("Mo-Fr 08:30-16:30")).await;
    assert_eq!(first.counts.inserted, 2, "{first:?}");
    // The town hall fixed its hours in its file: the same import updates them.
    let again = import(file("Mo-Fr 08:00-17:00")).await;
    assert_eq!(
        (again.counts.updated, again.counts.unchanged),
        (1, 1),
        "{again:?}"
    );
    let page = store.places_since(Cursor::START, 10).await.unwrap();
    let mairie = page
        .items
        .iter()
        .find(|p| p.id.as_str() == "ref:mairie-1")
        .unwrap();
    assert_eq!(mairie.opening_hours.as_deref(), Some("Mo-Fr 08:00-17:00"));
    let farm = page
        .items
        .iter()
        .find(|p| p.id.as_str() == "ref:ferme-2")
        .unwrap();
    assert_eq!(
        farm.direct_sales,
        Some(false),
        "the file's column says otherwise"
    );
}
