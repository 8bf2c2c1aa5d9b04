//! The storage contract: one story per part of the [`Store`] trait, written
//! once against `&dyn Store` and run for every backend by its tests with
//! [`contract!`](crate::contract!), each story on a fresh store. Together they
//! call every method of the trait. [`ordering`] is the one that matters across
//! processes: under concurrent writers, a reader following cursors never goes
//! back and never misses one (a naive design, whose commit order is not its
//! cursor order, fails it: see the SQLite store's tests).
//!
//! Test code: a broken promise panics with what broke.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use beffroi_domain::advice::{AdviceDraft, AdviceText};
use beffroi_domain::aid::{AidInbox, AidKind, AidPost, AidSide, NewAidMessage};
use beffroi_domain::alert::{AlertDraft, AlertMessage, AlertState, MsgType, Reference, Severity};
use beffroi_domain::measure::{MaskRule, MeasureDraft, MeasureText, Rule};
use beffroi_domain::place::{
    Address, Category, Place, PlaceId, Position, Source, UpsertCounts, Writer,
};
use beffroi_domain::push::{PushKeys, PushSubscription};
use beffroi_domain::report::{NewReport, ReportStatus, StatusKind, StatusUpdate};
use beffroi_domain::shape::Outline;
use beffroi_domain::{Commune, Cursor, Lang, Role};
use time::{Duration, OffsetDateTime};

use crate::{
    AdviceWrite, Expect, MeasureWrite, Photo, PhotoBlobs, Publication, PushSaved, ReportFilter,
    Store, StoreError, Submitted,
};

// ---------------------------------------------------------------- fixtures

fn commune(code: &str, name: &str, population: u32) -> Commune {
    Commune::new(code, name, population, ["06000".to_owned()]).unwrap()
}

fn square(lon: f64, lat: f64) -> Outline {
    let d = 0.01;
    Outline(vec![vec![vec![
        [lon, lat],
        [lon + d, lat],
        [lon + d, lat + d],
        [lon, lat + d],
        [lon, lat],
    ]]])
}

fn place(id: &str, name: &str, source: Source) -> Place {
    Place {
        id: PlaceId(id.to_owned()),
        name: name.to_owned(),
        category: Category::Pharmacy,
        address: Address {
            street: Some("Avenue Jean Médecin".into()),
            city: Some("Nice".into()),
            ..Address::default()
        },
        commune: Some("06088".parse().unwrap()),
        position: Position {
            lat: 43.70,
            lon: 7.27,
        },
        phone: None,
        website: None,
        email: None,
        wheelchair: None,
        opening_hours: Some("Mo-Sa 09:00-19:00".into()),
        crisis: None,
        delivery: Some(true),
        takeaway: None,
        drive_through: None,
        direct_sales: None,
        collection_point: None,
        source,
        last_checked: None,
        tags: BTreeMap::new(),
    }
}

fn osm_place(n: u32, name: &str) -> Place {
    place(
        &format!("osm:node:{n}"),
        name,
        Source::Osm {
            element: format!("node/{n}"),
        },
    )
}

fn draft(headline: &str) -> AlertDraft {
    serde_json::from_value(serde_json::json!({
        "status": "actual",
        "category": "health",
        "event": "Confinement",
        "urgency": "immediate",
        "severity": "severe",
        "certainty": "observed",
        "texts": [{"lang": "fr", "headline": headline, "description": "Restez chez vous."}],
        "area": {"kind": "communes", "communes": ["06088"]},
        "expires": "2030-01-01T00:00:00Z"
    }))
    .unwrap()
}

fn signing_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[7; 32])
}

/// A message of `msg_type` for `body`, referencing `references`, signed.
fn publication(
    alert_id: &str,
    identifier: &str,
    msg_type: MsgType,
    references: Vec<Reference>,
    expect: Expect,
    body: AlertDraft,
) -> Publication {
    let message = AlertMessage {
        identifier: identifier.to_owned(),
        sender: "mairie@nice.test".into(),
        sent: OffsetDateTime::now_utc().replace_nanosecond(0).unwrap(),
        msg_type,
        references,
        sender_name: Some("Ville de Nice".into()),
        body: body.clone(),
    };
    let signed = beffroi_domain::alert::signing::sign(&message, &signing_key()).unwrap();
    Publication {
        alert_id: alert_id.to_owned(),
        expect,
        draft: body,
        message,
        signed: serde_json::to_string(&signed).unwrap(),
        actor: "m.durand".into(),
        action: match msg_type {
            MsgType::Alert => "publish",
            MsgType::Update => "update",
            MsgType::Cancel => "cancel",
        },
    }
}

fn reference(p: &Publication) -> Reference {
    Reference {
        sender: p.message.sender.clone(),
        identifier: p.message.identifier.clone(),
        sent: p.message.sent,
    }
}

fn report(id: &str, category: &str, commune: Option<&str>, at: Option<(f64, f64)>) -> NewReport {
    NewReport {
        id: id.to_owned(),
        category: category.to_owned(),
        description: format!("Report {id}"),
        location: beffroi_domain::report::ReportLocation {
            position: at.map(|(lat, lon)| Position { lat, lon }),
            address: None,
        },
        commune: commune.map(|c| c.parse().unwrap()),
        contact: Some(beffroi_domain::report::Contact {
            name: Some("Jeanne".into()),
            email: Some("jeanne@example.test".into()),
            phone: None,
        }),
        lang: Lang::Fr,
        answers: BTreeMap::new(),
        filed_by: None,
    }
}

fn subscription(n: u32, auth: &str) -> PushSubscription {
    PushSubscription {
        endpoint: format!("https://push.example.test/{n:03}"),
        keys: PushKeys {
            p256dh: "BP256dh".into(),
            auth: auth.to_owned(),
        },
        communes: vec!["06088".parse().unwrap()],
        lang: Lang::It,
        min_severity: Severity::Moderate,
        // Every other one understands a push about the rules.
        measures: n.is_multiple_of(2).then_some(true),
    }
}

/// The territory every story but `communes` starts from.
async fn territory(store: &dyn Store) {
    store
        .upsert_communes(vec![
            commune("06088", "Nice", 342_669),
            commune("06029", "Cagnes-sur-Mer", 51_524),
        ])
        .await
        .unwrap();
}

// ---------------------------------------------------------------- stories

/// upsert_communes, communes, communes_since.
pub async fn communes(store: &dyn Store) {
    let nice = commune("06088", "Nice", 1)
        .with_outline(square(7.2, 43.7))
        .unwrap();
    let changed = store
        .upsert_communes(vec![nice.clone(), commune("06029", "Cagnes-sur-Mer", 2)])
        .await
        .unwrap();
    assert_eq!(changed, 2);
    let all = store.communes_since(Cursor::START, 100).await.unwrap();
    assert_eq!(all.items.len(), 2);
    assert!(!all.has_more);
    // The sync carries the outline and centre; the list does not.
    let synced = all.items.iter().find(|c| c.code.as_str() == "06088");
    assert_eq!(synced.unwrap().outline, nice.outline);
    assert_eq!(synced.unwrap().centre, nice.centre);
    let listed = store.communes().await.unwrap();
    assert_eq!(
        listed.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
        ["06029", "06088"],
        "by code"
    );
    assert!(listed.iter().all(|c| c.outline.is_none()));
    // Pages of one.
    let first = store.communes_since(Cursor::START, 1).await.unwrap();
    assert_eq!((first.items.len(), first.has_more), (1, true));
    let second = store.communes_since(first.next_cursor, 1).await.unwrap();
    assert_eq!((second.items.len(), second.has_more), (1, false));
    assert_ne!(first.items[0].code, second.items[0].code);
    assert_eq!(second.next_cursor, all.next_cursor);
    // Unchanged upserts keep their cursor: nothing new after the last one.
    assert_eq!(store.upsert_communes(vec![nice.clone()]).await.unwrap(), 0);
    let none = store.communes_since(all.next_cursor, 100).await.unwrap();
    assert!(none.items.is_empty());
    assert_eq!(none.next_cursor, all.next_cursor);
    // A change (here, losing the outline) moves the commune after the cursor.
    store
        .upsert_communes(vec![commune("06088", "Nice", 3)])
        .await
        .unwrap();
    let delta = store.communes_since(all.next_cursor, 100).await.unwrap();
    assert_eq!(delta.items, vec![commune("06088", "Nice", 3)]);
    assert!(delta.next_cursor > all.next_cursor);
}

/// add_staff, put_staff, staff_credentials, list_staff, create_session,
/// session_staff, delete_session.
pub async fn staff_and_sessions(store: &dyn Store) {
    let name = "m.durand".parse().unwrap();
    let other = "a.martin".parse().unwrap();
    assert!(store.staff_credentials(&name).await.unwrap().is_none());
    store
        .add_staff(&name, Role::Editor, "hash".into())
        .await
        .unwrap();
    assert!(matches!(
        store.add_staff(&name, Role::Admin, "other".into()).await,
        Err(StoreError::AlreadyExists(_))
    ));
    let creds = store.staff_credentials(&name).await.unwrap().unwrap();
    assert_eq!(
        (creds.member.role, creds.password_hash.as_str()),
        (Role::Editor, "hash"),
        "the refused add changed nothing"
    );
    store
        .put_staff(&name, Role::Publisher, "new".into())
        .await
        .unwrap();
    store
        .put_staff(&other, Role::Admin, "x".into())
        .await
        .unwrap();
    let listed = store.list_staff().await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|m| (m.username.as_str(), m.role))
            .collect::<Vec<_>>(),
        [("a.martin", Role::Admin), ("m.durand", Role::Publisher)],
        "by name"
    );
    assert_eq!(
        store
            .staff_credentials(&name)
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "new"
    );

    let now = OffsetDateTime::now_utc();
    store
        .create_session([1; 32], &name, now + Duration::hours(1))
        .await
        .unwrap();
    store
        .create_session([3; 32], &other, now + Duration::hours(1))
        .await
        .unwrap();
    let member = store.session_staff([1; 32], now).await.unwrap().unwrap();
    assert_eq!((member.username, member.role), (name, Role::Publisher));
    assert!(
        store
            .session_staff([1; 32], now + Duration::hours(2))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert!(
        store.session_staff([2; 32], now).await.unwrap().is_none(),
        "unknown"
    );
    store.delete_session([1; 32]).await.unwrap();
    assert!(
        store.session_staff([1; 32], now).await.unwrap().is_none(),
        "deleted"
    );
    assert!(
        store.session_staff([3; 32], now).await.unwrap().is_some(),
        "another session is left alone"
    );
    // Deleting what is not there is not an error.
    store.delete_session([9; 32]).await.unwrap();
}

