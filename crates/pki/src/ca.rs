//! Certificate authorities: create one, export it for sealing, load it back.
//!
//! A deployment has two CAs (see `DESIGN.md`, "Trust model"): the **server CA**, which signs the
//! server's TLS certificate, and the **users CA**, which signs access certificates and is the only
//! CA trusted for client certificates. Both are self-signed ECDSA P-256 roots (a deployment made
//! before P-256 keeps the P-384 roots it has: loading accepts either). This module never
//! writes a file: the store seals [`CertificateAuthority::private_key_pkcs8_der`] under the master
//! key and gives it back to [`CertificateAuthority::from_der`].
//!
//! ```
//! use keyward_pki::ca::{CertificateAuthority, USERS_CA_NAME};
//!
//! let ca = CertificateAuthority::create(USERS_CA_NAME)?;
//! let (cert, key) = (ca.certificate_der().to_vec(), ca.private_key_pkcs8_der());
//! let again = CertificateAuthority::from_der(&cert, &key)?;
//! assert_eq!(again.common_name(), USERS_CA_NAME);
//! # Ok::<(), keyward_pki::Error>(())
//! ```

use std::fmt;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PublicKeyData, SigningKey,
};
use rustls_pki_types::CertificateDer;
use time::{Duration, OffsetDateTime};
use x509_parser::prelude::{FromDer, X509Certificate};
use zeroize::{Zeroize, Zeroizing};

use crate::server_cert::{Fingerprints, fingerprints};
use crate::{Error, Result, Validity, pem, random_serial};

/// Common name of the CA that signs the server's TLS certificate.
pub const SERVER_CA_NAME: &str = "Keyward Server CA";

/// Common name of the CA that signs access certificates (client certificates).
pub const USERS_CA_NAME: &str = "Keyward Users CA";

/// Default lifetime of a CA created by [`CertificateAuthority::create`]: 20 years.
pub const DEFAULT_CA_VALIDITY_DAYS: u32 = 7_305;

/// How far back a new CA's `notBefore` is set, to tolerate peers whose clock is a little behind.
const CA_BACKDATE: Duration = Duration::hours(1);

/// A certificate authority: its self-signed certificate and its private key, ready to sign.
///
/// `Debug` shows the name and validity, never the key. The key's bytes are wiped when the value
/// is dropped.
pub struct CertificateAuthority {
    cert_der: CertificateDer<'static>,
    common_name: String,
    validity: Validity,
    issuer: Issuer<'static, CaKey>,
}

impl CertificateAuthority {
    /// Creates a CA named `common_name` with a fresh ECDSA P-256 key, valid for
    /// [`DEFAULT_CA_VALIDITY_DAYS`] from one hour ago.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty name; [`Error::Signing`] if key generation or
    /// signing fails.
    pub fn create(common_name: &str) -> Result<Self> {
        let validity =
            Validity::days_from(OffsetDateTime::now_utc() - CA_BACKDATE, DEFAULT_CA_VALIDITY_DAYS)?;
        Self::create_with_validity(common_name, validity)
    }

