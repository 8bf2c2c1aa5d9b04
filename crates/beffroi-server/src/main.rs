//! `beffroi-server`: run the town hall server, manage staff accounts.
//!
//! What it says to the operator is in their language (`locales/*/server.ftl`),
//! except the lines scripts read (see that file's head).

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

use anyhow::{Context, anyhow};
use beffroi_domain::api::TileSourceError;
use beffroi_domain::l10n::{Localize, Msg};
use beffroi_domain::staff::{StaffError, check_new_password};
use beffroi_domain::{Lang, Role, Username, msg};
use beffroi_server::store::DatabaseUrl;
use beffroi_server::{AppState, Settings, Store, StoreError, auth, demo, import};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "beffroi-server", version, about = "Beffroi town hall server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server.
    Serve(Box<ServeArgs>),
    /// Manage staff accounts.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Import data from files.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// The Ed25519 keys that sign alerts.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Back up a town hall while its servers run, into a new directory that
    /// is itself a data directory (database, keys, photos): serve it, or
    /// migrate it into PostgreSQL, to restore.
    Backup {
        #[command(flatten)]
        storage: Storage,
        /// The new directory to write the backup into.
        #[arg(long)]
        to: PathBuf,
    },
    /// Copy a whole town hall into another, empty database (e.g. from
    /// SQLite to PostgreSQL), with its cursors and keys; stop its servers
    /// first. Devices go on syncing with no reset.
    Migrate {
        /// The database to copy: sqlite:///path/to/beffroi.sqlite3 or postgres://…
        /// (from the environment, a password stays off the command line).
        #[arg(long, env = "BEFFROI_MIGRATE_FROM", hide_env_values = true)]
        from: DatabaseUrl,
        /// The empty database to copy it into.
        #[arg(long, env = "BEFFROI_MIGRATE_TO", hide_env_values = true)]
        to: DatabaseUrl,
        /// The town hall's data directory (its keys when on SQLite, its
        /// photos); by default the SQLite file's directory.
        #[arg(long, env = "BEFFROI_DATA")]
        data: Option<PathBuf>,
        /// Only the photos, into a database that holds the same rows already
        /// (to finish a copy whose photos failed).
        #[arg(long)]
        photos_only: bool,
    },
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "BEFFROI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    storage: Storage,
    /// Seed the demo territory and a demo staff account, and print its credentials.
    #[arg(long)]
    demo: bool,
    /// Keys Open311 clients send as `api_key` to create requests
    /// (comma-separated in the environment). With --demo and none given,
    /// one is made and printed.
    #[arg(
        long = "open311-key",
        env = "BEFFROI_OPEN311_KEYS",
        value_delimiter = ','
    )]
    open311_keys: Vec<String>,
    /// Reports accepted per minute from one client address (a burst of as
    /// many, then evenly spread). Raise it when many residents share an
    /// address (a carrier's NAT).
    #[arg(
        long,
        env = "BEFFROI_REPORTS_PER_MINUTE",
        default_value_t = 30,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    reports_per_minute: u32,
    /// A reverse proxy in front of the server (repeatable; comma-separated
    /// in the environment): its `X-Forwarded-For` tells the client's
    /// address for rate limits. Nobody else's is believed.
    #[arg(
        long = "trusted-proxy",
        env = "BEFFROI_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// The address residents reach the server at, e.g.
    /// https://beffroi.example.fr (links in the CAP feed and Open311).
    #[arg(long, env = "BEFFROI_PUBLIC_URL", value_parser = parse_public_url)]
    public_url: Option<String>,
    /// The most connections one client address (an IPv6 /64) may hold,
    /// live alert streams included (trusted proxies are not capped).
    #[arg(
        long,
        env = "BEFFROI_CONNECTIONS_PER_ADDRESS",
        default_value_t = beffroi_server::conn::DEFAULT_PER_ADDRESS,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
    )]
    connections_per_address: usize,
    /// The town hall's name as residents know it, shown on every alert
    /// as its issuer (CAP senderName; default: the territory's name).
    #[arg(long, env = "BEFFROI_ISSUER_NAME")]
    issuer_name: Option<String>,
    /// How residents reach the town hall about an alert (a phone number,
    /// a web page), shown on every alert that names no other contact.
    #[arg(long, env = "BEFFROI_ISSUER_CONTACT")]
    issuer_contact: Option<String>,
    /// A base map under the maps' outlines: an XYZ tile server, e.g.
    /// https://tiles.example.fr/{z}/{x}/{y}.png (devices fetch the tiles
    /// only while online; without it, maps fetch nothing from anyone).
    #[arg(long, env = "BEFFROI_TILES_URL", requires = "tiles_attribution")]
    tiles_url: Option<String>,
    /// What the tiles' licence asks to show, e.g. "© OpenStreetMap contributors".
    #[arg(long, env = "BEFFROI_TILES_ATTRIBUTION", requires = "tiles_url")]
    tiles_attribution: Option<String>,
    /// The deepest zoom the tile server has.
    #[arg(long, env = "BEFFROI_TILES_MAX_ZOOM", default_value_t = 19)]
    tiles_max_zoom: u8,
    /// Accept Web Push endpoints on private addresses and over http (a
    /// push service on this machine, for tests). Never in production:
    /// anyone could make the server send requests into its own network.
    #[arg(long, env = "BEFFROI_PUSH_ALLOW_PRIVATE")]
    push_allow_private: bool,
    /// Evaluate the directory's hours ("open now") at this time (RFC 3339,
    /// e.g. 2026-11-23T10:00:00+01:00), for demonstrations and tests.
    #[arg(long, env = "BEFFROI_CLOCK", value_parser = parse_clock)]
    clock: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Serve /metrics (Prometheus text format) on this address, apart
    /// from the public one (e.g. 127.0.0.1:9464); off by default.
    #[arg(long, env = "BEFFROI_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,
}