/// upsert_places (counts, imports versus staff), places_since(_json) (pages,
/// tombstones), get_place, list_places, delete_place.
pub async fn places(store: &dyn Store) {
    let osm = osm_place;
    let counts = store
        .upsert_places(
            vec![
                osm(1, "Pharmacie du Port"),
                osm(2, "Pharmacie Masséna"),
                osm(3, "Grande Pharmacie 100%_sûre"),
            ],
            Writer::Import,
        )
        .await
        .unwrap();
    assert_eq!(
        counts,
        UpsertCounts {
            inserted: 3,
            ..UpsertCounts::default()
        }
    );
    let start = store.places_since(Cursor::START, 100).await.unwrap();
    assert_eq!(start.items.len(), 3);
    assert!(start.deleted.is_empty());

    // Staff edit one; the same import again leaves it alone and changes nothing else.
    let mut edited = osm(1, "Pharmacie du Port (de garde)");
    edited.source = Source::Staff;
    let counts = store
        .upsert_places(vec![edited.clone()], Writer::Staff)
        .await
        .unwrap();
    assert_eq!(counts.updated, 1);
    let counts = store
        .upsert_places(
            vec![osm(1, "Pharmacie du Port"), osm(2, "Pharmacie Masséna")],
            Writer::Import,
        )
        .await
        .unwrap();
    assert_eq!(
        counts,
        UpsertCounts {
            kept: 1,
            unchanged: 1,
            ..UpsertCounts::default()
        }
    );
    assert_eq!(
        store
            .get_place(&PlaceId("osm:node:1".into()))
            .await
            .unwrap(),
        Some(edited.clone())
    );
    // An import's change to a place staff never touched goes through.
    let counts = store
        .upsert_places(vec![osm(2, "Pharmacie Masséna Centre")], Writer::Import)
        .await
        .unwrap();
    assert_eq!(counts.updated, 1);

    // Deleting leaves a tombstone; an import does not bring the place back.
    assert!(
        store
            .delete_place(&PlaceId("osm:node:3".into()))
            .await
            .unwrap()
    );
    assert!(
        !store
            .delete_place(&PlaceId("osm:node:3".into()))
            .await
            .unwrap(),
        "already deleted"
    );
    assert!(
        !store
            .delete_place(&PlaceId("osm:node:404".into()))
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .upsert_places(vec![osm(3, "Grande Pharmacie 100%_sûre")], Writer::Import)
            .await
            .unwrap()
            .kept,
        1
    );
    assert!(
        store
            .get_place(&PlaceId("osm:node:3".into()))
            .await
            .unwrap()
            .is_none()
    );

    // The delta since the first sync: the staff edit, the import's update, the tombstone.
    let delta = store.places_since(start.next_cursor, 100).await.unwrap();
    let mut names: Vec<_> = delta.items.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["Pharmacie Masséna Centre", "Pharmacie du Port (de garde)"]
    );
    assert_eq!(delta.deleted, ["osm:node:3"]);
    // The same delta, one change per page, as raw JSON.
    let mut cursor = start.next_cursor;
    let mut pages = 0;
    loop {
        let page = store.places_since_json(cursor, 1).await.unwrap();
        assert_eq!(page.items.len() + page.deleted.len(), 1);
        for raw in &page.items {
            let decoded: Place = serde_json::from_str(raw.get()).unwrap();
            assert!(delta.items.contains(&decoded));
        }
        assert!(page.next_cursor > cursor);
        cursor = page.next_cursor;
        pages += 1;
        if !page.has_more {
            break;
        }
    }
    assert_eq!((pages, cursor), (3, delta.next_cursor));

    // Staff listing: a name's part in any case, LIKE's wildcards taken literally.
    let names = |places: Vec<Place>| places.into_iter().map(|p| p.name).collect::<Vec<_>>();
    assert_eq!(
        names(
            store
                .list_places(Some("PHARMACIE".into()), 10, 0)
                .await
                .unwrap()
        ),
        ["Pharmacie du Port (de garde)", "Pharmacie Masséna Centre"],
    );
    store
        .upsert_places(
            vec![
                osm(4, "Grande Pharmacie 100%_sûre"),
                osm(5, "Pharmacie 1000"),
            ],
            Writer::Import,
        )
        .await
        .unwrap();
    assert_eq!(
        names(
            store
                .list_places(Some("100%_".into()), 10, 0)
                .await
                .unwrap()
        ),
        ["Grande Pharmacie 100%_sûre"]
    );
    assert_eq!(store.list_places(None, 10, 0).await.unwrap().len(), 4);
    assert_eq!(
        names(store.list_places(None, 2, 1).await.unwrap()),
        ["Pharmacie 1000", "Pharmacie du Port (de garde)"],
        "by name, any case, paged"
    );
}

/// create_alert, edit_alert, get_alert, list_alerts, publish (new, update,
/// cancel and their conflicts), alert_messages, alert_of_message,
/// alerts_after, audit_log.
pub async fn alerts(store: &dyn Store) {
    territory(store).await;
    assert_eq!(store.latest_alert_cursor().await.unwrap(), Cursor::START);
    let a = store
        .create_alert("a".into(), draft("Brouillon"), "m.durand".into())
        .await
        .unwrap();
    assert_eq!(
        (a.state, a.thread.as_deref(), a.messages.len()),
        (AlertState::Draft, None, 0)
    );
    assert!(matches!(
        store
            .create_alert("a".into(), draft("Encore"), "m.durand".into())
            .await,
        Err(StoreError::AlreadyExists(_))
    ));
    let a = store
        .edit_alert("a".into(), draft("Confinement"), "a.martin".into())
        .await
        .unwrap();
    assert_eq!(a.draft.texts[0].headline, "Confinement");
    assert_eq!(a.created_by, "m.durand");
    assert!(matches!(
        store
            .edit_alert("nope".into(), draft("x"), "a.martin".into())
            .await,
        Err(StoreError::NotFound(_))
    ));
    store
        .create_alert("b".into(), draft("Autre"), "m.durand".into())
        .await
        .unwrap();
    assert_eq!(
        store
            .list_alerts()
            .await
            .unwrap()
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>(),
        ["b", "a"],
        "the most recently changed first"
    );

    // Sending the draft.
    let first = publication(
        "a",
        "msg-1",
        MsgType::Alert,
        vec![],
        Expect::Draft,
        draft("Confinement"),
    );
    let sent = store.publish(first.clone()).await.unwrap();
    assert_eq!(sent.area, first.message.body.area);
    assert_eq!(&*sent.signed, first.signed.as_str());
    assert!(sent.cursor > Cursor::START);
    let a = store.get_alert("a".into()).await.unwrap().unwrap();
    assert_eq!(
        (a.state, a.thread.as_deref(), a.messages.as_slice()),
        (
            AlertState::Active,
            Some("msg-1"),
            ["msg-1".to_owned()].as_slice()
        )
    );
    assert!(matches!(
        store
            .edit_alert("a".into(), draft("x"), "a.martin".into())
            .await,
        Err(StoreError::Conflict(_))
    ));
    // The same identifier twice, or a draft sent again: refused, nothing stored.
    assert!(matches!(
        store.publish(first.clone()).await,
        Err(StoreError::AlreadyExists(_))
    ));
    // A draft sent again, an update to a draft or to nothing: refused.
    for (alert, expect, msg_type, conflict) in [
        ("a", Expect::Draft, MsgType::Alert, true),
        ("b", Expect::Published, MsgType::Update, true),
        ("ghost", Expect::Published, MsgType::Update, false),
    ] {
        let p = publication(alert, "refused", msg_type, vec![], expect, draft("x"));
        let outcome = store.publish(p).await;
        assert!(
            if conflict {
                matches!(outcome, Err(StoreError::Conflict(_)))
            } else {
                matches!(outcome, Err(StoreError::NotFound(_)))
            },
            "{alert}: {outcome:?}"
        );
    }

    // An update then a cancel.
    let update = publication(
        "a",
        "msg-2",
        MsgType::Update,
        vec![reference(&first)],
        Expect::Published,
        draft("Confinement prolongé"),
    );
    let updated = store.publish(update.clone()).await.unwrap();
    assert!(updated.cursor > sent.cursor);
    let cancel = publication(
        "a",
        "msg-3",
        MsgType::Cancel,
        vec![reference(&first), reference(&update)],
        Expect::Published,
        draft("Confinement levé"),
    );
    let cancelled = store.publish(cancel).await.unwrap();
    let a = store.get_alert("a".into()).await.unwrap().unwrap();
    assert_eq!(a.state, AlertState::Cancelled);
    assert_eq!(a.draft.texts[0].headline, "Confinement levé");
    assert_eq!(a.thread.as_deref(), Some("msg-1"));
    assert_eq!(a.messages, ["msg-1", "msg-2", "msg-3"]);
    let late = publication(
        "a",
        "late",
        MsgType::Update,
        vec![],
        Expect::Published,
        draft("x"),
    );
    let late = store.publish(late).await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
    // A CAP message for a new alert creates it at once.
    let cap = publication(
        "c",
        "cap-1",
        MsgType::Alert,
        vec![],
        Expect::New,
        draft("Canicule"),
    );
    let cap_sent = store.publish(cap).await.unwrap();
    assert_eq!(
        store.get_alert("c".into()).await.unwrap().unwrap().state,
        AlertState::Active
    );
    assert!(store.get_alert("zz".into()).await.unwrap().is_none());

    let messages = store.alert_messages("a".into()).await.unwrap();
    assert_eq!(
        messages
            .iter()
            .map(|m| (m.identifier.as_str(), m.msg_type))
            .collect::<Vec<_>>(),
        [
            ("msg-1", MsgType::Alert),
            ("msg-2", MsgType::Update),
            ("msg-3", MsgType::Cancel)
        ]
    );
    assert_eq!(messages[1], update.message, "as signed");
    assert_eq!(
        store.alert_of_message("msg-2".into()).await.unwrap(),
        Some("a".into())
    );
    assert_eq!(store.alert_of_message("x".into()).await.unwrap(), None);

    // The feed: every message after a cursor, in order, paged.
    let all = store.alerts_after(Cursor::START, 100).await.unwrap();
    assert_eq!(
        all.iter().map(|s| s.cursor).collect::<Vec<_>>(),
        [
            sent.cursor,
            updated.cursor,
            cancelled.cursor,
            cap_sent.cursor
        ]
    );
    assert_eq!(&*all[1].signed, update.signed.as_str());
    let page = store.alerts_after(sent.cursor, 2).await.unwrap();
    assert_eq!(
        page.iter().map(|s| s.cursor).collect::<Vec<_>>(),
        [updated.cursor, cancelled.cursor]
    );
    assert!(
        store
            .alerts_after(cap_sent.cursor, 100)
            .await
            .unwrap()
            .is_empty()
    );

    // The audit log, newest first, with the refused attempts absent.
    let log = store.audit_log(100).await.unwrap();
    assert_eq!(
        log.iter()
            .map(|e| (
                e.action.as_str(),
                e.target.as_str(),
                e.message.as_deref(),
                e.actor.as_str()
            ))
            .collect::<Vec<_>>(),
        [
            ("publish", "c", Some("cap-1"), "m.durand"),
            ("cancel", "a", Some("msg-3"), "m.durand"),
            ("update", "a", Some("msg-2"), "m.durand"),
            ("publish", "a", Some("msg-1"), "m.durand"),
            ("draft", "b", None, "m.durand"),
            ("edit", "a", None, "a.martin"),
            ("draft", "a", None, "m.durand"),
        ]
    );
    assert_eq!(store.audit_log(2).await.unwrap().len(), 2);
    assert_eq!(
        store.latest_alert_cursor().await.unwrap(),
        cap_sent.cursor,
        "the last message sent, not the last cursor (the places' share the sequence)"
    );
}

