//! The `keyward` command: server, administration and KMIP tools.
//!
//! This file is the clap wiring; each command lives in its own module under
//! [`cli`] and reports failures with its own error type. Only here are they
//! turned into a message on stderr and an exit code: 0 on success, 1 when the
//! input or the environment is wrong, 2 for a malformed command line (clap).

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Rust allocations go to mimalloc rather than the C library's malloc: a KMIP
/// request allocates and frees many small buffers, and glibc's malloc
/// (consolidating its free lists on each larger request) was about a seventh
/// of the tokio workers' time. mimalloc takes 13-14 % fewer instructions per
/// Get or Create on the server, for more resident memory: 224 MiB instead of
/// 180 MiB with 10,000 idle KMIP connections (see BENCHMARKS.md). Key
/// material is zeroized before it is freed, whatever the allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
            eprintln!("error: {}", describe(&error));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes joined by `: `, leaving out a cause whose text
/// the message so far already holds (most of Keyward's errors repeat their
/// cause in their own message, so the plain chain said everything two or
/// three times).
fn describe(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[derive(Debug, thiserror::Error)]
    #[error("master key file k: cannot read it")]
    struct Leaf;

    #[derive(Debug, thiserror::Error)]
    #[error("master key: {0}")]
    struct Repeats(#[source] Leaf);

    #[derive(Debug, thiserror::Error)]
    #[error("opening the deployment")]
    struct Silent(#[source] Leaf);

    #[test]
    fn a_cause_already_in_the_message_is_said_once() {
        let error = anyhow::Error::new(Repeats(Leaf)).context("admin");
        assert_eq!(describe(&error), "admin: master key: master key file k: cannot read it");
    }

    #[test]
    fn a_cause_the_message_does_not_hold_is_kept() {
        let error = anyhow::Error::new(Silent(Leaf));
        assert_eq!(describe(&error), "opening the deployment: master key file k: cannot read it");
    }
}
