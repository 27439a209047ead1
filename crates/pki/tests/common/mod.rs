//! Test helpers shared by the integration tests: a fresh PKI and certificate inspection.
#![allow(dead_code, clippy::unwrap_used)] // helpers for tests: a failure should panic

use std::sync::Arc;

use keyward_pki::access::{AccessCertificateRequest, issue_with_new_key};
use keyward_pki::ca::{CertificateAuthority, SERVER_CA_NAME, USERS_CA_NAME};
use keyward_pki::server_cert::{ServerCertificate, ServerCertificateRequest};
use keyward_pki::{pem, tls};
use rustls::sign::CertifiedKey;
use rustls_pki_types::CertificateDer;
use uuid::Uuid;
use x509_parser::prelude::{FromDer, X509Certificate};

/// A deployment's worth of certificates, made fresh for one test.
pub struct Pki {
    pub server_ca: CertificateAuthority,
    pub users_ca: CertificateAuthority,
    pub server: ServerCertificate,
}

impl Pki {
    pub fn new() -> Self {
        let server_ca = CertificateAuthority::create(SERVER_CA_NAME).unwrap();
        let users_ca = CertificateAuthority::create(USERS_CA_NAME).unwrap();
        let server =
            ServerCertificate::issue(&server_ca, &ServerCertificateRequest::local(Some("kms01")))
                .unwrap();
        Self { server_ca, users_ca, server }
    }

    /// The server's chain (leaf, then server CA) and key, ready for rustls.
    pub fn server_certified_key(&self) -> Arc<CertifiedKey> {
        let chain =
            vec![self.server.certificate_der().clone(), self.server_ca.certificate_der().clone()];
        tls::certified_key(chain, &self.server.private_key()).unwrap()
    }

    pub fn users_roots(&self) -> Vec<CertificateDer<'static>> {
        vec![self.users_ca.certificate_der().clone()]
    }

    pub fn server_roots(&self) -> Vec<CertificateDer<'static>> {
        vec![self.server_ca.certificate_der().clone()]
    }
}

/// Issues an access certificate with a generated key from `ca` and returns it ready for a
/// rustls client, with its credential and domain ids.
pub fn client_identity(ca: &CertificateAuthority) -> (Arc<CertifiedKey>, Uuid, Uuid) {
    client_identity_for(ca, AccessCertificateRequest::new(Uuid::new_v4(), Uuid::new_v4()))
}

pub fn client_identity_for(
    ca: &CertificateAuthority,
    request: AccessCertificateRequest,
) -> (Arc<CertifiedKey>, Uuid, Uuid) {
    let issued = issue_with_new_key(ca, &request).unwrap();
    let key = pem::private_key_from_pem(issued.private_key_pem().as_bytes()).unwrap();
    let certified =
        tls::certified_key(vec![issued.certificate().certificate_der().clone()], &key).unwrap();
    (certified, request.credential_id, request.domain_id)
}

/// Parses a DER certificate with x509-parser (panics on failure: tests only).
pub fn parse(der: &[u8]) -> X509Certificate<'_> {
    let (rest, cert) = X509Certificate::from_der(der).unwrap();
    assert!(rest.is_empty());
    cert
}

/// The subject or issuer CN of a parsed certificate.
pub fn cn(name: &x509_parser::x509::X509Name<'_>) -> String {
    name.iter_common_name().next().unwrap().as_str().unwrap().to_string()
}

/// Whether `cert` is signed by the CA certificate `ca_der`.
pub fn signed_by(cert: &[u8], ca_der: &[u8]) -> bool {
    let ca = parse(ca_der);
    parse(cert).verify_signature(Some(ca.public_key())).is_ok()
}
