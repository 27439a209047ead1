//! Who is on the other end of a TLS connection: the credential and domain of an access
//! certificate.
//!
//! The TLS layer has already checked that the certificate chains to the users CA; this module
//! reads what the certificate says, with x509-cert:
//!
//! - the **credential id** is the serial number read as a 128-bit UUID;
//! - the **domain id** is the value of the subjectAltName otherName (type UPN) that starts with
//!   `okms.domain:`, or, when there is none, the subject common name.
//!
//! Whether the credential still exists, is not revoked and maps to which identities is the
//! store's business: look it up with [`PeerIdentity::credential_id`] on every connection,
//! resumed ones included (a resumed TLS session carries the original certificate).
//!
//! ```no_run
//! # fn f(conn: &rustls::ServerConnection) -> keyward_pki::Result<()> {
//! let peer = keyward_pki::identity::PeerIdentity::from_peer_certificates(conn.peer_certificates())?;
//! println!("credential {} of domain {}", peer.credential_id, peer.domain_id);
//! # Ok(()) }
//! ```

use der::Decode;
use der::asn1::Utf8StringRef;
use rustls_pki_types::CertificateDer;
use time::OffsetDateTime;
use uuid::Uuid;
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

use crate::access::{DOMAIN_UPN_PREFIX, UPN_OID};
use crate::error::peer_value;
use crate::{Error, Result};

/// Where the domain id was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DomainSource {
    /// The subjectAltName otherName `okms.domain:<id>` (what Keyward issues).
    SubjectAltName,
    /// The subject common name (the fallback).
    CommonName,
}

/// The identity an access certificate asserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeerIdentity {
    /// The credential id: the certificate's serial number as a UUID.
    pub credential_id: Uuid,
    /// The KMS domain (okmsId) the credential belongs to.
    pub domain_id: Uuid,
    /// Where [`PeerIdentity::domain_id`] came from.
    pub domain_source: DomainSource,
    /// Start of the certificate's validity.
    pub not_before: OffsetDateTime,
    /// End of the certificate's validity.
    pub not_after: OffsetDateTime,
}

impl PeerIdentity {
    /// Reads the identity of a DER certificate.
    ///
    /// # Errors
    /// [`Error::Malformed`] when the certificate does not parse,
    /// [`Error::SerialNotCredentialId`] when the serial is zero, negative or longer than 128
    /// bits, [`Error::NoDomain`] when neither the SAN nor the CN names a domain,
    /// [`Error::InvalidDomainId`] when the one found is not a UUID.
    pub fn from_der(cert_der: &[u8]) -> Result<Self> {
        let cert =
            Certificate::from_der(cert_der).map_err(|e| Error::malformed("certificate", e))?;
        let tbs = cert.tbs_certificate();
        let credential_id = serial_to_uuid(tbs.serial_number().as_bytes())?;

        let san = tbs
            .get_extension::<SubjectAltName>()
            .map_err(|e| Error::malformed("certificate's subjectAltName", e))?;
        let upn_domain = san.and_then(|(_critical, san)| {
            san.0.iter().find_map(|name| match name {
                GeneralName::OtherName(other) if other.type_id == UPN_OID => {
                    other.value.decode_as::<Utf8StringRef<'_>>().ok().and_then(|v| {
                        v.as_str().strip_prefix(DOMAIN_UPN_PREFIX).map(str::to_string)
                    })
                }
                _ => None,
            })
        });
        let (domain, domain_source) = match upn_domain {
            Some(domain) => (domain, DomainSource::SubjectAltName),
            None => {
                let cn = tbs
                    .subject()
                    .common_name()
                    .map_err(|e| Error::malformed("certificate's subject", e))?
                    .ok_or(Error::NoDomain)?;
                (String::from(cn), DomainSource::CommonName)
            }
        };
        let domain_id = Uuid::try_parse(domain.trim())
            .map_err(|_| Error::InvalidDomainId(peer_value(&domain)))?;

        let validity = tbs.validity();
        Ok(Self {
            credential_id,
            domain_id,
            domain_source,
            not_before: to_offset(validity.not_before),
            not_after: to_offset(validity.not_after),
        })
    }

    /// Reads the identity of the end-entity certificate rustls reports for a connection
    /// (`conn.peer_certificates()`).
    ///
    /// # Errors
    /// [`Error::NoPeerCertificate`] when the peer sent none, then as [`PeerIdentity::from_der`].
    pub fn from_peer_certificates(peer: Option<&[CertificateDer<'_>]>) -> Result<Self> {
        match peer.and_then(|chain| chain.first()) {
            Some(leaf) => Self::from_der(leaf),
            None => Err(Error::NoPeerCertificate),
        }
    }

    /// Whether the certificate is valid at `at` (both ends included).
    pub fn is_valid_at(&self, at: OffsetDateTime) -> bool {
        self.not_before <= at && at <= self.not_after
    }
}

/// A DER INTEGER's content as a UUID: positive, non-zero, at most 128 significant bits.
fn serial_to_uuid(serial: &[u8]) -> Result<Uuid> {
    if serial.first().is_some_and(|b| b & 0x80 != 0) {
        return Err(Error::SerialNotCredentialId);
    }
    let significant = match serial.iter().position(|&b| b != 0) {
        Some(first) => &serial[first..],
        None => return Err(Error::SerialNotCredentialId),
    };
    if significant.len() > 16 {
        return Err(Error::SerialNotCredentialId);
    }
    let mut bytes = [0u8; 16];
    bytes[16 - significant.len()..].copy_from_slice(significant);
    Ok(Uuid::from_bytes(bytes))
}

fn to_offset(t: x509_cert::time::Time) -> OffsetDateTime {
    let secs = t.to_unix_duration().as_secs();
    i64::try_from(secs)
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials() {
        let id = Uuid::from_u128(0xf18b_5e0d_75b8_40a3_9b0e_0000_0000_0001);
        let mut with_zero = vec![0u8];
        with_zero.extend_from_slice(id.as_bytes());
        assert_eq!(serial_to_uuid(&with_zero).unwrap(), id);
        assert_eq!(serial_to_uuid(&[0x01, 0x02]).unwrap(), Uuid::from_u128(0x0102));
        assert!(serial_to_uuid(&[0x00]).is_err());
        assert!(serial_to_uuid(&[0x80]).is_err());
        assert!(serial_to_uuid(&[0x01; 17]).is_err());
    }
}
