//! `keyward serve`: open (on first start, create) the deployment and serve KMIP
//! until Ctrl-C or SIGTERM, then drain open connections and exit 0.
//!
//! What clients need is printed on stdout once the listener is bound:
//!
//! ```text
//! First admin token (shown once, keep it): kw_…        (first start only)
//! KMIP listening on 127.0.0.1:5696
//! HTTPS address 127.0.0.1:8443 (not served yet)
//! Server certificate SHA-1 fingerprint: AB:CD:…
//! Server certificate SHA-256 fingerprint: AB:CD:…
//! CA certificate clients must trust: /…/keyward-data/ca.pem
//! ```
//!
//! Logs go to stderr.

use std::io::Write;
use std::net::SocketAddr;

use clap::Args;
use keyward_server::config::{ConfigError, Settings};
use keyward_server::deployment::{Deployment, DeploymentError, OpenMode};
use keyward_server::kmip::KmipServer;

use super::common::{DeploymentArgs, LogFilterError, init_logging};

/// `keyward serve` flags.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    deployment: DeploymentArgs,
    /// The KMIP listener's address [default: 127.0.0.1:5696; env: KEYWARD_KMIP_ADDR]. Port 0
    /// picks a free port (the line `KMIP listening on …` tells which).
    #[arg(long, value_name = "HOST:PORT")]
    kmip_addr: Option<SocketAddr>,
    /// The HTTPS listener's address [default: 127.0.0.1:8443; env: KEYWARD_HTTP_ADDR].
    #[arg(long, value_name = "HOST:PORT")]
    http_addr: Option<SocketAddr>,
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The configuration is unusable.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The log filter is unusable.
    #[error("{0}")]
    Log(#[from] LogFilterError),
    /// The deployment could not be opened or created.
    #[error("{0}")]
    Deployment(#[from] DeploymentError),
    /// The KMIP address could not be bound.
    #[error("cannot listen for KMIP on {address}: {reason}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why.
        reason: String,
    },
    /// The listener failed while serving.
    #[error("the KMIP listener failed: {0}")]
    Serve(std::io::Error),
    /// The async runtime could not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> Result<(), ServeError> {
    let flags = Settings {
        kmip_addr: args.kmip_addr,
        http_addr: args.http_addr,
        ..args.deployment.settings()
    };
    let config = args.deployment.load(flags)?;
    init_logging(&config.log)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(serve(config))
}

async fn serve(config: keyward_server::config::ServerConfig) -> Result<(), ServeError> {
    let deployment = Deployment::open(&config, OpenMode::Serve).await?;
    if let Some(token) = deployment.first_admin_token() {
        println!("First admin token (shown once, keep it): {}", token.secret());
    }
    let tls = deployment.server_tls().await?;
    let server = KmipServer::bind(
        config.kmip_addr,
        tls.kmip_config(),
        deployment.kms().clone(),
        config.kmip_limits,
    )
    .await
    .map_err(|e| ServeError::Bind { address: config.kmip_addr, reason: e.to_string() })?;
    let address = server
        .local_addr()
        .map_err(|e| ServeError::Bind { address: config.kmip_addr, reason: e.to_string() })?;
    let ca_path = std::path::absolute(deployment.ca_pem_path())
        .unwrap_or_else(|_| deployment.ca_pem_path().to_owned());
    let fingerprints = tls.fingerprints();
    // Listening for SIGTERM and SIGINT starts here, before the lines that tell
    // a supervisor the server is up: a signal sent as soon as it reads them
    // drains the server instead of killing it.
    let shutdown = shutdown_signal();
    {
        let mut out = std::io::stdout().lock();
        // A closed stdout must not stop the server: the lines are a courtesy.
        let _ = writeln!(out, "KMIP listening on {address}");
        let _ = writeln!(out, "HTTPS address {} (not served yet)", config.http_addr);
        let _ = writeln!(out, "Server certificate SHA-1 fingerprint: {}", fingerprints.sha1);
        let _ = writeln!(out, "Server certificate SHA-256 fingerprint: {}", fingerprints.sha256);
        let _ = writeln!(out, "CA certificate clients must trust: {}", ca_path.display());
        let _ = out.flush();
    }
    tracing::info!(
        kmip = %address,
        regions = %config.regions.join(","),
        profile = %config.algorithm_profile,
        "keyward {} serving",
        env!("CARGO_PKG_VERSION")
    );
    let result = server.run(shutdown).await;
    deployment.close().await;
    result.map_err(ServeError::Serve)?;
    tracing::info!("stopped: open connections drained");
    Ok(())
}

/// A future that completes on Ctrl-C (SIGINT) or SIGTERM. On Unix both are
/// listened for from the call on, not from the future's first poll.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let interrupt = signal(SignalKind::interrupt());
        async move {
            match (term, interrupt) {
                (Ok(mut term), Ok(mut interrupt)) => {
                    tokio::select! {
                        _ = interrupt.recv() => tracing::info!("interrupted: draining open connections"),
                        _ = term.recv() => tracing::info!("SIGTERM: draining open connections"),
                    }
                }
                (term, interrupt) => {
                    let e =
                        term.err().or(interrupt.err()).map(|e| e.to_string()).unwrap_or_default();
                    tracing::warn!(
                        "cannot listen for SIGTERM or SIGINT ({e}); Ctrl-C still stops the server"
                    );
                    if tokio::signal::ctrl_c().await.is_err() {
                        std::future::pending::<()>().await;
                    }
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
