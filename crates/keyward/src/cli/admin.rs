//! `keyward admin …`: commands that work on the configured store directly,
//! on the server's machine (they need the master key), also while the server
//! runs. They open the deployment exactly as `keyward serve` does, but create
//! nothing: run `keyward serve` once first.
//!
//! A command that makes something prints its id alone on stdout; logs and
//! notes go to stderr. Bad input is refused before anything is written.
//!
//! ```text
//! keyward admin account create acme                     # → acme
//! keyward admin domain create --region eu-west-rbx --account acme --name prod   # → <domain id>
//! keyward admin credential create --domain <id> --name backup \
//!     --identity urn:v1:eu:identity:account:acme --out ./backup-cred           # → <credential id>
//! keyward admin credential revoke <credential id>
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use keyward_server::config::ConfigError;
use keyward_server::deployment::{DEFAULT_ACCOUNT, Deployment, DeploymentError, OpenMode};
use keyward_server::provisioning::{self, CredentialRequest, ProvisioningError};
use keyward_store::{AuditVerification, Credential, Store};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::common::{DeploymentArgs, LogFilterError, init_logging};

/// Largest CSR file read.
const MAX_CSR_FILE: u64 = 64 * 1024;

/// `keyward admin` and the flags every admin command takes.
#[derive(Debug, Args)]
pub struct AdminArgs {
    #[command(flatten)]
    deployment: DeploymentArgs,
    #[command(subcommand)]
    command: AdminCommand,
}

/// `keyward admin` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Accounts (tenants).
    #[command(subcommand)]
    Account(AccountCommand),
    /// KMS domains (okmsId).
    #[command(subcommand)]
    Domain(DomainCommand),
    /// Access credentials (client certificates).
    #[command(subcommand)]
    Credential(CredentialCommand),
    /// Account API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

/// `keyward admin account` subcommands.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Creates an account; prints its name (its id). Its root identity is
    /// urn:v1:eu:identity:account:NAME.
    Create {
        /// The account name (letters, digits and - _ . @ +).
        name: String,
    },
    /// Lists accounts: name and root identity, tab-separated.
    List,
}

/// `keyward admin domain` subcommands.
#[derive(Debug, Subcommand)]
pub enum DomainCommand {
    /// Creates a KMS domain; prints its id (okmsId).
    Create {
        /// The region (one of the configured regions).
        #[arg(long)]
        region: String,
        /// The owner account.
        #[arg(long, default_value = DEFAULT_ACCOUNT)]
        account: String,
        /// A display name.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Lists domains: id, account, region and name, tab-separated.
    List {
        /// Only this account's.
        #[arg(long)]
        account: Option<String>,
    },
}

/// `keyward admin credential` subcommands.
#[derive(Debug, Subcommand)]
pub enum CredentialCommand {
    /// Issues an access certificate; writes DIR/cert.pem, DIR/ca.pem and (without --csr)
    /// DIR/key.pem, the only copy of the private key; prints the credential id.
    Create(CreateCredentialArgs),
    /// Lists a domain's credentials: id, name, status, expiry and identities, tab-separated.
    List {
        /// The domain id.
        #[arg(long)]
        domain: String,
    },
    /// Shows a credential and its certificate.
    Show {
        /// The credential id.
        id: String,
    },
    /// Revokes a credential: refused from the next connection or request on.
    Revoke {
        /// The credential id.
        id: String,
    },
}

/// `keyward admin credential create` flags.
#[derive(Debug, Args)]
pub struct CreateCredentialArgs {
    /// The domain id.
    #[arg(long)]
    domain: String,
    /// The credential's name.
    #[arg(long)]
    name: String,
    /// An identity URN the credential maps to (repeat for several), such as
    /// urn:v1:eu:identity:account:acme or urn:v1:eu:identity:user:acme/john.
    #[arg(long = "identity", value_name = "URN", required = true)]
    identities: Vec<String>,
    /// A PEM CSR whose public key to certify; without it, an EC P-256 key pair is generated.
    #[arg(long, value_name = "FILE")]
    csr: Option<PathBuf>,
    /// Validity in days.
    #[arg(long, default_value_t = keyward_pki::access::DEFAULT_ACCESS_CERT_VALIDITY_DAYS)]
    validity_days: u32,
    /// A free-text description.
    #[arg(long, default_value = "")]
    description: String,
    /// The directory to write cert.pem, ca.pem and key.pem to (made if needed; the files
    /// must not exist yet).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// `keyward admin token` subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Creates an API token for an account; prints the token (shown once) on stdout.
    Create {
        /// The account.
        #[arg(long, default_value = DEFAULT_ACCOUNT)]
        account: String,
        /// A name for the token.
        #[arg(long, default_value = "admin token")]
        name: String,
    },
}

/// `keyward admin audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Checks that no audit record was removed or altered (the hash chain is intact).
    Verify,
}

