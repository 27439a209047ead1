//! Access certificates: the client certificates that authenticate KMIP and data-plane requests.
//!
//! They are shaped like OVHcloud's (`ovh-api.md` §6) so existing tools read them the same way:
//!
//! | field | value |
//! | --- | --- |
//! | serial number | the credential UUID as a positive 128-bit integer |
//! | issuer | the users CA |
//! | subject | `CN=<domain id>` |
//! | subjectAltName (**critical**) | one otherName, type UPN `1.3.6.1.4.1.311.20.2.3`, UTF8String `okms.domain:<domain id>` |
//! | extKeyUsage | `clientAuth` |
//! | validity | `notBefore` = now (or given), `notAfter` = `notBefore` + N days (default 365) |
//!
//! Two ways to get one: [`issue_with_new_key`] generates an EC P-256 key pair and hands back the
//! private key once, as a PEM `EC PRIVATE KEY`; [`issue_from_csr_pem`] signs the public key of a
//! client's CSR after checking its self-signature and its key. Whatever a CSR asks for, the CA
//! sets the subject, serial, validity and extensions itself; the CSR only contributes its public
//! key.
//!
//! ```
//! use keyward_pki::access::{AccessCertificateRequest, issue_with_new_key};
//! use keyward_pki::ca::{CertificateAuthority, USERS_CA_NAME};
//!
//! let users_ca = CertificateAuthority::create(USERS_CA_NAME)?;
//! let request = AccessCertificateRequest::new(uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
//! let issued = issue_with_new_key(&users_ca, &request)?;
//! assert!(issued.private_key_pem().starts_with("-----BEGIN EC PRIVATE KEY-----"));
//! # Ok::<(), keyward_pki::Error>(())
//! ```

use std::fmt;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _};
use const_oid::ObjectIdentifier;
use der::Encode;
use der::asn1::{Any, Utf8StringRef};
use rcgen::{
    CertificateParams, CustomExtension, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
    PKCS_ECDSA_P256_SHA256, PublicKeyData, SerialNumber, SignatureAlgorithm, SubjectPublicKeyInfo,
};
use rustls_pki_types::CertificateDer;
use time::OffsetDateTime;
use uuid::Uuid;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::{GeneralName, OtherName};
use zeroize::Zeroizing;

use crate::ca::CertificateAuthority;
use crate::server_cert::{Fingerprints, fingerprints};
use crate::{Error, Result, Validity, csr, pem};

/// Default lifetime of an access certificate, in days (OVHcloud's default and maximum).
pub const DEFAULT_ACCESS_CERT_VALIDITY_DAYS: u32 = 365;

/// The otherName type id carrying the domain: Microsoft's User Principal Name.
pub const UPN_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.20.2.3");

/// The prefix of the UPN value: the full value is `okms.domain:<domain id>`.
pub const DOMAIN_UPN_PREFIX: &str = "okms.domain:";

const SUBJECT_ALT_NAME: [u64; 4] = [2, 5, 29, 17];

/// What to put in an access certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessCertificateRequest {
    /// The credential's id: becomes the serial number. Must not be the nil UUID.
    pub credential_id: Uuid,
    /// The KMS domain (okmsId) the credential belongs to: becomes the subject CN and the UPN.
    pub domain_id: Uuid,
    /// Start of validity; `None` means now.
    pub not_before: Option<OffsetDateTime>,
    /// Length of validity in days (at least 1).
    pub validity_days: u32,
}

impl AccessCertificateRequest {
    /// A request valid from now for [`DEFAULT_ACCESS_CERT_VALIDITY_DAYS`].
    pub fn new(credential_id: Uuid, domain_id: Uuid) -> Self {
        Self {
            credential_id,
            domain_id,
            not_before: None,
            validity_days: DEFAULT_ACCESS_CERT_VALIDITY_DAYS,
        }
    }

    /// The same request with another validity length.
    pub fn with_validity_days(mut self, days: u32) -> Self {
        self.validity_days = days;
        self
    }

    /// The same request starting at `not_before`.
    pub fn with_not_before(mut self, not_before: OffsetDateTime) -> Self {
        self.not_before = Some(not_before);
        self
    }
}

