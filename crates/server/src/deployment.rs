//! Opening a deployment: the data directory, the master key, the store, the
//! two CAs, the server certificate and the default account.
//!
//! `keyward serve` and every `keyward admin` command open a deployment with
//! [`Deployment::open`], so they agree on where everything is:
//!
//! 1. the data directory is created (`0700`) if needed ([`OpenMode::Serve`]);
//! 2. the master key file is opened, or created with 32 random bytes (`0600`)
//!    on first start;
//! 3. the store is opened (pending migrations run);
//! 4. the **server CA** and the **users CA** are read from the store's sealed
//!    server secrets; on first start they are created and inserted *if absent*,
//!    then read again, so nodes starting together on one PostgreSQL database
//!    all end up with the same CAs;
//! 5. on first start, the `default` account is created with a first admin API
//!    token, which [`Deployment::first_admin_token`] hands out on that run only;
//! 6. `DATA/ca.pem`, the server CA certificate clients must trust, is written.
//!
//! [`Deployment::server_tls`] then loads (or issues, from the stored server
//! CA) the server certificate for `localhost`, `127.0.0.1`, `::1`, the host
//! name and the configured names, keeps its key sealed in the store too, and
//! builds the KMIP listener's rustls configuration.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyward_core::clock::SystemClock;
use keyward_core::{Config as CoreConfig, Kms};
use keyward_pki::Fingerprints;
use keyward_pki::ca::{CertificateAuthority, SERVER_CA_NAME, USERS_CA_NAME};
use keyward_pki::server_cert::{ServerCertificate, ServerCertificateRequest};
use keyward_pki::tls::{self, ServerTlsOptions};
use keyward_store::seal::{FileMasterKey, SealError};
use keyward_store::{Backend, SqlStore, Store};
use time::{Duration, OffsetDateTime};
use zeroize::Zeroizing;

use crate::config::ServerConfig;

/// Name of the sealed server secret holding the server CA.
pub const SERVER_CA_SECRET: &str = "server-ca";
/// Name of the sealed server secret holding the users CA.
pub const USERS_CA_SECRET: &str = "users-ca";
/// Prefix of the sealed server secrets holding server certificates (one per set of names).
pub const SERVER_CERT_SECRET_PREFIX: &str = "server-cert/";
/// The account created on first start.
pub const DEFAULT_ACCOUNT: &str = "default";
/// The file, in the data directory, holding the server CA certificate.
pub const CA_PEM_FILE: &str = "ca.pem";
/// A stored server certificate this close to its expiry is renewed at start.
const RENEW_BEFORE: Duration = Duration::days(30);
/// Objects kept in the core's memory cache with the embedded (single-node) store.
const SQLITE_OBJECT_CACHE: usize = 10_000;

/// How a deployment is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// `keyward serve`: create whatever is missing (data directory, master key,
    /// CAs, default account with its first admin token).
    Serve,
    /// `keyward admin`: everything must exist already; a typo in `--data-dir`
    /// must not create a second deployment.
    Admin,
}

/// Why a deployment cannot be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeploymentError {
    /// The data directory cannot be created or used.
    #[error("data directory {}: {reason}", path.display())]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The master key cannot be loaded or created.
    #[error("master key: {0}")]
    MasterKey(#[source] SealError),
    /// The master key file was missing but the store already exists under another key.
    #[error(
        "the master key file {} does not exist but the store {store} was created with a master \
         key ({reason}); restore the original key file (or pass --master-key-file)",
        path.display()
    )]
    MasterKeyMissing {
        /// The missing file.
        path: PathBuf,
        /// The store URL (without credentials).
        store: String,
        /// What the store said.
        reason: String,
    },
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] keyward_store::Error),
    /// The deployment has not been created yet (admin commands do not create one).
    #[error(
        "no Keyward deployment in {store}: its certificate authorities are missing; start \
         `keyward serve` once with the same --data-dir / --store / --master-key-file to create it"
    )]
    NotInitialised {
        /// The store URL (without credentials).
        store: String,
    },
    /// A certificate could not be made or loaded.
    #[error("{what}: {source}")]
    Pki {
        /// What was being made or loaded.
        what: &'static str,
        /// The certificate error.
        #[source]
        source: keyward_pki::Error,
    },
    /// A sealed server secret opened but does not hold what it should.
    #[error("the sealed server secret {name:?} is corrupt: {reason}")]
    CorruptSecret {
        /// The secret's name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A file could not be written.
    #[error("cannot write {}: {reason}", path.display())]
    WriteFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The system random generator failed.
    #[error("the system random generator failed")]
    Random,
}

