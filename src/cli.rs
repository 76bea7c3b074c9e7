//! Command-line arguments (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "mobileid-kit",
    version,
    about = "Distribution kits and a trusted ID ledger for BALTECH Mobile ID self-service projects",
    after_help = "Example:\n  mobileid-kit init acme-hq --name \"ACME Headquarters\" --lang en,de\n  mobileid-kit build acme-hq -o dist"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// How to print results and diagnostics
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,
    /// Print nothing but errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// Only for `status`
    Csv,
    /// Only for `status`: the rollout report as one self-contained page
    Html,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the distribution kit of each project into DIR/<project.id>/
    #[command(
        after_help = "Example:\n  mobileid-kit build example-projects -o dist --lang en --only html,qr"
    )]
    Build(BuildArgs),
    /// Preview the kit in a browser: built in memory, rebuilt on every saved change
    #[command(
        after_help = "Example:\n  mobileid-kit serve acme-hq          # then open http://127.0.0.1:4790/_preview/\n  mobileid-kit serve acme-hq --port 8080"
    )]
    Serve(ServeArgs),
    /// Validate project.toml, theme, instructions and ledger; print every problem found
    #[command(
        after_help = "Example:\n  mobileid-kit check acme-hq --baseline released/ledger.csv --deny-warnings"
    )]
    Check(CheckArgs),
    /// Reconcile the ledger: assigned, registered, pending and revoked IDs
    #[command(
        after_help = "Example:\n  mobileid-kit status acme-hq --pending-days 7 --format csv > pending.csv"
    )]
    Status(StatusArgs),
    /// Append to the ledger: assignments, registrations, revocations, host-system imports
    #[command(
        subcommand,
        after_help = "Example:\n  mobileid-kit ledger assigned --through 1012 -p acme-hq\n  mobileid-kit ledger register 1011 jdoe -p acme-hq"
    )]
    Ledger(LedgerCommand),
    /// Decode every QR code in built kits and compare them with their manifest.json
    #[command(
        after_help = "Example:\n  mobileid-kit verify dist/acme-hq\n  mobileid-kit verify dist          # every kit in dist/\n  mobileid-kit verify dist/acme-hq --photo"
    )]
    Verify(VerifyArgs),
    /// Write a new project folder that builds as it is
    #[command(
        after_help = "Example:\n  mobileid-kit init acme-hq --name \"ACME Headquarters\" --lang en,de"
    )]
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Project folders or project.toml files; a folder without project.toml is searched
    #[arg(default_value = ".")]
    pub projects: Vec<PathBuf>,
    /// Output folder; each kit goes to DIR/<project.id>/
    #[arg(short, long, value_name = "DIR", default_value = "dist")]
    pub output: PathBuf,
    /// Build only these languages (from the project's languages)
    #[arg(long, value_name = "L,..", value_delimiter = ',')]
    pub lang: Option<Vec<String>>,
    /// Build only these outputs (from the project's [kit] outputs)
    #[arg(long, value_name = "KIND,..", value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(crate::project::config::OUTPUTS))]
    pub only: Option<Vec<String>>,
    /// Verify each kit after writing it (as `mobileid-kit verify`)
    #[arg(long)]
    pub verify: bool,
    /// Wait up to SECS for another build into the same folder, then give up (exit 2)
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub wait: u64,
    /// Rebuild every kit, also those whose inputs and program are unchanged since their last build
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Project folder or project.toml
    #[arg(default_value = ".")]
    pub project: PathBuf,
    /// The port to listen on (0: any free port; the address is printed)
    #[arg(long, value_name = "N", default_value_t = 4790)]
    pub port: u16,
    /// The address to listen on; anything but loopback shows the kit to the network
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Kit folders (holding manifest.json), or folders of kits
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Also photograph each printed code as a phone would, under a fixed ladder of worsening
    /// conditions (tilt, defocus, shake, dim light, noise, JPEG), and report its margin
    #[arg(long)]
    pub photo: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Project folders or project.toml files; a folder without project.toml is searched
    #[arg(default_value = ".")]
    pub projects: Vec<PathBuf>,
    /// Treat warnings as errors (exit 1)
    #[arg(long)]
    pub deny_warnings: bool,
    /// An earlier copy of the ledger that must be a prefix of the current one (E140): a file,
    /// or git:REV for the ledger as committed at REV (e.g. git:HEAD)
    #[arg(long, value_name = "FILE|git:REV")]
    pub baseline: Option<String>,
    /// Warn (W150) about IDs assigned more than N days before the newest row and not registered
    #[arg(long, value_name = "N", default_value_t = 14)]
    pub pending_days: u32,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Project folder or project.toml
    #[arg(default_value = ".")]
    pub project: PathBuf,
    /// IDs assigned more than N days before the newest row and not registered are pending
    #[arg(long, value_name = "N", default_value_t = 14)]
    pub pending_days: u32,
    /// The language of the HTML report: one of the project's (default: its first)
    #[arg(long, value_name = "L")]
    pub lang: Option<String>,
}