/// submit_report (new, the same again, another body under the same id, an
/// unknown commune), report_for_reporter, staff_report, change_report_status.
pub async fn report_intake_and_status(store: &dyn Store) {
    territory(store).await;
    let r = report("r1", "roads", Some("06088"), Some((43.70, 7.27)));
    let received_at = match store
        .submit_report(r.clone(), "digest-1".into())
        .await
        .unwrap()
    {
        Submitted::New { received_at } => received_at,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        store
            .submit_report(r.clone(), "digest-1".into())
            .await
            .unwrap(),
        Submitted::Again { received_at },
        "the same submission: the same answer"
    );
    let mut altered = r.clone();
    altered.description = "Something else".into();
    assert_eq!(
        store
            .submit_report(altered, "digest-2".into())
            .await
            .unwrap(),
        Submitted::Clash
    );
    assert_eq!(
        store
            .submit_report(report("r2", "roads", Some("75056"), None), "d".into())
            .await
            .unwrap(),
        Submitted::UnknownCommune
    );
    assert!(
        store.staff_report("r2".into()).await.unwrap().is_none(),
        "refused, not stored"
    );
    // Submissions at once, some the same: each id stored once.
    let mut tasks = Vec::new();
    for i in 0..40 {
        let n = i % 20;
        let r = report(&format!("c{n}"), "dumping", None, None);
        tasks.push(store.submit_report(r, format!("d{n}")));
    }
    let outcomes = futures::future::join_all(tasks).await;
    let new = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Submitted::New { .. })))
        .count();
    let again = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Submitted::Again { .. })))
        .count();
    assert_eq!((new, again), (20, 20));
    for n in 0..20 {
        let history = store
            .staff_report(format!("c{n}"))
            .await
            .unwrap()
            .unwrap()
            .history;
        assert_eq!(history.len(), 1, "c{n} received once: {history:?}");
    }
    // At once under one id, two different reports, and one for a commune
    // outside the territory: one stored, one clash, one refused.
    let outcomes = futures::future::join_all([
        store.submit_report(report("x", "dumping", None, None), "dx1".into()),
        store.submit_report(report("x", "roads", None, None), "dx2".into()),
        store.submit_report(report("y", "roads", Some("75056"), None), "dy".into()),
    ])
    .await;
    let mut kinds: Vec<&str> = outcomes
        .iter()
        .map(|o| match o {
            Ok(Submitted::New { .. }) => "new",
            Ok(Submitted::Clash) => "clash",
            Ok(Submitted::UnknownCommune) => "unknown commune",
            other => panic!("{other:?}"),
        })
        .collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["clash", "new", "unknown commune"]);

    let staff = store.staff_report("r1".into()).await.unwrap().unwrap();
    assert_eq!(staff.report, r, "kept whole, contact included");
    assert_eq!(staff.received_at, received_at);
    assert_eq!(
        (staff.status.clone(), staff.kind, staff.history.len()),
        (ReportStatus::Received, StatusKind::Open, 1)
    );
    let view = store
        .report_for_reporter("r1".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            view.id.as_str(),
            view.description.as_str(),
            view.history.len()
        ),
        ("r1", "Report r1", 1)
    );
    assert!(
        store
            .report_for_reporter("nope".into())
            .await
            .unwrap()
            .is_none()
    );

    let update = StatusUpdate {
        status: ReportStatus::InProgress,
        message: Some("Équipe en route".into()),
    };
    let changed = store
        .change_report_status("r1".into(), update, "m.durand".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (changed.status, changed.kind, changed.history.len()),
        (ReportStatus::InProgress, StatusKind::Open, 2)
    );
    assert!(
        store
            .change_report_status(
                "nope".into(),
                StatusUpdate {
                    status: ReportStatus::Fixed,
                    message: None
                },
                "m.durand".into()
            )
            .await
            .unwrap()
            .is_none()
    );
    for of in ["r1", "missing"] {
        let dup = StatusUpdate {
            status: ReportStatus::Duplicate { of: of.into() },
            message: None,
        };
        assert!(
            matches!(
                store
                    .change_report_status("r1".into(), dup, "m.durand".into())
                    .await,
                Err(StoreError::Conflict(_))
            ),
            "a duplicate of {of}"
        );
    }
    let dup = StatusUpdate {
        status: ReportStatus::Duplicate { of: "c1".into() },
        message: None,
    };
    let closed = store
        .change_report_status("c2".into(), dup, "m.durand".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(closed.kind, StatusKind::Closed);
    let view = store
        .report_for_reporter("r1".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        view.history
            .iter()
            .map(|h| (h.status.clone(), h.message.as_deref()))
            .collect::<Vec<_>>(),
        [
            (ReportStatus::Received, None),
            (ReportStatus::InProgress, Some("Équipe en route"))
        ],
        "the refused changes are not in the history"
    );
}

/// Photos behind the blob seam ([`PhotoBlobs`]): put once their report is
/// stored, listed in order, read back byte for byte, completed (never
/// duplicated) when the same submission comes again; the photos of one
/// report are never another's.
pub async fn photos(store: &dyn Store, blobs: &dyn PhotoBlobs) {
    territory(store).await;
    let photo = |name: &str, bytes: &[u8]| Photo {
        name: name.to_owned(),
        bytes: bytes.to_vec(),
    };
    for id in ["p1", "p2"] {
        let r = report(id, "roads", Some("06088"), None);
        let submitted = store.submit_report(r, format!("digest-{id}")).await;
        assert!(
            matches!(submitted, Ok(Submitted::New { .. })),
            "{submitted:?}"
        );
    }
    assert!(blobs.reports_with_photos().await.unwrap().is_empty());
    assert!(blobs.photo_names("p1").await.unwrap().is_empty());

    // A large one too (what a phone sends: a few MiB).
    let large: Vec<u8> = (0..3 * 1024 * 1024).map(|i: u32| (i % 251) as u8).collect();
    let first = vec![photo("2.png", b"\x89PNG second"), photo("1.jpg", &large)];
    blobs.put_photos("p1", first.clone()).await.unwrap();
    assert_eq!(blobs.photo_names("p1").await.unwrap(), ["1.jpg", "2.png"]);
    assert_eq!(blobs.photo("p1", "1.jpg").await.unwrap().unwrap(), large);
    assert_eq!(
        blobs.photo("p1", "2.png").await.unwrap().unwrap(),
        b"\x89PNG second"
    );
    assert_eq!(blobs.photo("p1", "3.jpg").await.unwrap(), None);
    assert_eq!(blobs.photo("p2", "1.jpg").await.unwrap(), None, "not p2's");
    assert_eq!(blobs.photo("nope", "1.jpg").await.unwrap(), None);
    assert!(blobs.photo_names("p2").await.unwrap().is_empty());
    assert_eq!(blobs.reports_with_photos().await.unwrap(), ["p1"]);

    // The same submission again: nothing changes, nothing is doubled.
    blobs.put_photos("p1", first.clone()).await.unwrap();
    assert_eq!(blobs.photo_names("p1").await.unwrap(), ["1.jpg", "2.png"]);
    // What a crash left unfinished is completed (a photo missing, one cut short).
    blobs
        .put_photos("p1", vec![photo("1.jpg", b"cut short")])
        .await
        .unwrap();
    blobs.put_photos("p1", first).await.unwrap();
    assert_eq!(blobs.photo("p1", "1.jpg").await.unwrap().unwrap(), large);

    // Two servers putting one report's photos at once: one set.
    let second = vec![photo("1.webp", b"RIFF one")];
    let (a, b) = futures::join!(
        blobs.put_photos("p2", second.clone()),
        blobs.put_photos("p2", second)
    );
    a.unwrap();
    b.unwrap();
    assert_eq!(blobs.photo_names("p2").await.unwrap(), ["1.webp"]);
    let mut reports = blobs.reports_with_photos().await.unwrap();
    reports.sort();
    assert_eq!(reports, ["p1", "p2"]);
}