fn pki(what: &'static str) -> impl FnOnce(keyward_pki::Error) -> DeploymentError {
    move |source| DeploymentError::Pki { what, source }
}

/// A new API token: the first admin token created with the default account on first
/// start, or one made later.
///
/// Shown once: only its SHA-256 is stored. `Debug` never shows the secret.
pub struct NewApiToken {
    /// The token's id.
    pub id: String,
    secret: Zeroizing<String>,
}

impl NewApiToken {
    /// The bearer token to give the administrator.
    pub fn secret(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for NewApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewApiToken").field("id", &self.id).field("secret", &"[redacted]").finish()
    }
}

/// An opened deployment: its configuration, store, core and CAs.
#[derive(Debug)]
pub struct Deployment {
    config: ServerConfig,
    store: SqlStore,
    kms: Kms,
    server_ca: CertificateAuthority,
    users_ca: CertificateAuthority,
    ca_pem_path: PathBuf,
    first_admin_token: Option<NewApiToken>,
}

impl Deployment {
    /// Opens the deployment `config` describes; with [`OpenMode::Serve`],
    /// creates what is missing (see the module documentation).
    ///
    /// # Errors
    /// [`DeploymentError`], saying which part failed.
    pub async fn open(config: &ServerConfig, mode: OpenMode) -> Result<Self, DeploymentError> {
        if mode == OpenMode::Serve {
            create_private_dir(&config.data_dir)?;
        }
        let key_was_missing = !config.master_key_file.exists();
        let master_key = match mode {
            OpenMode::Serve => {
                if let Some(parent) =
                    config.master_key_file.parent().filter(|p| !p.as_os_str().is_empty())
                {
                    create_private_dir(parent)?;
                }
                FileMasterKey::open_or_create(&config.master_key_file)
            }
            OpenMode::Admin => FileMasterKey::open(&config.master_key_file),
        }
        .map_err(DeploymentError::MasterKey)?;
        let store = match keyward_store::open(&config.store, Arc::new(master_key)).await {
            Ok(store) => store,
            Err(keyward_store::Error::Sealing(e)) if mode == OpenMode::Serve && key_was_missing => {
                // The store was made with another master key and this run just created a new
                // key file: remove it so the next start does not fail the same way for good.
                let _ = std::fs::remove_file(&config.master_key_file);
                return Err(DeploymentError::MasterKeyMissing {
                    path: config.master_key_file.clone(),
                    store: redact_url(&config.store),
                    reason: e.to_string(),
                });
            }
            Err(e) => return Err(e.into()),
        };

        let server_ca = load_ca(&store, SERVER_CA_SECRET, SERVER_CA_NAME, mode, config).await?;
        let users_ca = load_ca(&store, USERS_CA_SECRET, USERS_CA_NAME, mode, config).await?;
        let first_admin_token = match mode {
            OpenMode::Serve => bootstrap_default_account(&store).await?,
            OpenMode::Admin => None,
        };

        let ca_pem_path = config.data_dir.join(CA_PEM_FILE);
        if config.data_dir.is_dir() {
            write_if_changed(&ca_pem_path, server_ca.certificate_pem().as_bytes())?;
        }

        let core_config = CoreConfig {
            algorithms: config.algorithm_profile.policy(),
            object_cache: match store.backend() {
                // Only one node writes an embedded store; admin commands touch no object.
                Backend::Sqlite => SQLITE_OBJECT_CACHE,
                Backend::Postgres => 0,
            },
            ..CoreConfig::default()
        };
        let shared: Arc<dyn Store> = Arc::new(store.clone());
        let kms = Kms::new(shared, Arc::new(SystemClock), core_config);
        Ok(Self {
            config: config.clone(),
            store,
            kms,
            server_ca,
            users_ca,
            ca_pem_path,
            first_admin_token,
        })
    }