/// The kind of public key an access certificate certifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// RSA with a modulus of `bits` bits.
    Rsa {
        /// Modulus size.
        bits: usize,
    },
    /// ECDSA on NIST P-256.
    EcP256,
    /// ECDSA on NIST P-384.
    EcP384,
    /// ECDSA on NIST P-521.
    EcP521,
    /// Ed25519.
    Ed25519,
}

impl KeyType {
    /// OVHcloud's `certificateType`: `"RSA"` for RSA keys, `"ECDSA"` for the others.
    pub fn certificate_type(&self) -> &'static str {
        match self {
            KeyType::Rsa { .. } => "RSA",
            _ => "ECDSA",
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyType::Rsa { bits } => write!(f, "RSA {bits}-bit"),
            KeyType::EcP256 => f.write_str("EC P-256"),
            KeyType::EcP384 => f.write_str("EC P-384"),
            KeyType::EcP521 => f.write_str("EC P-521"),
            KeyType::Ed25519 => f.write_str("Ed25519"),
        }
    }
}

/// An issued access certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessCertificate {
    cert_der: CertificateDer<'static>,
    credential_id: Uuid,
    domain_id: Uuid,
    validity: Validity,
    key_type: KeyType,
}

impl AccessCertificate {
    /// The certificate, DER-encoded.
    pub fn certificate_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// The certificate as a PEM `CERTIFICATE` block (OVHcloud's `certificatePEM`).
    pub fn certificate_pem(&self) -> String {
        pem::certificate_to_pem(&self.cert_der)
    }

    /// The credential id (the serial number).
    pub fn credential_id(&self) -> Uuid {
        self.credential_id
    }

    /// The domain id (subject CN and UPN).
    pub fn domain_id(&self) -> Uuid {
        self.domain_id
    }

    /// The validity (OVHcloud's `createdAt` / `expiredAt`).
    pub fn validity(&self) -> Validity {
        self.validity
    }

    /// The kind of public key certified.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// SHA-1 and SHA-256 fingerprints of the certificate.
    pub fn fingerprints(&self) -> Fingerprints {
        fingerprints(&self.cert_der)
    }
}

/// An access certificate issued with a key pair Keyward generated: the private key exists only
/// here, to be shown to the user once and never stored.
///
/// `Debug` never shows the key; it is wiped when the value is dropped.
pub struct GeneratedAccessCertificate {
    certificate: AccessCertificate,
    private_key_pem: Zeroizing<String>,
}

impl GeneratedAccessCertificate {
    /// The certificate.
    pub fn certificate(&self) -> &AccessCertificate {
        &self.certificate
    }

    /// The private key as a PEM `EC PRIVATE KEY` block (SEC1), OVHcloud's `privateKeyPEM`.
    pub fn private_key_pem(&self) -> &Zeroizing<String> {
        &self.private_key_pem
    }

    /// Splits into the certificate and the private key.
    pub fn into_parts(self) -> (AccessCertificate, Zeroizing<String>) {
        (self.certificate, self.private_key_pem)
    }
}

impl fmt::Debug for GeneratedAccessCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedAccessCertificate")
            .field("certificate", &self.certificate)
            .field("private_key_pem", &"[redacted]")
            .finish()
    }
}

/// Issues an access certificate for a fresh EC P-256 key pair, signed by `users_ca`.
///
/// # Errors
/// [`Error::InvalidRequest`] for a nil credential id, [`Error::InvalidValidity`] for a bad
/// validity (0 days, or past the CA's expiry), [`Error::Signing`] if key generation or signing
/// fails.
pub fn issue_with_new_key(
    users_ca: &CertificateAuthority,
    request: &AccessCertificateRequest,
) -> Result<GeneratedAccessCertificate> {
    let key_pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING)
        .map_err(|_| Error::KeyGeneration { what: "access key pair" })?;
    let sec1 = key_pair
        .private_key()
        .as_der()
        .map_err(|_| Error::KeyGeneration { what: "access key pair" })?;
    let private_key_pem = pem::sec1_private_key_to_pem(sec1.as_ref());
    drop(sec1);
    let public = EcPublicKey { point: key_pair.public_key().as_ref().to_vec() };
    let certificate = issue(users_ca, request, &public, KeyType::EcP256)?;
    Ok(GeneratedAccessCertificate { certificate, private_key_pem })
}

