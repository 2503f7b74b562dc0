//! `harmony-api`: the HTTP API and its command line.
//!
//! `harmony-api` alone (or `serve`) runs the server; with the embedded
//! defaults it migrates the SQLite database, creates a first system admin and
//! runs the outbox worker in-process.

use clap::{Parser, Subcommand};
use harmony_runtime::settings::Settings;
use std::process::ExitCode;

/// Harmony's API server and administration commands.
#[derive(Debug, Parser)]
#[command(name = "harmony-api", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (the default).
    Serve {
        /// Interface to bind (default from `server.host`).
        #[arg(long, env = "HARMONY__SERVER__HOST")]
        host: Option<String>,
        /// Port to bind (default from `server.port`).
        #[arg(long, env = "HARMONY__SERVER__PORT")]
        port: Option<u16>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create demo tenants with an owner, admin and member each (not in production).
    Seed,
    /// Create a system admin (scriptable).
    CreateAdmin {
        /// The admin's e-mail.
        #[arg(long)]
        email: String,
        /// The admin's password (policy applies); prefer the environment form.
        #[arg(long, env = "HARMONY_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("harmony-api: invalid configuration: {e}");
            return ExitCode::FAILURE;
        }
    };
    harmony_api::server::init_logging(&settings);
    let result = match cli.command.unwrap_or(Command::Serve {
        host: None,
        port: None,
    }) {
        Command::Serve { host, port } => harmony_api::server::serve(settings, host, port).await,
        Command::Migrate => harmony_api::server::migrate(settings).await,
        Command::Seed => harmony_api::server::seed(settings).await,
        Command::CreateAdmin { email, password } => {
            harmony_api::server::create_admin(settings, &email, password).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "harmony-api failed");
            eprintln!("harmony-api: {e:#}");
            ExitCode::FAILURE
        }
    }
}
