//! Accounts, domains, access credentials and API tokens: what `keyward admin`
//! makes (and, later, the control plane), checked once here.
//!
//! Every operation validates all of its input before it writes anything, so a
//! refused request leaves the store as it was. Issuing a credential is in two
//! steps — [`prepare_credential`] checks the request and signs the certificate,
//! [`PreparedCredential::commit`] stores it — so a caller can hand the files
//! out first and store the credential only once they are safely written.

use std::fmt;

use keyward_core::iam::{IdentityUrn, UrnError};
use keyward_pki::access::{
    AccessCertificate, AccessCertificateRequest, issue_from_csr_pem, issue_with_new_key,
};
use keyward_store::{Account, Credential, Domain, NewCredential, NewDomain, Page, Store};
use time::OffsetDateTime;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::deployment::{Deployment, DeploymentError, NewApiToken, new_api_token};

/// Longest account, domain or credential name accepted, in bytes.
pub const MAX_NAME_LEN: usize = 200;
/// Most identities one credential maps to.
pub const MAX_IDENTITIES: usize = 100;

/// Why a provisioning request is refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProvisioningError {
    /// An account name that cannot appear in an identity URN.
    #[error(
        "{0:?} cannot be an account name: use letters, digits and - _ . @ + (at most 200 bytes)"
    )]
    InvalidAccountName(String),
    /// A name or description that is empty or too long.
    #[error("the {what} {reason}")]
    InvalidText {
        /// Which field.
        what: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The account does not exist.
    #[error("account {0:?} does not exist; create it with `keyward admin account create`")]
    UnknownAccount(String),
    /// The account exists already.
    #[error("account {0:?} already exists")]
    AccountExists(String),
    /// The region is not one of the deployment's.
    #[error("region {region:?} is not configured; configured regions: {configured}")]
    UnknownRegion {
        /// The region asked for.
        region: String,
        /// The configured regions, comma-separated.
        configured: String,
    },
    /// A domain id that is not a UUID.
    #[error("{0:?} is not a domain id (a UUID such as 3f1e2d4c-0000-4000-8000-000000000001)")]
    InvalidDomainId(String),
    /// The domain does not exist.
    #[error("domain {0} does not exist; `keyward admin domain list` shows the domains")]
    UnknownDomain(String),
    /// A credential id that is not a UUID, or that does not exist.
    #[error(
        "credential {0:?} does not exist; `keyward admin credential list --domain ID` shows them"
    )]
    UnknownCredential(String),
    /// An identity URN that does not parse.
    #[error("identity: {0}")]
    InvalidIdentity(#[from] UrnError),
    /// No identity, or too many.
    #[error("a credential maps to 1 to {MAX_IDENTITIES} identities (give --identity URN)")]
    IdentityCount,
    /// The certificate cannot be issued (a bad CSR, a weak key, a bad validity).
    #[error("{0}")]
    Certificate(#[from] keyward_pki::Error),
    /// The store failed.
    #[error("store: {0}")]
    Store(keyward_store::Error),
    /// The deployment failed (making a token).
    #[error("{0}")]
    Deployment(#[from] DeploymentError),
}

impl From<keyward_store::Error> for ProvisioningError {
    fn from(e: keyward_store::Error) -> Self {
        match e {
            keyward_store::Error::DomainNotFound(id) => ProvisioningError::UnknownDomain(id),
            keyward_store::Error::RecordNotFound { kind: "account", id } => {
                ProvisioningError::UnknownAccount(id)
            }
            keyward_store::Error::AlreadyExists { kind: "account", id } => {
                ProvisioningError::AccountExists(id)
            }
            other => ProvisioningError::Store(other),
        }
    }
}

fn check_text(
    what: &'static str,
    text: &str,
    allow_empty: bool,
    max_len: usize,
) -> Result<(), ProvisioningError> {
    if !allow_empty && text.trim().is_empty() {
        return Err(ProvisioningError::InvalidText { what, reason: "must not be empty" });
    }
    if text.len() > max_len {
        return Err(ProvisioningError::InvalidText { what, reason: "is too long" });
    }
    if text.chars().any(char::is_control) {
        return Err(ProvisioningError::InvalidText {
            what,
            reason: "must not hold control characters",
        });
    }
    Ok(())
}

/// The root identity URN of `account` in this deployment's identity region.
pub fn account_root(deployment: &Deployment, account: &str) -> IdentityUrn {
    IdentityUrn::account_root(deployment.config().identity_region(), account)
}

/// Creates an account named `name` (its id); its root identity is
/// `urn:v1:<region group>:identity:account:<name>`.
///
/// # Errors
/// [`ProvisioningError::InvalidAccountName`], [`ProvisioningError::AccountExists`].
pub async fn create_account(
    deployment: &Deployment,
    name: &str,
) -> Result<Account, ProvisioningError> {
    let root = format!("urn:v1:{}:identity:account:{name}", deployment.config().identity_region());
    if name.len() > MAX_NAME_LEN || root.parse::<IdentityUrn>().is_err() {
        return Err(ProvisioningError::InvalidAccountName(name.to_owned()));
    }
    Ok(deployment.store().create_account(name, name).await?)
}

/// Every account, in id order.
///
/// # Errors
/// [`ProvisioningError::Store`].
pub async fn list_accounts(deployment: &Deployment) -> Result<Vec<Account>, ProvisioningError> {
    let mut all = Vec::new();
    loop {
        let page = Page { offset: all.len() as u64, limit: 1000 };
        let batch = deployment.store().list_accounts(page).await?;
        let done = batch.len() < 1000;
        all.extend(batch);
        if done {
            return Ok(all);
        }
    }
}

/// Creates a domain of `account` in `region` (one of the configured regions).
///
/// # Errors
/// [`ProvisioningError::UnknownRegion`], [`ProvisioningError::UnknownAccount`],
/// [`ProvisioningError::InvalidText`].
pub async fn create_domain(
    deployment: &Deployment,
    account: &str,
    region: &str,
    name: &str,
) -> Result<Domain, ProvisioningError> {
    let regions = &deployment.config().regions;
    if !regions.iter().any(|r| r == region) {
        return Err(ProvisioningError::UnknownRegion {
            region: region.to_owned(),
            configured: regions.join(", "),
        });
    }
    check_text("domain name", name, true, MAX_NAME_LEN)?;
    let domain = NewDomain {
        id: Uuid::new_v4().to_string(),
        account_id: account.to_owned(),
        region: region.to_owned(),
        name: name.to_owned(),
    };
    Ok(deployment.store().create_domain(&domain).await?)
}

/// Every domain, all of them or one account's, in id order.
///
/// # Errors
/// [`ProvisioningError::Store`].
pub async fn list_domains(
    deployment: &Deployment,
    account: Option<&str>,
) -> Result<Vec<Domain>, ProvisioningError> {
    let mut all = Vec::new();
    loop {
        let page = Page { offset: all.len() as u64, limit: 1000 };
        let batch = deployment.store().list_domains(account, page).await?;
        let done = batch.len() < 1000;
        all.extend(batch);
        if done {
            return Ok(all);
        }
    }
}

/// A domain id checked to be a UUID of an existing domain.
async fn existing_domain(
    deployment: &Deployment,
    domain_id: &str,
) -> Result<(Uuid, Domain), ProvisioningError> {
    let uuid = Uuid::parse_str(domain_id.trim())
        .map_err(|_| ProvisioningError::InvalidDomainId(domain_id.to_owned()))?;
    let domain = deployment.store().get_domain(&uuid.hyphenated().to_string()).await?;
    Ok((uuid, domain))
}

/// A request for an access credential.
#[derive(Debug, Clone)]
pub struct CredentialRequest<'a> {
    /// The domain (okmsId).
    pub domain_id: &'a str,
    /// The credential's name.
    pub name: &'a str,
    /// The identity URNs it maps to.
    pub identities: &'a [String],
    /// The client's CSR (PEM); `None` to generate an EC P-256 key pair.
    pub csr_pem: Option<&'a str>,
    /// Validity in days.
    pub validity_days: u32,
    /// A free-text description.
    pub description: &'a str,
}

/// A checked credential with its signed certificate, not stored yet.
pub struct PreparedCredential {
    new: NewCredential,
    description: String,
    certificate: AccessCertificate,
    private_key_pem: Option<Zeroizing<String>>,
    ca_pem: String,
}

impl fmt::Debug for PreparedCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedCredential")
            .field("credential", &self.new)
            .field("private_key_pem", &self.private_key_pem.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

impl PreparedCredential {
    /// The new credential's id (the certificate's serial number).
    pub fn id(&self) -> &str {
        &self.new.id
    }

    /// The access certificate (PEM).
    pub fn certificate_pem(&self) -> String {
        self.certificate.certificate_pem()
    }

    /// The generated private key (PEM), when no CSR was given: the only copy.
    pub fn private_key_pem(&self) -> Option<&Zeroizing<String>> {
        self.private_key_pem.as_ref()
    }

    /// The trust anchor of the server's certificate (the server CA, PEM).
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// Stores the credential (with its certificate); the private key is not stored.
    ///
    /// # Errors
    /// [`ProvisioningError::Store`], [`ProvisioningError::UnknownDomain`].
    pub async fn commit(&self, deployment: &Deployment) -> Result<Credential, ProvisioningError> {
        Ok(deployment
            .store()
            .create_credential_with_description(&self.new, &self.description)
            .await?)
    }
}

/// Checks a credential request and signs its certificate with the users CA
/// (serial = the new credential's UUID, CN and UPN = the domain id, EKU
/// clientAuth); stores nothing.
///
/// # Errors
/// [`ProvisioningError`]: a bad identity, name, domain, CSR or validity.
pub async fn prepare_credential(
    deployment: &Deployment,
    request: &CredentialRequest<'_>,
) -> Result<PreparedCredential, ProvisioningError> {
    check_text("credential name", request.name, false, MAX_NAME_LEN)?;
    check_text("description", request.description, true, keyward_store::MAX_DESCRIPTION_LEN)?;
    if request.identities.is_empty() || request.identities.len() > MAX_IDENTITIES {
        return Err(ProvisioningError::IdentityCount);
    }
    let mut identities = Vec::with_capacity(request.identities.len());
    for text in request.identities {
        let urn: IdentityUrn = text.trim().parse()?;
        let canonical = urn.to_string();
        if !identities.contains(&canonical) {
            identities.push(canonical);
        }
    }
    let (domain_uuid, domain) = existing_domain(deployment, request.domain_id).await?;
    let credential_id = Uuid::new_v4();
    let access = AccessCertificateRequest::new(credential_id, domain_uuid)
        .with_not_before(OffsetDateTime::now_utc())
        .with_validity_days(request.validity_days);
    let users_ca = deployment.users_ca();
    let (certificate, private_key_pem) = match request.csr_pem {
        Some(csr) => (issue_from_csr_pem(users_ca, &access, csr)?, None),
        None => {
            let (certificate, key) = issue_with_new_key(users_ca, &access)?.into_parts();
            (certificate, Some(key))
        }
    };
    let validity = certificate.validity();
    Ok(PreparedCredential {
        new: NewCredential {
            id: credential_id.hyphenated().to_string(),
            domain_id: domain.id,
            name: request.name.trim().to_owned(),
            identities,
            certificate_der: Some(certificate.certificate_der().to_vec()),
            not_before: validity.not_before(),
            not_after: validity.not_after(),
        },
        description: request.description.to_owned(),
        certificate,
        private_key_pem,
        ca_pem: deployment.server_ca().certificate_pem(),
    })
}

/// A domain's credentials, in id order.
///
/// # Errors
/// [`ProvisioningError::InvalidDomainId`], [`ProvisioningError::UnknownDomain`].
pub async fn list_credentials(
    deployment: &Deployment,
    domain_id: &str,
) -> Result<Vec<Credential>, ProvisioningError> {
    let (_, domain) = existing_domain(deployment, domain_id).await?;
    let mut all = Vec::new();
    loop {
        let page = Page { offset: all.len() as u64, limit: 1000 };
        let batch = deployment.store().list_credentials(&domain.id, page).await?;
        let done = batch.len() < 1000;
        all.extend(batch);
        if done {
            return Ok(all);
        }
    }
}

/// A credential by its id.
///
/// # Errors
/// [`ProvisioningError::UnknownCredential`].
pub async fn get_credential(
    deployment: &Deployment,
    id: &str,
) -> Result<Credential, ProvisioningError> {
    let unknown = || ProvisioningError::UnknownCredential(id.to_owned());
    let uuid = Uuid::parse_str(id.trim()).map_err(|_| unknown())?;
    deployment.store().find_credential(&uuid.hyphenated().to_string()).await?.ok_or_else(unknown)
}

/// Revokes a credential: new connections and requests presenting it are
/// refused. Revoking twice keeps the first revocation time.
///
/// # Errors
/// [`ProvisioningError::UnknownCredential`].
pub async fn revoke_credential(
    deployment: &Deployment,
    id: &str,
) -> Result<Credential, ProvisioningError> {
    let credential = get_credential(deployment, id).await?;
    deployment
        .store()
        .revoke_credential(&credential.domain_id, &credential.id, OffsetDateTime::now_utc())
        .await?;
    get_credential(deployment, &credential.id).await
}

/// Creates an API token for an existing account.
///
/// # Errors
/// [`ProvisioningError::UnknownAccount`], [`ProvisioningError::InvalidText`].
pub async fn create_token(
    deployment: &Deployment,
    account: &str,
    name: &str,
) -> Result<NewApiToken, ProvisioningError> {
    check_text("token name", name, false, MAX_NAME_LEN)?;
    deployment.store().get_account(account).await?;
    Ok(new_api_token(deployment.store(), account, name).await?)
}