/// Why an admin command failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The configuration is unusable.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The log filter is unusable.
    #[error("{0}")]
    Log(#[from] LogFilterError),
    /// The deployment could not be opened.
    #[error("{0}")]
    Deployment(#[from] DeploymentError),
    /// The request was refused.
    #[error("{0}")]
    Refused(#[from] ProvisioningError),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] keyward_store::Error),
    /// The CSR file cannot be read.
    #[error("cannot read the CSR {}: {reason}", path.display())]
    ReadCsr {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// An output file exists already.
    #[error(
        "{} already exists; choose another --out directory (a credential's files are never \
         overwritten)",
        .0.display()
    )]
    OutputExists(PathBuf),
    /// An output file cannot be written.
    #[error("cannot write {}: {reason}", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The audit chain is broken.
    #[error("the audit log is broken at record {position}: {reason}")]
    AuditBroken {
        /// The first record that does not verify.
        position: u64,
        /// What was found there.
        reason: String,
    },
    /// The async runtime could not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(String),
}

/// Runs an admin command.
pub fn run(args: AdminArgs) -> Result<(), AdminError> {
    let config = args.deployment.load(args.deployment.settings())?;
    init_logging(&config.log)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AdminError::Runtime(e.to_string()))?;
    runtime.block_on(async {
        let deployment = Deployment::open(&config, OpenMode::Admin).await?;
        let result = dispatch(&deployment, args.command).await;
        deployment.close().await;
        result
    })
}

async fn dispatch(d: &Deployment, command: AdminCommand) -> Result<(), AdminError> {
    let mut out = std::io::stdout().lock();
    // Output lines are best effort: a closed stdout is not a failed command
    // (the write to the store has happened).
    macro_rules! say {
        ($($arg:tt)*) => { let _ = writeln!(out, $($arg)*); };
    }
    match command {
        AdminCommand::Account(AccountCommand::Create { name }) => {
            let account = provisioning::create_account(d, &name).await?;
            tracing::info!(root = %provisioning::account_root(d, &account.id), "account created");
            say!("{}", account.id);
        }
        AdminCommand::Account(AccountCommand::List) => {
            for account in provisioning::list_accounts(d).await? {
                say!("{}\t{}", account.id, provisioning::account_root(d, &account.id));
            }
        }
        AdminCommand::Domain(DomainCommand::Create { region, account, name }) => {
            let domain = provisioning::create_domain(d, &account, &region, &name).await?;
            tracing::info!(account = %domain.account_id, region = %domain.region, "domain created");
            say!("{}", domain.id);
        }
        AdminCommand::Domain(DomainCommand::List { account }) => {
            for domain in provisioning::list_domains(d, account.as_deref()).await? {
                say!("{}\t{}\t{}\t{}", domain.id, domain.account_id, domain.region, domain.name);
            }
        }
        AdminCommand::Credential(CredentialCommand::Create(args)) => {
            let id = create_credential(d, &args).await?;
            say!("{id}");
        }
        AdminCommand::Credential(CredentialCommand::List { domain }) => {
            for c in provisioning::list_credentials(d, &domain).await? {
                say!(
                    "{}\t{}\t{}\t{}\t{}",
                    c.id,
                    c.name,
                    status(&c),
                    rfc3339(c.not_after),
                    c.identities.join(",")
                );
            }
        }
        AdminCommand::Credential(CredentialCommand::Show { id }) => {
            let c = provisioning::get_credential(d, &id).await?;
            say!("id: {}", c.id);
            say!("domain: {}", c.domain_id);
            say!("name: {}", c.name);
            say!("description: {}", c.description);
            say!("status: {}", status(&c));
            say!("identities: {}", c.identities.join(", "));
            say!("created: {}", rfc3339(c.created_at));
            say!("not before: {}", rfc3339(c.not_before));
            say!("not after: {}", rfc3339(c.not_after));
            if let Some(at) = c.revoked_at {
                say!("revoked: {}", rfc3339(at));
            }
            if let Some(der) = &c.certificate_der {
                let f = keyward_pki::fingerprints(der);
                say!("certificate SHA-256 fingerprint: {}", f.sha256);
                let _ = write!(out, "{}", keyward_pki::pem::certificate_to_pem(der));
            }
        }
        AdminCommand::Credential(CredentialCommand::Revoke { id }) => {
            let c = provisioning::revoke_credential(d, &id).await?;
            tracing::info!(
                credential = %c.id,
                domain = %c.domain_id,
                "credential revoked: refused from the next connection or request on"
            );
        }
        AdminCommand::Token(TokenCommand::Create { account, name }) => {
            let token = provisioning::create_token(d, &account, &name).await?;
            tracing::info!(account = %account, token_id = %token.id, "API token created; it is shown once");
            say!("{}", token.secret());
        }
        AdminCommand::Audit(AuditCommand::Verify) => match d.store().verify_audit_chain().await? {
            AuditVerification::Intact { records, head } => {
                say!("intact: {records} records, head {}", hex::encode(head));
            }
            AuditVerification::Broken { position, reason } => {
                return Err(AdminError::AuditBroken { position, reason });
            }
        },
    }
    let _ = out.flush();
    Ok(())
}

