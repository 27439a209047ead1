//! What `serve` and `admin` share: the flags that locate a deployment, and logging.

use std::path::PathBuf;

use clap::Args;
use keyward_server::config::{ConfigError, ServerConfig, Settings};

/// Where the deployment is: the same flags for `keyward serve` and every
/// `keyward admin` command. Each flag can also be set by a `KEYWARD_*`
/// environment variable or the TOML file; a flag wins over both.
#[derive(Debug, Clone, Default, Args)]
pub struct DeploymentArgs {
    /// The data directory [default: keyward-data; env: KEYWARD_DATA_DIR].
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// A TOML configuration file [env: KEYWARD_CONFIG].
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// The store: sqlite://PATH or postgres://… [default: sqlite://DATA/keyward.db; env:
    /// KEYWARD_STORE].
    #[arg(long, value_name = "URL", global = true)]
    pub store: Option<String>,
    /// The master key file, 32 raw bytes, mode 0600 [default: DATA/master.key; env:
    /// KEYWARD_MASTER_KEY_FILE].
    #[arg(long, value_name = "FILE", global = true)]
    pub master_key_file: Option<PathBuf>,
}

impl DeploymentArgs {
    /// The command-line layer of the configuration.
    pub fn settings(&self) -> Settings {
        Settings {
            data_dir: self.data_dir.clone(),
            store: self.store.clone(),
            master_key_file: self.master_key_file.clone(),
            ..Settings::default()
        }
    }

    /// Loads the configuration: defaults < file < environment < `flags`
    /// (which should start from [`DeploymentArgs::settings`]).
    pub fn load(&self, flags: Settings) -> Result<ServerConfig, ConfigError> {
        ServerConfig::from_process(self.config.as_deref(), flags)
    }
}

/// Why logging could not start.
#[derive(Debug, thiserror::Error)]
#[error(
    "setting log: {0:?} is not a log filter ({1}); try \"info\" or \"warn,keyward_server=debug\""
)]
pub struct LogFilterError(String, String);

/// Sends tracing logs to stderr, filtered by `filter` (`EnvFilter` syntax).
pub fn init_logging(filter: &str) -> Result<(), LogFilterError> {
    let env_filter = tracing_subscriber::EnvFilter::try_new(filter)
        .map_err(|e| LogFilterError(filter.to_owned(), e.to_string()))?;
    // A second initialisation (impossible in this binary) would only be ignored.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    Ok(())
}
