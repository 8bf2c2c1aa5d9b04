//! Mutual aid over HTTP, end to end: residents' devices post with no
//! account (a posting key in a header), staff moderate, neighbours read
//! the published posts as a delta with tombstones, answers go through the
//! town hall, and nothing public ever says who posted or where exactly.

use beffroi_domain::Role;
use beffroi_domain::aid::{AidKind, AidPost, nearest};
use beffroi_domain::place::Position;
use beffroi_tests::{TownHall, read_stream_until, town_hall};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Two devices' posting keys (what a device makes once: 32 random bytes).
const KEY_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaA";
const KEY_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbB";
const KEY_C: &str = "cccccccccccccccccccccccccccccccccccccccccccC";

/// A door near Nice's port: what must never come out.
const DOOR: (f64, f64) = (43.697_123, 7.283_456);

struct Device<'a> {
    th: &'a TownHall,
    key: &'static str,
}

impl Device<'_> {
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, String) {
        let mut req = reqwest::Client::new()
            .request(method, self.th.api(path))
            .header("beffroi-aid-key", self.key)
            .header("accept-language", "fr");
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        (resp.status(), resp.text().await.unwrap())
    }

    async fn post(&self, body: Value) -> (StatusCode, Value) {
        let (status, text) = self.send(Method::POST, "/aid/posts", Some(body)).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn inbox(&self) -> (Value, String) {
        let (status, text) = self.send(Method::GET, "/aid/inbox", None).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        (serde_json::from_str(&text).unwrap(), text)
    }
}

fn offer(id: &str, place: Value, text: &str) -> Value {
    json!({
        "id": id, "side": "offer", "kind": "shopping", "text": text,
        "when": "en semaine", "place": place, "lang": "fr"
    })
}

const POST_A: &str = "0193a000-0000-7000-8000-00000000000a";
const POST_B: &str = "0193a000-0000-7000-8000-00000000000b";
const THREAD: &str = "0193a000-0000-7000-8000-0000000000c1";

async fn public(th: &TownHall, since: u64) -> (Value, String) {
    let text = reqwest::get(th.api(&format!("/aid/posts?since={since}")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (serde_json::from_str(&text).unwrap(), text)
}

fn ids(page: &Value, field: &str) -> Vec<String> {
    page[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.get("id").unwrap_or(v).as_str().unwrap().to_owned())
        .collect()
}

/// Fails if a public answer says anything that identifies a post's author
/// or their door.
fn assert_private(what: &str, body: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!body.contains(secret), "{what} shows {secret:?}: {body}");
    }
}

