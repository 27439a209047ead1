//! Who is on the other end: the access credential of the TLS peer, checked
//! against the store, turned into a [`Caller`].

use std::time::{Duration, Instant};

use keyward_core::iam::IdentityUrn;
use keyward_core::{Caller, Door, Kms};
use keyward_pki::identity::PeerIdentity;
use rustls_pki_types::CertificateDer;
use time::OffsetDateTime;

/// How long a connection trusts its last credential check before asking the
/// store again. A revocation reaches every new connection at once and open
/// connections within this delay.
pub(crate) const RECHECK_AFTER: Duration = Duration::from_secs(1);

/// Why a peer is refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AuthError {
    /// The certificate does not carry a Keyward credential.
    #[error("the client certificate is not an access certificate: {0}")]
    NotAccessCertificate(#[from] keyward_pki::Error),
    /// No credential with this id exists in the domain (never issued, or deleted).
    #[error("credential {credential} of domain {domain} does not exist")]
    Unknown {
        /// The credential id.
        credential: String,
        /// The domain id.
        domain: String,
    },
    /// The credential was revoked.
    #[error("credential {credential} of domain {domain} was revoked")]
    Revoked {
        /// The credential id.
        credential: String,
        /// The domain id.
        domain: String,
    },
    /// The credential is outside its validity.
    #[error(
        "credential {credential} of domain {domain} is not valid now (expired or not yet valid)"
    )]
    OutsideValidity {
        /// The credential id.
        credential: String,
        /// The domain id.
        domain: String,
    },
    /// The presented certificate is not the one issued for the credential.
    #[error("the certificate presented for credential {credential} is not the one issued for it")]
    CertificateMismatch {
        /// The credential id.
        credential: String,
    },
    /// The store could not be asked.
    #[error("cannot check the credential: {0}")]
    Store(String),
}

/// An authenticated peer: the caller and when it was last checked.
#[derive(Debug)]
pub(crate) struct Session {
    /// The caller every request of the connection runs as.
    pub caller: Caller,
    identity: PeerIdentity,
    leaf: Vec<u8>,
    checked: Instant,
}

impl Session {
    /// Authenticates the peer whose certificate chain rustls verified.
    pub async fn open(kms: &Kms, peer: Option<&[CertificateDer<'_>]>) -> Result<Self, AuthError> {
        let leaf = peer.and_then(|chain| chain.first()).map(|c| c.to_vec()).unwrap_or_default();
        let identity = PeerIdentity::from_peer_certificates(peer)?;
        let caller = resolve(kms, &identity, &leaf).await?;
        Ok(Self { caller, identity, leaf, checked: Instant::now() })
    }

    /// Checks the credential again when the last check is older than
    /// [`RECHECK_AFTER`]; a revoked or expired credential ends the session.
    pub async fn recheck(&mut self, kms: &Kms) -> Result<(), AuthError> {
        if self.checked.elapsed() < RECHECK_AFTER {
            return Ok(());
        }
        self.caller = resolve(kms, &self.identity, &self.leaf).await?;
        self.checked = Instant::now();
        Ok(())
    }
}

async fn resolve(kms: &Kms, peer: &PeerIdentity, leaf: &[u8]) -> Result<Caller, AuthError> {
    let credential = peer.credential_id.to_string();
    let domain = peer.domain_id.to_string();
    let stored = match kms.store().get_credential(&domain, &credential).await {
        Ok(stored) => stored,
        Err(
            keyward_store::Error::RecordNotFound { .. } | keyward_store::Error::DomainNotFound(_),
        ) => {
            return Err(AuthError::Unknown { credential, domain });
        }
        Err(e) => return Err(AuthError::Store(e.to_string())),
    };
    if stored.revoked_at.is_some() {
        return Err(AuthError::Revoked { credential, domain });
    }
    let now = OffsetDateTime::now_utc();
    if now < stored.not_before || now > stored.not_after || !peer.is_valid_at(now) {
        return Err(AuthError::OutsideValidity { credential, domain });
    }
    // Certificates are public: a plain comparison is fine here.
    if let Some(issued) = &stored.certificate_der
        && issued.as_slice() != leaf
    {
        return Err(AuthError::CertificateMismatch { credential });
    }
    let identities = stored
        .identities
        .iter()
        .filter_map(|urn| match urn.parse::<IdentityUrn>() {
            Ok(urn) => Some(urn),
            Err(e) => {
                tracing::warn!(%credential, "ignoring an identity of the credential: {e}");
                None
            }
        })
        .collect();
    Ok(Caller::new(domain, Door::Kmip, identities).with_credential(credential))
}
