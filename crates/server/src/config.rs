//! The server's configuration: built-in defaults, overridden by a TOML file,
//! then by `KEYWARD_*` environment variables, then by command-line flags.
//!
//! Every layer is a [`Settings`] (each field optional); [`ServerConfig::load`]
//! stacks them and fills what is left from the defaults. Paths that default
//! into the data directory (the SQLite store, the master key) follow the data
//! directory chosen by the upper layers. Relative paths are relative to the
//! current directory, wherever they were written.
//!
//! ```toml
//! # keyward.toml — every key is optional
//! data_dir = "/var/lib/keyward"
//! kmip_addr = "0.0.0.0:5696"
//! http_addr = "0.0.0.0:8443"
//! store = "postgres://keyward@db.internal/keyward"   # default: sqlite://<data_dir>/keyward.db
//! master_key_file = "/etc/keyward/master.key"        # default: <data_dir>/master.key
//! regions = ["eu-west-rbx", "eu-west-gra"]
//! server_names = ["kms.example.com", "10.0.0.5"]     # besides localhost, 127.0.0.1, ::1, the host name
//! algorithm_profile = "fips"                         # default | fips
//! log = "info,keyward_server=debug"                  # a tracing filter
//!
//! [kmip]
//! max_connections = 10000
//! max_message_size = 1048576
//! max_batch_items = 1000
//! idle_timeout_secs = 300
//! handshake_timeout_secs = 10
//! max_handshakes_per_ip = 256
//! ```
//!
//! | environment variable | setting |
//! | --- | --- |
//! | `KEYWARD_CONFIG` | the TOML file (the `--config` flag wins) |
//! | `KEYWARD_DATA_DIR`, `KEYWARD_KMIP_ADDR`, `KEYWARD_HTTP_ADDR`, `KEYWARD_STORE`, `KEYWARD_MASTER_KEY_FILE` | as in the file |
//! | `KEYWARD_REGIONS`, `KEYWARD_SERVER_NAMES` | comma-separated lists |
//! | `KEYWARD_ALGORITHM_PROFILE`, `KEYWARD_LOG` | as in the file |
//! | `KEYWARD_KMIP_MAX_CONNECTIONS`, `KEYWARD_KMIP_MAX_MESSAGE_SIZE`, `KEYWARD_KMIP_MAX_BATCH_ITEMS`, `KEYWARD_KMIP_IDLE_TIMEOUT_SECS`, `KEYWARD_KMIP_HANDSHAKE_TIMEOUT_SECS`, `KEYWARD_KMIP_MAX_HANDSHAKES_PER_IP` | the `[kmip]` table |
//!
//! Other `KEYWARD_*` variables are ignored (test harnesses use some).

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use keyward_crypto::policy::Policy as AlgorithmPolicy;
use keyward_pki::server_cert::ServerCertificateRequest;
use serde::Deserialize;

use crate::kmip::KmipLimits;

/// The default data directory (relative to the current directory).
pub const DEFAULT_DATA_DIR: &str = "keyward-data";
/// The default KMIP address.
pub const DEFAULT_KMIP_ADDR: &str = "127.0.0.1:5696";
/// The default HTTPS address.
pub const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:8443";
/// The default region of a deployment.
pub const DEFAULT_REGION: &str = "eu-west-rbx";
/// The default log filter.
pub const DEFAULT_LOG: &str = "info";
/// The environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "KEYWARD_CONFIG";

/// The algorithm policy profile applied to every key created, registered or used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlgorithmProfile {
    /// Every algorithm Keyward implements, with sane minimum sizes.
    #[default]
    Default,
    /// FIPS-approved algorithms only.
    Fips,
}

impl AlgorithmProfile {
    /// The crypto policy of this profile.
    pub fn policy(self) -> AlgorithmPolicy {
        match self {
            AlgorithmProfile::Default => AlgorithmPolicy::default(),
            AlgorithmProfile::Fips => AlgorithmPolicy::fips(),
        }
    }
}

impl FromStr for AlgorithmProfile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "default" => Ok(Self::Default),
            "fips" => Ok(Self::Fips),
            other => Err(format!("unknown algorithm profile {other:?}; use default or fips")),
        }
    }
}

impl fmt::Display for AlgorithmProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AlgorithmProfile::Default => "default",
            AlgorithmProfile::Fips => "fips",
        })
    }
}