#[tokio::test]
async fn neighbours_post_staff_moderate_and_answers_cross_without_contacts() {
    let th = town_hall().await;
    let admin = th.staff_token().await;
    let editor = th.staff_with_role("e.martin", Role::Editor).await;
    let (a, b, c) = (
        Device {
            th: &th,
            key: KEY_A,
        },
        Device {
            th: &th,
            key: KEY_B,
        },
        Device {
            th: &th,
            key: KEY_C,
        },
    );
    let hash_a = beffroi_server::routes::aid::key_hash(KEY_A).unwrap();
    let hash_b = beffroi_server::routes::aid::key_hash(KEY_B).unwrap();
    // What must never come out where the public, or the other side, reads.
    let door_lat = format!("{}", DOOR.0);
    let door_lon = format!("{}", DOOR.1);
    let secrets = [KEY_A, KEY_B, &hash_a, &hash_b, &door_lat, &door_lon];

    // A posts an offer near their door; sent twice (a retry), kept once.
    let body = offer(
        POST_A,
        json!({"near": {"lat": DOOR.0, "lon": DOOR.1}}),
        "Je fais les courses des voisins âgés du quartier",
    );
    let (status, posted) = a.post(body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{posted}");
    assert_eq!(posted["state"], "pending");
    let (status, again) = a.post(body.clone()).await;
    assert_eq!(
        (status, &again["state"]),
        (StatusCode::OK, &json!("pending"))
    );
    // The same id from another device is refused, not taken over.
    let (status, _) = b.post(body).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Nothing is public before a moderator approves.
    let (page, _) = public(&th, 0).await;
    assert!(ids(&page, "items").is_empty());
    let queue = th.staff_json("/admin/aid?state=pending", &editor).await;
    assert_eq!(queue.as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(queue[0]["post"]["commune"], "06088", "found from the point");
    assert_eq!(queue[0]["device"], hash_a[..8]);
    let (status, approved) = th
        .send(
            Method::POST,
            &format!("/admin/aid/{POST_A}/approve"),
            &editor,
            None,
            "fr",
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["state"], "published");

    // B posts in Cagnes by commune; approved too.
    let mut childcare = offer(
        POST_B,
        json!({"commune": "06027"}),
        "Je garde des enfants le mercredi",
    );
    childcare["kind"] = json!("childcare");
    let (status, _) = b.post(childcare).await;
    assert_eq!(status, StatusCode::CREATED);
    th.send(
        Method::POST,
        &format!("/admin/aid/{POST_B}/approve"),
        &editor,
        None,
        "fr",
    )
    .await;

    // Everyone reads both, nearest first from the port; the point is
    // rounded, and nothing says who posted.
    let (page, text) = public(&th, 0).await;
    assert_private("the public delta", &text, &secrets);
    let posts: Vec<AidPost> = serde_json::from_value(page["items"].clone()).unwrap();
    assert_eq!(posts.len(), 2);
    let at = Position {
        lat: 43.70,
        lon: 7.28,
    };
    let cagnes = Position {
        lat: 43.66,
        lon: 7.15,
    };
    let sorted: Vec<&str> = nearest(&posts, at, None, time::OffsetDateTime::now_utc(), |c| {
        (c.as_str() == "06027").then_some(cagnes)
    })
    .into_iter()
    .map(|(p, _)| p.id.as_str())
    .collect();
    assert_eq!(sorted, [POST_A, POST_B]);
    let shown = posts.iter().find(|p| p.id == POST_A).unwrap().near.unwrap();
    let door = Position {
        lat: DOOR.0,
        lon: DOOR.1,
    };
    assert!(door.distance_m(shown) > 1.0 && door.distance_m(shown) < 200.0);
    assert_eq!(
        nearest(
            &posts,
            at,
            Some(AidKind::Childcare),
            time::OffsetDateTime::now_utc(),
            |_| None
        )
        .len(),
        1,
        "filtered by kind"
    );
    let cursor = page["next_cursor"].as_u64().unwrap();

    // A follows their conversations live; C answers A's post.
    let mut stream = reqwest::Client::new()
        .get(th.api("/alerts/stream?communes=06088"))
        .header("beffroi-aid-key", KEY_A)
        .send()
        .await
        .unwrap();
    let answer = json!({
        "id": "0193a000-0000-7000-8000-0000000000d1", "thread": THREAD, "post": POST_A,
        "text": "Bonjour, ma mère aurait besoin de courses mardi"
    });
    let (status, text) = c
        .send(Method::POST, "/aid/messages", Some(answer.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let (status, _) = c.send(Method::POST, "/aid/messages", Some(answer)).await;
    assert_eq!(status, StatusCode::OK, "sent again: relayed once");
    read_stream_until(&mut stream, "event: aid").await;
    let (inbox_a, text) = a.inbox().await;
    assert_private("the author's inbox", &text, &[KEY_C, KEY_B]);
    assert_eq!(inbox_a["posts"][0]["state"], "published");
    assert_eq!(inbox_a["messages"][0]["mine"], false);
    assert_eq!(inbox_a["threads"][0]["author"], true);

    // A message giving a phone number is refused, in the writer's language.
    let leak = json!({
        "id": "0193a000-0000-7000-8000-0000000000d2", "thread": THREAD, "post": POST_A,
        "text": "Appelez-moi au 06 12 34 56 78"
    });
    let (status, text) = a.send(Method::POST, "/aid/messages", Some(leak)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text.contains("Partager mon contact"), "{text}");
    // A third device is no side of the thread.
    let intrude = json!({
        "id": "0193a000-0000-7000-8000-0000000000d3", "thread": THREAD, "post": POST_A,
        "text": "Moi aussi"
    });
    let (status, _) = b.send(Method::POST, "/aid/messages", Some(intrude)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let reply = json!({
        "id": "0193a000-0000-7000-8000-0000000000d4", "thread": THREAD, "post": POST_A,
        "text": "Avec plaisir, mardi matin"
    });
    assert_eq!(
        a.send(Method::POST, "/aid/messages", Some(reply)).await.0,
        StatusCode::CREATED
    );

    // Contacts: C shares first; A sees only that C does, then both do.
    let contact = |c: &str| Some(json!({ "contact": c }));
    let path = format!("/aid/threads/{THREAD}/contact");
    assert_eq!(
        c.send(Method::PUT, &path, contact("06 98 76 54 32"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (inbox_a, text) = a.inbox().await;
    assert_eq!(inbox_a["threads"][0]["they_share"], true);
    assert_private(
        "the author's inbox before they share",
        &text,
        &["06 98 76 54 32"],
    );
    assert_eq!(
        b.send(Method::PUT, &path, contact("pirate@example.org"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        a.send(Method::PUT, &path, contact("voisine@example.org"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (inbox_a, _) = a.inbox().await;
    assert_eq!(inbox_a["threads"][0]["their_contact"], "06 98 76 54 32");
    let (inbox_c, _) = c.inbox().await;
    assert_eq!(
        inbox_c["threads"][0]["their_contact"],
        "voisine@example.org"
    );
    assert_eq!(
        inbox_c["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["mine"].as_bool().unwrap())
            .collect::<Vec<_>>(),
        [true, false]
    );
    let (inbox_b, text) = b.inbox().await;
    assert!(inbox_b["threads"].as_array().unwrap().is_empty());
    assert_private("a stranger's inbox", &text, &["06 98", "voisine@", "mardi"]);

    // The author closes the conversation: no more messages either way.
    assert_eq!(
        a.send(Method::DELETE, &format!("/aid/threads/{THREAD}"), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let late = json!({
        "id": "0193a000-0000-7000-8000-0000000000d5", "thread": THREAD, "post": POST_A,
        "text": "Et jeudi ?"
    });
    let (status, text) = c.send(Method::POST, "/aid/messages", Some(late)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(text.contains("close"), "{text}");

    // Every public read the API has (its OpenAPI document lists them all:
    // each GET with no path parameter and no sign-in), scanned, and the
    // public reads that take a list of communes.
    let doc: Value = reqwest::get(th.api("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut paths: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else { continue };
        if path.contains('{') || get.get("security").is_some() || path.contains("stream") {
            continue;
        }
        paths.push(format!("{path}?since=0"));
    }
    assert!(paths.len() >= 15, "{paths:?}");
    paths.push("/api/v1/advice/pages?communes=06088".into());
    paths.push("/api/v1/measures/in-force?communes=06088".into());
    paths.push("/api/v1/alerts/threads?communes=06088".into());
    for path in &paths {
        let text = reqwest::get(format!("{}{path}", th.url))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_private(path, &text, &secrets);
        assert_private(path, &text, &["06 98 76 54 32", "voisine@example.org"]);
    }
    // Abuse: once per device; staff see the reasons.
    for _ in 0..2 {
        let (status, _) = b
            .send(
                Method::POST,
                &format!("/aid/posts/{POST_A}/abuse"),
                Some(json!({"reason": "Démarchage commercial"})),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let listed = th.staff_json("/admin/aid?state=published", &editor).await;
    let reported = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["post"]["id"] == POST_A)
        .unwrap();
    assert_eq!(reported["abuse"], json!(["Démarchage commercial"]));

    // Only the author withdraws; the post leaves with a tombstone.
    assert_eq!(
        b.send(Method::DELETE, &format!("/aid/posts/{POST_A}"), None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    // Blocking is for publishers; it hides B's post and refuses B.
    let (status, _) = th
        .send(
            Method::PUT,
            &format!("/admin/aid/{POST_B}/block"),
            &editor,
            Some(&json!({"blocked": true})),
            "fr",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, blocked) = th
        .send(
            Method::PUT,
            &format!("/admin/aid/{POST_B}/block"),
            &admin,
            Some(&json!({"blocked": true})),
            "fr",
        )
        .await;
    assert_eq!((status, &blocked["hidden"]), (StatusCode::OK, &json!(1)));
    let (status, text) = b
        .post(offer(
            "0193a000-0000-7000-8000-00000000000e",
            json!({"commune": "06088"}),
            "Encore",
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    assert!(text.to_string().contains("bloqué"), "{text}");
    assert_eq!(
        a.send(Method::DELETE, &format!("/aid/posts/{POST_A}"), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (page, _) = public(&th, cursor).await;
    let mut gone = ids(&page, "deleted");
    gone.sort();
    assert_eq!(gone, [POST_A, POST_B]);
    assert!(ids(&page, "items").is_empty());

    // Every moderation action is in the audit log.
    let audit = th.staff_json("/admin/audit", &admin).await.to_string();
    for action in ["aid-approved", "aid-key-blocked"] {
        assert!(audit.contains(action), "{action} in {audit}");
    }
}

#[tokio::test]
async fn bad_posts_are_refused_clearly_and_nothing_is_kept() {
    let th = town_hall().await;
    let admin = th.staff_token().await;
    let a = Device {
        th: &th,
        key: KEY_A,
    };
    let id = "0193a000-0000-7000-8000-0000000000f1";
    let nice = json!({"commune": "06088"});
    let cases = [
        (
            offer(
                id,
                json!({"commune": "06088", "address": "12 rue de France"}),
                "Courses",
            ),
            "adresse exacte",
        ),
        (
            offer(id, nice.clone(), "Passez au 12 rue de France"),
            "adresse exacte",
        ),
        (offer(id, nice.clone(), &"x".repeat(501)), "501 caractères"),
        (
            json!({"id": id, "side": "offer", "kind": "babysitting", "text": "x", "place": nice}),
            "babysitting",
        ),
        (offer(id, json!({"commune": "75056"}), "Courses"), "75056"),
        (
            offer(id, json!({"near": {"lat": 48.85, "lon": 2.35}}), "Courses"),
            "hors du territoire",
        ),
    ];
    for (body, said) in cases {
        let (status, answer) = a.post(body.clone()).await;
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::BAD_REQUEST,
            "{body}: {status}"
        );
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(said), "{body}: {answer}");
    }
    // With no posting key, a clear refusal.
    let resp = reqwest::Client::new()
        .post(th.api("/aid/posts"))
        .header("accept-language", "fr")
        .json(&offer(id, nice.clone(), "Courses"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.text().await.unwrap().contains("clé de publication"));
    assert!(
        th.staff_json("/admin/aid", &admin)
            .await
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing kept"
    );

    // A commune moderated after the fact publishes at once; editors cannot
    // switch it.
    let editor = th.staff_with_role("e.martin", Role::Editor).await;
    let switch = json!({"publish_first": true});
    let (status, _) = th
        .send(
            Method::PUT,
            "/admin/aid/publish-first/06088",
            &editor,
            Some(&switch),
            "fr",
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = th
        .send(
            Method::PUT,
            "/admin/aid/publish-first/06088",
            &admin,
            Some(&switch),
            "fr",
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, posted) = a.post(offer(id, nice, "Je promène les chiens")).await;
    assert_eq!(
        (status, &posted["state"]),
        (StatusCode::CREATED, &json!("published"))
    );
    let (page, _) = public(&th, 0).await;
    assert_eq!(ids(&page, "items"), [id]);

    // Past its end, it leaves at the next sync.
    let cursor = page["next_cursor"].as_u64().unwrap();
    let ended = th
        .state
        .store
        .expire_aid(time::OffsetDateTime::now_utc() + time::Duration::days(15))
        .await
        .unwrap();
    assert_eq!(ended, 1);
    let (page, _) = public(&th, cursor).await;
    assert_eq!(ids(&page, "deleted"), [id]);

    // One device posts a few offers, not a catalogue: 5, then one every
    // 10 minutes (the refused ones above did not count).
    let mut statuses = Vec::new();
    for i in 0..5 {
        let id = format!("0193a000-0000-7000-8000-0000000001{i:02}");
        let (status, answer) = a
            .post(offer(
                &id,
                json!({"commune": "06088"}),
                "Je promène les chiens",
            ))
            .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert!(answer.to_string().contains("Trop d'annonces"), "{answer}");
        }
        statuses.push(status.as_u16());
    }
    assert_eq!(statuses, [201, 201, 201, 201, 429]);
}

/// Devices: an offer written offline is queued, sent once when the town
/// hall answers, moderated, then seen by a second device only after
/// approval, nearest first beside the town hall's initiatives; answers
/// reach the author's device live; a withdrawn post leaves the second
/// device at its next sync.
#[tokio::test]
async fn devices_queue_offline_and_browse_by_distance() {
    use beffroi_client::reports::OutboxState;
    use beffroi_domain::aid::{AidPlace, AidSide, AidState, NewAidPost};
    use beffroi_domain::{Lang, place::Position};

    let mut th = town_hall().await;
    let editor = th.staff_with_role("e.martin", Role::Editor).await;
    // The town hall's own initiative, a directory entry of the mutual-aid kind.
    let admin = th.staff_token().await;
    let (status, food_bank) = th
        .send(
            Method::POST,
            "/admin/places",
            &admin,
            Some(&json!({
                "name": "Banque alimentaire du port", "category": "mutual_aid",
                "address": {"housenumber": null, "street": null, "postcode": "06300", "city": "Nice", "country": "FR"},
                "position": {"lat": 43.6985, "lon": 7.2840}, "phone": null, "website": null, "email": null,
                "wheelchair": null, "opening_hours": "Tu,Th 14:00-17:00", "crisis": null, "delivery": null,
                "takeaway": null, "drive_through": null, "last_checked": null
            })),
            "fr",
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{food_bank}");
    let author = beffroi_tests::resident(&th.url);
    let neighbour = beffroi_tests::resident(&th.url);
    author.client.sync().await.unwrap();
    neighbour.client.sync().await.unwrap();

    // Offline: the post waits on the device.
    th.stop().await;
    let id = uuid::Uuid::now_v7().to_string();
    let new = NewAidPost {
        id: id.clone(),
        side: AidSide::Request,
        kind: AidKind::Meals,
        text: "Repas pour mon voisin de 90 ans, le midi".into(),
        when: "cette semaine".into(),
        place: AidPlace {
            near: Some(Position {
                lat: DOOR.0,
                lon: DOOR.1,
            }),
            ..AidPlace::default()
        },
        expires: None,
        lang: Lang::Fr,
    };
    let shown = author.client.post_aid(new.clone()).unwrap();
    assert_ne!(
        shown.near, new.place.near,
        "shown rounded, even before it is sent"
    );
    assert!(author.client.sync().await.is_err(), "the town hall is away");
    // (What the app does at once on "send": tried, kept for later.)
    assert!(author.client.send_aid_now().await.is_err());
    let mine = author.client.aid_mine().unwrap();
    assert_eq!(mine.outbox.len(), 1);
    assert_eq!(mine.outbox[0].state, OutboxState::Queued);
    // A bad post is refused on the device, in the resident's language, and
    // nothing is queued.
    let mut bad = new.clone();
    bad.id = uuid::Uuid::now_v7().to_string();
    bad.place.address = Some("12 rue de France".into());
    assert!(author.client.post_aid(bad).is_err());
    assert_eq!(author.client.aid_mine().unwrap().outbox.len(), 1);

    // Back online: sent once (a second sync sends nothing more).
    th.restart().await;
    author.client.sync().await.unwrap();
    author.client.sync().await.unwrap();
    let mine = author.client.aid_mine().unwrap();
    assert!(mine.outbox.is_empty(), "{:?}", mine.outbox);
    assert_eq!(mine.posts.len(), 1);
    assert_eq!(mine.posts[0].state, AidState::Pending);
    let queue = th.staff_json("/admin/aid?state=pending", &editor).await;
    assert_eq!(queue.as_array().unwrap().len(), 1, "kept once: {queue}");

    // The neighbour sees nothing until it is approved.
    let near = Position {
        lat: 43.70,
        lon: 7.28,
    };
    let now = chrono::Utc::now().fixed_offset();
    neighbour.client.sync().await.unwrap();
    assert!(
        neighbour
            .client
            .aid_nearby(near, Some(AidKind::Meals), &now)
            .unwrap()
            .is_empty()
    );
    th.send(
        Method::POST,
        &format!("/admin/aid/{id}/approve"),
        &editor,
        None,
        "fr",
    )
    .await;
    let report = neighbour.client.sync().await.unwrap();
    assert_eq!(report.aid_changed, 1);
    let list = neighbour.client.aid_nearby(near, None, &now).unwrap();
    let posts: Vec<&str> = list
        .iter()
        .filter_map(|l| l.post.as_ref().map(|p| p.id.as_str()))
        .collect();
    assert_eq!(posts, [id.as_str()]);
    // The initiative is in the same list, by its distance too.
    let initiatives: Vec<&str> = list
        .iter()
        .filter_map(|l| l.initiative.as_ref().map(|r| r.place.name.as_str()))
        .collect();
    assert_eq!(initiatives, ["Banque alimentaire du port"]);
    let distances: Vec<f64> = list.iter().filter_map(|l| l.distance_m).collect();
    assert!(
        distances.windows(2).all(|w| w[0] <= w[1]),
        "nearest first: {distances:?}"
    );
    assert!(!list[0].mine);

    // The neighbour answers; the author's device reads it.
    let thread = neighbour
        .client
        .write_aid(&id, None, "Je peux apporter un repas chaud demain")
        .unwrap();
    neighbour.client.sync().await.unwrap();
    // A second answer goes into the same conversation (the device keeps one per post).
    let again = neighbour
        .client
        .write_aid(&id, None, "Ou jeudi, si c'est mieux")
        .unwrap();
    assert_eq!(again, thread);
    neighbour.client.sync().await.unwrap();
    assert!(neighbour.client.aid_mine().unwrap().outbox.is_empty());
    author.client.sync().await.unwrap();
    let mine = author.client.aid_mine().unwrap();
    assert_eq!(mine.conversations.len(), 1);
    assert_eq!(mine.conversations[0].messages.len(), 2);
    assert_eq!(mine.conversations[0].thread.id, thread);
    assert_eq!(
        mine.conversations[0].messages[0].text,
        "Je peux apporter un repas chaud demain"
    );
    assert_eq!(mine.posts[0].state, AidState::Published);

    // Withdrawn by its author, it leaves the neighbour's device.
    author.client.withdraw_aid(&id).unwrap();
    author.client.sync().await.unwrap();
    neighbour.client.sync().await.unwrap();
    assert!(
        neighbour
            .client
            .aid_nearby(near, Some(AidKind::Meals), &now)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        author.client.aid_mine().unwrap().posts[0].state,
        AidState::Withdrawn
    );

    // Withdrawn before it left, a post never reaches the town hall.
    let mut second = new.clone();
    second.id = uuid::Uuid::now_v7().to_string();
    author.client.post_aid(second.clone()).unwrap();
    author.client.withdraw_aid(&second.id).unwrap();
    author.client.sync().await.unwrap();
    let all = th.staff_json("/admin/aid", &editor).await;
    assert_eq!(all.as_array().unwrap().len(), 1, "only the first: {all}");
    assert!(author.client.aid_mine().unwrap().outbox.is_empty());
}

/// A browser's page (whose EventSource sends no header) follows its
/// reports and its mutual-aid conversations on its stream through a
/// ticket: the secrets and the key go in a body, the URL carries a random
/// ticket used once; a wrong secret follows nothing.
#[tokio::test]
async fn a_page_follows_its_reports_and_conversations_live_through_a_stream_ticket() {
    let th = town_hall().await;
    let admin = th.staff_token().await;
    let a = Device {
        th: &th,
        key: KEY_A,
    };
    let c = Device {
        th: &th,
        key: KEY_C,
    };

    // A report filed from the page, and a post of its own, published.
    let report_id = "0193a000-0000-7000-8000-0000000001aa";
    let receipt: Value = reqwest::Client::new()
        .post(th.api("/reports"))
        .json(&json!({
            "id": report_id, "category": "roads", "description": "Nid-de-poule avenue Jean Médecin",
            "location": {"position": null, "address": null}, "commune": "06088", "answers": {}, "lang": "fr"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = receipt["secret"].as_str().expect("a receipt").to_owned();
    a.post(offer(
        POST_A,
        json!({"commune": "06088"}),
        "Je fais des courses",
    ))
    .await;
    th.send(
        Method::POST,
        &format!("/admin/aid/{POST_A}/approve"),
        &admin,
        None,
        "fr",
    )
    .await;

    let ticket: Value = reqwest::Client::new()
        .post(th.api("/alerts/stream-tickets"))
        .header("beffroi-aid-key", KEY_A)
        .json(&json!({"reports": [format!("{report_id}:{secret}"), format!("{report_id}x:{}", "0".repeat(64))]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ticket = ticket["ticket"].as_str().unwrap().to_owned();
    assert!(!ticket.contains(&secret) && !ticket.contains(KEY_A));
    let mut stream =
        reqwest::get(th.api(&format!("/alerts/stream?communes=06088&ticket={ticket}")))
            .await
            .unwrap();
    assert!(!th.state.stream_tickets.waiting(&ticket), "used once");

    // The report's status changes: the page is told.
    let (status, _) = th
        .send(
            Method::POST,
            &format!("/admin/reports/{report_id}/status"),
            &admin,
            Some(&json!({"status": "in_progress", "message": "Équipe en route."})),
            "fr",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let got = read_stream_until(&mut stream, "event: report").await;
    assert!(got.contains(report_id), "{got}");

    // A neighbour answers the page's post: the page is told too.
    let answer = json!({
        "id": "0193a000-0000-7000-8000-0000000001ab", "thread": THREAD, "post": POST_A,
        "text": "Je peux vous aider"
    });
    assert_eq!(
        c.send(Method::POST, "/aid/messages", Some(answer)).await.0,
        StatusCode::CREATED
    );
    read_stream_until(&mut stream, "event: aid").await;
}
