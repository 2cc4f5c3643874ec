//! The `openlocker` binary: parses the command line, loads the settings,
//! opens the data folder and runs `serve` or an admin subcommand.

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use openlocker::app::App;
use openlocker::cli::admin;
use openlocker::cli::{Cli, Command};
use openlocker::platform::error::Error;
use openlocker::platform::logging;
use openlocker::platform::settings::Settings;
use openlocker::{kyc_sim, serve};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    let serving = matches!(cli.command, Command::Serve | Command::KycSim { .. });
    logging::init(if serving { "info" } else { "warn" });
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("openlocker: {}", err.to_string().replace('\n', " "));
            ExitCode::from(err.exit_code() as u8)
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    if let Command::Conformance(args) = &cli.command {
        // No data folder: the kit only talks to the issuer.
        return match openlocker::cli::conformance::run_cli(args, cli.global.json)? {
            true => Ok(()),
            false => Err(Error::Upstream("the issuer failed some conformance checks".into())),
        };
    }
    let flags = cli.global.settings_flags();
    let settings = Settings::load(cli.global.config.as_deref(), std::env::vars(), &flags)?;
    // The simulator is another party: it needs no data folder.
    if let Command::KycSim { fixture } = &cli.command {
        return kyc_sim::run(&settings.bind, fixture);
    }
    if let Command::Demo(_) = &cli.command {
        openlocker::cli::demo::refuse_non_empty(&settings.data_dir)?;
    }
    let app = App::open(settings)?;
    if let Command::Serve = cli.command {
        // This handle outlives the runtime, so the database pool closes off
        // it: the PostgreSQL client refuses to block on an async thread.
        let served = actix_web::rt::System::new().block_on(serve::run(app.clone()));
        drop(app);
        return served;
    }
    let output = admin::run(&app, cli.command)?;
    if cli.global.json {
        println!("{}", output.json);
    } else if !output.text.is_empty() {
        println!("{}", output.text);
    }
    Ok(())
}

/// `--help` and `--version` print as usual; a usage error is one line on
/// stderr and exit code 2, as the interface promises.
fn usage_error(err: clap::Error) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            ExitCode::from(if err.use_stderr() { 2 } else { 0 })
        }
        _ => {
            // clap's message, without its usage block, folded into one line.
            let text = err.to_string();
            let message = text.split("\nUsage:").next().unwrap_or(&text);
            let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!(
                "openlocker: {} (see openlocker --help)",
                line.trim_start_matches("error: ")
            );
            ExitCode::from(2)
        }
    }
}
