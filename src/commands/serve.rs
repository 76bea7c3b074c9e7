use crate::Outcome;
use crate::cli::ServeArgs;
use crate::error::{Error, Result};
use crate::{project, serve};

/// Resolves the one project and the address, then serves until Ctrl-C.
pub fn run(args: &ServeArgs, quiet: bool) -> Result<Outcome> {
    let sources = project::discover(std::slice::from_ref(&args.project))?;
    let [source] = sources.as_slice() else {
        return Err(Error::OneProject {
            command: "serve",
            found: sources.len(),
        });
    };
    let plan = serve::Plan {
        source: source.clone(),
        addr: std::net::SocketAddr::new(args.bind, args.port),
        quiet,
    };
    let addr = serve::run(&plan)?;
    Ok(Outcome {
        text: format!("stopped serving on {addr}\n"),
        json: serde_json::json!({"served": addr.to_string()}),
        ..Outcome::default()
    })
}