/// list_reports: every filter, both orders, keyset pages.
pub async fn report_lists(store: &dyn Store) {
    territory(store).await;
    let nice = (43.7009, 7.2683);
    let far = (43.66, 7.15);
    let mut ids = Vec::new();
    for i in 0..30 {
        let (category, commune, at) = match i % 3 {
            0 => ("roads", Some("06088"), Some(nice)),
            1 => ("dumping", Some("06029"), Some(far)),
            _ => ("lighting", None, None),
        };
        let id = format!("l{i:02}");
        store
            .submit_report(report(&id, category, commune, at), id.clone())
            .await
            .unwrap();
        ids.push(id);
    }
    for id in ["l03", "l06"] {
        store
            .change_report_status(
                id.into(),
                StatusUpdate {
                    status: ReportStatus::Fixed,
                    message: None,
                },
                "m.durand".into(),
            )
            .await
            .unwrap();
    }
    store
        .change_report_status(
            "l09".into(),
            StatusUpdate {
                status: ReportStatus::NotFixed {
                    reason: "private land".into(),
                },
                message: None,
            },
            "m.durand".into(),
        )
        .await
        .unwrap();
    let list = |filter: ReportFilter| async move {
        store
            .list_reports(ReportFilter {
                limit: if filter.limit == 0 { 100 } else { filter.limit },
                ..filter
            })
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.report.id)
            .collect::<Vec<_>>()
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };

    let newest_first = list(ReportFilter::default()).await;
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(newest_first, expected, "newest first");
    let oldest_first = list(ReportFilter {
        oldest_first: true,
        ..ReportFilter::default()
    })
    .await;
    assert_eq!(oldest_first, ids);

    // Keyset pages of 7, both ways: every report once, in order.
    for oldest in [false, true] {
        let mut paged = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .list_reports(ReportFilter {
                    oldest_first: oldest,
                    after: after.clone(),
                    limit: 7,
                    ..ReportFilter::default()
                })
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            after = Some((last.received_at, last.report.id.clone()));
            paged.extend(page.into_iter().map(|r| r.report.id));
        }
        let want = if oldest { &ids } else { &expected };
        assert_eq!(&paged, want, "oldest first: {oldest}");
    }

    let every = |step: usize, from: usize| -> Vec<String> {
        ids.iter().skip(from).step_by(step).cloned().collect()
    };
    let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let all_but = |out: &[&str]| -> Vec<String> {
        ids.iter()
            .filter(|i| !out.contains(&i.as_str()))
            .cloned()
            .collect()
    };
    let nice_point = Position {
        lat: nice.0,
        lon: nice.1,
    };
    let none = ReportFilter::default;
    // Each filter, and the reports it keeps (sorted).
    let cases = [
        (
            ReportFilter {
                commune: Some("06029".into()),
                ..none()
            },
            every(3, 1),
        ),
        (
            ReportFilter {
                category: Some("lighting".into()),
                ..none()
            },
            every(3, 2),
        ),
        (
            ReportFilter {
                categories: Some(vec!["lighting".into(), "roads".into()]),
                ..none()
            },
            all_but(&every(3, 1).iter().map(String::as_str).collect::<Vec<_>>()),
        ),
        (
            ReportFilter {
                ids: Some(vec!["l05".into(), "l07".into(), "zz".into()]),
                ..none()
            },
            names(&["l05", "l07"]),
        ),
        (
            ReportFilter {
                kind: Some(StatusKind::Fixed),
                ..none()
            },
            names(&["l03", "l06"]),
        ),
        (
            ReportFilter {
                kinds: Some(vec![StatusKind::Fixed, StatusKind::Closed]),
                ..none()
            },
            names(&["l03", "l06", "l09"]),
        ),
        (
            ReportFilter {
                kind: Some(StatusKind::Open),
                ..none()
            },
            all_but(&["l03", "l06", "l09"]),
        ),
        // Near Nice's point: the box holds the Nice reports, not Cagnes's.
        (
            ReportFilter {
                near: Some((nice_point, 500.0)),
                ..none()
            },
            every(3, 0),
        ),
    ];
    for (filter, want) in cases {
        let what = format!("{filter:?}");
        assert_eq!(sorted(list(filter).await), want, "{what}");
    }
    // A time window: from the 10th report's reception to the 20th's (excluded).
    let at = |id: &str| {
        let id = id.to_owned();
        async move { store.staff_report(id).await.unwrap().unwrap().received_at }
    };
    let (from, to) = (at("l10").await, at("l20").await);
    let window = list(ReportFilter {
        from: Some(from),
        to: Some(to),
        oldest_first: true,
        ..ReportFilter::default()
    })
    .await;
    assert_eq!(window, ids[10..20]);
    let limited = list(ReportFilter {
        limit: 4,
        ..ReportFilter::default()
    })
    .await;
    assert_eq!(limited, expected[..4]);
}

/// save_push_subscription, delete_push_subscription,
/// push_subscription_count, push_subscriptions_after,
/// remove_push_subscription, expire_push_subscriptions.
pub async fn push_subscriptions(store: &dyn Store) {
    let t0 = OffsetDateTime::now_utc();
    for n in 0..5 {
        assert_eq!(
            store
                .save_push_subscription(subscription(n, "auth"), t0)
                .await
                .unwrap(),
            PushSaved::Created
        );
    }
    assert_eq!(store.push_subscription_count().await.unwrap(), 5);
    // Renewing replaces the communes; other keys for a known endpoint change nothing.
    let mut renewed = subscription(1, "auth");
    renewed.communes = vec!["06029".parse().unwrap()];
    renewed.lang = Lang::En;
    // Renewed from a page that understands pushes about the rules.
    renewed.measures = Some(true);
    assert_eq!(
        store
            .save_push_subscription(renewed.clone(), t0 + Duration::days(10))
            .await
            .unwrap(),
        PushSaved::Renewed
    );
    assert_eq!(
        store
            .save_push_subscription(subscription(2, "stolen"), t0 + Duration::days(10))
            .await
            .unwrap(),
        PushSaved::KeysDiffer
    );
    // Pages by endpoint.
    let first = store.push_subscriptions_after(None, 2).await.unwrap();
    assert_eq!(first, [subscription(0, "auth"), renewed.clone()]);
    let rest = store
        .push_subscriptions_after(Some(first[1].endpoint.clone()), 10)
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|s| s.endpoint.as_str()).collect::<Vec<_>>(),
        [
            "https://push.example.test/002",
            "https://push.example.test/003",
            "https://push.example.test/004"
        ]
    );
    // Ending one takes its secret.
    let endpoint = subscription(3, "auth").endpoint;
    assert!(
        !store
            .delete_push_subscription(endpoint.clone(), "wrong".into())
            .await
            .unwrap()
    );
    assert!(
        store
            .delete_push_subscription(endpoint, "auth".into())
            .await
            .unwrap()
    );
    // One its push service forgot.
    let endpoint = subscription(4, "auth").endpoint;
    assert!(
        store
            .remove_push_subscription(endpoint.clone())
            .await
            .unwrap()
    );
    assert!(!store.remove_push_subscription(endpoint).await.unwrap());
    // Those not renewed for a while: 0 and 2 (1 was renewed).
    assert_eq!(
        store
            .expire_push_subscriptions(t0 + Duration::days(5))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store.push_subscriptions_after(None, 10).await.unwrap(),
        [renewed]
    );
    assert_eq!(store.push_subscription_count().await.unwrap(), 1);
}

/// secrets, add_secret.
pub async fn secrets(store: &dyn Store) {
    assert!(store.secrets().await.unwrap().is_empty());
    assert!(
        store
            .add_secret("vapid.secret".into(), "first".into())
            .await
            .unwrap()
    );
    assert!(
        !store
            .add_secret("vapid.secret".into(), "second".into())
            .await
            .unwrap(),
        "never replaced"
    );
    store
        .add_secret("a1b2.json".into(), "{\"key\": 1}".into())
        .await
        .unwrap();
    assert_eq!(
        store.secrets().await.unwrap(),
        [
            ("a1b2.json".to_owned(), "{\"key\": 1}".to_owned()),
            ("vapid.secret".to_owned(), "first".to_owned())
        ]
    );
}