fn status(c: &Credential) -> &'static str {
    let now = OffsetDateTime::now_utc();
    if c.revoked_at.is_some() {
        "revoked"
    } else if now > c.not_after {
        "expired"
    } else if now < c.not_before {
        "not yet valid"
    } else {
        "active"
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Checks and signs, writes the files, then stores the credential; on any
/// failure nothing is left behind (files written are removed).
async fn create_credential(
    d: &Deployment,
    args: &CreateCredentialArgs,
) -> Result<String, AdminError> {
    let csr = args.csr.as_deref().map(read_csr).transpose()?;
    let prepared = provisioning::prepare_credential(
        d,
        &CredentialRequest {
            domain_id: &args.domain,
            name: &args.name,
            identities: &args.identities,
            csr_pem: csr.as_deref(),
            validity_days: args.validity_days,
            description: &args.description,
        },
    )
    .await?;

    let mut files: Vec<(PathBuf, &[u8], u32)> = Vec::new();
    let cert_pem = prepared.certificate_pem();
    files.push((args.out.join("cert.pem"), cert_pem.as_bytes(), 0o644));
    files.push((args.out.join("ca.pem"), prepared.ca_pem().as_bytes(), 0o644));
    if let Some(key) = prepared.private_key_pem() {
        files.push((args.out.join("key.pem"), key.as_bytes(), 0o600));
    }
    if let Some((existing, _, _)) = files.iter().find(|(p, _, _)| p.exists()) {
        return Err(AdminError::OutputExists(existing.clone()));
    }
    let mut written = Outputs::new(&args.out)?;
    for (path, contents, mode) in &files {
        written.write(path, contents, *mode)?;
    }
    prepared.commit(d).await?;
    written.keep();
    tracing::info!(
        credential = %prepared.id(),
        out = %args.out.display(),
        with_generated_key = prepared.private_key_pem().is_some(),
        "credential created"
    );
    Ok(prepared.id().to_owned())
}

fn read_csr(path: &Path) -> Result<String, AdminError> {
    let err = |reason: String| AdminError::ReadCsr { path: path.to_owned(), reason };
    let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
    if meta.len() > MAX_CSR_FILE {
        return Err(err(format!("it is larger than {MAX_CSR_FILE} bytes; a CSR is a few KB")));
    }
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| {
        err("it is not text; the CSR must be PEM ('-----BEGIN CERTIFICATE REQUEST-----')".into())
    })
}

/// Output files written so far; removed (with the directory, if this made it)
/// unless [`Outputs::keep`] is called.
struct Outputs {
    created_dir: Option<PathBuf>,
    files: Vec<PathBuf>,
    keep: bool,
}

impl Outputs {
    fn new(dir: &Path) -> Result<Self, AdminError> {
        let created_dir = if dir.is_dir() {
            None
        } else {
            keyward_server::deployment::make_private_dir(dir)
                .map_err(|e| AdminError::Write { path: dir.to_owned(), reason: e.to_string() })?;
            Some(dir.to_owned())
        };
        Ok(Self { created_dir, files: Vec::new(), keep: false })
    }

    fn write(&mut self, path: &Path, contents: &[u8], mode: u32) -> Result<(), AdminError> {
        let err = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::AlreadyExists => AdminError::OutputExists(path.to_owned()),
            _ => AdminError::Write { path: path.to_owned(), reason: e.to_string() },
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut file = options.open(path).map_err(err)?;
        self.files.push(path.to_owned());
        file.write_all(contents).map_err(err)?;
        file.sync_all().map_err(err)?;
        Ok(())
    }

    fn keep(&mut self) {
        self.keep = true;
    }
}

impl Drop for Outputs {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        for file in &self.files {
            let _ = std::fs::remove_file(file);
        }
        if let Some(dir) = &self.created_dir {
            // Only removes it if empty.
            let _ = std::fs::remove_dir(dir);
        }
    }
}