/// The KMIP limits of one layer (the file's `[kmip]` table); each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmipSettings {
    /// Connections served at once.
    pub max_connections: Option<usize>,
    /// Largest request message, in bytes.
    pub max_message_size: Option<usize>,
    /// Most batch items in one request message.
    pub max_batch_items: Option<usize>,
    /// Idle connections are closed after this many seconds.
    pub idle_timeout_secs: Option<u64>,
    /// The TLS handshake must finish within this many seconds.
    pub handshake_timeout_secs: Option<u64>,
    /// Connections from one address that may be in their handshake at once.
    pub max_handshakes_per_ip: Option<usize>,
}

/// One layer of configuration (the file, the environment or the command line):
/// every field optional, `None` meaning "not set here".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The data directory.
    pub data_dir: Option<PathBuf>,
    /// The KMIP listener's address.
    pub kmip_addr: Option<SocketAddr>,
    /// The HTTPS listener's address.
    pub http_addr: Option<SocketAddr>,
    /// The store URL (`sqlite://PATH` or `postgres://…`).
    pub store: Option<String>,
    /// The master key file (32 raw bytes).
    pub master_key_file: Option<PathBuf>,
    /// The regions domains can be created in.
    pub regions: Option<Vec<String>>,
    /// Extra names (DNS names or IP addresses) for the server certificate.
    pub server_names: Option<Vec<String>>,
    /// The algorithm policy profile.
    pub algorithm_profile: Option<AlgorithmProfile>,
    /// The log filter (tracing `EnvFilter` syntax).
    pub log: Option<String>,
    /// KMIP limits.
    #[serde(default)]
    pub kmip: KmipSettings,
}

impl Settings {
    /// Reads a TOML configuration file. Unknown keys are refused.
    ///
    /// # Errors
    /// [`ConfigError::ReadFile`] or [`ConfigError::Parse`].
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::ReadFile { path: path.to_owned(), reason: e.to_string() })?;
        Self::from_toml(&text)
            .map_err(|message| ConfigError::Parse { path: path.to_owned(), message })
    }

    /// Parses TOML text; the error is toml's message (with line and column).
    fn from_toml(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim_end().to_owned())
    }

    /// Reads the `KEYWARD_*` variables among `vars`; others are ignored.
    ///
    /// # Errors
    /// [`ConfigError::Env`] when a variable's value does not parse.
    pub fn from_env<I, K, V>(vars: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut s = Self::default();
        for (name, value) in vars {
            let (name, value) = (name.as_ref(), value.as_ref());
            let bad = |reason: String| ConfigError::Env { var: name.to_owned(), reason };
            match name {
                "KEYWARD_DATA_DIR" => s.data_dir = Some(value.into()),
                "KEYWARD_KMIP_ADDR" => s.kmip_addr = Some(parse_addr(value).map_err(bad)?),
                "KEYWARD_HTTP_ADDR" => s.http_addr = Some(parse_addr(value).map_err(bad)?),
                "KEYWARD_STORE" => s.store = Some(value.to_owned()),
                "KEYWARD_MASTER_KEY_FILE" => s.master_key_file = Some(value.into()),
                "KEYWARD_REGIONS" => s.regions = Some(split_list(value)),
                "KEYWARD_SERVER_NAMES" => s.server_names = Some(split_list(value)),
                "KEYWARD_ALGORITHM_PROFILE" => {
                    s.algorithm_profile = Some(value.parse().map_err(bad)?)
                }
                "KEYWARD_LOG" => s.log = Some(value.to_owned()),
                "KEYWARD_KMIP_MAX_CONNECTIONS" => {
                    s.kmip.max_connections = Some(parse_number(value).map_err(bad)?);
                }
                "KEYWARD_KMIP_MAX_MESSAGE_SIZE" => {
                    s.kmip.max_message_size = Some(parse_number(value).map_err(bad)?);
                }
                "KEYWARD_KMIP_MAX_BATCH_ITEMS" => {
                    s.kmip.max_batch_items = Some(parse_number(value).map_err(bad)?);
                }
                "KEYWARD_KMIP_IDLE_TIMEOUT_SECS" => {
                    s.kmip.idle_timeout_secs = Some(parse_number(value).map_err(bad)?);
                }
                "KEYWARD_KMIP_HANDSHAKE_TIMEOUT_SECS" => {
                    s.kmip.handshake_timeout_secs = Some(parse_number(value).map_err(bad)?);
                }
                "KEYWARD_KMIP_MAX_HANDSHAKES_PER_IP" => {
                    s.kmip.max_handshakes_per_ip = Some(parse_number(value).map_err(bad)?);
                }
                _ => {}
            }
        }
        Ok(s)
    }

    /// This layer with `upper`'s settings laid over it (what `upper` sets wins).
    pub fn overlay(self, upper: Settings) -> Settings {
        Settings {
            data_dir: upper.data_dir.or(self.data_dir),
            kmip_addr: upper.kmip_addr.or(self.kmip_addr),
            http_addr: upper.http_addr.or(self.http_addr),
            store: upper.store.or(self.store),
            master_key_file: upper.master_key_file.or(self.master_key_file),
            regions: upper.regions.or(self.regions),
            server_names: upper.server_names.or(self.server_names),
            algorithm_profile: upper.algorithm_profile.or(self.algorithm_profile),
            log: upper.log.or(self.log),
            kmip: KmipSettings {
                max_connections: upper.kmip.max_connections.or(self.kmip.max_connections),
                max_message_size: upper.kmip.max_message_size.or(self.kmip.max_message_size),
                max_batch_items: upper.kmip.max_batch_items.or(self.kmip.max_batch_items),
                idle_timeout_secs: upper.kmip.idle_timeout_secs.or(self.kmip.idle_timeout_secs),
                handshake_timeout_secs: upper
                    .kmip
                    .handshake_timeout_secs
                    .or(self.kmip.handshake_timeout_secs),
                max_handshakes_per_ip: upper
                    .kmip
                    .max_handshakes_per_ip
                    .or(self.kmip.max_handshakes_per_ip),
            },
        }
    }
}

