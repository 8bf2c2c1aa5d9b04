//! `beffroi`: the resident core on the command line. Offline-first: every
//! command answers from the local cache; commands that can refresh it first
//! say plainly when the server cannot be reached.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use beffroi_client::directory::{Order, PlaceResult, SearchQuery};
use beffroi_client::i18n::Localizer;
use beffroi_client::places::SavedPlace;
use beffroi_client::{Client, ClientError};
use beffroi_domain::alert::Severity;
use beffroi_domain::hours::TIMEZONE;
use beffroi_domain::l10n::Localize;
use beffroi_domain::place::{Category, PlaceId, Position};
use beffroi_domain::{Cursor, InseeCode, Lang};
use chrono::{DateTime, FixedOffset};
use clap::{Parser, Subcommand};
use fluent_bundle::FluentValue;

#[derive(Debug, Parser)]
#[command(
    name = "beffroi",
    version,
    about = "Beffroi resident client (offline-first)"
)]
struct Cli {
    /// Town hall server address, or the town hall's link
    /// (beffroi://connect?server=URL&key=FINGERPRINT); remembered.
    #[arg(long, global = true, env = "BEFFROI_SERVER")]
    server: Option<String>,
    /// The fingerprint of the town hall's key, from its poster or site: the
    /// first sync then trusts that key only; remembered.
    #[arg(long, global = true, env = "BEFFROI_SERVER_KEY")]
    key: Option<String>,
    /// Local data directory (default: the platform's data directory).
    #[arg(long, global = true, env = "BEFFROI_DATA")]
    data: Option<PathBuf>,
    /// Language of messages: fr, en or it (default: the saved choice, then $LANG).
    #[arg(long, global = true)]
    lang: Option<Lang>,
    /// The commune you live in (INSEE code, e.g. 06088 for Nice); remembered.
    #[arg(long, global = true)]
    home: Option<InseeCode>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum PlacesAction {
    /// Follow a place (or change the one of that name): a commune or a point.
    Add {
        /// Your name for it, e.g. "Travail".
        name: String,
        /// The commune (INSEE code, e.g. 06088 for Nice).
        #[arg(long, required_unless_present = "at", conflicts_with = "at")]
        commune: Option<InseeCode>,
        /// A point: LAT,LON (its commune is found on this device).
        #[arg(long, value_parser = parse_position)]
        at: Option<Position>,
        /// Notify for alerts there from this severity up: minor, moderate,
        /// severe or extreme (default: all).
        #[arg(long, value_parser = parse_severity)]
        min_severity: Option<Severity>,
    },
    /// Stop following a place.
    Remove { name: String },
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fetch what changed on the server into the local cache.
    Sync,
    /// List the communes of the territory from the local cache.
    Communes {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Search the offline directory of shops and services.
    Search {
        /// Words to look for in names, categories and addresses (accents optional).
        query: Option<String>,
        /// Only this category (e.g. pharmacy, bakery; see docs/directory.md).
        #[arg(long)]
        category: Option<Category>,
        /// Only places in this commune (INSEE code).
        #[arg(long)]
        commune: Option<InseeCode>,
        /// Only places open now.
        #[arg(long, conflicts_with = "open_at")]
        open_now: bool,
        /// Only places open at this time (RFC 3339, e.g. 2026-11-23T10:00:00+01:00).
        #[arg(long)]
        open_at: Option<String>,
        /// Only places that deliver.
        #[arg(long)]
        delivery: bool,
        /// Only places that sell to take away.
        #[arg(long)]
        takeaway: bool,
        /// Only places that sell their own produce directly (farms, markets, producers).
        #[arg(long)]
        direct_sales: bool,
        /// Only places that hand over orders made beforehand.
        #[arg(long)]
        collection_point: bool,
        /// Order by distance from LAT,LON.
        #[arg(long, value_parser = parse_position, conflicts_with = "near_home")]
        near: Option<Position>,
        /// Order by distance from the home commune (its town hall as listed
        /// in the directory, else the centre of its places).
        #[arg(long)]
        near_home: bool,
        /// At most this many results.
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// List the alerts received (refreshed first when the server answers).
    Alerts {
        /// Only the alerts that reach this place of yours (see `places`).
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The places you follow besides home (work, a parent's village): their
    /// alerts reach you too. They stay on this device. Without an action:
    /// the list.
    Places {
        #[command(subcommand)]
        action: Option<PlacesAction>,
        #[arg(long)]
        json: bool,
    },
    /// The rules in force at home and at each place you follow (curfew,
    /// masks, gatherings…), and those coming within a week; from the local
    /// cache when offline.
    Rules {
        /// At this time (RFC 3339) instead of now.
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The town hall's advice pages (offline): the list, or one page's text.
    Advice {
        /// The page to show (its identifier, as the list and links give it).
        id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Wait for alerts: print each new or updated one as it arrives and show
    /// a desktop notification; reconnects by itself. Stop with Ctrl-C.
    Listen {
        /// One JSON object per line instead of text.
        #[arg(long)]
        json: bool,
        /// Do not show desktop notifications.
        #[arg(long)]
        no_notify: bool,
    },
    /// File a report: stored here first, sent now if the server answers, else
    /// at the next sync.
    Report {
        /// The category id (e.g. roads, cleanliness, lighting, mutual-aid).
        #[arg(long)]
        category: String,
        /// What is wrong.
        #[arg(long)]
        text: String,
        /// Where: LAT,LON.
        #[arg(long, value_parser = parse_position)]
        at: Option<Position>,
        /// Where: an address.
        #[arg(long)]
        address: Option<String>,
        /// The commune (INSEE code); the home commune by default. Without
        /// --at nor --address, the commune alone locates the report (say
        /// where in the text).
        #[arg(long)]
        commune: Option<InseeCode>,
        /// An answer to the category's question: ID=TEXT (repeatable).
        #[arg(long = "answer", value_parser = parse_answer)]
        answers: Vec<(String, String)>,
        /// A photo (JPEG, PNG or WebP; repeatable, at most 5): scaled down to
        /// 2048 px and stripped of its metadata before it is queued.
        #[arg(long = "photo")]
        photos: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The reports filed on this device and their status (refreshed first when online).
    Reports {
        #[arg(long)]
        json: bool,
    },
    /// The keys this device trusts for the town hall's alerts, with their
    /// fingerprints to compare with the town hall's poster.
    Keys {
        /// Forget them (a new town hall, or a key replaced without
        /// endorsement): the next sync trusts again, only the --key given.
        #[arg(long)]
        reset: bool,
        #[arg(long)]
        json: bool,
    },
    /// Show one place of the offline directory.
    Place {
        /// The place's id, as shown by `search`.
        id: String,
        /// Evaluate the hours at this time (RFC 3339) instead of now.
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// A message for the command line's own parsers, in the session's language
/// (they run before the local settings are read).
fn early_msg(id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    Localizer::new(session_lang(None)).map_or_else(|_| id.to_owned(), |l| l.msg(id, args))
}

fn parse_position(s: &str) -> Result<Position, String> {
    let (lat, lon) = s
        .split_once(',')
        .ok_or_else(|| early_msg("cli-position-format", &[]))?;
    let number = |v: &str| v.trim().parse::<f64>().ok().filter(|n| n.is_finite());
    let p = Position {
        lat: number(lat).ok_or_else(|| early_msg("cli-not-a-number", &[("value", lat.into())]))?,
        lon: number(lon).ok_or_else(|| early_msg("cli-not-a-number", &[("value", lon.into())]))?,
    };
    if !(-90.0..=90.0).contains(&p.lat) || !(-180.0..=180.0).contains(&p.lon) {
        return Err(early_msg("cli-position-range", &[]));
    }
    Ok(p)
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::ALL
        .iter()
        .copied()
        .find(|v| v.cap().eq_ignore_ascii_case(s.trim()))
        .ok_or_else(|| early_msg("cli-severity-format", &[("value", s.into())]))
}

fn parse_answer(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .ok_or_else(|| early_msg("cli-answer-format", &[]))
}

/// `at` as a date-time, or now in the territory's time zone.
fn moment(at: Option<&str>, l10n: &Localizer) -> anyhow::Result<DateTime<FixedOffset>> {
    match at {
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map_err(|_| anyhow::anyhow!("{}", l10n.msg("cli-not-a-time", &[("value", s.into())]))),
        None => Ok(chrono::Utc::now().with_timezone(&TIMEZONE).fixed_offset()),
    }
}

fn print_result(r: &PlaceResult, l10n: &Localizer) {
    let category = l10n.msg(&format!("category-{}", r.place.category.as_str()), &[]);
    let mut line = format!(
        "{}  {} — {} — {}",
        r.place.id, r.place.name, category, r.status
    );
    if let Some(d) = r.distance_m {
        line.push_str(&format!(" — {:.1} km", d / 1000.0));
    }
    println!("{line}");
}

/// The rules of each place: its name and commune, then one line per rule
/// with its period, and the town hall's text under it.
fn print_rules(places: &[beffroi_client::measures::PlaceRules], l10n: &Localizer) {
    for p in places {
        let commune = p.commune_name.clone();
        match &p.place {
            None => println!(
                "{}",
                l10n.msg("cli-rules-home", &[("commune", commune.into())])
            ),
            Some(name) => println!(
                "{}",
                l10n.msg(
                    "cli-rules-place",
                    &[("place", name.clone().into()), ("commune", commune.into())]
                )
            ),
        }
        if p.rules.iter().all(|r| r.upcoming) {
            println!("  {}", l10n.msg("measures-none", &[]));
        }
        for r in &p.rules {
            let since = beffroi_client::measures::local_date(r.since);
            let from = if r.upcoming {
                l10n.msg("measure-starts", &[("date", since.into())])
            } else {
                l10n.msg("measure-since", &[("date", since.into())])
            };
            let until = match r.until {
                Some(u) => l10n.msg(
                    "measure-until",
                    &[("date", beffroi_client::measures::local_date(u).into())],
                ),
                None => l10n.msg("measure-no-end", &[]),
            };
            println!("  • {} — {from} — {until}", r.summary);
            if let Some(text) = &r.text {
                println!("    {text}");
            }
        }
    }
}

/// An alert as the resident reads it, with its public link (`link`) to share.
fn print_alert(
    a: &beffroi_client::alerts::ResidentAlert,
    link: Option<&str>,
    lang: Lang,
    l10n: &Localizer,
) {
    let state = l10n.msg(&format!("alert-state-{}", state_id(a.state)), &[]);
    let level = if a.all_clear {
        l10n.msg("alert-all-clear", &[])
    } else {
        l10n.msg(&format!("level-{}", a.level.id()), &[])
    };
    let severity = l10n.msg(
        &format!("severity-{}", a.message.body.severity.cap().to_lowercase()),
        &[],
    );
    let reading = beffroi_domain::reading_langs(lang, &beffroi_client::alerts::system_langs());
    // Every block in the resident's language: one per event or audience.
    for text in a.message.texts_for(&reading) {
        println!("[{state}] {level} ({severity}) — {}", text.headline);
        if !a.places.is_empty() {
            println!(
                "  {} {}",
                l10n.msg("alert-places-label", &[]),
                a.places.join(", ")
            );
        }
        if let Some(audience) = &text.audience {
            println!("  {} {audience}", l10n.msg("alert-audience-label", &[]));
        }
        if !text.description.is_empty() {
            println!("  {}", text.description);
        }
        if let Some(i) = &text.instruction {
            println!("  {} {i}", l10n.msg("alert-instruction-label", &[]));
        }
        // The level's standard call to action, after the alert's own.
        let cta = if a.all_clear {
            l10n.msg("alert-all-clear-cta", &[])
        } else {
            l10n.msg(&format!("cta-{}", a.level.id()), &[])
        };
        println!("  {} {cta}", l10n.msg("alert-standard-cta-label", &[]));
        if let Some(name) = &a.message.sender_name {
            println!(
                "  {}",
                l10n.msg("alert-issuer", &[("name", name.clone().into())])
            );
        }
        if let Some(contact) = &text.contact {
            println!("  {} {contact}", l10n.msg("alert-contact-label", &[]));
        }
    }
    if let Some(link) = link {
        println!("  {} {link}", l10n.msg("alert-link-label", &[]));
    }
}

fn print_place(p: &SavedPlace, communes: &[beffroi_domain::Commune], l10n: &Localizer) {
    let commune = p.commune.as_ref().map(|code| {
        communes
            .iter()
            .find(|c| &c.code == code)
            .map_or_else(|| code.to_string(), |c| c.name.clone())
    });
    let place = match (p.point, commune) {
        (Some(at), Some(c)) => format!("{:.5},{:.5} ({c})", at.lat, at.lon),
        (Some(at), None) => format!("{:.5},{:.5}", at.lat, at.lon),
        (None, Some(c)) => c,
        (None, None) => String::new(),
    };
    let from = if p.min_severity == Severity::Unknown {
        l10n.msg("places-min-all", &[])
    } else {
        l10n.msg(
            &format!("severity-{}", p.min_severity.cap().to_lowercase()),
            &[],
        )
    };
    println!(
        "{}",
        l10n.msg(
            "cli-place-line",
            &[
                ("name", p.name.clone().into()),
                ("place", place.into()),
                ("from", from.into())
            ]
        )
    );
}

fn print_report(r: &beffroi_client::reports::FiledReport, l10n: &Localizer) {
    use beffroi_client::reports::OutboxState;
    let state = match r.state {
        OutboxState::Queued => "queued",
        OutboxState::Sending => "sending",
        OutboxState::Sent => "sent",
        OutboxState::Failed => "failed",
    };
    println!(
        "{}  [{}] {} — {}",
        r.report.id,
        l10n.msg(&format!("report-state-{state}"), &[]),
        r.report.category,
        r.report.description
    );
    if let Some(e) = &r.last_error {
        println!("  {e}");
    }
    for h in r.view.iter().flat_map(|v| &v.history) {
        let status = h.status.tag();
        println!(
            "  {}  {}{}",
            h.at.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            l10n.msg(&format!("report-status-{status}"), &[]),
            h.message
                .as_deref()
                .map(|m| format!(" — {m}"))
                .unwrap_or_default()
        );
    }
}

fn state_id(s: beffroi_domain::alert::AlertState) -> &'static str {
    use beffroi_domain::alert::AlertState::*;
    match s {
        Draft => "draft",
        Active => "active",
        Expired => "expired",
        Cancelled => "cancelled",
    }
}

/// Exit status when the server could not be reached (the cache was still served).
const EXIT_OFFLINE: u8 = 2;

/// The language the CLI speaks, once known (for errors that end the run).
static CLI_LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

/// The CLI's language before the local settings are read: `--lang`, else
/// the session's `LANG`.
fn session_lang(flag: Option<Lang>) -> Lang {
    flag.or_else(Lang::from_env).unwrap_or_default()
}

/// An error said in the resident's language: the core's errors through
/// Fluent, the others (already localized by the CLI) as they are.
fn say(e: &anyhow::Error, l10n: &Localizer) -> String {
    match e.downcast_ref::<ClientError>() {
        Some(ce) => l10n.render(&ce.msg()),
        None => format!("{e:#}"),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            let lang = CLI_LANG
                .get()
                .copied()
                .unwrap_or_else(|| session_lang(None));
            match Localizer::new(lang) {
                Ok(l10n) => eprintln!("beffroi: {}", say(&e, &l10n)),
                Err(_) => eprintln!("beffroi: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let early = Localizer::new(session_lang(cli.lang))?;
    let data = match cli.data {
        Some(d) => d,
        None => dirs::data_dir()
            .with_context(|| early.msg("cli-no-data-dir", &[]))?
            .join("beffroi"),
    };
    let client = Client::open(&data).map_err(|e| {
        anyhow::anyhow!(
            "{}",
            early.msg(
                "cli-cannot-open-data",
                &[
                    ("dir", data.display().to_string().into()),
                    ("reason", early.render(&e.msg()).into())
                ]
            )
        )
    })?;
    if let Some(server) = &cli.server {
        client.set_address(server)?;
    }
    if let Some(key) = &cli.key {
        client.set_server_key(key)?;
    }
    if let Some(home) = &cli.home {
        let mut settings = client.settings()?;
        settings.home_commune = Some(home.clone());
        client.set_settings(&settings)?;
    }
    let lang = cli
        .lang
        .or(client.settings()?.lang)
        .unwrap_or_else(|| session_lang(None));
    let _ = CLI_LANG.set(lang);
    let l10n = Localizer::new(lang)?;
    // Two workers: sync fetches the next page while the current one is stored.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .with_context(|| l10n.msg("cli-no-runtime", &[]))?;

    // The library says no town hall is chosen; here, how to choose one.
    if matches!(cli.command, Command::Sync | Command::Listen { .. })
        && client.settings()?.server_url.is_none()
    {
        anyhow::bail!(l10n.msg("cli-no-server", &[]));
    }
    match cli.command {
        Command::Sync => match rt.block_on(client.sync()) {
            Ok(report) => {
                println!(
                    "{}",
                    l10n.msg(
                        "cli-sync-done",
                        &[
                            ("count", report.communes_total.into()),
                            ("places", report.places_total.into()),
                            (
                                "changed",
                                (report.communes_changed
                                    + report.communes_removed
                                    + report.places_changed
                                    + report.places_removed)
                                    .into()
                            ),
                            ("server", report.server.into()),
                        ]
                    )
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e @ ClientError::Offline { .. }) => {
                report_offline(&client, &l10n, &e)?;
                Ok(ExitCode::from(EXIT_OFFLINE))
            }
            Err(e) => Err(e.into()),
        },
        Command::Communes { json } => {
            let offline = refresh(&rt, &client, &l10n)?;
            let communes = client.communes()?;
            if communes.is_empty() && !json {
                eprintln!("{}", l10n.msg("cli-cache-empty", &[]));
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&communes)?);
            } else {
                for c in &communes {
                    println!("{}  {}  ({})", c.code, c.name, c.postal_codes.join(", "));
                }
                println!(
                    "{}",
                    l10n.msg("cli-communes-count", &[("count", communes.len().into())])
                );
            }
            Ok(if offline && communes.is_empty() {
                ExitCode::from(EXIT_OFFLINE)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Search {
            query,
            category,
            commune,
            open_now,
            open_at,
            delivery,
            takeaway,
            direct_sales,
            collection_point,
            near,
            near_home,
            limit,
            json,
        } => {
            let at = moment(open_at.as_deref(), &l10n)?;
            let near = match (near, near_home) {
                (Some(p), _) => Some(p),
                (None, false) => None,
                (None, true) => {
                    let home = client
                        .settings()?
                        .home_commune
                        .context(l10n.msg("cli-no-home-commune", &[]))?;
                    let centre = client.store().commune_centre(&home)?;
                    Some(centre.context(l10n.msg("cli-no-home-centre", &[]))?)
                }
            };
            let q = SearchQuery {
                text: query,
                category,
                commune,
                open_only: open_now || open_at.is_some(),
                delivery,
                takeaway,
                direct_sales,
                collection_point,
                near,
                order: if near.is_some() {
                    Order::Distance
                } else {
                    Order::Relevance
                },
                limit: Some(limit),
            };
            let results = client.search(&q, &at, lang)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&results)?);
            } else {
                if client.store().place_count()? == 0 {
                    eprintln!("{}", l10n.msg("cli-directory-empty", &[]));
                }
                for r in &results {
                    print_result(r, &l10n);
                }
                println!(
                    "{}",
                    l10n.msg("cli-results-count", &[("count", results.len().into())])
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Alerts { place, json } => {
            let offline = refresh(&rt, &client, &l10n)?;
            let mut alerts = client.alerts()?;
            if let Some(name) = place {
                let known = client
                    .places()?
                    .into_iter()
                    .find(|p| p.name.to_lowercase() == name.trim().to_lowercase())
                    .with_context(|| {
                        l10n.msg("cli-place-not-followed", &[("name", name.into())])
                    })?;
                // A whole-territory alert reaches every place (it names none).
                alerts.retain(|a| {
                    a.places.contains(&known.name)
                        || a.message.body.area == beffroi_domain::alert::Area::Territory
                });
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&alerts)?);
            } else if alerts.is_empty() {
                println!("{}", l10n.msg("alerts-none", &[]));
            } else {
                for a in &alerts {
                    print_alert(a, client.alert_link(&a.thread).ok().as_deref(), lang, &l10n);
                }
            }
            Ok(if offline && alerts.is_empty() {
                ExitCode::from(EXIT_OFFLINE)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Rules { at, json } => {
            let offline = refresh(&rt, &client, &l10n)?;
            // Home, or at least one place followed.
            if client.followed_communes()?.is_empty() {
                anyhow::bail!(l10n.msg("cli-no-home-commune", &[]));
            }
            let at = moment(at.as_deref(), &l10n)?;
            let now = time::OffsetDateTime::from_unix_timestamp(at.timestamp())?;
            let rules = client.rules(now)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rules)?);
            } else {
                print_rules(&rules, &l10n);
            }
            Ok(
                if offline && client.store().measures_cursor()? == Cursor::START {
                    ExitCode::from(EXIT_OFFLINE)
                } else {
                    ExitCode::SUCCESS
                },
            )
        }
        Command::Advice { id, json } => {
            let offline = refresh(&rt, &client, &l10n)?;
            match id {
                None => {
                    let pages = client.advice_pages()?;
                    if json {
                        println!("{}", serde_json::to_string_pretty(&pages)?);
                    } else if pages.is_empty() {
                        println!("{}", l10n.msg("cli-advice-none", &[]));
                    } else {
                        for p in &pages {
                            println!("{}  {}", p.id, p.title);
                        }
                    }
                }
                Some(id) => {
                    let Some(text) = client.advice_source(&id)? else {
                        anyhow::bail!(l10n.msg("cli-advice-not-found", &[("id", id.into())]));
                    };
                    if json {
                        println!(
                            "{}",
                            serde_json::to_string_pretty(&client.advice_page(&id)?)?
                        );
                    } else {
                        // The Markdown reads as it is in a terminal, with no
                        // character a terminal would obey (a hostile server's).
                        let safe = |s: &str| -> String {
                            s.chars()
                                .filter(|c| !beffroi_domain::advice::is_unwanted_control(*c))
                                .collect()
                        };
                        println!("{}\n\n{}", safe(&text.title), safe(&text.body));
                    }
                }
            }
            Ok(
                if offline && client.store().advice_cursor()? == Cursor::START {
                    ExitCode::from(EXIT_OFFLINE)
                } else {
                    ExitCode::SUCCESS
                },
            )
        }
        Command::Places { action, json } => {
            match action {
                Some(PlacesAction::Add {
                    name,
                    commune,
                    at,
                    min_severity,
                }) => {
                    let mut place = match at {
                        Some(at) => SavedPlace::point(&name, at),
                        None => SavedPlace::commune(&name, commune.context("--commune")?),
                    };
                    place.min_severity = min_severity.unwrap_or(Severity::Unknown);
                    let exists = client
                        .places()?
                        .iter()
                        .any(|p| p.name.to_lowercase() == name.trim().to_lowercase());
                    let saved = client.save_place(place, exists.then_some(name.as_str()))?;
                    println!(
                        "{}",
                        l10n.msg("cli-place-saved", &[("name", saved.name.clone().into())])
                    );
                }
                Some(PlacesAction::Remove { name }) => {
                    if !client.remove_place(&name)? {
                        anyhow::bail!(l10n.msg("cli-place-not-followed", &[("name", name.into())]));
                    }
                    println!(
                        "{}",
                        l10n.msg("cli-place-removed", &[("name", name.into())])
                    );
                }
                None => {
                    let places = client.places()?;
                    if json {
                        println!("{}", serde_json::to_string_pretty(&places)?);
                    } else if places.is_empty() {
                        println!("{}", l10n.msg("cli-places-none", &[]));
                    } else {
                        let communes = client.communes()?;
                        for p in &places {
                            print_place(p, &communes, &l10n);
                        }
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Listen { json, no_notify } => {
            if !no_notify {
                client.set_notifier(std::sync::Arc::new(beffroi_client::alerts::DesktopNotifier));
            }
            // What was printed: each thread's number of messages.
            let mut seen: std::collections::HashMap<String, usize> = client
                .alerts()?
                .into_iter()
                .map(|a| (a.thread, a.history.len()))
                .collect();
            let (connected, lost) = (
                l10n.msg("cli-listen-connected", &[]),
                l10n.msg("cli-listen-lost", &[]),
            );
            let server = client.settings()?.server_url;
            let on_news = move |alerts: Vec<beffroi_client::alerts::ResidentAlert>| {
                for a in alerts.iter().rev() {
                    if seen.get(&a.thread) == Some(&a.history.len()) {
                        continue;
                    }
                    seen.insert(a.thread.clone(), a.history.len());
                    if json {
                        if let Ok(line) = serde_json::to_string(a) {
                            println!("{line}");
                        }
                    } else {
                        let link = server
                            .as_deref()
                            .map(|s| beffroi_client::alert_link(s, &a.thread));
                        print_alert(a, link.as_deref(), lang, &l10n);
                    }
                }
            };
            let on_status = move |online: bool| {
                eprintln!("{}", if online { &connected } else { &lost });
            };
            // Reports filed here whose status moved (each history's length).
            let mut statuses: std::collections::HashMap<String, usize> = client
                .filed_reports()?
                .into_iter()
                .map(|r| (r.report.id, r.view.map_or(0, |v| v.history.len())))
                .collect();
            let l10n_reports = Localizer::new(lang)?;
            let on_reports = move |filed: Vec<beffroi_client::reports::FiledReport>| {
                for r in &filed {
                    let len = r.view.as_ref().map_or(0, |v| v.history.len());
                    if statuses.insert(r.report.id.clone(), len) == Some(len) {
                        continue;
                    }
                    if json {
                        if let Ok(line) = serde_json::to_string(r) {
                            println!("{line}");
                        }
                    } else {
                        print_report(r, &l10n_reports);
                    }
                }
            };
            // The rules in force changed: print them as they are now.
            let l10n_rules = Localizer::new(lang)?;
            let rules_client = &client;
            // The rules are printed again when they change (the advice
            // pages are read with `beffroi advice`).
            let on_rules = move |what: beffroi_client::Content| {
                if what != beffroi_client::Content::Rules {
                    return;
                }
                match rules_client.rules(time::OffsetDateTime::now_utc()) {
                    Ok(rules) if json => {
                        println!("{}", serde_json::json!({ "rules": rules }));
                    }
                    Ok(rules) => print_rules(&rules, &l10n_rules),
                    Err(e) => eprintln!("beffroi: {}", l10n_rules.render(&e.msg())),
                }
            };
            rt.block_on(async {
                tokio::select! {
                    r = client.listen(on_news, on_status, on_reports, on_rules) => r.map_err(anyhow::Error::from),
                    _ = tokio::signal::ctrl_c() => Ok(()),
                }
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report {
            category,
            text,
            at,
            address,
            commune,
            answers,
            photos,
            json,
        } => {
            let settings = client.settings()?;
            let report = beffroi_domain::report::NewReport {
                id: String::new(),
                category,
                description: text,
                location: beffroi_domain::report::ReportLocation {
                    position: at,
                    address,
                },
                commune: commune.or(settings.home_commune),
                contact: None,
                lang,
                answers: answers.into_iter().collect(),
                filed_by: None,
            };
            let id = client.file_report(report, &photos)?;
            let offline = refresh(&rt, &client, &l10n)?;
            let filed = client
                .filed_reports()?
                .into_iter()
                .find(|r| r.report.id == id)
                .with_context(|| l10n.msg("cli-report-not-queued", &[]))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&filed)?);
            } else {
                print_report(&filed, &l10n);
            }
            Ok(
                if filed.state == beffroi_client::reports::OutboxState::Failed {
                    ExitCode::FAILURE
                } else if offline {
                    ExitCode::from(EXIT_OFFLINE)
                } else {
                    ExitCode::SUCCESS
                },
            )
        }
        Command::Reports { json } => {
            let offline = refresh(&rt, &client, &l10n)?;
            let filed = client.filed_reports()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&filed)?);
            } else {
                for r in &filed {
                    print_report(r, &l10n);
                }
            }
            Ok(if offline && filed.is_empty() {
                ExitCode::from(EXIT_OFFLINE)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Keys { reset, json } => {
            if reset {
                client.reset_keys()?;
                eprintln!("{}", l10n.msg("cli-keys-reset", &[]));
            }
            let keys = client.trusted_keys()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&keys)?);
            } else if keys.is_empty() {
                println!("{}", l10n.msg("cli-keys-none", &[]));
            } else {
                for k in &keys {
                    println!(
                        "{}",
                        l10n.msg(
                            "cli-keys-trusted",
                            &[
                                ("fingerprint", k.display.clone().into()),
                                ("id", k.key_id.clone().into())
                            ]
                        )
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Place { id, at, json } => {
            let at = moment(at.as_deref(), &l10n)?;
            let Some(r) = client.place(&PlaceId(id.clone()), &at, lang)? else {
                anyhow::bail!("{}", l10n.msg("cli-place-unknown", &[("id", id.into())]));
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                print_result(&r, &l10n);
                let p = &r.place;
                let address = [
                    &p.address.housenumber,
                    &p.address.street,
                    &p.address.postcode,
                    &p.address.city,
                ]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
                for (label, value) in [
                    ("cli-place-address", Some(address).filter(|a| !a.is_empty())),
                    ("cli-place-hours", p.opening_hours.clone()),
                    ("cli-place-note", r.note.clone()),
                    ("cli-place-phone", p.phone.clone()),
                    ("cli-place-website", p.website.clone()),
                    ("cli-place-checked", p.last_checked.clone()),
                ] {
                    if let Some(v) = value {
                        println!("  {}: {v}", l10n.msg(label, &[]));
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Syncs when a server is set, so the cache answers fresh; returns whether
/// the server was unreachable (said plainly; the cache still answers).
fn refresh(
    rt: &tokio::runtime::Runtime,
    client: &Client,
    l10n: &Localizer,
) -> anyhow::Result<bool> {
    if client.settings()?.server_url.is_none() {
        return Ok(false);
    }
    match rt.block_on(client.sync()) {
        Ok(_) => Ok(false),
        Err(e @ ClientError::Offline { .. }) => {
            report_offline(client, l10n, &e)?;
            Ok(true)
        }
        // A refused refresh is worth saying, but the cache still answers.
        Err(e) => {
            eprintln!("beffroi: {}", l10n.render(&e.msg()));
            Ok(false)
        }
    }
}

/// Says plainly that the server is unreachable and what the cache holds.
fn report_offline(client: &Client, l10n: &Localizer, e: &ClientError) -> anyhow::Result<()> {
    let (server, reason) = match e {
        ClientError::Offline { server, reason } => (server.clone(), reason.clone()),
        other => (String::new(), l10n.render(&other.msg())),
    };
    eprintln!(
        "{}",
        l10n.msg(
            "cli-offline",
            &[("server", server.into()), ("reason", reason.into())]
        )
    );
    let count = client.store().commune_count()?;
    let when = client.sync_status()?.last_success.map_or_else(
        || FluentValue::from("-"),
        |t| {
            FluentValue::from(
                t.format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
            )
        },
    );
    eprintln!(
        "{}",
        l10n.msg(
            "cli-serving-cache",
            &[("count", count.into()), ("when", when)]
        )
    );
    Ok(())
}
