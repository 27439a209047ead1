//! The options of `keyward bench kmip`, and their validation.
//!
//! [`KmipArgs`] is what clap parses; [`KmipArgs::into_config`] checks the combinations
//! clap cannot (a positive duration, a ratio only with `mixed`, a count for `fill`, a
//! duration for `idle` …) and gives a [`BenchConfig`] in which every value is usable.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use keyward_kmip::message::ProtocolVersion;

use crate::BenchError;
use crate::workloads::{Mix, WorkloadName};

/// The default warm-up, in seconds (none for `fill`).
pub const DEFAULT_WARMUP_SECS: f64 = 2.0;
/// The largest payload accepted by `--payload-size` (1 MiB, the usual message limit).
pub const MAX_PAYLOAD_SIZE: usize = 1 << 20;
/// The largest `--batch-size`.
pub const MAX_BATCH_SIZE: usize = 1000;
/// Connections the idle workload opens at once unless `--open-concurrency` says otherwise.
pub const DEFAULT_OPEN_CONCURRENCY: usize = 64;

/// `keyward bench kmip` options, as parsed by clap.
#[derive(Debug, Clone, Args)]
pub struct KmipArgs {
    /// The KMIP server, HOST:PORT; HOST is the name checked in its certificate.
    #[arg(long, value_name = "HOST:PORT")]
    pub server: String,
    /// The client (access) certificate, PEM.
    #[arg(long, value_name = "FILE")]
    pub cert: PathBuf,
    /// The client certificate's private key, PEM.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The CA certificate that signed the server's certificate, PEM.
    #[arg(long, value_name = "FILE")]
    pub ca: PathBuf,
    /// The workload: create, get, locate, encrypt, decrypt, sign-ecdsa, sign-rsa,
    /// batch-encrypt, handshake, mixed, fill or idle.
    #[arg(long, value_name = "NAME")]
    pub workload: WorkloadName,
    /// Concurrent connections (one operation in flight on each); for idle, the
    /// connections opened and held.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub connections: usize,
    /// Length of the measured phase, in seconds (for idle: how long the connections are
    /// held once all have been opened).
    #[arg(
        long,
        value_name = "SECONDS",
        conflicts_with = "count",
        required_unless_present = "count"
    )]
    pub duration: Option<f64>,
    /// Number of measured operations (for `fill`: the number of keys to create).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Warm-up before the measured phase, in seconds [default: 2; 0 for fill and idle].
    #[arg(long, value_name = "SECONDS")]
    pub warmup: Option<f64>,
    /// The KMIP protocol version of every request: 1.0, 1.1, 1.2, 1.3 or 1.4.
    #[arg(long, value_name = "1.x", default_value = "1.4", value_parser = parse_kmip_version)]
    pub kmip_version: ProtocolVersion,
    /// Bytes of data per Encrypt, Decrypt or Sign.
    #[arg(long, value_name = "BYTES", default_value_t = 64)]
    pub payload_size: usize,
    /// Operations per request message, for batch-encrypt [default: 10] and fill [default: 1].
    #[arg(long, value_name = "N")]
    pub batch_size: Option<usize>,
    /// Keys created during setup for get and locate (and their share of mixed).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub keys: usize,
    /// The ratio of a mixed workload, e.g. `get:70,encrypt:20,create:10`.
    #[arg(long, value_name = "OP:WEIGHT,…")]
    pub mix: Option<Mix>,
    /// For handshake: do not resume TLS sessions (every handshake is a full one).
    #[arg(long)]
    pub no_resumption: bool,
    /// For idle: connections being opened at once [default: 64].
    #[arg(long, value_name = "N")]
    pub open_concurrency: Option<usize>,
    /// Linux: the process id of the server, on this machine, whose resident memory
    /// (VmRSS in /proc/PID/status) is sampled over the measured phase (for idle: from
    /// the first connection to the end of the hold) and reported: start, peak, end;
    /// and whose CPU time over that phase (/proc/PID/stat) is reported, user and
    /// system, and per successful operation.
    #[arg(long, value_name = "PID")]
    pub server_pid: Option<u32>,
    /// Give up on a connection attempt or an operation after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Print one JSON object on stdout (and no progress bar).
    #[arg(long)]
    pub json: bool,
}