    /// The configuration it was opened with.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// The KMS core, on this deployment's store.
    pub fn kms(&self) -> &Kms {
        &self.kms
    }

    /// The store.
    pub fn store(&self) -> &SqlStore {
        &self.store
    }

    /// The server CA (signs the server certificate; clients trust it).
    pub fn server_ca(&self) -> &CertificateAuthority {
        &self.server_ca
    }

    /// The users CA (signs access certificates; the only CA trusted for clients).
    pub fn users_ca(&self) -> &CertificateAuthority {
        &self.users_ca
    }

    /// Where the server CA certificate was written (`DATA/ca.pem`).
    pub fn ca_pem_path(&self) -> &Path {
        &self.ca_pem_path
    }

    /// The first admin token, on the run that created the default account only.
    pub fn first_admin_token(&self) -> Option<&NewApiToken> {
        self.first_admin_token.as_ref()
    }

    /// Loads the server certificate for this host's names from the store, or
    /// issues one from the server CA (and seals its key in the store) when
    /// there is none for these names or it expires within 30 days; then builds
    /// the TLS configurations.
    ///
    /// # Errors
    /// [`DeploymentError::Pki`] for a bad configured name or a TLS failure,
    /// [`DeploymentError::Store`].
    pub async fn server_tls(&self) -> Result<ServerTls, DeploymentError> {
        let mut request = ServerCertificateRequest::local(host_name().as_deref());
        for name in &self.config.server_names {
            request = request.with_name(name).map_err(pki("server certificate name"))?;
        }
        let secret_name = server_cert_secret_name(&request);
        let stored = match self.store.get_server_secret(&secret_name).await? {
            Some(secret) => {
                let (cert, key) = decode_pair(&secret_name, secret.expose())?;
                let certificate = ServerCertificate::from_der(cert, key)
                    .map_err(pki("stored server certificate"))?;
                Some(certificate)
            }
            None => None,
        };
        let renew_after = OffsetDateTime::now_utc() + RENEW_BEFORE;
        let certificate = match stored {
            Some(c) if c.validity().not_after() > renew_after => c,
            expiring => {
                let fresh = ServerCertificate::issue(&self.server_ca, &request)
                    .map_err(pki("server certificate"))?;
                let blob = encode_pair(fresh.certificate_der(), fresh.private_key_pkcs8_der())?;
                if expiring.is_some() {
                    tracing::info!("renewing the server certificate, which expires within 30 days");
                    self.store.set_server_secret(&secret_name, &blob).await?;
                    fresh
                } else {
                    self.store.put_server_secret(&secret_name, &blob).await?;
                    // Another node with the same names may have stored one first: use that.
                    let secret =
                        self.store.get_server_secret(&secret_name).await?.ok_or_else(|| {
                            DeploymentError::CorruptSecret {
                                name: secret_name.clone(),
                                reason: "it vanished right after it was stored".into(),
                            }
                        })?;
                    let (cert, key) = decode_pair(&secret_name, secret.expose())?;
                    ServerCertificate::from_der(cert, key)
                        .map_err(pki("stored server certificate"))?
                }
            }
        };
        let chain =
            vec![certificate.certificate_der().clone(), self.server_ca.certificate_der().clone()];
        let certified = tls::certified_key(chain, &certificate.private_key())
            .map_err(pki("server certificate key"))?;
        let roots = [self.users_ca.certificate_der().clone()];
        let options = ServerTlsOptions::default();
        let kmip = tls::kmip_server_config(certified.clone(), &roots, &options)
            .map_err(pki("KMIP TLS configuration"))?;
        let https = tls::https_server_config(certified, &roots, &options)
            .map_err(pki("HTTPS TLS configuration"))?;
        Ok(ServerTls {
            fingerprints: certificate.fingerprints(),
            certificate,
            request,
            kmip: Arc::new(kmip),
            https: Arc::new(https),
        })
    }

    /// Waits for queued audit records and closes the store.
    pub async fn close(&self) {
        self.kms.flush_audit().await;
        self.store.close().await;
    }
}