// ---------------------------------------------------------------- advice

fn page(title: &str) -> AdviceDraft {
    AdviceDraft {
        communes: vec![],
        texts: vec![AdviceText {
            lang: Lang::Fr,
            title: title.into(),
            body: "- De l'eau pour trois jours\n- Une radio à piles".into(),
        }],
    }
}

fn advice_write(id: &str, expected: Option<u32>, draft: Option<AdviceDraft>) -> AdviceWrite {
    AdviceWrite {
        id: id.into(),
        expected,
        draft,
        at: OffsetDateTime::from_unix_timestamp(1_602_800_000).unwrap(),
        actor: "m.durand".into(),
    }
}

/// write_advice, advice, advice_since, advice_history: the same versioned
/// writes as the measures (the generic path both share), with what differs:
/// a page's id is its author's choice, so a new page under an id in use is
/// refused as such, and the pages are their own table and sync.
pub async fn advice(store: &dyn Store) {
    assert!(store.advice().await.unwrap().is_empty());
    let kit1 = store
        .write_advice(advice_write("kit", None, Some(page("Le kit"))))
        .await
        .unwrap();
    assert_eq!((kit1.id.as_str(), kit1.version), ("kit", 1));
    assert_eq!(
        message_id(
            store
                .write_advice(advice_write("kit", None, Some(page("Autre"))))
                .await
                .unwrap_err()
        ),
        "err-advice-exists"
    );
    assert_eq!(
        message_id(
            store
                .write_advice(advice_write("kit", Some(2), Some(page("Autre"))))
                .await
                .unwrap_err()
        ),
        "err-advice-changed"
    );
    assert_eq!(
        store
            .write_advice(advice_write("kit", Some(1), Some(page("Le kit"))))
            .await
            .unwrap(),
        kit1,
        "the same content makes no version"
    );
    let kit2 = store
        .write_advice(advice_write("kit", Some(1), Some(page("Le kit d'urgence"))))
        .await
        .unwrap();
    assert_eq!(kit2.version, 2);
    let plan = store
        .write_advice(advice_write("plan", None, Some(page("Le plan"))))
        .await
        .unwrap();
    // A measure is not a page: each has its own sync.
    assert!(store.measures().await.unwrap().is_empty());
    let first = store.advice_since(Cursor::START, 10).await.unwrap();
    assert_eq!(
        first.items,
        [kit2.clone(), plan.clone()],
        "each page's latest version once"
    );
    store
        .write_advice(advice_write("kit", Some(2), None))
        .await
        .unwrap();
    let after = store.advice_since(first.next_cursor, 10).await.unwrap();
    assert!(after.items.is_empty());
    assert_eq!(after.deleted, ["kit"]);
    assert_eq!(store.advice().await.unwrap(), [plan]);
    assert_eq!(
        message_id(
            store
                .write_advice(advice_write("kit", Some(3), Some(page("Retour"))))
                .await
                .unwrap_err()
        ),
        "err-advice-withdrawn"
    );
    assert_eq!(
        message_id(
            store
                .write_advice(advice_write("nope", Some(1), None))
                .await
                .unwrap_err()
        ),
        "err-no-advice"
    );
    let history = store.advice_history("kit".into()).await.unwrap();
    assert_eq!(
        history
            .iter()
            .map(|v| (v.advice.version, v.withdrawn))
            .collect::<Vec<_>>(),
        [(1, false), (2, false), (3, true)]
    );
    assert_eq!(history[0].advice, kit1);
    let audit: Vec<(String, String)> = store
        .audit_log(3)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.action, a.target))
        .collect();
    assert_eq!(
        audit,
        [
            ("advice-withdrawn".to_owned(), "kit".to_owned()),
            ("advice-created".to_owned(), "plan".to_owned()),
            ("advice-changed".to_owned(), "kit".to_owned()),
        ]
    );
}

// ---------------------------------------------------------------- measures

fn curfew(from: &str) -> MeasureDraft {
    MeasureDraft {
        rule: Rule::Curfew {
            from: from.into(),
            until: "06:00".into(),
        },
        communes: vec!["06088".parse().unwrap()],
        texts: vec![MeasureText {
            lang: Lang::Fr,
            text: "Attestation requise".into(),
        }],
        since: OffsetDateTime::from_unix_timestamp(1_602_885_600).unwrap(),
        until: None,
    }
}

fn measure_write(id: &str, expected: Option<u32>, draft: Option<MeasureDraft>) -> MeasureWrite {
    MeasureWrite {
        id: id.into(),
        expected,
        draft,
        at: OffsetDateTime::from_unix_timestamp(1_602_800_000).unwrap(),
        actor: "m.durand".into(),
    }
}

fn message_id(e: StoreError) -> &'static str {
    match e {
        StoreError::Conflict(m) | StoreError::NotFound(m) => m.id,
        other => panic!("expected a conflict or not found, got {other:?}"),
    }
}

// ---------------------------------------------------------------- mutual aid

fn aid_post(id: &str, commune: &str, days: i64) -> crate::aid::AidSubmission {
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    crate::aid::AidSubmission {
        post: AidPost {
            id: id.to_owned(),
            side: AidSide::Offer,
            kind: AidKind::Shopping,
            text: format!("Je fais vos courses ({id})"),
            when: "le matin".into(),
            commune: Some(commune.parse().unwrap()),
            near: None,
            lang: Lang::Fr,
            published_at: now,
            expires: now + Duration::days(days),
        },
        key_hash: format!("key-of-{id}"),
        digest: format!("digest-{id}"),
    }
}

fn aid_message(
    id: &str,
    thread: &str,
    post: &str,
    key: &str,
    text: &str,
) -> crate::aid::AidMessageWrite {
    crate::aid::AidMessageWrite {
        message: NewAidMessage {
            id: id.into(),
            thread: thread.into(),
            post: post.into(),
            text: text.into(),
        },
        key_hash: key.into(),
        at: OffsetDateTime::now_utc(),
    }
}

async fn aid_public(store: &dyn Store, since: Cursor) -> (Vec<String>, Vec<String>, Cursor) {
    let page = store.aid_since(since, 100).await.unwrap();
    (
        page.items.iter().map(|p| p.id.clone()).collect(),
        page.deleted.clone(),
        page.next_cursor,
    )
}

