use clap::Parser;

fn main() {
    let cli = mobileid_kit::cli::Cli::parse();
    std::process::exit(mobileid_kit::run(cli));
}
