//! The `dashboard-server` binary: parse the command line, log to stderr, run.

use clap::Parser;
use dashboard_server::access_log::LogFormat;
use dashboard_server::cli::Command;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = dashboard_server::cli::Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    // `serve --log-format json`: the diagnostics are JSON lines too, like the access log.
    match &cli.command {
        Command::Serve(a) if a.log_format == LogFormat::Json => builder.json().init(),
        _ => builder.init(),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dashboard_server::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
