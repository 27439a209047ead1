//! The one error type of the crate.

/// What can go wrong while creating, loading or checking certificates and TLS configurations.
///
/// Every message is a sentence an operator or API user can act on. No variant ever carries
/// private-key material; values that come from a peer (a domain id read from a certificate, say)
/// are shortened and escaped before they are kept.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not PEM, or holds no block of the expected kind.
    #[error("the {what} is not PEM: expected a '-----BEGIN {label}-----' block ({detail})")]
    NotPem {
        /// What was being read ("CSR", "certificate", "private key").
        what: &'static str,
        /// The PEM label that was expected.
        label: &'static str,
        /// Why decoding failed.
        detail: String,
    },

    /// The input is PEM (or raw DER) but its content does not parse.
    #[error("the {what} is malformed: {detail}")]
    Malformed {
        /// What was being read.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },

    /// The CSR's self-signature does not verify against the public key it carries.
    #[error(
        "the CSR's signature does not verify: the request was altered after signing, or was not \
         signed with the private key of the public key it carries; create the CSR again"
    )]
    CsrSignatureInvalid,

    /// The CSR is signed with an algorithm Keyward does not accept.
    #[error(
        "the CSR is signed with {algorithm}, which is not accepted; sign it with SHA-256 or \
         stronger (RSA PKCS#1 v1.5 or PSS, ECDSA, or Ed25519)"
    )]
    UnsupportedSignatureAlgorithm {
        /// The signature algorithm (name and OID).
        algorithm: String,
    },

    /// The public key is too small to be trusted.
    #[error("weak key: {algorithm} {bits}-bit; at least {minimum} bits are required")]
    WeakKey {
        /// "RSA" or "EC".
        algorithm: &'static str,
        /// The size of the key offered.
        bits: usize,
        /// The smallest size accepted.
        minimum: usize,
    },

    /// The public key is of a kind Keyward does not issue certificates for.
    #[error(
        "unsupported key type: {key_type}; use RSA (2048 to 8192 bits), EC P-256, P-384 or \
         P-521, or Ed25519"
    )]
    UnsupportedKeyType {
        /// The key type offered (name and OID where known).
        key_type: String,
    },

    /// The CSR asks for a critical extension the CA cannot honour.
    #[error(
        "unsupported extension in CSR: {name} is marked critical and cannot be honoured; remove \
         it from the request (the CA sets the certificate's extensions itself)"
    )]
    UnsupportedCsrExtension {
        /// The extension (name and OID where known).
        name: String,
    },

    /// A validity period is empty, too long, out of range or outlives its issuer.
    #[error("invalid validity: {0}")]
    InvalidValidity(String),

    /// A request to issue a certificate is inconsistent (no names, a bad DNS name, a nil id…).
    #[error("invalid certificate request: {0}")]
    InvalidRequest(String),

    /// A private key cannot be used with its certificate.
    #[error("invalid {what}: {detail}")]
    InvalidKey {
        /// Which key ("CA private key", "server private key"…).
        what: &'static str,
        /// What is wrong with it (never the key itself).
        detail: String,
    },

    /// A certificate cannot be used for the purpose it was loaded for.
    #[error("invalid {what}: {detail}")]
    InvalidCertificate {
        /// Which certificate.
        what: &'static str,
        /// What is wrong with it.
        detail: String,
    },

    /// Building or signing a certificate failed inside the X.509 encoder.
    #[error("could not sign the {what}: {source}")]
    Signing {
        /// What was being signed.
        what: &'static str,
        /// The encoder's error.
        #[source]
        source: rcgen::Error,
    },

    /// The cryptographic library failed to generate or encode a key pair.
    #[error("could not generate the {what}: the cryptographic library failed")]
    KeyGeneration {
        /// Which key pair.
        what: &'static str,
    },

    /// rustls refused a configuration (a key it cannot use, no usable cipher suite…).
    #[error("TLS configuration: {0}")]
    Tls(#[from] rustls::Error),

    /// rustls could not build the client-certificate verifier (for example, no trust anchor).
    #[error("TLS client-certificate verifier: {0}")]
    ClientVerifier(#[from] rustls::server::VerifierBuilderError),

    /// The TLS peer presented no certificate.
    #[error("the TLS peer presented no certificate")]
    NoPeerCertificate,

    /// The peer certificate's serial number cannot be a credential id.
    #[error(
        "the certificate's serial number is not a credential id: expected a non-zero positive \
         integer of at most 128 bits"
    )]
    SerialNotCredentialId,

    /// The peer certificate names no domain.
    #[error(
        "the certificate names no domain: it has neither a SubjectAltName otherName \
         'okms.domain:<domain id>' nor a subject common name"
    )]
    NoDomain,

    /// The domain named by the peer certificate is not a UUID.
    #[error("the certificate's domain id {0:?} is not a UUID")]
    InvalidDomainId(String),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an rcgen error met while signing `what`.
    pub(crate) fn signing(what: &'static str) -> impl FnOnce(rcgen::Error) -> Self {
        move |source| Self::Signing { what, source }
    }

    /// Builds a [`Error::Malformed`] from any displayable parser error.
    pub(crate) fn malformed(what: &'static str, detail: impl std::fmt::Display) -> Self {
        Self::Malformed { what, detail: detail.to_string() }
    }
}

/// Shortens and escapes a value read from a peer so it is safe to keep in an error or a log.
pub(crate) fn peer_value(value: &str) -> String {
    const MAX: usize = 64;
    let mut out: String = value.chars().take(MAX).collect();
    if value.chars().count() > MAX {
        out.push('…');
    }
    out
}