fn parse_addr(value: &str) -> Result<SocketAddr, String> {
    value.trim().parse().map_err(|_| {
        format!("{value:?} is not an address of the form HOST:PORT (an IP address and a port)")
    })
}

fn parse_number<T: FromStr>(value: &str) -> Result<T, String> {
    value.trim().parse().map_err(|_| format!("{value:?} is not a whole number"))
}

fn split_list(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The configuration file cannot be read.
    #[error("cannot read the configuration file {}: {reason}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The configuration file is not valid TOML or holds an unknown or mistyped key.
    #[error("configuration file {}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// toml's message, with the line and the key.
        message: String,
    },
    /// An environment variable does not parse.
    #[error("environment variable {var}: {reason}")]
    Env {
        /// The variable.
        var: String,
        /// Why.
        reason: String,
    },
    /// A setting has a value that cannot work.
    #[error("setting {setting}: {reason}")]
    Invalid {
        /// The setting's name, as in the file.
        setting: &'static str,
        /// Why, and what would do.
        reason: String,
    },
}

/// The server's complete configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// The data directory (created `0700` on first start).
    pub data_dir: PathBuf,
    /// The KMIP listener's address.
    pub kmip_addr: SocketAddr,
    /// The HTTPS listener's address.
    pub http_addr: SocketAddr,
    /// The store URL.
    pub store: String,
    /// The master key file (32 raw bytes, created `0600` on first start).
    pub master_key_file: PathBuf,
    /// The regions domains can be created in (at least one).
    pub regions: Vec<String>,
    /// Extra names for the server certificate.
    pub server_names: Vec<String>,
    /// KMIP limits.
    pub kmip_limits: KmipLimits,
    /// The algorithm policy profile.
    pub algorithm_profile: AlgorithmProfile,
    /// The log filter.
    pub log: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        // Resolving an empty stack of layers cannot fail: every default is valid.
        Self::resolve(Settings::default()).unwrap_or_else(|_| unreachable!("defaults are valid"))
    }
}

impl ServerConfig {
    /// Loads the configuration from the process: the TOML file (`config_file`,
    /// else `KEYWARD_CONFIG`, else none), the `KEYWARD_*` environment variables
    /// and the command line's `flags`.
    ///
    /// # Errors
    /// As [`ServerConfig::load`]; a `KEYWARD_*` variable that is not UTF-8 is an error.
    pub fn from_process(config_file: Option<&Path>, flags: Settings) -> Result<Self, ConfigError> {
        let mut vars = Vec::new();
        for (name, value) in std::env::vars_os() {
            let Some(name) = name.to_str() else { continue };
            if !name.starts_with("KEYWARD_") {
                continue;
            }
            let value = value.into_string().map_err(|_| ConfigError::Env {
                var: name.to_owned(),
                reason: "its value is not UTF-8".into(),
            })?;
            vars.push((name.to_owned(), value));
        }
        Self::load(config_file, &vars, flags)
    }

