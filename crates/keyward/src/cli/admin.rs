//! `keyward admin …`: commands that work on the configured store directly,
//! on the server's machine (they need the master key).

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand};
use keyward_store::seal::FileMasterKey;
use keyward_store::{AuditVerification, Store};

/// Where the store and the master key are.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The data directory (store and master key live there by default).
    #[arg(long, env = "KEYWARD_DATA_DIR", default_value = "keyward-data")]
    pub data_dir: PathBuf,
    /// The store: `sqlite://PATH` or `postgres://…` (default: SQLite in the data directory).
    #[arg(long, env = "KEYWARD_STORE")]
    pub store: Option<String>,
    /// The master key file, 32 raw bytes, mode 0600 (default: `master.key` in the data directory).
    #[arg(long, env = "KEYWARD_MASTER_KEY_FILE")]
    pub master_key_file: Option<PathBuf>,
}

impl StoreArgs {
    fn store_url(&self) -> String {
        self.store
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("keyward.db").display()))
    }

    fn master_key_file(&self) -> PathBuf {
        self.master_key_file.clone().unwrap_or_else(|| self.data_dir.join("master.key"))
    }

    /// Opens the existing store with the existing master key (creates neither).
    async fn open(&self) -> Result<Arc<dyn Store>, AdminError> {
        let key = FileMasterKey::open(&self.master_key_file())
            .map_err(|e| AdminError::MasterKey(e.to_string()))?;
        let store = keyward_store::open(&self.store_url(), Arc::new(key))
            .await
            .map_err(|e| AdminError::Store(e.to_string()))?;
        Ok(Arc::new(store))
    }
}

/// `keyward admin` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

/// `keyward admin audit` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Checks that no audit record was removed or altered (the hash chain is intact).
    Verify(StoreArgs),
}

/// Why an admin command failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The master key could not be read.
    #[error("master key: {0}")]
    MasterKey(String),
    /// The store could not be opened or read.
    #[error("store: {0}")]
    Store(String),
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
pub fn run(command: AdminCommand) -> Result<(), AdminError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AdminError::Runtime(e.to_string()))?;
    runtime.block_on(async {
        match command {
            AdminCommand::Audit(AuditCommand::Verify(args)) => verify_audit(&args).await,
        }
    })
}

async fn verify_audit(args: &StoreArgs) -> Result<(), AdminError> {
    let store = args.open().await?;
    match store.verify_audit_chain().await.map_err(|e| AdminError::Store(e.to_string()))? {
        AuditVerification::Intact { records, head } => {
            println!("intact: {records} records, head {}", hex::encode(head));
            Ok(())
        }
        AuditVerification::Broken { position, reason } => {
            Err(AdminError::AuditBroken { position, reason })
        }
    }
}
