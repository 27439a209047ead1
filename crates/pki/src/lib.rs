//! Keyward's certificate authorities and TLS configuration.
//!
//! This crate holds no storage and runs no server. It makes and reads the certificates that
//! `DESIGN.md`'s trust model needs and builds the rustls configurations that use them:
//!
//! | module | what it does |
//! | --- | --- |
//! | [`ca`] | create the **server CA** and the **users CA** (self-signed ECDSA P-256), export them for sealing (certificate DER/PEM, PKCS#8 key in [`zeroize::Zeroizing`]) and load them back |
//! | [`server_cert`] | issue the server's TLS certificate (ECDSA P-256) for its DNS names and IP addresses; SHA-1/SHA-256 fingerprints |
//! | [`access`] | issue OVHcloud-shaped access certificates (serial = credential UUID, CN and UPN = domain id), with a generated key or from a checked CSR |
//! | [`identity`] | read the credential id and domain id back from a peer's certificate |
//! | [`tls`] | rustls server configurations for KMIP (client certificate required) and HTTPS (optional), and a client configuration |
//! | [`pem`] | PEM in and out |
//!
//! Private keys never appear in `Debug` output or in errors, and are wiped from memory when the
//! value holding them is dropped. The crypto is aws-lc-rs throughout (never ring).
//!
//! ```
//! use keyward_pki::access::{AccessCertificateRequest, issue_with_new_key};
//! use keyward_pki::ca::{CertificateAuthority, SERVER_CA_NAME, USERS_CA_NAME};
//! use keyward_pki::identity::PeerIdentity;
//! use keyward_pki::server_cert::{ServerCertificate, ServerCertificateRequest};
//! use keyward_pki::tls;
//!
//! let server_ca = CertificateAuthority::create(SERVER_CA_NAME)?;
//! let users_ca = CertificateAuthority::create(USERS_CA_NAME)?;
//! let server = ServerCertificate::issue(&server_ca, &ServerCertificateRequest::local(None))?;
//!
//! // The KMIP listener's rustls configuration.
//! let chain = vec![server.certificate_der().clone(), server_ca.certificate_der().clone()];
//! let certified = tls::certified_key(chain, &server.private_key())?;
//! let roots = [users_ca.certificate_der().clone()];
//! let _config = tls::kmip_server_config(certified, &roots, &Default::default())?;
//!
//! // An access certificate, and what the server reads from it.
//! let (credential, domain) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
//! let issued = issue_with_new_key(&users_ca, &AccessCertificateRequest::new(credential, domain))?;
//! let peer = PeerIdentity::from_der(issued.certificate().certificate_der())?;
//! assert_eq!((peer.credential_id, peer.domain_id), (credential, domain));
//! # Ok::<(), keyward_pki::Error>(())
//! ```

#![forbid(unsafe_code)]

pub mod access;
pub mod ca;
mod csr;
mod error;
pub mod identity;
pub mod pem;
pub mod server_cert;
pub mod tls;
mod validity;

pub use error::{Error, Result};
pub use server_cert::{Fingerprints, fingerprints};
pub use validity::{MAX_VALIDITY_DAYS, Validity};

/// A random positive serial number of 16 bytes (126 bits of randomness, never zero).
pub(crate) fn random_serial() -> Result<rcgen::SerialNumber> {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes)
        .map_err(|_| Error::KeyGeneration { what: "random serial number" })?;
    // Clear the top bit (positive) and set the next one (full length, non-zero).
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    Ok(rcgen::SerialNumber::from_slice(&bytes))
}