/// Issues an access certificate for the public key of a PEM CSR, signed by `users_ca`.
///
/// The CSR must be a `CERTIFICATE REQUEST` block whose self-signature verifies, for an RSA key
/// of 2048 to 8192 bits, an EC key on P-256, P-384 or P-521, or an Ed25519 key. A critical
/// extension other than subjectAltName, keyUsage, extKeyUsage, basicConstraints and the key
/// identifiers is refused; non-critical ones, and the CSR's subject, are ignored.
///
/// # Errors
/// [`Error::NotPem`], [`Error::Malformed`], [`Error::WeakKey`], [`Error::UnsupportedKeyType`],
/// [`Error::UnsupportedCsrExtension`], [`Error::UnsupportedSignatureAlgorithm`],
/// [`Error::CsrSignatureInvalid`], then as [`issue_with_new_key`].
pub fn issue_from_csr_pem(
    users_ca: &CertificateAuthority,
    request: &AccessCertificateRequest,
    csr_pem: &str,
) -> Result<AccessCertificate> {
    let der = pem::csr_from_pem(csr_pem.as_bytes())?;
    issue_from_csr_der(users_ca, request, der.as_ref())
}

/// As [`issue_from_csr_pem`], for a DER CSR.
///
/// # Errors
/// As [`issue_from_csr_pem`], less [`Error::NotPem`].
pub fn issue_from_csr_der(
    users_ca: &CertificateAuthority,
    request: &AccessCertificateRequest,
    csr_der: &[u8],
) -> Result<AccessCertificate> {
    let checked = csr::check(csr_der)?;
    let spki = SubjectPublicKeyInfo::from_der(&checked.spki_der).map_err(|_| {
        Error::UnsupportedKeyType {
            key_type: format!("{} (encoding not supported)", checked.key_type),
        }
    })?;
    issue(users_ca, request, &spki, checked.key_type)
}

/// Builds and signs the certificate; the only place its shape is decided.
fn issue(
    users_ca: &CertificateAuthority,
    request: &AccessCertificateRequest,
    public_key: &impl PublicKeyData,
    key_type: KeyType,
) -> Result<AccessCertificate> {
    if request.credential_id.is_nil() {
        return Err(Error::InvalidRequest("the credential id must not be the nil UUID".into()));
    }
    let not_before = request.not_before.unwrap_or_else(OffsetDateTime::now_utc);
    let validity = Validity::days_from(not_before, request.validity_days)?;
    validity.check_within(&users_ca.validity(), users_ca.common_name())?;

    let domain = request.domain_id.hyphenated().to_string();
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, domain.as_str());
    params.distinguished_name = dn;
    params.serial_number = Some(SerialNumber::from_slice(request.credential_id.as_bytes()));
    params.not_before = validity.not_before();
    params.not_after = validity.not_after();
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.custom_extensions = vec![domain_san(&domain)?];

    let cert = params
        .signed_by(public_key, users_ca.issuer())
        .map_err(Error::signing("access certificate"))?;
    Ok(AccessCertificate {
        cert_der: cert.der().clone(),
        credential_id: request.credential_id,
        domain_id: request.domain_id,
        validity,
        key_type,
    })
}

/// The critical subjectAltName with the single UPN otherName `okms.domain:<domain>`.
fn domain_san(domain: &str) -> Result<CustomExtension> {
    let upn = format!("{DOMAIN_UPN_PREFIX}{domain}");
    let encode = |e: der::Error| Error::malformed("subjectAltName", e);
    let value =
        Any::encode_from(&Utf8StringRef::new(upn.as_str()).map_err(encode)?).map_err(encode)?;
    let san = SubjectAltName(vec![GeneralName::OtherName(OtherName { type_id: UPN_OID, value })]);
    let mut ext =
        CustomExtension::from_oid_content(&SUBJECT_ALT_NAME, san.to_der().map_err(encode)?);
    ext.set_criticality(true);
    Ok(ext)
}

/// An uncompressed P-256 public point, as rcgen needs to write the certificate's SPKI.
struct EcPublicKey {
    point: Vec<u8>,
}

impl PublicKeyData for EcPublicKey {
    fn der_bytes(&self) -> &[u8] {
        &self.point
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &PKCS_ECDSA_P256_SHA256
    }
}