/// When the measured phase ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// After this long.
    Duration(Duration),
    /// After this many operations.
    Count(u64),
}

/// A validated benchmark configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchConfig {
    /// The server, `host:port`.
    pub server: String,
    /// The client certificate file.
    pub cert: PathBuf,
    /// The client key file.
    pub key: PathBuf,
    /// The server CA file.
    pub ca: PathBuf,
    /// The workload.
    pub workload: WorkloadName,
    /// Concurrent connections, at least 1.
    pub connections: usize,
    /// When the measured phase ends.
    pub stop: Stop,
    /// The warm-up.
    pub warmup: Duration,
    /// The KMIP protocol version of the requests.
    pub kmip_version: ProtocolVersion,
    /// Bytes per Encrypt, Decrypt or Sign.
    pub payload_size: usize,
    /// Operations per request message (1 unless batch-encrypt or fill).
    pub batch_size: usize,
    /// Keys created during setup for get and locate.
    pub keys: usize,
    /// The ratio, for mixed.
    pub mix: Option<Mix>,
    /// Whether TLS sessions are resumed (handshake workload).
    pub resumption: bool,
    /// Connections opened at once (idle workload; the default otherwise).
    pub open_concurrency: usize,
    /// The server process whose RSS and CPU time are sampled.
    pub server_pid: Option<u32>,
    /// Connect and operation timeout.
    pub timeout: Duration,
    /// JSON output.
    pub json: bool,
}

impl KmipArgs {
    /// Checks the options and gives the configuration to run.
    ///
    /// # Errors
    /// [`BenchError::Option`] naming the option and what would work.
    pub fn into_config(self) -> Result<BenchConfig, BenchError> {
        let bad = |option, reason: &str| BenchError::Option { option, reason: reason.to_owned() };
        if self.connections == 0 {
            return Err(bad("--connections", "at least one connection is needed"));
        }
        let stop = match (self.duration, self.count) {
            (Some(seconds), None) => Stop::Duration(seconds_option("--duration", seconds, false)?),
            (None, Some(0)) => return Err(bad("--count", "must be at least 1")),
            (None, Some(count)) => Stop::Count(count),
            _ => return Err(bad("--duration/--count", "give exactly one of them")),
        };
        let fill = self.workload == WorkloadName::Fill;
        if fill && !matches!(stop, Stop::Count(_)) {
            return Err(bad("--count", "fill needs --count (the number of keys to create)"));
        }
        let idle = self.workload == WorkloadName::Idle;
        if idle && !matches!(stop, Stop::Duration(_)) {
            return Err(bad("--duration", "idle holds its connections for --duration seconds"));
        }
        let warmup = match self.warmup {
            Some(s) if fill && s != 0.0 => {
                return Err(bad("--warmup", "fill creates exactly --count keys: no warm-up"));
            }
            Some(s) if idle && s != 0.0 => {
                return Err(bad("--warmup", "idle opens each connection once: no warm-up"));
            }
            Some(seconds) => seconds_option("--warmup", seconds, true)?,
            None if fill || idle => Duration::ZERO,
            None => Duration::from_secs_f64(DEFAULT_WARMUP_SECS),
        };
        let open_concurrency = match (idle, self.open_concurrency) {
            (true, Some(0)) => return Err(bad("--open-concurrency", "must be at least 1")),
            (true, Some(n)) => n,
            (_, None) => DEFAULT_OPEN_CONCURRENCY,
            (false, Some(_)) => {
                return Err(bad("--open-concurrency", "only the idle workload takes it"));
            }
        };
        match self.server_pid {
            Some(0) => return Err(bad("--server-pid", "0 is not a process id")),
            Some(_) if !cfg!(target_os = "linux") => {
                return Err(bad("--server-pid", "only on Linux (it reads /proc/PID/status)"));
            }
            _ => {}
        }
        let batch_size = match (self.workload, self.batch_size) {
            (WorkloadName::BatchEncrypt, size) => size.unwrap_or(10),
            (WorkloadName::Fill, size) => size.unwrap_or(1),
            (_, None) => 1,
            (_, Some(_)) => {
                return Err(bad("--batch-size", "only batch-encrypt and fill send batches"));
            }
        };
        if batch_size == 0 || batch_size > MAX_BATCH_SIZE {
            return Err(bad("--batch-size", &format!("must be between 1 and {MAX_BATCH_SIZE}")));
        }
        if self.payload_size == 0 || self.payload_size > MAX_PAYLOAD_SIZE {
            return Err(bad(
                "--payload-size",
                &format!("must be between 1 and {MAX_PAYLOAD_SIZE} bytes"),
            ));
        }
        let mix = match (self.workload, self.mix) {
            (WorkloadName::Mixed, mix) => Some(mix.unwrap_or_else(Mix::default_mix)),
            (_, None) => None,
            (_, Some(_)) => return Err(bad("--mix", "only the mixed workload takes a ratio")),
        };
        let uses_keys = matches!(self.workload, WorkloadName::Get | WorkloadName::Locate)
            || mix.as_ref().is_some_and(Mix::needs_keys);
        if uses_keys && self.keys == 0 {
            return Err(bad("--keys", "get and locate need at least one key"));
        }
        if self.no_resumption && self.workload != WorkloadName::Handshake {
            return Err(bad("--no-resumption", "only the handshake workload reconnects"));
        }
        Ok(BenchConfig {
            server: self.server,
            cert: self.cert,
            key: self.key,
            ca: self.ca,
            workload: self.workload,
            connections: self.connections,
            stop,
            warmup,
            kmip_version: self.kmip_version,
            payload_size: self.payload_size,
            batch_size,
            keys: self.keys,
            mix,
            resumption: !self.no_resumption,
            open_concurrency,
            server_pid: self.server_pid,
            timeout: seconds_option("--timeout", self.timeout, false)?,
            json: self.json,
        })
    }
}