/// The server's TLS identity: one certificate for KMIP and HTTPS.
#[derive(Debug)]
pub struct ServerTls {
    certificate: ServerCertificate,
    fingerprints: Fingerprints,
    request: ServerCertificateRequest,
    kmip: Arc<rustls::ServerConfig>,
    https: Arc<rustls::ServerConfig>,
}

impl ServerTls {
    /// The server certificate.
    pub fn certificate(&self) -> &ServerCertificate {
        &self.certificate
    }

    /// Its SHA-1 and SHA-256 fingerprints (vSphere asks for the thumbprint).
    pub fn fingerprints(&self) -> &Fingerprints {
        &self.fingerprints
    }

    /// The names it was issued for.
    pub fn names(&self) -> &ServerCertificateRequest {
        &self.request
    }

    /// The KMIP listener's configuration: a client certificate from the users CA required.
    pub fn kmip_config(&self) -> Arc<rustls::ServerConfig> {
        self.kmip.clone()
    }

    /// The HTTPS listener's configuration: a client certificate asked for, optional.
    pub fn https_config(&self) -> Arc<rustls::ServerConfig> {
        self.https.clone()
    }
}

/// Creates `dir` (and its parents) with mode `0700` if it does not exist.
fn create_private_dir(dir: &Path) -> Result<(), DeploymentError> {
    if dir.is_dir() {
        return Ok(());
    }
    make_private_dir(dir)
        .map_err(|e| DeploymentError::DataDir { path: dir.to_owned(), reason: e.to_string() })
}

/// Creates `dir` and its missing parents, readable by the owner only
/// (mode 0700 on Unix): the data directory, and the directories keys and
/// credentials are written to.
pub fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `contents` to `path` (through a temporary file and a rename) unless
/// it already holds exactly that.
fn write_if_changed(path: &Path, contents: &[u8]) -> Result<(), DeploymentError> {
    if std::fs::read(path).is_ok_and(|current| current == contents) {
        return Ok(());
    }
    let err = |e: std::io::Error| DeploymentError::WriteFile {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    std::fs::write(&tmp, contents).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })
}

/// Reads a CA from the store; in [`OpenMode::Serve`], creates it first if absent.
async fn load_ca(
    store: &SqlStore,
    secret_name: &str,
    common_name: &str,
    mode: OpenMode,
    config: &ServerConfig,
) -> Result<CertificateAuthority, DeploymentError> {
    let secret = match store.get_server_secret(secret_name).await? {
        Some(secret) => secret,
        None if mode == OpenMode::Admin => {
            return Err(DeploymentError::NotInitialised { store: redact_url(&config.store) });
        }
        None => {
            let ca = CertificateAuthority::create(common_name).map_err(pki("new CA"))?;
            let blob = encode_pair(ca.certificate_der(), &ca.private_key_pkcs8_der())?;
            if store.put_server_secret(secret_name, &blob).await? {
                tracing::info!(ca = common_name, "created the CA and sealed it in the store");
            }
            // Insert-if-absent, then re-read: a node that lost the race uses the winner's CA.
            store.get_server_secret(secret_name).await?.ok_or_else(|| {
                DeploymentError::CorruptSecret {
                    name: secret_name.to_owned(),
                    reason: "it vanished right after it was stored".into(),
                }
            })?
        }
    };
    let (cert, key) = decode_pair(secret_name, secret.expose())?;
    CertificateAuthority::from_der(cert, key).map_err(pki("stored CA"))
}