#[derive(Debug, Args)]
pub struct LedgerArgs {
    /// Project folder or project.toml
    #[arg(short, long, value_name = "PROJECT", default_value = ".")]
    pub project: PathBuf,
    /// Date of the new rows, YYYY-MM-DD (default: today)
    #[arg(long)]
    pub date: Option<String>,
    /// A note for the new rows
    #[arg(long, default_value = "")]
    pub note: String,
    /// Wait up to SECS for another command holding the ledger's lock, then give up (exit 2)
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub wait: u64,
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Append an `assigned` row for the IDs after the last assigned one up to ID
    #[command(
        after_help = "Example (Manager's Settings show IDs up to 1012 as assigned):\n  mobileid-kit ledger assigned --through 1012 -p acme-hq"
    )]
    Assigned {
        /// The last ID Manager's Settings show as assigned
        #[arg(long, value_name = "ID")]
        through: u64,
        #[command(flatten)]
        common: LedgerArgs,
    },
    /// Append a `registered` row: the user fed ID into the host system as SUBJECT
    #[command(
        after_help = "Example:\n  mobileid-kit ledger register 1005 jdoe -p acme-hq --note \"helpdesk ticket 4711\""
    )]
    Register {
        /// The ID the app shows
        id: u64,
        /// The host system's user reference
        subject: String,
        #[command(flatten)]
        common: LedgerArgs,
    },
    /// Append a `revoked` row: the app with ID was deactivated; ID is retired for good
    #[command(
        after_help = "Example:\n  mobileid-kit ledger revoke 1002 -p acme-hq --note \"phone lost\""
    )]
    Revoke {
        /// The ID to retire
        id: u64,
        #[command(flatten)]
        common: LedgerArgs,
    },
    /// Append `registered` rows from a host-system CSV export, skipping rows already in the ledger
    #[command(
        after_help = "Example:\n  mobileid-kit ledger import export.csv --id-column \"Mobile ID\" --subject-column Personalnummer --date-column Datum --dry-run -p acme-hq"
    )]
    Import {
        /// The export: a header row, separated by commas, semicolons or tabs, UTF-8, Windows-1252 or UTF-16
        file: PathBuf,
        /// The column holding the ID
        #[arg(long, value_name = "C", default_value = "id")]
        id_column: String,
        /// The column holding the user reference
        #[arg(long, value_name = "C", default_value = "subject")]
        subject_column: String,
        /// The column holding the registration date (default: a `date` column if there is one, else --date)
        #[arg(long, value_name = "C")]
        date_column: Option<String>,
        /// Report what would be appended and skipped; write nothing
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        common: LedgerArgs,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (must not hold a project.toml yet)
    pub dir: PathBuf,
    /// The project name printed on every material
    #[arg(long)]
    pub name: Option<String>,
    /// Languages, the first is the default (the default theme has en, de, fr, it, es, pt, nl, pl, cs, sv, da, fi, nb and tr)
    #[arg(
        long,
        value_name = "L,..",
        value_delimiter = ',',
        default_value = "en,de"
    )]
    pub lang: Vec<String>,
}

impl Command {
    /// Whether the command has the report renderings (`--format csv|html`).
    pub fn prints_report(&self) -> bool {
        matches!(self, Command::Status(_))
    }
}