    /// Stacks defaults < the TOML file < environment `vars` < `flags`.
    ///
    /// The file is `config_file` if given, else the one `KEYWARD_CONFIG` in
    /// `vars` names, else there is none.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file, variable or setting at fault.
    pub fn load(
        config_file: Option<&Path>,
        vars: &[(String, String)],
        flags: Settings,
    ) -> Result<Self, ConfigError> {
        let env_file = vars.iter().find(|(k, _)| k == CONFIG_ENV).map(|(_, v)| PathBuf::from(v));
        let file = match config_file.map(Path::to_owned).or(env_file) {
            Some(path) => Settings::from_file(&path)?,
            None => Settings::default(),
        };
        let env = Settings::from_env(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        Self::resolve(file.overlay(env).overlay(flags))
    }

    /// Fills what `settings` leaves unset from the defaults and checks the result.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`].
    pub fn resolve(settings: Settings) -> Result<Self, ConfigError> {
        let data_dir = settings.data_dir.unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        if data_dir.as_os_str().is_empty() {
            return Err(invalid("data_dir", "must not be empty"));
        }
        let store = settings
            .store
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("keyward.db").display()));
        keyward_store::parse_url(&store).map_err(|e| invalid("store", e.to_string()))?;
        let master_key_file =
            settings.master_key_file.unwrap_or_else(|| data_dir.join("master.key"));

        let mut regions = Vec::new();
        for region in settings.regions.unwrap_or_else(|| vec![DEFAULT_REGION.to_owned()]) {
            let region = region.trim().to_owned();
            if !valid_region(&region) {
                return Err(invalid(
                    "regions",
                    format!(
                        "{region:?} is not a region name (lowercase letters, digits and '-', \
                         such as eu-west-rbx)"
                    ),
                ));
            }
            if !regions.contains(&region) {
                regions.push(region);
            }
        }
        if regions.is_empty() {
            return Err(invalid("regions", "name at least one region, such as eu-west-rbx"));
        }

        let mut server_names = Vec::new();
        for name in settings.server_names.unwrap_or_default() {
            ServerCertificateRequest::default()
                .with_name(&name)
                .map_err(|e| invalid("server_names", e.to_string()))?;
            let name = name.trim().to_owned();
            if !server_names.contains(&name) {
                server_names.push(name);
            }
        }

        let defaults = KmipLimits::default();
        let k = settings.kmip;
        let kmip_limits = KmipLimits {
            max_connections: positive("kmip.max_connections", k.max_connections)?
                .unwrap_or(defaults.max_connections),
            max_message_size: match k.max_message_size {
                Some(n) if n < 1024 => {
                    return Err(invalid("kmip.max_message_size", "must be at least 1024 bytes"));
                }
                Some(n) => n,
                None => defaults.max_message_size,
            },
            max_batch_items: positive("kmip.max_batch_items", k.max_batch_items)?
                .unwrap_or(defaults.max_batch_items),
            idle_timeout: positive("kmip.idle_timeout_secs", k.idle_timeout_secs)?
                .map_or(defaults.idle_timeout, Duration::from_secs),
            handshake_timeout: positive("kmip.handshake_timeout_secs", k.handshake_timeout_secs)?
                .map_or(defaults.handshake_timeout, Duration::from_secs),
            max_handshakes_per_ip: positive("kmip.max_handshakes_per_ip", k.max_handshakes_per_ip)?
                .unwrap_or(defaults.max_handshakes_per_ip),
            ..defaults
        };

        let log = settings.log.unwrap_or_else(|| DEFAULT_LOG.to_owned());
        if log.trim().is_empty() {
            return Err(invalid("log", "must not be empty; try \"info\""));
        }

        Ok(Self {
            data_dir,
            kmip_addr: settings.kmip_addr.unwrap_or_else(|| default_addr(DEFAULT_KMIP_ADDR)),
            http_addr: settings.http_addr.unwrap_or_else(|| default_addr(DEFAULT_HTTP_ADDR)),
            store,
            master_key_file,
            regions,
            server_names,
            kmip_limits,
            algorithm_profile: settings.algorithm_profile.unwrap_or_default(),
            log,
        })
    }

    /// The region group of identity URNs (`eu` for `eu-west-rbx`): the first
    /// configured region's first segment.
    pub fn identity_region(&self) -> &str {
        self.regions
            .first()
            .and_then(|r| r.split('-').next())
            .filter(|s| !s.is_empty())
            .unwrap_or("eu")
    }
}

fn default_addr(text: &str) -> SocketAddr {
    text.parse().unwrap_or_else(|_| unreachable!("built-in addresses parse"))
}