/// Mutual aid: posts wait for moderation unless their commune publishes
/// first; the public delta sends only published posts and a tombstone for
/// each that no longer is; a resend is recognised, a clash refused; only
/// the author withdraws; blocking a key hides its posts and refuses it;
/// abuse reports count once per device; answers cross between the two
/// sides only, contacts only when both share; every staff action audited.
pub async fn aid(store: &dyn Store) {
    use crate::aid::{AidAction, AidSent, AidSubmitted};
    use beffroi_domain::aid::AidState::*;

    let a = aid_post("a", "06088", 14);
    assert_eq!(
        store.submit_aid(a.clone()).await.unwrap(),
        AidSubmitted::New(Pending)
    );
    assert_eq!(
        store.submit_aid(a.clone()).await.unwrap(),
        AidSubmitted::Again(Pending)
    );
    let mut clash = a.clone();
    clash.digest = "other".into();
    assert_eq!(store.submit_aid(clash).await.unwrap(), AidSubmitted::Clash);
    let (ids, gone, start) = aid_public(store, Cursor::START).await;
    assert!(
        ids.is_empty() && gone.is_empty(),
        "nothing public before approval"
    );

    // A commune that publishes first.
    store
        .set_aid_publish_first("06027".into(), true, "m.durand".into())
        .await
        .unwrap();
    assert_eq!(store.aid_publish_first().await.unwrap(), ["06027"]);
    assert_eq!(
        store.submit_aid(aid_post("b", "06027", 14)).await.unwrap(),
        AidSubmitted::New(Published)
    );
    let (ids, _, after_b) = aid_public(store, start).await;
    assert_eq!(ids, ["b"]);

    // Approval publishes, at the time of approval.
    let approved = store
        .moderate_aid("a".into(), AidAction::Approve, "m.durand".into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(approved.state, Published);
    assert_eq!(approved.device, "key-of-a");
    assert!(approved.post.published_at >= a.post.published_at);
    let (ids, _, after_a) = aid_public(store, after_b).await;
    assert_eq!(ids, ["a"]);
    // Approving again changes nothing, nor takes a cursor.
    store
        .moderate_aid("a".into(), AidAction::Approve, "m.durand".into())
        .await
        .unwrap();
    assert_eq!(aid_public(store, after_a).await.2, after_a);
    assert!(
        store
            .moderate_aid("nope".into(), AidAction::Hide, "m.durand".into())
            .await
            .unwrap()
            .is_none()
    );

    // Only the author's key withdraws.
    let wrong = AidAction::Withdraw {
        key_hash: "key-of-a".into(),
    };
    assert!(
        store
            .moderate_aid("b".into(), wrong, String::new())
            .await
            .unwrap()
            .is_none()
    );
    let withdraw = AidAction::Withdraw {
        key_hash: "key-of-b".into(),
    };
    let b = store
        .moderate_aid("b".into(), withdraw, String::new())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.state, Withdrawn);
    let (ids, gone, _) = aid_public(store, after_a).await;
    assert!(ids.is_empty());
    assert_eq!(gone, ["b"], "a tombstone for the withdrawn post");
    assert_eq!(
        message_id(
            store
                .moderate_aid("b".into(), AidAction::Approve, "m.durand".into())
                .await
                .unwrap_err()
        ),
        "aid-state-conflict"
    );
    // A post never published leaves no tombstone when hidden.
    store.submit_aid(aid_post("c", "06088", 14)).await.unwrap();
    store
        .moderate_aid("c".into(), AidAction::Hide, "m.durand".into())
        .await
        .unwrap();
    let (ids, gone, _) = aid_public(store, Cursor::START).await;
    assert_eq!(ids, ["a"]);
    assert_eq!(gone, ["b"]);

    // Abuse: once per device, on a published post only.
    for (reporter, new) in [("r1", true), ("r1", false), ("r2", true)] {
        assert_eq!(
            store
                .report_aid_abuse(
                    "a".into(),
                    reporter.into(),
                    "spam".into(),
                    OffsetDateTime::now_utc()
                )
                .await
                .unwrap(),
            Some(new)
        );
    }
    assert_eq!(
        store
            .report_aid_abuse(
                "c".into(),
                "r1".into(),
                "x".into(),
                OffsetDateTime::now_utc()
            )
            .await
            .unwrap(),
        None
    );
    let listed = store.list_aid(Some(Published), 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].abuse, ["spam", "spam"]);
    assert_eq!(store.list_aid(None, 10).await.unwrap().len(), 3);

    // Answers: a resident answers a; the author answers back.
    let t = "11111111-1111-4111-8111-111111111111";
    assert_eq!(
        store
            .send_aid_message(aid_message("m1", t, "a", "helper", "Je peux aider"))
            .await
            .unwrap(),
        AidSent::New {
            sides: ["key-of-a".into(), "helper".into()]
        }
    );
    assert_eq!(
        store
            .send_aid_message(aid_message("m1", t, "a", "helper", "Je peux aider"))
            .await
            .unwrap(),
        AidSent::Again
    );
    assert_eq!(
        store
            .send_aid_message(aid_message("m1", t, "a", "helper", "Autre"))
            .await
            .unwrap(),
        AidSent::Clash
    );
    assert_eq!(
        store
            .send_aid_message(aid_message("m2", t, "a", "key-of-a", "Merci !"))
            .await
            .unwrap(),
        AidSent::New {
            sides: ["key-of-a".into(), "helper".into()]
        }
    );
    assert_eq!(
        store
            .send_aid_message(aid_message("m3", t, "a", "stranger", "Moi aussi"))
            .await
            .unwrap(),
        AidSent::NotFound,
        "a third device is no side of the thread"
    );
    let own = "22222222-2222-4222-8222-222222222222";
    assert_eq!(
        store
            .send_aid_message(aid_message("m4", own, "a", "key-of-a", "Moi"))
            .await
            .unwrap(),
        AidSent::OwnPost
    );
    assert_eq!(
        store
            .send_aid_message(aid_message("m5", own, "c", "helper", "Hidden"))
            .await
            .unwrap(),
        AidSent::NotFound,
        "a post not published cannot be answered"
    );
    let author = store
        .aid_inbox("key-of-a".into(), Cursor::START, 100)
        .await
        .unwrap();
    assert_eq!(author.posts.len(), 1);
    assert_eq!(author.posts[0].state, Published);
    assert_eq!(author.threads.len(), 1);
    assert!(author.threads[0].author);
    assert_eq!(
        author
            .messages
            .iter()
            .map(|m| (m.id.as_str(), m.mine))
            .collect::<Vec<_>>(),
        [("m1", false), ("m2", true)]
    );
    let helper = store
        .aid_inbox("helper".into(), Cursor::START, 100)
        .await
        .unwrap();
    assert!(helper.posts.is_empty());
    assert_eq!(
        helper.messages.iter().map(|m| m.mine).collect::<Vec<_>>(),
        [true, false]
    );
    let later = store
        .aid_inbox("helper".into(), helper.next_cursor, 100)
        .await
        .unwrap();
    assert!(later.messages.is_empty());
    assert_eq!(later.next_cursor, helper.next_cursor);
    assert!(
        store
            .aid_inbox("stranger".into(), Cursor::START, 100)
            .await
            .unwrap()
            .threads
            .is_empty()
    );

    // Contacts cross only when both share.
    assert_eq!(
        store
            .share_aid_contact(t.into(), "stranger".into(), Some("06 00".into()))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .share_aid_contact(t.into(), "helper".into(), Some("06 11 22 33 44".into()))
            .await
            .unwrap(),
        Some(["key-of-a".into(), "helper".into()])
    );
    let thread = |inbox: AidInbox| inbox.threads.into_iter().next().unwrap();
    let seen = thread(
        store
            .aid_inbox("key-of-a".into(), Cursor::START, 1)
            .await
            .unwrap(),
    );
    assert!(seen.they_share);
    assert_eq!(seen.their_contact, None, "not before the author shares too");
    store
        .share_aid_contact(t.into(), "key-of-a".into(), Some("a@example.org".into()))
        .await
        .unwrap();
    let seen = thread(
        store
            .aid_inbox("key-of-a".into(), Cursor::START, 1)
            .await
            .unwrap(),
    );
    assert_eq!(seen.their_contact.as_deref(), Some("06 11 22 33 44"));
    assert_eq!(seen.my_contact.as_deref(), Some("a@example.org"));
    let seen = thread(
        store
            .aid_inbox("helper".into(), Cursor::START, 1)
            .await
            .unwrap(),
    );
    assert_eq!(seen.their_contact.as_deref(), Some("a@example.org"));

    // One conversation per post and answering device.
    let other = "44444444-4444-4444-8444-444444444444";
    assert_eq!(
        store
            .send_aid_message(aid_message("m7", other, "a", "helper", "Encore moi"))
            .await
            .unwrap(),
        AidSent::Clash
    );
    // Closed by a side: no more messages nor contacts, for either side.
    assert_eq!(
        store
            .close_aid_thread(t.into(), "stranger".into())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .close_aid_thread(t.into(), "key-of-a".into())
            .await
            .unwrap(),
        Some(["key-of-a".into(), "helper".into()])
    );
    assert_eq!(
        store
            .send_aid_message(aid_message("m8", t, "a", "helper", "Et pourtant"))
            .await
            .unwrap(),
        AidSent::Closed
    );
    assert_eq!(
        message_id(
            store
                .share_aid_contact(t.into(), "helper".into(), Some("06 00 00 00 00".into()))
                .await
                .unwrap_err()
        ),
        "aid-thread-closed"
    );
    assert!(
        thread(
            store
                .aid_inbox("helper".into(), Cursor::START, 1)
                .await
                .unwrap()
        )
        .closed
    );

    // Blocking the key of a hides a and refuses the key.
    assert_eq!(
        store
            .block_aid_key("a".into(), true, "m.durand".into())
            .await
            .unwrap(),
        Some(1)
    );
    assert!(
        store
            .list_aid(None, 10)
            .await
            .unwrap()
            .iter()
            .any(|p| p.post.id == "a" && p.blocked && p.state == Hidden)
    );
    let mut again = aid_post("d", "06088", 14);
    again.key_hash = "key-of-a".into();
    assert_eq!(
        store.submit_aid(again.clone()).await.unwrap(),
        AidSubmitted::Blocked
    );
    assert_eq!(
        store
            .send_aid_message(aid_message("m6", t, "a", "key-of-a", "Encore"))
            .await
            .unwrap(),
        AidSent::Blocked
    );
    assert_eq!(
        message_id(
            store
                .report_aid_abuse(
                    "b".into(),
                    "key-of-a".into(),
                    "x".into(),
                    OffsetDateTime::now_utc()
                )
                .await
                .unwrap_err()
        ),
        "aid-key-blocked",
        "a blocked device reports nothing"
    );
    let (ids, gone, _) = aid_public(store, Cursor::START).await;
    assert!(ids.is_empty());
    assert_eq!(gone.len(), 2);
    store
        .block_aid_key("a".into(), false, "m.durand".into())
        .await
        .unwrap();
    assert_eq!(
        store.submit_aid(again).await.unwrap(),
        AidSubmitted::New(Pending)
    );

    // Expiry: a post past its end leaves the public list.
    store
        .set_aid_publish_first("06088".into(), true, "m.durand".into())
        .await
        .unwrap();
    store.submit_aid(aid_post("e", "06088", 1)).await.unwrap();
    let (_, _, before) = aid_public(store, Cursor::START).await;
    assert_eq!(
        store
            .expire_aid(OffsetDateTime::now_utc() + Duration::days(2))
            .await
            .unwrap(),
        1,
        "e only: d lasts 14 days"
    );
    let (ids, gone, _) = aid_public(store, before).await;
    assert!(ids.is_empty());
    assert_eq!(gone, ["e"]);

    // Long after their end, posts are forgotten with their conversations
    // and contacts; the audit log stays.
    assert_eq!(
        store
            .purge_aid(OffsetDateTime::now_utc() + Duration::days(2))
            .await
            .unwrap(),
        1,
        "e only: the others end later"
    );
    assert!(
        !store
            .list_aid(None, 10)
            .await
            .unwrap()
            .iter()
            .any(|p| p.post.id == "e")
    );
    store
        .purge_aid(OffsetDateTime::now_utc() + Duration::days(60))
        .await
        .unwrap();
    assert!(store.list_aid(None, 10).await.unwrap().is_empty());
    assert!(
        store
            .aid_inbox("helper".into(), Cursor::START, 100)
            .await
            .unwrap()
            .threads
            .is_empty(),
        "conversations and contacts gone"
    );
    let (ids, _, _) = aid_public(store, Cursor::START).await;
    assert!(ids.is_empty());

    let actions: Vec<String> = store
        .audit_log(100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("aid-"))
        .collect();
    for action in [
        "aid-approved",
        "aid-hidden",
        "aid-key-blocked",
        "aid-key-unblocked",
        "aid-publish-first",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} audited: {actions:?}"
        );
    }
}