    /// Creates a CA named `common_name` with a fresh ECDSA P-256 key and the given validity.
    ///
    /// P-256 with SHA-256 gives the 128-bit security level of the end-entity keys and of the TLS
    /// cipher suites it protects, and a peer verifies its signature about four times faster than
    /// a P-384 one: every full TLS handshake verifies one on each side.
    ///
    /// The certificate is self-signed, with a random positive 128-bit serial, basicConstraints
    /// `cA=TRUE` (critical), keyUsage `keyCertSign, cRLSign` (critical) and a subject key
    /// identifier.
    ///
    /// # Errors
    /// As [`CertificateAuthority::create`].
    pub fn create_with_validity(common_name: &str, validity: Validity) -> Result<Self> {
        let common_name = common_name.trim();
        if common_name.is_empty() {
            return Err(Error::InvalidRequest("a CA needs a non-empty common name".into()));
        }
        let key = CaKey(
            KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)
                .map_err(Error::signing("CA key pair"))?,
        );

        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, common_name);
        params.distinguished_name = dn;
        params.serial_number = Some(random_serial()?);
        params.not_before = validity.not_before();
        params.not_after = validity.not_after();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).map_err(Error::signing("CA certificate"))?;
        let issuer = Issuer::new(params, key);
        Ok(Self {
            cert_der: cert.der().clone(),
            common_name: common_name.to_string(),
            validity,
            issuer,
        })
    }

    /// Loads a CA from its certificate (DER) and its private key (PKCS#8 DER), as exported by
    /// [`CertificateAuthority::certificate_der`] and
    /// [`CertificateAuthority::private_key_pkcs8_der`].
    ///
    /// # Errors
    /// [`Error::Malformed`] if either does not parse, [`Error::InvalidCertificate`] if the
    /// certificate is not a CA, [`Error::InvalidKey`] if the key does not match it.
    pub fn from_der(cert_der: &[u8], key_pkcs8_der: &[u8]) -> Result<Self> {
        let (rest, x509) = X509Certificate::from_der(cert_der)
            .map_err(|e| Error::malformed("CA certificate", e))?;
        if !rest.is_empty() {
            return Err(Error::malformed("CA certificate", "trailing bytes after the certificate"));
        }
        let is_ca = x509
            .basic_constraints()
            .map_err(|e| Error::malformed("CA certificate", e))?
            .is_some_and(|bc| bc.value.ca);
        if !is_ca {
            return Err(Error::InvalidCertificate {
                what: "CA certificate",
                detail: "its basicConstraints do not say cA=TRUE".into(),
            });
        }
        let common_name = x509
            .subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok())
            .unwrap_or_default()
            .to_string();
        let validity = Validity::new(
            x509.validity().not_before.to_datetime(),
            x509.validity().not_after.to_datetime(),
        )?;

        // Wrapped at once so the key's bytes are wiped on every path out of this function.
        let key = CaKey(KeyPair::try_from(key_pkcs8_der).map_err(|_| Error::InvalidKey {
            what: "CA private key",
            detail: "it is not a PKCS#8 key of a supported type".into(),
        })?);
        if key.der_bytes() != x509.public_key().subject_public_key.data.as_ref() {
            return Err(Error::InvalidKey {
                what: "CA private key",
                detail: "it does not match the CA certificate's public key".into(),
            });
        }
        let cert_der = CertificateDer::from(cert_der.to_vec());
        let issuer = Issuer::from_ca_cert_der(&cert_der, key)
            .map_err(|e| Error::malformed("CA certificate", e))?;
        Ok(Self { cert_der, common_name, validity, issuer })
    }

    /// Loads a CA from its certificate (PEM) and its private key (PKCS#8 DER).
    ///
    /// # Errors
    /// [`Error::NotPem`], then as [`CertificateAuthority::from_der`].
    pub fn from_pem(cert_pem: &str, key_pkcs8_der: &[u8]) -> Result<Self> {
        let certs = pem::certificates_from_pem(cert_pem.as_bytes())?;
        match certs.as_slice() {
            [cert] => Self::from_der(cert, key_pkcs8_der),
            _ => Err(Error::InvalidCertificate {
                what: "CA certificate",
                detail: format!("expected exactly one certificate, found {}", certs.len()),
            }),
        }
    }

    /// The CA's common name (its subject CN, which is the issuer CN of what it signs).
    pub fn common_name(&self) -> &str {
        &self.common_name
    }

    /// The CA certificate's validity.
    pub fn validity(&self) -> Validity {
        self.validity
    }

    /// The CA certificate, DER-encoded: the trust anchor to hand to peers and to rustls.
    pub fn certificate_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// The CA certificate as a PEM `CERTIFICATE` block (what clients put in their `ca.pem`).
    pub fn certificate_pem(&self) -> String {
        pem::certificate_to_pem(&self.cert_der)
    }

    /// The CA's private key as PKCS#8 DER, for the store to seal. Wiped when dropped.
    pub fn private_key_pkcs8_der(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.issuer.key().0.serialize_der())
    }

    /// SHA-1 and SHA-256 fingerprints of the CA certificate.
    pub fn fingerprints(&self) -> Fingerprints {
        fingerprints(&self.cert_der)
    }

    /// The rcgen issuer used to sign certificates.
    pub(crate) fn issuer(&self) -> &Issuer<'static, CaKey> {
        &self.issuer
    }
}

impl fmt::Debug for CertificateAuthority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateAuthority")
            .field("common_name", &self.common_name)
            .field("validity", &self.validity)
            .field("private_key", &"[redacted]")
            .finish()
    }
}

/// The CA's signing key; wipes its serialized form when dropped.
pub(crate) struct CaKey(KeyPair);

impl Drop for CaKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl PublicKeyData for CaKey {
    fn der_bytes(&self) -> &[u8] {
        self.0.der_bytes()
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        self.0.algorithm()
    }
}

impl SigningKey for CaKey {
    fn sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, rcgen::Error> {
        self.0.sign(msg)
    }
}