/// A number of seconds as a duration; zero is allowed only if `zero_ok`.
fn seconds_option(
    option: &'static str,
    seconds: f64,
    zero_ok: bool,
) -> Result<Duration, BenchError> {
    let positive = if zero_ok { seconds >= 0.0 } else { seconds > 0.0 };
    match Duration::try_from_secs_f64(seconds) {
        Ok(d) if positive && seconds <= 1e9 => Ok(d),
        _ => Err(BenchError::Option {
            option,
            reason: format!(
                "{seconds} is not a {} number of seconds",
                if zero_ok { "non-negative" } else { "positive" }
            ),
        }),
    }
}

/// Parses `1.0` … `1.4` into a protocol version.
///
/// # Errors
/// A message naming the accepted values.
pub fn parse_kmip_version(text: &str) -> Result<ProtocolVersion, String> {
    match text.trim() {
        "1.0" => Ok(ProtocolVersion::new(1, 0)),
        "1.1" => Ok(ProtocolVersion::new(1, 1)),
        "1.2" => Ok(ProtocolVersion::new(1, 2)),
        "1.3" => Ok(ProtocolVersion::new(1, 3)),
        "1.4" => Ok(ProtocolVersion::new(1, 4)),
        other => Err(format!("unknown KMIP version {other:?}: use 1.0, 1.1, 1.2, 1.3 or 1.4")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use clap::Parser;

    use super::*;
    use crate::workloads::MixOp;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: KmipArgs,
    }

    const BASE: [&str; 9] = [
        "bench",
        "--server",
        "127.0.0.1:5696",
        "--cert",
        "c.pem",
        "--key",
        "k.pem",
        "--ca",
        "a.pem",
    ];

    fn parse(extra: &[&str]) -> Result<BenchConfig, String> {
        let args: Vec<&str> = BASE.iter().chain(extra).copied().collect();
        let cli = Cli::try_parse_from(args).map_err(|e| e.to_string())?;
        cli.args.into_config().map_err(|e| e.to_string())
    }

    #[test]
    fn a_full_command_line_gives_its_config() {
        let c = parse(&[
            "--workload",
            "encrypt",
            "--connections",
            "8",
            "--duration",
            "2.5",
            "--warmup",
            "0.5",
            "--kmip-version",
            "1.2",
            "--payload-size",
            "4096",
            "--json",
        ])
        .unwrap();
        assert_eq!(c.workload, WorkloadName::Encrypt);
        assert_eq!(c.connections, 8);
        assert_eq!(c.stop, Stop::Duration(Duration::from_millis(2500)));
        assert_eq!(c.warmup, Duration::from_millis(500));
        assert_eq!(c.kmip_version, ProtocolVersion::new(1, 2));
        assert_eq!(c.payload_size, 4096);
        assert_eq!(c.batch_size, 1);
        assert!(c.json && c.resumption);
    }

    #[test]
    fn defaults_are_one_connection_kmip_1_4_and_a_two_second_warm_up() {
        let c = parse(&["--workload", "get", "--count", "300"]).unwrap();
        assert_eq!(c.connections, 1);
        assert_eq!(c.stop, Stop::Count(300));
        assert_eq!(c.kmip_version, ProtocolVersion::new(1, 4));
        assert_eq!(c.warmup, Duration::from_secs(2));
        assert_eq!(c.keys, 100);
        assert!(!c.json);
    }

    #[test]
    fn duration_and_count_are_exclusive_and_one_is_required() {
        let both = parse(&["--workload", "get", "--count", "3", "--duration", "1"]).unwrap_err();
        assert!(both.contains("cannot be used with"), "{both}");
        let neither = parse(&["--workload", "get"]).unwrap_err();
        assert!(neither.contains("--duration"), "{neither}");
        assert!(parse(&["--workload", "get", "--duration", "0"]).unwrap_err().contains("positive"));
        assert!(parse(&["--workload", "get", "--duration", "-1"]).is_err());
        assert!(parse(&["--workload", "get", "--count", "0"]).unwrap_err().contains("at least 1"));
    }

    #[test]
    fn bad_values_are_refused_with_the_option_named() {
        let e = parse(&["--workload", "nope", "--count", "1"]).unwrap_err();
        assert!(e.contains("unknown workload") && e.contains("batch-encrypt"), "{e}");
        let e = parse(&["--workload", "get", "--count", "1", "--kmip-version", "2.0"]).unwrap_err();
        assert!(e.contains("1.0, 1.1, 1.2, 1.3 or 1.4"), "{e}");
        let e = parse(&["--workload", "get", "--count", "1", "--connections", "0"]).unwrap_err();
        assert!(e.contains("--connections"), "{e}");
        let e = parse(&["--workload", "get", "--count", "1", "--batch-size", "5"]).unwrap_err();
        assert!(e.contains("--batch-size"), "{e}");
        let e = parse(&["--workload", "batch-encrypt", "--count", "1", "--batch-size", "0"])
            .unwrap_err();
        assert!(e.contains("between 1 and 1000"), "{e}");
        let e =
            parse(&["--workload", "encrypt", "--count", "1", "--payload-size", "0"]).unwrap_err();
        assert!(e.contains("--payload-size"), "{e}");
        let e = parse(&["--workload", "get", "--count", "1", "--mix", "get:1"]).unwrap_err();
        assert!(e.contains("--mix"), "{e}");
        let e = parse(&["--workload", "get", "--count", "1", "--no-resumption"]).unwrap_err();
        assert!(e.contains("handshake"), "{e}");
        let e = parse(&["--workload", "locate", "--count", "1", "--keys", "0"]).unwrap_err();
        assert!(e.contains("--keys"), "{e}");
    }

    #[test]
    fn fill_counts_keys_without_warm_up_and_batch_defaults() {
        let c = parse(&["--workload", "fill", "--count", "1000000", "--batch-size", "20"]).unwrap();
        assert_eq!(c.stop, Stop::Count(1_000_000));
        assert_eq!(c.warmup, Duration::ZERO);
        assert_eq!(c.batch_size, 20);
        assert!(parse(&["--workload", "fill", "--duration", "3"]).unwrap_err().contains("--count"));
        let e = parse(&["--workload", "fill", "--count", "5", "--warmup", "1"]).unwrap_err();
        assert!(e.contains("no warm-up"), "{e}");
        let c = parse(&["--workload", "batch-encrypt", "--count", "5"]).unwrap();
        assert_eq!(c.batch_size, 10);
    }

    #[test]
    fn mixed_takes_a_ratio_or_the_default_one() {
        let c = parse(&["--workload", "mixed", "--count", "5", "--mix", "get:3,create:1"]).unwrap();
        let mix = c.mix.unwrap();
        assert_eq!(mix.parts(), &[(MixOp::Get, 3), (MixOp::Create, 1)]);
        let c = parse(&["--workload", "mixed", "--count", "5"]).unwrap();
        assert_eq!(c.mix.unwrap(), Mix::default_mix());
        let e = parse(&["--workload", "mixed", "--count", "5", "--mix", "get:x"]).unwrap_err();
        assert!(e.contains("weight"), "{e}");
    }

    #[test]
    fn idle_holds_for_a_duration_without_warm_up_and_opens_64_at_a_time() {
        let c =
            parse(&["--workload", "idle", "--connections", "10000", "--duration", "30"]).unwrap();
        assert_eq!(c.workload, WorkloadName::Idle);
        assert_eq!(c.connections, 10_000);
        assert_eq!(c.stop, Stop::Duration(Duration::from_secs(30)));
        assert_eq!(c.warmup, Duration::ZERO);
        assert_eq!(c.open_concurrency, DEFAULT_OPEN_CONCURRENCY);
        assert_eq!(c.server_pid, None);
        let c = parse(&[
            "--workload",
            "idle",
            "--duration",
            "0.5",
            "--open-concurrency",
            "8",
            "--warmup",
            "0",
        ])
        .unwrap();
        assert_eq!(c.open_concurrency, 8);
        assert_eq!(c.stop, Stop::Duration(Duration::from_millis(500)));
    }

    #[test]
    fn idle_refuses_a_count_a_warm_up_and_no_concurrency() {
        let e = parse(&["--workload", "idle", "--count", "10"]).unwrap_err();
        assert!(e.contains("--duration") && e.contains("idle"), "{e}");
        let e = parse(&["--workload", "idle", "--duration", "1", "--warmup", "2"]).unwrap_err();
        assert!(e.contains("--warmup") && e.contains("no warm-up"), "{e}");
        let e = parse(&["--workload", "idle", "--duration", "1", "--open-concurrency", "0"])
            .unwrap_err();
        assert!(e.contains("--open-concurrency") && e.contains("at least 1"), "{e}");
        let e =
            parse(&["--workload", "get", "--count", "1", "--open-concurrency", "4"]).unwrap_err();
        assert!(e.contains("--open-concurrency") && e.contains("idle"), "{e}");
        let e =
            parse(&["--workload", "idle", "--duration", "1", "--open-concurrency=-1"]).unwrap_err();
        assert!(e.contains("--open-concurrency"), "{e}");
    }

    #[test]
    fn a_server_pid_is_taken_by_every_workload() {
        for extra in [
            &["--workload", "get", "--count", "5"][..],
            &["--workload", "mixed", "--duration", "600"],
            &["--workload", "idle", "--duration", "1"],
        ] {
            let args: Vec<&str> = extra.iter().copied().chain(["--server-pid", "4321"]).collect();
            let result = parse(&args);
            if cfg!(target_os = "linux") {
                assert_eq!(result.unwrap().server_pid, Some(4321), "{extra:?}");
            } else {
                assert!(result.unwrap_err().contains("only on Linux"));
            }
        }
        let e = parse(&["--workload", "get", "--count", "1", "--server-pid", "0"]).unwrap_err();
        assert!(e.contains("--server-pid") && e.contains("not a process id"), "{e}");
        let e = parse(&["--workload", "get", "--count", "1", "--server-pid", "x"]).unwrap_err();
        assert!(e.contains("--server-pid"), "{e}");
        let e = parse(&["--workload", "get", "--count", "1", "--server-pid=-3"]).unwrap_err();
        assert!(e.contains("--server-pid"), "{e}");
    }

    #[test]
    fn handshake_can_turn_resumption_off() {
        let c = parse(&["--workload", "handshake", "--count", "5", "--no-resumption"]).unwrap();
        assert!(!c.resumption);
    }
}