/// Where a town hall's data lives.
#[derive(Debug, clap::Args)]
struct Storage {
    /// Data directory (created if needed): signing keys, photos, and the
    /// SQLite database unless --database names another.
    #[arg(long, env = "BEFFROI_DATA")]
    data: PathBuf,
    /// The database: sqlite:///path/to/file (the default is beffroi.sqlite3
    /// in --data) or postgres://user@host/database.
    #[arg(long, env = "BEFFROI_DATABASE_URL", hide_env_values = true)]
    database: Option<DatabaseUrl>,
}

impl Storage {
    async fn open(&self) -> anyhow::Result<std::sync::Arc<dyn Store>> {
        beffroi_server::open_store(self.database.as_ref(), &self.data)
            .await
            .map(|(store, _bus)| store)
            .with_context(|| cannot_open(self.database.as_ref(), &self.data))
    }

    /// The keys where the servers keep them (the database they share, or
    /// the data directory of a server alone), after a rotation if asked.
    async fn keys(&self, rotate: bool) -> anyhow::Result<beffroi_server::keys::KeyRing> {
        use beffroi_server::keys::{KeyHome, KeyRing};
        let store = match &self.database {
            Some(DatabaseUrl::Postgres(_)) => Some(self.open().await?),
            _ => None,
        };
        let home = match &store {
            Some(store) => KeyHome::Store {
                store: store.as_ref(),
                import_from: &self.data,
            },
            None => KeyHome::Dir(&self.data),
        };
        Ok(if rotate {
            KeyRing::rotate(home).await?
        } else {
            KeyRing::open(home).await?
        })
    }