/// write_measure, measures, measures_since, measure_history: versions
/// follow each other (a stale or withdrawn one is refused), devices get
/// each measure's latest version once and withdrawn ones as tombstones,
/// every version stays in the history and the audit log.
pub async fn measures(store: &dyn Store) {
    assert!(store.measures().await.unwrap().is_empty());
    assert!(store.measure_history("a".into()).await.unwrap().is_empty());
    let empty = store.measures_since(Cursor::START, 10).await.unwrap();
    assert!(empty.items.is_empty() && empty.deleted.is_empty());
    assert_eq!(empty.next_cursor, Cursor::START);

    let a1 = store
        .write_measure(measure_write("a", None, Some(curfew("21:00"))))
        .await
        .unwrap();
    assert_eq!((a1.id.as_str(), a1.version), ("a", 1));
    assert_eq!(a1.draft, curfew("21:00"));
    assert_eq!(
        message_id(
            store
                .write_measure(measure_write("a", None, Some(curfew("20:00"))))
                .await
                .unwrap_err()
        ),
        "err-measure-changed",
        "an id is made once"
    );
    let a2 = store
        .write_measure(measure_write("a", Some(1), Some(curfew("18:00"))))
        .await
        .unwrap();
    assert_eq!(a2.version, 2);
    assert_eq!(
        message_id(
            store
                .write_measure(measure_write("a", Some(1), Some(curfew("19:00"))))
                .await
                .unwrap_err()
        ),
        "err-measure-changed",
        "a write from a stale read is refused"
    );
    let again = store
        .write_measure(measure_write("a", Some(2), Some(curfew("18:00"))))
        .await
        .unwrap();
    assert_eq!(again, a2, "the same content makes no version");
    assert_eq!(
        message_id(
            store
                .write_measure(measure_write("nope", Some(1), Some(curfew("18:00"))))
                .await
                .unwrap_err()
        ),
        "err-no-measure"
    );
    let b = store
        .write_measure(measure_write(
            "b",
            None,
            Some(MeasureDraft {
                rule: Rule::Masks {
                    required: MaskRule::Everywhere,
                },
                communes: vec![],
                ..curfew("00:00")
            }),
        ))
        .await
        .unwrap();

    let first = store.measures_since(Cursor::START, 1).await.unwrap();
    assert_eq!(
        first.items,
        std::slice::from_ref(&a2),
        "only the latest version is sent"
    );
    assert!(first.has_more);
    let second = store.measures_since(first.next_cursor, 10).await.unwrap();
    assert_eq!(second.items, std::slice::from_ref(&b));
    assert!(!second.has_more);
    assert_eq!(store.measures().await.unwrap(), [a2.clone(), b.clone()]);

    let withdrawn = store
        .write_measure(measure_write("a", Some(2), None))
        .await
        .unwrap();
    assert_eq!(withdrawn.version, 3);
    assert_eq!(withdrawn.draft, a2.draft, "a withdrawal keeps the content");
    let after = store.measures_since(second.next_cursor, 10).await.unwrap();
    assert!(after.items.is_empty());
    assert_eq!(after.deleted, ["a"]);
    let whole = store.measures_since(Cursor::START, 10).await.unwrap();
    assert_eq!(whole.items, std::slice::from_ref(&b));
    assert_eq!(whole.deleted, ["a"]);
    assert_eq!(store.measures().await.unwrap(), [b]);
    for w in [
        measure_write("a", Some(3), Some(curfew("22:00"))),
        measure_write("a", Some(3), None),
    ] {
        assert_eq!(
            message_id(store.write_measure(w).await.unwrap_err()),
            "err-measure-withdrawn"
        );
    }
    assert_eq!(
        message_id(
            store
                .write_measure(measure_write("nope", None, None))
                .await
                .unwrap_err()
        ),
        "err-no-measure"
    );

    // Two staff saving the same version at once: one makes the next
    // version, the other is told it changed.
    let (x, y) = futures::join!(
        store.write_measure(measure_write("b", Some(1), Some(curfew("19:00")))),
        store.write_measure(measure_write("b", Some(1), Some(curfew("20:00")))),
    );
    let (won, lost) = match (x, y) {
        (Ok(w), Err(l)) | (Err(l), Ok(w)) => (w, l),
        other => panic!("exactly one of two writes from one version succeeds: {other:?}"),
    };
    assert_eq!(won.version, 2);
    assert_eq!(message_id(lost), "err-measure-changed");

    let history = store.measure_history("a".into()).await.unwrap();
    assert_eq!(
        history
            .iter()
            .map(|v| (v.measure.version, v.withdrawn))
            .collect::<Vec<_>>(),
        [(1, false), (2, false), (3, true)]
    );
    assert_eq!(history[0].measure, a1);
    let audit: Vec<(String, String)> = store
        .audit_log(10)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.target == "a")
        .map(|e| (e.action, e.actor))
        .collect();
    assert_eq!(
        audit,
        [
            ("measure-withdrawn".to_owned(), "m.durand".to_owned()),
            ("measure-changed".to_owned(), "m.durand".to_owned()),
            ("measure-created".to_owned(), "m.durand".to_owned()),
        ]
    );
}

// ---------------------------------------------------------------- copy

/// A town hall with a row in every table: communes, staff and a session,
/// places and a tombstone, a draft and a sent then cancelled alert (with
/// their audit), reports and a status history, a push subscription, a
/// secret, a measure and a withdrawn one. What [`copy`] and the cross-backend migration tests copy.
pub async fn town_hall(store: &dyn Store) {
    territory(store).await;
    let name = "m.durand".parse().unwrap();
    store
        .add_staff(&name, Role::Publisher, "hash".into())
        .await
        .unwrap();
    store
        .create_session(
            [7; 32],
            &name,
            OffsetDateTime::now_utc() + Duration::hours(1),
        )
        .await
        .unwrap();
    store
        .upsert_places(
            vec![osm_place(1, "Boulangerie"), osm_place(2, "Pharmacie")],
            Writer::Import,
        )
        .await
        .unwrap();
    store
        .delete_place(&PlaceId("osm:node:2".into()))
        .await
        .unwrap();
    store
        .create_alert("draft".into(), draft("Brouillon"), "m.durand".into())
        .await
        .unwrap();
    store
        .create_alert("a".into(), draft("Canicule"), "m.durand".into())
        .await
        .unwrap();
    let first = publication(
        "a",
        "msg-1",
        MsgType::Alert,
        vec![],
        Expect::Draft,
        draft("Canicule"),
    );
    store.publish(first.clone()).await.unwrap();
    let cancel = publication(
        "a",
        "msg-2",
        MsgType::Cancel,
        vec![reference(&first)],
        Expect::Published,
        draft("Canicule"),
    );
    store.publish(cancel).await.unwrap();
    store
        .submit_report(
            report("r1", "roads", Some("06088"), Some((43.70, 7.27))),
            "d1".into(),
        )
        .await
        .unwrap();
    store
        .submit_report(report("r2", "dumping", None, None), "d2".into())
        .await
        .unwrap();
    for status in [ReportStatus::InProgress, ReportStatus::Fixed] {
        store
            .change_report_status(
                "r1".into(),
                StatusUpdate {
                    status,
                    message: Some("Équipe en route".into()),
                },
                "m.durand".into(),
            )
            .await
            .unwrap();
    }
    store
        .save_push_subscription(subscription(1, "auth-1"), OffsetDateTime::now_utc())
        .await
        .unwrap();
    store
        .add_secret("report.secret".into(), "s3cret".into())
        .await
        .unwrap();
    store
        .write_measure(measure_write("m1", None, Some(curfew("21:00"))))
        .await
        .unwrap();
    store
        .write_measure(measure_write("m1", Some(1), None))
        .await
        .unwrap();
    store
        .write_measure(measure_write("m2", None, Some(curfew("18:00"))))
        .await
        .unwrap();
    store
        .write_advice(advice_write("kit", None, Some(page("Le kit"))))
        .await
        .unwrap();
    store
        .write_advice(advice_write("kit", Some(1), Some(page("Le kit d'urgence"))))
        .await
        .unwrap();
    store
        .set_aid_publish_first("06088".into(), true, "m.durand".into())
        .await
        .unwrap();
    store
        .submit_aid(aid_post("aid-1", "06088", 14))
        .await
        .unwrap();
    store
        .submit_aid(aid_post("aid-2", "06027", 14))
        .await
        .unwrap();
    let t = "33333333-3333-4333-8333-333333333333";
    store
        .send_aid_message(aid_message("aid-m1", t, "aid-1", "helper", "Je peux aider"))
        .await
        .unwrap();
    store
        .share_aid_contact(t.into(), "helper".into(), Some("06 11 22 33 44".into()))
        .await
        .unwrap();
    store
        .report_aid_abuse(
            "aid-1".into(),
            "r1".into(),
            "spam".into(),
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    store
        .block_aid_key("aid-2".into(), true, "m.durand".into())
        .await
        .unwrap();
}

/// export, import: a whole town hall copied into an empty store is the
/// same town hall (every row, cursor and id), goes on from where it was,
/// and a store that holds anything refuses a copy.
pub async fn copy(from: &dyn Store, to: &dyn Store) {
    assert!(
        from.export().await.unwrap().is_empty(),
        "a new store is empty"
    );
    town_hall(from).await;
    let original = from.export().await.unwrap();
    for (table, n) in original.counts() {
        assert!(n > 0, "the town hall has rows in {table}");
    }
    to.import(original.clone()).await.unwrap();
    assert_eq!(
        to.export().await.unwrap().normalised(),
        original.clone().normalised(),
        "the copy is row for row the original"
    );

    // What devices and staff see is the same.
    let (a, b) = (
        from.alerts_after(Cursor::START, 100).await.unwrap(),
        to.alerts_after(Cursor::START, 100).await.unwrap(),
    );
    assert_eq!(
        a.iter()
            .map(|m| (m.cursor, m.signed.clone()))
            .collect::<Vec<_>>(),
        b.iter()
            .map(|m| (m.cursor, m.signed.clone()))
            .collect::<Vec<_>>(),
        "the same signed messages at the same cursors"
    );
    let page = to.places_since(Cursor::START, 100).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.deleted.len(), 1, "the tombstone came along");
    assert_eq!(
        page.next_cursor,
        from.places_since(Cursor::START, 100)
            .await
            .unwrap()
            .next_cursor
    );
    assert_eq!(
        to.session_staff([7; 32], OffsetDateTime::now_utc())
            .await
            .unwrap()
            .map(|m| m.username.to_string()),
        Some("m.durand".to_owned()),
        "staff stay signed in"
    );
    let view = to.report_for_reporter("r1".into()).await.unwrap().unwrap();
    assert_eq!(
        view.history.last().map(|c| &c.status),
        Some(&ReportStatus::Fixed)
    );
    assert_eq!(to.secrets().await.unwrap(), from.secrets().await.unwrap());
    assert_eq!(
        to.measures_since(Cursor::START, 10).await.unwrap(),
        from.measures_since(Cursor::START, 10).await.unwrap(),
        "the rules in force and the withdrawn one's tombstone"
    );
    assert_eq!(
        to.measure_history("m1".into()).await.unwrap().len(),
        2,
        "the history came along"
    );
    assert_eq!(
        to.advice_since(Cursor::START, 10).await.unwrap(),
        from.advice_since(Cursor::START, 10).await.unwrap(),
        "the advice pages"
    );
    assert_eq!(to.advice_history("kit".into()).await.unwrap().len(), 2);

    // The copy goes on after the original's cursors and ids.
    let last = Cursor(u64::try_from(original.last_cursor).unwrap());
    let counts = to
        .upsert_places(vec![osm_place(3, "Épicerie")], Writer::Import)
        .await
        .unwrap();
    assert_eq!(counts.inserted, 1);
    let page = to.places_since(page.next_cursor, 100).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(
        page.next_cursor > last,
        "a new cursor after the copied ones"
    );
    to.change_report_status(
        "r1".into(),
        StatusUpdate {
            status: ReportStatus::InProgress,
            message: None,
        },
        "m.durand".into(),
    )
    .await
    .unwrap();
    let history = to
        .report_for_reporter("r1".into())
        .await
        .unwrap()
        .unwrap()
        .history;
    assert_eq!(history.len(), view.history.len() + 1);
    assert_eq!(
        history.last().map(|c| &c.status),
        Some(&ReportStatus::InProgress),
        "the new status comes after the copied history"
    );

    // A second copy is refused, and changes nothing.
    let before = to.export().await.unwrap();
    assert!(matches!(
        to.import(original).await,
        Err(StoreError::NotEmpty(_))
    ));
    assert_eq!(to.export().await.unwrap(), before);
}

