//! A real KMIP server for tests (feature `testing`): a fresh SQLite store in
//! a temporary directory, the two CAs, and access certificates on demand.
//!
//! Nothing here is a stand-in: the server is [`KmipServer`] on a free
//! loopback port, the client certificates are issued by the users CA and
//! recorded in the store as `keyward admin credential create` records them.

#![allow(clippy::expect_used, clippy::missing_panics_doc)]

use std::net::SocketAddr;
use std::sync::Arc;

use keyward_client::ClientIdentity;
use keyward_core::{Config, Kms};
use keyward_pki::access::{
    AccessCertificateRequest, GeneratedAccessCertificate, issue_with_new_key,
};
use keyward_pki::ca::{CertificateAuthority, SERVER_CA_NAME, USERS_CA_NAME};
use keyward_pki::server_cert::{ServerCertificate, ServerCertificateRequest};
use keyward_pki::tls;
use keyward_store::seal::StaticMasterKey;
use keyward_store::{NewCredential, NewDomain, Store};
use time::OffsetDateTime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::kmip::{KmipLimits, KmipServer};

/// A running KMIP server with its store, CAs and one account (`acme`, root
/// identity `urn:v1:eu:identity:account:acme`) owning one domain.
pub struct TestServer {
    /// The address the server listens on.
    pub address: SocketAddr,
    /// The store behind it.
    pub store: Arc<dyn Store>,
    /// The core it serves.
    pub kms: Kms,
    /// The domain made at start, owned by `acme`.
    pub domain: String,
    server_ca: CertificateAuthority,
    users_ca: CertificateAuthority,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// An issued access credential and the client identity presenting it.
#[derive(Debug, Clone)]
pub struct TestCredential {
    /// The credential id.
    pub id: String,
    /// Its domain.
    pub domain: String,
    /// Certificate, key and server trust anchor, ready for a connection.
    pub identity: ClientIdentity,
    /// The same as PEM text: certificate, private key, server CA.
    pub pem: (String, String, String),
}

impl TestServer {
    /// Starts a server with the default core configuration and limits.
    pub async fn start() -> Self {
        Self::start_with(Config::default(), KmipLimits::default()).await
    }

    /// Starts a server with `config` and `limits`.
    pub async fn start_with(config: Config, limits: KmipLimits) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("keyward.db").display());
        let master = StaticMasterKey::generate().expect("master key");
        let store: Arc<dyn Store> =
            Arc::new(keyward_store::open(&url, Arc::new(master)).await.expect("store"));
        store.create_account("acme", "ACME").await.expect("account");

        let server_ca = CertificateAuthority::create(SERVER_CA_NAME).expect("server CA");
        let users_ca = CertificateAuthority::create(USERS_CA_NAME).expect("users CA");
        let server = ServerCertificate::issue(&server_ca, &ServerCertificateRequest::local(None))
            .expect("server certificate");
        let chain = vec![server.certificate_der().clone(), server_ca.certificate_der().clone()];
        let certified = tls::certified_key(chain, &server.private_key()).expect("certified key");
        let tls_config = tls::kmip_server_config(
            certified,
            &[users_ca.certificate_der().clone()],
            &tls::ServerTlsOptions::default(),
        )
        .expect("TLS configuration");

