//! `harmony-api`: the HTTP API and its command line.
//!
//! `harmony-api` alone (or `serve`) runs the server; with the embedded
//! defaults it migrates the SQLite database, creates a first system admin and
//! runs the outbox worker in-process.

use clap::{Parser, Subcommand};
use harmony_kernel::SystemRole;
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
    /// Set every tenant's storage counter to the sum of its active files.
    RecomputeStorage,
    /// Create a system user: an admin, or a read-only operator (scriptable).
    CreateAdmin {
        /// The user's e-mail.
        #[arg(long)]
        email: String,
        /// The user's password (policy applies); prefer the environment form.
        #[arg(long, env = "HARMONY_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        /// The system role: `admin` (everything) or `operator` (read-only, §4.1).
        #[arg(long, value_enum, default_value_t = RoleArg::Admin)]
        role: RoleArg,
    },
}

/// `create-admin --role`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    /// Full platform access.
    Admin,
    /// Read-only platform access.
    Operator,
}

impl From<RoleArg> for SystemRole {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => Self::Admin,
            RoleArg::Operator => Self::Operator,
        }
    }
}

#[actix_web::main]
async fn main() -> ExitCode {
    harmony_runtime::allocator::fix_mmap_threshold();
    let cli = Cli::parse();
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("harmony-api: invalid configuration: {e}");
            return ExitCode::FAILURE;
        }
    };
    let telemetry = harmony_api::server::init_logging(&settings);
    let result = match cli.command.unwrap_or(Command::Serve {
        host: None,
        port: None,
    }) {
        Command::Serve { host, port } => harmony_api::server::serve(settings, host, port).await,
        Command::Migrate => harmony_api::server::migrate(settings).await,
        Command::Seed => harmony_api::server::seed(settings).await,
        Command::RecomputeStorage => harmony_api::server::recompute_storage(settings).await,
        Command::CreateAdmin {
            email,
            password,
            role,
        } => harmony_api::server::create_admin(settings, &email, password, role.into()).await,
    };
    telemetry.shutdown();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "harmony-api failed");
            eprintln!("harmony-api: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role_of(args: &[&str]) -> Result<SystemRole, clap::Error> {
        let base = ["harmony-api", "create-admin", "--email", "a@example.com"];
        let cli = Cli::try_parse_from(base.iter().chain(args).chain(&["--password", "x"]))?;
        let Some(Command::CreateAdmin { role, .. }) = cli.command else {
            panic!("not parsed as create-admin");
        };
        Ok(role.into())
    }

    #[test]
    fn create_admin_role_defaults_to_admin_and_accepts_operator() {
        assert_eq!(role_of(&[]).unwrap(), SystemRole::Admin);
        assert_eq!(role_of(&["--role", "admin"]).unwrap(), SystemRole::Admin);
        assert_eq!(
            role_of(&["--role", "operator"]).unwrap(),
            SystemRole::Operator
        );
        assert!(role_of(&["--role", "owner"]).is_err());
    }
}
