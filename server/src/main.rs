//! The `openlocker` binary: parses the command line, loads the settings,
//! opens the data folder and runs `serve` or an admin subcommand.

use std::process::ExitCode;

use clap::Parser;
use openlocker::app::App;
use openlocker::cli::{Cli, Command};
use openlocker::error::Error;
use openlocker::settings::Settings;
use openlocker::{admin, logging, serve};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let serving = matches!(cli.command, Command::Serve);
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
    let flags = cli.global.settings_flags();
    let settings = Settings::load(cli.global.config.as_deref(), std::env::vars(), &flags)?;
    let app = App::open(settings)?;
    if let Command::Serve = cli.command {
        return actix_web::rt::System::new().block_on(serve::run(app));
    }
    let output = admin::run(&app, cli.command)?;
    if cli.global.json {
        println!("{}", output.json);
    } else if !output.text.is_empty() {
        println!("{}", output.text);
    }
    Ok(())
}