fn invalid(setting: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { setting, reason: reason.into() }
}

fn positive<T: PartialEq + Default>(
    setting: &'static str,
    value: Option<T>,
) -> Result<Option<T>, ConfigError> {
    match value {
        Some(v) if v == T::default() => Err(invalid(setting, "must be greater than 0")),
        other => Ok(other),
    }
}

fn valid_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 64
        && !region.starts_with('-')
        && !region.ends_with('-')
        && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn vars(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn write(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("keyward.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn defaults() {
        let c = ServerConfig::load(None, &[], Settings::default()).unwrap();
        assert_eq!(c, ServerConfig::default());
        assert_eq!(c.data_dir, Path::new("keyward-data"));
        assert_eq!(c.kmip_addr.to_string(), "127.0.0.1:5696");
        assert_eq!(c.http_addr.to_string(), "127.0.0.1:8443");
        assert_eq!(c.store, "sqlite://keyward-data/keyward.db");
        assert_eq!(c.master_key_file, Path::new("keyward-data/master.key"));
        assert_eq!(c.regions, ["eu-west-rbx"]);
        assert!(c.server_names.is_empty());
        assert_eq!(c.kmip_limits, KmipLimits::default());
        assert_eq!(c.algorithm_profile, AlgorithmProfile::Default);
        assert_eq!(c.log, "info");
        assert_eq!(c.identity_region(), "eu");
    }

    #[test]
    fn file_then_env_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            r#"
            data_dir = "/srv/file"
            kmip_addr = "0.0.0.0:5697"
            http_addr = "0.0.0.0:9443"
            regions = ["eu-west-gra", "ca-east-bhs"]
            server_names = ["kms.example.com", "10.0.0.5"]
            algorithm_profile = "fips"
            log = "debug"
            [kmip]
            max_connections = 50
            idle_timeout_secs = 60
            max_handshakes_per_ip = 16
            "#,
        );
        // The file alone.
        let c = ServerConfig::load(Some(&file), &[], Settings::default()).unwrap();
        assert_eq!(c.data_dir, Path::new("/srv/file"));
        assert_eq!(c.store, "sqlite:///srv/file/keyward.db");
        assert_eq!(c.master_key_file, Path::new("/srv/file/master.key"));
        assert_eq!(c.kmip_addr.to_string(), "0.0.0.0:5697");
        assert_eq!(c.regions, ["eu-west-gra", "ca-east-bhs"]);
        assert_eq!(c.server_names, ["kms.example.com", "10.0.0.5"]);
        assert_eq!(c.algorithm_profile, AlgorithmProfile::Fips);
        assert_eq!(c.kmip_limits.max_connections, 50);
        assert_eq!(c.kmip_limits.idle_timeout, Duration::from_secs(60));
        assert_eq!(c.kmip_limits.max_batch_items, KmipLimits::default().max_batch_items);
        assert_eq!(c.kmip_limits.max_handshakes_per_ip, 16);

        // The environment beats the file.
        let env = vars(&[
            ("KEYWARD_DATA_DIR", "/srv/env"),
            ("KEYWARD_KMIP_ADDR", "127.0.0.1:0"),
            ("KEYWARD_REGIONS", "eu-west-sbg, eu-west-par"),
            ("KEYWARD_KMIP_MAX_CONNECTIONS", "7"),
            ("KEYWARD_KMIP_MAX_HANDSHAKES_PER_IP", "3"),
            ("KEYWARD_TEST_POSTGRES", "ignored"),
        ]);
        let c = ServerConfig::load(Some(&file), &env, Settings::default()).unwrap();
        assert_eq!(c.kmip_limits.max_handshakes_per_ip, 3);
        assert_eq!(c.data_dir, Path::new("/srv/env"));
        assert_eq!(c.store, "sqlite:///srv/env/keyward.db");
        assert_eq!(c.kmip_addr.to_string(), "127.0.0.1:0");
        assert_eq!(c.http_addr.to_string(), "0.0.0.0:9443");
        assert_eq!(c.regions, ["eu-west-sbg", "eu-west-par"]);
        assert_eq!(c.kmip_limits.max_connections, 7);
        assert_eq!(c.kmip_limits.idle_timeout, Duration::from_secs(60));

        // Flags beat both.
        let flags = Settings {
            data_dir: Some("/srv/flag".into()),
            store: Some("postgres://db/keyward".into()),
            master_key_file: Some("/etc/keyward/master.key".into()),
            ..Settings::default()
        };
        let c = ServerConfig::load(Some(&file), &env, flags).unwrap();
        assert_eq!(c.data_dir, Path::new("/srv/flag"));
        assert_eq!(c.store, "postgres://db/keyward");
        assert_eq!(c.master_key_file, Path::new("/etc/keyward/master.key"));
        assert_eq!(c.kmip_addr.to_string(), "127.0.0.1:0");
    }

    #[test]
    fn keyward_config_names_the_file_unless_a_flag_does() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "log = \"warn\"\n");
        let env = vars(&[("KEYWARD_CONFIG", file.to_str().unwrap())]);
        assert_eq!(ServerConfig::load(None, &env, Settings::default()).unwrap().log, "warn");
        let other = dir.path().join("other.toml");
        std::fs::write(&other, "log = \"error\"\n").unwrap();
        assert_eq!(
            ServerConfig::load(Some(&other), &env, Settings::default()).unwrap().log,
            "error"
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_in_the_file_are_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("kmip_adr = \"127.0.0.1:1\"\n", "kmip_adr"),
            ("[kmip]\nmax_conections = 1\n", "max_conections"),
            ("kmip_addr = \"localhost\"\n", "kmip_addr"),
            ("algorithm_profile = \"fast\"\n", "algorithm_profile"),
            ("regions = \"eu-west-rbx\"\n", "regions"),
            ("this is not toml", "keyward.toml"),
        ];
        for (text, mention) in cases {
            let file = write(dir.path(), text);
            let e = ServerConfig::load(Some(&file), &[], Settings::default()).unwrap_err();
            assert!(matches!(e, ConfigError::Parse { .. }), "{text}: {e:?}");
            let message = e.to_string();
            assert!(message.contains(mention), "{text}: {message}");
            assert!(message.contains("keyward.toml"), "{message}");
        }
        let e =
            ServerConfig::load(Some(&dir.path().join("missing.toml")), &[], Settings::default())
                .unwrap_err();
        assert!(matches!(e, ConfigError::ReadFile { .. }), "{e:?}");
    }

    #[test]
    fn bad_environment_values_name_the_variable() {
        for (var, value) in [
            ("KEYWARD_KMIP_ADDR", "nowhere"),
            ("KEYWARD_KMIP_MAX_CONNECTIONS", "many"),
            ("KEYWARD_ALGORITHM_PROFILE", "weak"),
        ] {
            let e =
                ServerConfig::load(None, &vars(&[(var, value)]), Settings::default()).unwrap_err();
            assert!(matches!(&e, ConfigError::Env { var: v, .. } if v == var), "{e:?}");
            assert!(e.to_string().contains(var), "{e}");
        }
    }

    #[test]
    fn values_that_cannot_work_are_refused() {
        let cases: [(Settings, &str); 7] = [
            (Settings { regions: Some(vec![]), ..Settings::default() }, "regions"),
            (Settings { regions: Some(vec!["EU West".into()]), ..Settings::default() }, "regions"),
            (
                Settings { server_names: Some(vec!["not a name".into()]), ..Settings::default() },
                "server_names",
            ),
            (Settings { store: Some("mysql://x".into()), ..Settings::default() }, "store"),
            (
                Settings {
                    kmip: KmipSettings { max_connections: Some(0), ..KmipSettings::default() },
                    ..Settings::default()
                },
                "kmip.max_connections",
            ),
            (
                Settings {
                    kmip: KmipSettings { max_message_size: Some(10), ..KmipSettings::default() },
                    ..Settings::default()
                },
                "kmip.max_message_size",
            ),
            (Settings { log: Some(" ".into()), ..Settings::default() }, "log"),
        ];
        for (settings, setting) in cases {
            let e = ServerConfig::resolve(settings).unwrap_err();
            assert!(
                matches!(&e, ConfigError::Invalid { setting: s, .. } if *s == setting),
                "{e:?}"
            );
        }
    }

    #[test]
    fn lists_are_deduplicated_and_identity_region_follows_the_first_region() {
        let c = ServerConfig::resolve(Settings {
            regions: Some(vec!["ca-east-bhs".into(), "ca-east-bhs".into()]),
            server_names: Some(vec!["kms".into(), "kms".into()]),
            ..Settings::default()
        })
        .unwrap();
        assert_eq!(c.regions, ["ca-east-bhs"]);
        assert_eq!(c.server_names, ["kms"]);
        assert_eq!(c.identity_region(), "ca");
    }
}