/// Creates the default account and its first admin token, unless the account
/// exists (then no token: it was shown when the account was created).
async fn bootstrap_default_account(
    store: &SqlStore,
) -> Result<Option<NewApiToken>, DeploymentError> {
    match store.get_account(DEFAULT_ACCOUNT).await {
        Ok(_) => return Ok(None),
        Err(keyward_store::Error::RecordNotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    match store.create_account(DEFAULT_ACCOUNT, "Default account").await {
        Ok(_) => {}
        // Another node created it at the same moment: that node shows the token.
        Err(keyward_store::Error::AlreadyExists { .. }) => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let token = new_api_token(store, DEFAULT_ACCOUNT, "first admin token").await?;
    tracing::info!(account = DEFAULT_ACCOUNT, token_id = %token.id, "created the default account and its first admin token");
    Ok(Some(token))
}

/// Creates an API token for `account`: `kw_` followed by 64 hex digits (256
/// random bits). Only its SHA-256 is stored.
///
/// # Errors
/// [`DeploymentError::Random`], [`DeploymentError::Store`] (an unknown account, say).
pub async fn new_api_token(
    store: &dyn Store,
    account: &str,
    name: &str,
) -> Result<NewApiToken, DeploymentError> {
    let mut random = Zeroizing::new([0u8; 32]);
    aws_lc_rs::rand::fill(random.as_mut()).map_err(|_| DeploymentError::Random)?;
    let secret = Zeroizing::new(format!("kw_{}", hex::encode(random.as_ref())));
    let id = uuid::Uuid::new_v4().to_string();
    store.create_api_token(account, &id, name, secret.as_bytes(), None).await?;
    Ok(NewApiToken { id, secret })
}

/// The secret name of the server certificate for these names: the prefix and
/// the first 16 bytes of the SHA-256 of the sorted names, so every set of
/// names (every node's host name, say) has its own certificate.
fn server_cert_secret_name(request: &ServerCertificateRequest) -> String {
    let mut names: Vec<String> = request.dns_names.clone();
    names.extend(request.ip_addresses.iter().map(ToString::to_string));
    names.sort();
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, names.join("\n").as_bytes());
    format!("{SERVER_CERT_SECRET_PREFIX}{}", hex::encode(&digest.as_ref()[..16]))
}

/// `len(cert) as u32 BE || cert || key`, in a buffer wiped on drop.
fn encode_pair(cert: &[u8], key: &[u8]) -> Result<keyward_store::Secret, DeploymentError> {
    let len = u32::try_from(cert.len()).map_err(|_| DeploymentError::CorruptSecret {
        name: "(new)".into(),
        reason: "certificate too large".into(),
    })?;
    let mut out = Zeroizing::new(Vec::with_capacity(4 + cert.len() + key.len()));
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(cert);
    out.extend_from_slice(key);
    Ok(keyward_store::Secret::from(out))
}

fn decode_pair<'a>(name: &str, blob: &'a [u8]) -> Result<(&'a [u8], &'a [u8]), DeploymentError> {
    let corrupt = || DeploymentError::CorruptSecret {
        name: name.to_owned(),
        reason: "it is not a certificate and key pair".into(),
    };
    let (len, rest) = blob.split_first_chunk::<4>().ok_or_else(corrupt)?;
    let len = usize::try_from(u32::from_be_bytes(*len)).map_err(|_| corrupt())?;
    if len == 0 || len >= rest.len() {
        return Err(corrupt());
    }
    Ok(rest.split_at(len))
}

/// The machine's host name, if the system tells it (Linux: `/proc`, else `/etc/hostname`).
pub fn host_name() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_owned())
        .find(|s| !s.is_empty())
}

