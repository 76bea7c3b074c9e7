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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the distribution kit of each project into DIR/<project.id>/
    #[command(
        after_help = "Example:\n  mobileid-kit build example-projects -o dist --lang en --only html,qr"
    )]
    Build(BuildArgs),
    /// Validate project.toml, theme, instructions and ledger; print every problem found
    #[command(
        after_help = "Example:\n  mobileid-kit check acme-hq --baseline released/ledger.csv --deny-warnings"
    )]
    Check(CheckArgs),
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
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Project folders or project.toml files; a folder without project.toml is searched
    #[arg(default_value = ".")]
    pub projects: Vec<PathBuf>,
    /// Treat warnings as errors (exit 1)
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (must not hold a project.toml yet)
    pub dir: PathBuf,
    /// The project name printed on every material
    #[arg(long)]
    pub name: Option<String>,
    /// Languages, the first is the default (the default theme has en and de)
    #[arg(
        long,
        value_name = "L,..",
        value_delimiter = ',',
        default_value = "en,de"
    )]
    pub lang: Vec<String>,
}

impl Command {
    /// Whether the command has a CSV rendering (`--format csv`).
    pub fn prints_csv(&self) -> bool {
        false
    }
}
