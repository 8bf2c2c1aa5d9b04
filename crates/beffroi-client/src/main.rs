//! `beffroi`: the resident core on the command line. Offline-first: every
//! command answers from the local cache; commands that can refresh it first
//! say plainly when the server cannot be reached.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use beffroi_client::i18n::Localizer;
use beffroi_client::{Client, ClientError};
use beffroi_domain::Lang;
use clap::{Parser, Subcommand};
use fluent_bundle::FluentValue;

#[derive(Debug, Parser)]
#[command(
    name = "beffroi",
    version,
    about = "Beffroi resident client (offline-first)"
)]
struct Cli {
    /// Town hall server address; remembered for the next commands.
    #[arg(long, global = true, env = "BEFFROI_SERVER")]
    server: Option<String>,
    /// Local data directory (default: the platform's data directory).
    #[arg(long, global = true, env = "BEFFROI_DATA")]
    data: Option<PathBuf>,
    /// Language of messages: fr, en or it (default: the saved choice, then $LANG).
    #[arg(long, global = true)]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Command,
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
}

/// Exit status when the server could not be reached (the cache was still served).
const EXIT_OFFLINE: u8 = 2;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("beffroi: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let data = match cli.data {
        Some(d) => d,
        None => dirs::data_dir()
            .context("no data directory on this system: pass --data DIR")?
            .join("beffroi"),
    };
    let client = Client::open(&data)
        .with_context(|| format!("cannot open the local data in {}", data.display()))?;
    if let Some(server) = &cli.server {
        client.set_server(server)?;
    }
    let lang = cli
        .lang
        .or(client.settings()?.lang)
        .or_else(|| std::env::var("LANG").ok().and_then(|l| l.parse().ok()))
        .unwrap_or_default();
    let l10n = Localizer::new(lang)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;

    match cli.command {
        Command::Sync => match rt.block_on(client.sync()) {
            Ok(report) => {
                println!(
                    "{}",
                    l10n.msg(
                        "cli-sync-done",
                        &[
                            ("count", report.communes_total.into()),
                            ("changed", report.communes_changed.into()),
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
            let mut offline = false;
            if client.settings()?.server_url.is_some() {
                match rt.block_on(client.sync()) {
                    Ok(_) => {}
                    Err(e @ ClientError::Offline { .. }) => {
                        offline = true;
                        report_offline(&client, &l10n, &e)?;
                    }
                    // A refused refresh is worth saying, but the cache still answers.
                    Err(e) => eprintln!("beffroi: {e}"),
                }
            }
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
    }
}

/// Says plainly that the server is unreachable and what the cache holds.
fn report_offline(client: &Client, l10n: &Localizer, e: &ClientError) -> anyhow::Result<()> {
    let (server, reason) = match e {
        ClientError::Offline { server, reason } => (server.clone(), reason.clone()),
        other => (String::new(), other.to_string()),
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
