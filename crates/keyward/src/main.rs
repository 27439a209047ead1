//! The `keyward` command: server, administration and KMIP tools.
//!
//! This file is the clap wiring; each command lives in its own module under
//! [`cli`] and reports failures with its own error type. Only here are they
//! turned into a message on stderr and an exit code: 0 on success, 1 when the
//! input or the environment is wrong, 2 for a malformed command line (clap).

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Keyward: an open-source Key Management Service speaking KMIP 1.0-1.4.
#[derive(Debug, Parser)]
#[command(name = "keyward", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Convert KMIP messages between binary TTLV and the KMIP XML and JSON encodings.
    #[command(subcommand)]
    Ttlv(cli::ttlv::TtlvCommand),
    /// Run the Keyward server (creating the deployment on first start).
    Serve(cli::serve::ServeArgs),
    /// Administration on the store itself (needs the master key): accounts, domains,
    /// credentials, tokens, audit.
    Admin(cli::admin::AdminArgs),
    /// Load generators: measure a server's throughput and latency.
    #[command(subcommand)]
    Bench(cli::bench::BenchCommand),
    /// Replay OASIS KMIP XML test cases against a KMIP server: PASS/FAIL per file.
    Conformance(cli::conformance::ConformanceArgs),
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Ttlv(command) => cli::ttlv::run(command)?,
        Command::Serve(args) => cli::serve::run(args)?,
        Command::Admin(args) => cli::admin::run(args)?,
        Command::Bench(command) => cli::bench::run(command)?,
        Command::Conformance(args) => cli::conformance::run(args)?,
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