/// A store URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::config::Settings;

    fn config(dir: &Path) -> ServerConfig {
        ServerConfig::resolve(Settings {
            data_dir: Some(dir.join("data")),
            server_names: Some(vec!["kms.example.com".into()]),
            ..Settings::default()
        })
        .unwrap()
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn first_start_creates_everything_and_a_second_start_reuses_it() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        let first = Deployment::open(&config, OpenMode::Serve).await.unwrap();
        assert_eq!(mode(&config.data_dir), 0o700);
        assert_eq!(mode(&config.master_key_file), 0o600);
        let token = first.first_admin_token().unwrap();
        assert!(token.secret().starts_with("kw_") && token.secret().len() == 67);
        assert!(!format!("{first:?}").contains(token.secret()));
        assert!(first.store().find_api_token(token.secret().as_bytes()).await.unwrap().is_some());
        let ca_pem = std::fs::read_to_string(first.ca_pem_path()).unwrap();
        assert_eq!(ca_pem, first.server_ca().certificate_pem());
        let tls = first.server_tls().await.unwrap();
        assert!(tls.names().dns_names.contains(&"kms.example.com".to_owned()));
        let fingerprints = tls.fingerprints().clone();
        assert_eq!(fingerprints, keyward_pki::fingerprints(tls.certificate().certificate_der()));
        let users_ca = first.users_ca().certificate_der().clone();
        first.close().await;

        let second = Deployment::open(&config, OpenMode::Serve).await.unwrap();
        assert!(second.first_admin_token().is_none(), "the token is shown once");
        assert_eq!(second.server_ca().certificate_pem(), ca_pem);
        assert_eq!(second.users_ca().certificate_der(), &users_ca);
        assert_eq!(second.server_tls().await.unwrap().fingerprints(), &fingerprints);
        second.close().await;

        // Other names: another certificate, from the same server CA.
        let mut renamed = config.clone();
        renamed.server_names = vec!["kms2.example.com".into()];
        let third = Deployment::open(&renamed, OpenMode::Admin).await.unwrap();
        let tls = third.server_tls().await.unwrap();
        assert_ne!(tls.fingerprints(), &fingerprints);
        assert!(tls.names().dns_names.contains(&"kms2.example.com".to_owned()));
        third.close().await;
    }

    #[tokio::test]
    async fn admin_mode_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        let e = Deployment::open(&config, OpenMode::Admin).await.unwrap_err();
        assert!(matches!(e, DeploymentError::MasterKey(_)), "{e:?}");
        assert!(!config.data_dir.exists());
        // A master key but no CAs: not a deployment.
        std::fs::create_dir(&config.data_dir).unwrap();
        FileMasterKey::open_or_create(&config.master_key_file).unwrap();
        let e = Deployment::open(&config, OpenMode::Admin).await.unwrap_err();
        assert!(matches!(e, DeploymentError::NotInitialised { .. }), "{e:?}");
        assert!(e.to_string().contains("keyward serve"), "{e}");
    }

    #[tokio::test]
    async fn a_lost_master_key_is_not_replaced_by_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        Deployment::open(&config, OpenMode::Serve).await.unwrap().close().await;
        std::fs::remove_file(&config.master_key_file).unwrap();
        let e = Deployment::open(&config, OpenMode::Serve).await.unwrap_err();
        assert!(matches!(e, DeploymentError::MasterKeyMissing { .. }), "{e:?}");
        assert!(e.to_string().contains("restore the original key file"), "{e}");
        assert!(!config.master_key_file.exists(), "the key made by the failed start is removed");
    }

    #[tokio::test]
    async fn an_expiring_server_certificate_is_renewed() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        let d = Deployment::open(&config, OpenMode::Serve).await.unwrap();
        let tls = d.server_tls().await.unwrap();
        // Replace the stored certificate with one expiring in 10 days.
        let validity = keyward_pki::Validity::days_from_now(10).unwrap();
        let short = ServerCertificate::issue(
            d.server_ca(),
            &ServerCertificateRequest { validity: Some(validity), ..tls.names().clone() },
        )
        .unwrap();
        let name = server_cert_secret_name(tls.names());
        let blob = encode_pair(short.certificate_der(), short.private_key_pkcs8_der()).unwrap();
        d.store().set_server_secret(&name, &blob).await.unwrap();
        let renewed = d.server_tls().await.unwrap();
        assert_ne!(renewed.fingerprints(), &short.fingerprints());
        assert!(
            renewed.certificate().validity().not_after() > OffsetDateTime::now_utc() + RENEW_BEFORE
        );
        d.close().await;
    }

    #[test]
    fn pairs_round_trip_and_garbage_is_corrupt() {
        let blob = encode_pair(b"cert", b"key").unwrap();
        assert_eq!(decode_pair("x", blob.expose()).unwrap(), (&b"cert"[..], &b"key"[..]));
        for bad in [&b""[..], b"\0\0", b"\0\0\0\x09cert", b"\0\0\0\0key"] {
            assert!(matches!(decode_pair("x", bad), Err(DeploymentError::CorruptSecret { .. })));
        }
    }

    #[test]
    fn urls_lose_their_password() {
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://data/k.db"), "sqlite://data/k.db");
    }
}