        let kms = Kms::new(store.clone(), Arc::new(keyward_core::clock::SystemClock), config);
        let listener = KmipServer::bind(
            "127.0.0.1:0".parse().expect("address"),
            Arc::new(tls_config),
            kms.clone(),
            limits,
        )
        .await
        .expect("bind");
        let address = listener.local_addr().expect("local address");
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(listener.run(async move {
            let _ = rx.await;
        }));
        let mut server = Self {
            address,
            store,
            kms,
            domain: String::new(),
            server_ca,
            users_ca,
            shutdown: Some(tx),
            task: Some(task),
            _dir: dir,
        };
        server.domain = server.add_domain("acme").await;
        server
    }

    /// The address as `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        self.address.to_string()
    }

    /// Makes a new domain owned by `account` (created if needed); its id.
    pub async fn add_domain(&self, account: &str) -> String {
        if self.store.get_account(account).await.is_err() {
            self.store.create_account(account, account).await.expect("account");
        }
        let id = Uuid::new_v4().to_string();
        self.store
            .create_domain(&NewDomain {
                id: id.clone(),
                account_id: account.to_owned(),
                region: "eu-west-rbx".to_owned(),
                name: id.clone(),
            })
            .await
            .expect("domain");
        id
    }

    /// Issues a credential of `domain` mapping to `identities` and records it.
    pub async fn credential(&self, domain: &str, identities: &[&str]) -> TestCredential {
        self.credential_valid_from(domain, identities, None, 365).await
    }

    /// The same, valid `days` days from `not_before` (now when `None`).
    pub async fn credential_valid_from(
        &self,
        domain: &str,
        identities: &[&str],
        not_before: Option<OffsetDateTime>,
        days: u32,
    ) -> TestCredential {
        let id = Uuid::new_v4();
        let request = self.access_request(id, domain, not_before, days);
        let issued = issue_with_new_key(&self.users_ca, &request).expect("access certificate");
        let validity = issued.certificate().validity();
        self.store
            .create_credential(&NewCredential {
                id: id.to_string(),
                domain_id: domain.to_owned(),
                name: format!("test {id}"),
                identities: identities.iter().map(|s| (*s).to_owned()).collect(),
                certificate_der: Some(issued.certificate().certificate_der().to_vec()),
                not_before: validity.not_before(),
                not_after: validity.not_after(),
            })
            .await
            .expect("credential");
        self.client(id.to_string(), domain, &issued)
    }

    /// A credential of `domain` whose identity is the root of the domain's account.
    pub async fn root_credential(&self, domain: &str) -> TestCredential {
        let account = self.store.get_domain(domain).await.expect("domain").account_id;
        self.credential(domain, &[&format!("urn:v1:eu:identity:account:{account}")]).await
    }

    /// A certificate issued by the users CA for a credential the store does
    /// not know (never recorded).
    pub fn unrecorded_credential(&self, domain: &str) -> TestCredential {
        let id = Uuid::new_v4();
        let request = self.access_request(id, domain, None, 365);
        let issued = issue_with_new_key(&self.users_ca, &request).expect("access certificate");
        self.client(id.to_string(), domain, &issued)
    }

    fn access_request(
        &self,
        id: Uuid,
        domain: &str,
        not_before: Option<OffsetDateTime>,
        days: u32,
    ) -> AccessCertificateRequest {
        let domain_id = Uuid::parse_str(domain).expect("domain ids are UUIDs");
        let request = AccessCertificateRequest::new(id, domain_id).with_validity_days(days);
        match not_before {
            Some(not_before) => request.with_not_before(not_before),
            None => request,
        }
    }

    /// Revokes credential `id` of `domain` now.
    pub async fn revoke(&self, domain: &str, id: &str) {
        self.store.revoke_credential(domain, id, OffsetDateTime::now_utc()).await.expect("revoke");
    }

    /// The server CA certificate (PEM), the trust anchor of clients.
    pub fn server_ca_pem(&self) -> String {
        self.server_ca.certificate_pem()
    }

    fn client(
        &self,
        id: String,
        domain: &str,
        issued: &GeneratedAccessCertificate,
    ) -> TestCredential {
        let pem = (
            issued.certificate().certificate_pem(),
            issued.private_key_pem().to_string(),
            self.server_ca.certificate_pem(),
        );
        let identity =
            ClientIdentity::from_pem(pem.0.as_bytes(), pem.1.as_bytes(), pem.2.as_bytes())
                .expect("client identity");
        TestCredential { id, domain: domain.to_owned(), identity, pem }
    }

    /// Shuts the server down (draining connections) and waits for it.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.take() {
            Some(task) => task.await.expect("server task"),
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