    /// The database's URL (its password hidden), else the data directory.
    fn describe(&self) -> String {
        match &self.database {
            Some(url) => url.to_string(),
            None => self.data.display().to_string(),
        }
    }
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// List the keys (the newest signs).
    List {
        #[command(flatten)]
        storage: Storage,
    },
    /// Make a new signing key, endorsed by the current one so devices that
    /// pinned it trust the new one; takes effect at the servers' next start.
    Rotate {
        #[command(flatten)]
        storage: Storage,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Import places from OSM GeoJSON (.geojson, .json) or CSV (.csv); see docs/directory.md.
    Places {
        /// The file to import.
        file: PathBuf,
        #[command(flatten)]
        storage: Storage,
    },
}

#[derive(Debug, Subcommand)]
enum StaffCommand {
    /// Add a staff account; the password is read from standard input.
    Add {
        #[command(flatten)]
        storage: Storage,
        #[arg(long)]
        name: String,
        /// editor, publisher or admin.
        #[arg(long)]
        role: String,
    },
}

/// The operator's language (`LC_ALL`, `LC_MESSAGES` or `LANG`), French by default.
fn lang() -> Lang {
    static LANG: OnceLock<Lang> = OnceLock::new();
    *LANG.get_or_init(|| Lang::from_env().unwrap_or_default())
}

/// A message in the operator's language.
fn say(m: Msg) -> String {
    beffroi_server::l10n::text(lang(), &m)
}

/// Why a town hall's storage did not open: its database, else its data directory.
fn cannot_open(database: Option<&DatabaseUrl>, data: &std::path::Path) -> String {
    match database {
        Some(url) => say(msg!(
            "server-cannot-open-database",
            database = url.to_string()
        )),
        None => say(msg!(
            "server-cannot-open-data",
            dir = data.display().to_string()
        )),
    }
}

/// An error and its causes, each in the operator's language where it can say itself.
fn explain(e: &anyhow::Error) -> String {
    e.chain()
        .map(|cause| {
            if let Some(e) = cause.downcast_ref::<StaffError>() {
                say(e.msg())
            } else if let Some(e) = cause.downcast_ref::<TileSourceError>() {
                say(e.msg())
            } else if let Some(e) = cause.downcast_ref::<import::ImportError>()
                && !matches!(e, import::ImportError::Store(_))
            {
                say(e.msg())
            } else if let Some(StoreError::AlreadyExists(what)) = cause.downcast_ref::<StoreError>()
            {
                say(what.clone())
            } else {
                cause.to_string()
            }
        })
        .reduce(|error, cause| say(msg!("server-cause", error = error, cause = cause)))
        .unwrap_or_default()
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", say(msg!("server-error", what = explain(&e))));
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let rt = tokio::runtime::Runtime::new().with_context(|| say(msg!("server-cannot-start")))?;
    rt.block_on(async {
        match cli.command {
            Command::Serve(args) => {
                let ServeArgs {
                    listen,
                    storage,
                    demo,
                    open311_keys,
                    reports_per_minute,
                    trusted_proxies,
                    public_url,
                    connections_per_address,
                    issuer_name,
                    issuer_contact,
                    tiles_url,
                    tiles_attribution,
                    tiles_max_zoom,
                    push_allow_private,
                    clock,
                    metrics_listen,
                } = *args;
                let tiles = match (tiles_url, tiles_attribution) {
                    (Some(url), Some(attribution)) => Some(
                        beffroi_domain::api::TileSource::new(&url, &attribution, tiles_max_zoom)
                            .map_err(|e| {
                                let option = match &e {
                                    TileSourceError::Url => "--tiles-url",
                                    TileSourceError::Attribution => "--tiles-attribution",
                                    TileSourceError::MaxZoom => "--tiles-max-zoom",
                                };
                                anyhow::Error::new(e).context(option)
                            })?,
                    ),
                    _ => None,
                };
                if push_allow_private {
                    tracing::warn!(
                        "--push-allow-private: push endpoints on private addresses are accepted"
                    );
                }
                let database = storage.database.clone();
                let adjust = move |s: &mut Settings| {
                    s.database = database;
                    s.tiles = tiles;
                    s.push_allow_private = push_allow_private;
                    s.hours_clock = clock;
                    s.report_burst = reports_per_minute;
                    s.report_interval = std::time::Duration::from_secs_f64(
                        60.0 / f64::from(reports_per_minute.max(1)),
                    );
                    s.trusted_proxies = trusted_proxies;
                    s.public_url = public_url;
                    s.connections_per_address = connections_per_address;
                    if let Some(name) = issuer_name.filter(|n| !n.trim().is_empty()) {
                        s.sender_name = name.trim().to_owned();
                    }
                    s.issuer_contact = issuer_contact
                        .map(|c| c.trim().to_owned())
                        .filter(|c| !c.is_empty());
                };
                serve(
                    listen,
                    storage.data,
                    demo,
                    open311_keys,
                    metrics_listen,
                    adjust,
                )
                .await
            }
            Command::Staff {
                command:
                    StaffCommand::Add {
                        storage,
                        name,
                        role,
                    },
            } => staff_add(&storage, &name, &role).await,
            Command::Import {
                what: ImportCommand::Places { file, storage },
            } => import_places(&file, &storage).await,
            Command::Backup { storage, to } => backup(&storage, &to).await,
            Command::Migrate {
                from,
                to,
                data,
                photos_only,
            } => {
                let what = if photos_only {
                    beffroi_server::migrate::What::PhotosOnly
                } else {
                    beffroi_server::migrate::What::All
                };
                migrate(&from, &to, data.as_deref(), what).await
            }
            Command::Keys { command } => {
                let ring = match command {
                    KeysCommand::List { storage } => storage.keys(false).await?,
                    KeysCommand::Rotate { storage } => storage.keys(true).await?,
                };
                for k in ring.public_keys() {
                    let line = match k.endorsed_by {
                        None => msg!("server-key"),
                        Some(by) => msg!("server-key-endorsed", by = by.to_string()),
                    }
                    .arg("key", k.key_id.to_string())
                    .arg("public", k.public_key.to_string())
                    .arg("created", k.created.to_string());
                    println!("{}", say(line));
                }
                Ok(())
            }
        }
    })
}

async fn backup(storage: &Storage, to: &std::path::Path) -> anyhow::Result<()> {
    let held = beffroi_server::backup::backup(storage.database.as_ref(), &storage.data, to)
        .await
        .with_context(|| {
            say(msg!(
                "server-cannot-back-up",
                source = storage.describe(),
                dir = to.display().to_string()
            ))
        })?;
    println!(
        "{:<20} {:>10}",
        say(msg!("server-table")),
        say(msg!("server-rows"))
    );
    for (table, n) in &held.tables {
        println!("{table:<20} {n:>10}");
    }
    let cursor = held.last_cursor.to_string();
    println!("{}", say(msg!("server-last-cursor", cursor = cursor)));
    println!("{}", say(msg!("server-backup-keys", count = held.keys)));
    println!("{}", say(msg!("server-backup-photos", count = held.photos)));
    println!(
        "{}",
        say(msg!("server-backed-up", dir = to.display().to_string()))
    );
    Ok(())
}

async fn migrate(
    from: &DatabaseUrl,
    to: &DatabaseUrl,
    data: Option<&std::path::Path>,
    what: beffroi_server::migrate::What,
) -> anyhow::Result<()> {
    let copied = beffroi_server::migrate::migrate(from, to, data, what)
        .await
        .with_context(|| {
            say(msg!(
                "server-cannot-copy",
                from = from.to_string(),
                to = to.to_string()
            ))
        })?;
    println!(
        "{:<20} {:>10} {:>10}",
        say(msg!("server-table")),
        say(msg!("server-source")),
        say(msg!("server-copied"))
    );
    for (table, n, m) in &copied.tables {
        println!("{table:<20} {n:>10} {m:>10}");
    }
    let cursor = copied.last_cursor.to_string();
    println!("{}", say(msg!("server-last-cursor", cursor = cursor)));
    println!("{}", say(msg!("server-migrate-keys", count = copied.keys)));
    println!(
        "{}",
        say(msg!("server-migrate-photos", count = copied.photos))
    );
    if !copied.photos_skipped.is_empty() {
        let ids = copied.photos_skipped.join(", ");
        println!("{}", say(msg!("server-migrate-photos-skipped", ids = ids)));
    }
    println!(
        "{}",
        say(msg!(
            "server-migrated",
            from = from.to_string(),
            to = to.to_string()
        ))
    );
    Ok(())
}

/// Below this open-file limit the server says so at start.
const LOW_OPEN_FILES: u64 = 4096;

async fn serve(
    listen: SocketAddr,
    data: PathBuf,
    demo: bool,
    mut open311_keys: Vec<String>,
    metrics_listen: Option<SocketAddr>,
    adjust: impl FnOnce(&mut Settings),
) -> anyhow::Result<()> {
    open311_keys.retain(|k| !k.trim().is_empty());
    if demo && open311_keys.is_empty() {
        let key = auth::random_secret(16);
        println!("demo Open311 api_key={key}");
        open311_keys.push(key);
    }
    let mut settings = Settings::new(&data);
    settings.open311_keys = open311_keys;
    adjust(&mut settings);
    let database = settings.database.clone();
    let state = AppState::open(settings)
        .await
        .with_context(|| cannot_open(database.as_ref(), &data))?;
    if demo {
        let creds = demo::seed(state.store.as_ref()).await?;
        // The account's words stay fixed: scripts read them.
        let account = format!(
            "username={} password={} role={}",
            creds.username, creds.password, creds.role
        );
        println!("{}", say(msg!("server-demo-loaded", account = account)));
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| say(msg!("server-cannot-listen", address = listen.to_string())))?;
    let addr = listener.local_addr()?;
    match beffroi_server::push::raise_open_files_limit() {
        Ok(n) if n < LOW_OPEN_FILES => {
            eprintln!("{}", say(msg!("server-low-open-files", count = n)));
        }
        Ok(_) => {}
        Err(e) => {
            let reason = e.to_string();
            eprintln!(
                "{}",
                say(msg!("server-open-files-unknown", reason = reason))
            );
        }
    }
    let dir = data.display().to_string();
    println!("{}", say(msg!("server-data-dir", dir = dir)));
    if let Some(url) = &state.settings.database {
        println!(
            "{}",
            say(msg!("server-database", database = url.to_string()))
        );
    }
    if let Some(at) = metrics_listen {
        let metrics = tokio::net::TcpListener::bind(at).await.with_context(|| {
            say(msg!(
                "server-cannot-listen-metrics",
                address = at.to_string()
            ))
        })?;
        println!("metrics on http://{}/metrics", metrics.local_addr()?);
        tokio::spawn(beffroi_server::metrics::serve(state.clone(), metrics));
    }
    println!("listening on http://{addr}");
    beffroi_server::serve(state, listener, shutdown_signal()).await?;
    eprintln!("{}", say(msg!("server-stopped")));
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    eprintln!("{}", say(msg!("server-shutting-down")));
}

async fn import_places(file: &std::path::Path, storage: &Storage) -> anyhow::Result<()> {
    let format = import::Format::from_path(file)?;
    let text = std::fs::read_to_string(file).with_context(|| {
        say(msg!(
            "server-cannot-read-file",
            file = file.display().to_string()
        ))
    })?;
    let store = storage.open().await?;
    // The demo territory's outlines (the territory `serve --demo` seeds).
    let outlines = std::sync::Arc::new(beffroi_server::geography::Outlines::demo());
    // The rows' issues in the operator's language.
    let report = import::import_places(store.as_ref(), format, &text, lang(), outlines).await?;
    for issue in &report.rejected {
        let line = match &issue.what {
            Some(what) => msg!("server-import-rejected-what", what = what),
            None => msg!("server-import-rejected"),
        }
        .arg("row", issue.row)
        .arg("reason", &issue.reason);
        eprintln!("{}", say(line));
    }
    let c = report.counts;
    println!(
        "{}",
        say(msg!(
            "server-import-done",
            file = file.display().to_string(),
            inserted = c.inserted,
            updated = c.updated,
            unchanged = c.unchanged,
            kept = c.kept,
            skipped = report.skipped.len(),
            rejected = report.rejected.len(),
        ))
    );
    Ok(())
}

async fn staff_add(storage: &Storage, name: &str, role: &str) -> anyhow::Result<()> {
    let username: Username = name.parse()?;
    let role: Role = role.parse()?;
    if std::io::stdin().is_terminal() {
        let prompt = msg!("server-password-prompt", username = username.to_string());
        eprint!("{}", say(prompt));
    }
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .with_context(|| say(msg!("server-cannot-read-password")))?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(anyhow!(say(msg!("server-no-password"))));
    }
    check_new_password(&password)?;
    let store = storage.open().await?;
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await??;
    store.add_staff(&username, role, hash).await?;
    let added = msg!(
        "server-staff-added",
        username = username.to_string(),
        role = role.to_string()
    );
    println!("{}", say(added));
    Ok(())
}

fn parse_clock(s: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map_err(|e| say(msg!("server-bad-clock", reason = e.to_string())))
}

fn parse_public_url(s: &str) -> Result<String, String> {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or_else(|| say(msg!("server-bad-public-url")))?;
    if rest.trim_end_matches('/').is_empty() || rest.contains(char::is_whitespace) {
        return Err(say(msg!("server-bad-public-url")));
    }
    Ok(s.trim_end_matches('/').to_owned())
}