// ---------------------------------------------------------------- ordering

/// How many writers of each kind, and how many writes each.
pub const WRITERS: usize = 6;
pub const WRITES: usize = 25;

/// What a reader following cursors must see: the cursors it got only ever
/// grow, and at the end it has every acknowledged write.
pub fn check_follow(
    seen: &[(Cursor, String)],
    acknowledged: &[(Cursor, String)],
) -> Result<(), String> {
    if let Some(w) = seen.windows(2).find(|w| w[1].0 <= w[0].0) {
        return Err(format!("went back: {:?} after {:?}", w[1], w[0]));
    }
    let got: BTreeSet<_> = seen.iter().map(|(_, key)| key).collect();
    let missed: Vec<_> = acknowledged
        .iter()
        .filter(|(_, key)| !got.contains(key))
        .collect();
    if !missed.is_empty() {
        return Err(format!(
            "missed {} of {} acknowledged writes, e.g. {:?}",
            missed.len(),
            acknowledged.len(),
            &missed[..missed.len().min(3)]
        ));
    }
    if seen.len() != acknowledged.len() {
        return Err(format!(
            "{} received for {} acknowledged",
            seen.len(),
            acknowledged.len()
        ));
    }
    Ok(())
}

/// Runs `WRITERS` tasks of `WRITES` writes each against `write`, while one
/// reader follows `read` from the start as a device does (from the last
/// cursor it got, a page at a time), until every writer is done and a last
/// read finds nothing new. Returns what it saw and what was acknowledged.
pub async fn follow_while_writing<W, WF, R, RF>(
    write: W,
    read: R,
) -> (Vec<(Cursor, String)>, Vec<(Cursor, String)>)
where
    W: Fn(usize, usize) -> WF + Send + Sync + 'static,
    WF: Future<Output = (Cursor, String)> + Send,
    R: Fn(Cursor) -> RF,
    RF: Future<Output = Vec<(Cursor, String)>>,
{
    let write = Arc::new(write);
    let done = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let write = Arc::clone(&write);
        writers.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for i in 0..WRITES {
                acked.push(write(w, i).await);
            }
            acked
        }));
    }
    let waiter = {
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            let mut acked = Vec::new();
            for w in writers {
                acked.extend(w.await.unwrap());
            }
            done.store(true, Ordering::SeqCst);
            acked
        })
    };
    let mut seen: Vec<(Cursor, String)> = Vec::new();
    let mut cursor = Cursor::START;
    loop {
        // Read `done` before reading: a read that starts after every write
        // was acknowledged and finds nothing ends the follow.
        let finished = done.load(Ordering::SeqCst);
        let page = read(cursor).await;
        if let Some((last, _)) = page.last() {
            cursor = *last;
        }
        let empty = page.is_empty();
        seen.extend(page);
        if finished && empty {
            break;
        }
        tokio::task::yield_now().await;
    }
    let acked = waiter.await.unwrap();
    (seen, acked)
}

/// Concurrent publishers (alerts) and writers (places) on one store: a
/// reader of each feed never goes back, never misses one, never gets one twice.
pub async fn ordering(store: Arc<dyn Store>) {
    territory(&*store).await;
    let places = {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let writer = Arc::clone(&store);
            let (seen, acked) = follow_while_writing(
                move |w, i| {
                    let store = Arc::clone(&writer);
                    async move {
                        let id = format!("osm:node:{w}{i:04}");
                        let p = place(&id, &format!("Place {w}/{i}"), Source::Staff);
                        store.upsert_places(vec![p], Writer::Staff).await.unwrap();
                        // Places' pages give no cursor per item; the key is enough.
                        (Cursor::START, id)
                    }
                },
                |since| {
                    let store = Arc::clone(&store);
                    async move {
                        let page = store.places_since(since, 7).await.unwrap();
                        assert!(page.next_cursor >= since, "a page went back");
                        let n = page.items.len();
                        // Every item but the last is given the page's start, so
                        // the follow advances by the page's next cursor.
                        page.items
                            .into_iter()
                            .enumerate()
                            .map(|(k, p)| {
                                let c = if k + 1 == n { page.next_cursor } else { since };
                                (c, p.id.0)
                            })
                            .collect::<Vec<_>>()
                    }
                },
            )
            .await;
            let got: BTreeSet<_> = seen.iter().map(|(_, id)| id).collect();
            assert_eq!(got.len(), seen.len(), "a place came twice");
            let missed: Vec<_> = acked.iter().filter(|(_, id)| !got.contains(id)).collect();
            assert!(missed.is_empty(), "places missed: {missed:?}");
        })
    };
    let writer = Arc::clone(&store);
    let (seen, acked) = follow_while_writing(
        move |w, i| {
            let store = Arc::clone(&writer);
            async move {
                let identifier = format!("o-{w}-{i}");
                let p = publication(
                    &format!("oa-{w}-{i}"),
                    &identifier,
                    MsgType::Alert,
                    vec![],
                    Expect::New,
                    draft("Ordre"),
                );
                let sent = store.publish(p).await.unwrap();
                (sent.cursor, identifier)
            }
        },
        |since| {
            let store = Arc::clone(&store);
            async move {
                store
                    .alerts_after(since, 7)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|s| {
                        let m: beffroi_domain::alert::SignedAlert =
                            serde_json::from_str(&s.signed).unwrap();
                        let m: AlertMessage = serde_json::from_str(&m.message).unwrap();
                        (s.cursor, m.identifier)
                    })
                    .collect()
            }
        },
    )
    .await;
    check_follow(&seen, &acked).unwrap();
    places.await.unwrap();
}

/// A fresh store, and what must live as long as it (its directory).
pub struct Opened {
    pub store: Arc<dyn Store>,
    pub keep: Box<dyn std::any::Any + Send>,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("store", &self.store)
            .finish()
    }
}

/// One test per story for a backend, each on a fresh store from `$open`.
#[macro_export]
macro_rules! contract {
    ($backend:ident, $open:path) => {
        $crate::contract!(@stories $backend, $open, [
            communes, staff_and_sessions, places, alerts,
            report_intake_and_status, report_lists, push_subscriptions, secrets,
            measures, advice, aid
        ]);
    };
    (@stories $backend:ident, $open:path, [$($story:ident),*]) => {
        mod $backend {
            use super::*;

            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    $crate::contract::$story(&*$open().await.store).await;
                }
            )*

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn copy() {
                $crate::contract::copy(&*$open().await.store, &*$open().await.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn ordering() {
                $crate::contract::ordering(::std::sync::Arc::clone(&$open().await.store)).await;
            }
        }
    };
}
