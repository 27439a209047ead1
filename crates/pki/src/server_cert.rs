//! The server's TLS certificate, and certificate fingerprints.
//!
//! One certificate serves KMIP (port 5696) and HTTPS. It is an ECDSA P-256 leaf signed by the
//! server CA, for the DNS names and IP addresses clients use to reach the server, with EKU
//! `serverAuth`. vSphere asks the operator to confirm the server's thumbprint, so
//! [`fingerprints`] gives the SHA-1 and SHA-256 digests in the usual `AB:CD:…` form.
//!
//! ```
//! use keyward_pki::ca::{CertificateAuthority, SERVER_CA_NAME};
//! use keyward_pki::server_cert::{ServerCertificate, ServerCertificateRequest};
//!
//! let ca = CertificateAuthority::create(SERVER_CA_NAME)?;
//! let request = ServerCertificateRequest::local(Some("kms01")).with_name("kms.example.com")?;
//! let server = ServerCertificate::issue(&ca, &request)?;
//! println!("SHA-256 fingerprint: {}", server.fingerprints().sha256);
//! # Ok::<(), keyward_pki::Error>(())
//! ```

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use aws_lc_rs::digest;
use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, SanType,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use zeroize::{Zeroize, Zeroizing};

use crate::ca::CertificateAuthority;
use crate::{Error, Result, Validity, pem, random_serial};

/// Default lifetime of a server certificate: 825 days.
pub const DEFAULT_SERVER_CERT_VALIDITY_DAYS: u32 = 825;

/// The names a server certificate is issued for.
///
/// Build it with [`ServerCertificateRequest::local`] (localhost, `127.0.0.1`, `::1` and the host
/// name) and add configured names with [`ServerCertificateRequest::with_name`]; duplicates are
/// dropped and DNS names are lower-cased.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerCertificateRequest {
    /// DNS names (subjectAltName dNSName entries).
    pub dns_names: Vec<String>,
    /// IP addresses (subjectAltName iPAddress entries).
    pub ip_addresses: Vec<IpAddr>,
    /// Subject common name; defaults to the first DNS name, else "Keyward server".
    pub common_name: Option<String>,
    /// Validity; defaults to [`DEFAULT_SERVER_CERT_VALIDITY_DAYS`] from now.
    pub validity: Option<Validity>,
}

impl ServerCertificateRequest {
    /// A request for `localhost`, `127.0.0.1`, `::1` and, when given and valid, the host name.
    pub fn local(host_name: Option<&str>) -> Self {
        let mut request = Self {
            dns_names: vec!["localhost".to_string()],
            ip_addresses: vec![IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST)],
            ..Self::default()
        };
        if let Some(host) = host_name {
            // A host name that is not a valid DNS name (rare, but possible) is left out rather
            // than making the whole certificate fail.
            if let Ok(with_host) = request.clone().with_name(host) {
                request = with_host;
            }
        }
        request
    }

    /// Adds a name: an IP address if it parses as one, otherwise a DNS name.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when `name` is neither an IP address nor a valid DNS name.
    pub fn with_name(mut self, name: &str) -> Result<Self> {
        let name = name.trim();
        if let Ok(ip) = name.parse::<IpAddr>() {
            if !self.ip_addresses.contains(&ip) {
                self.ip_addresses.push(ip);
            }
            return Ok(self);
        }
        let dns = name.trim_end_matches('.').to_ascii_lowercase();
        if rustls_pki_types::DnsName::try_from(dns.as_str()).is_err() {
            return Err(Error::InvalidRequest(format!(
                "{:?} is neither an IP address nor a valid DNS name",
                crate::error::peer_value(name)
            )));
        }
        if !self.dns_names.contains(&dns) {
            self.dns_names.push(dns);
        }
        Ok(self)
    }
}

/// The server's TLS certificate and its private key.
///
/// `Debug` never shows the key; the key's bytes are wiped when the value is dropped.
pub struct ServerCertificate {
    cert_der: CertificateDer<'static>,
    key_pkcs8_der: Zeroizing<Vec<u8>>,
    validity: Validity,
}

impl ServerCertificate {
    /// Issues a server certificate signed by `ca` (the server CA) with a fresh ECDSA P-256 key.
    ///
    /// The certificate has a random positive serial, subject CN, a subjectAltName with every DNS
    /// name and IP address of the request, basicConstraints `cA=FALSE`, keyUsage
    /// `digitalSignature`, EKU `serverAuth`, and subject and authority key identifiers.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the request names nothing or a DNS name is invalid,
    /// [`Error::InvalidValidity`] when the validity outlives the CA, [`Error::Signing`] if
    /// signing fails.
    pub fn issue(ca: &CertificateAuthority, request: &ServerCertificateRequest) -> Result<Self> {
        if request.dns_names.is_empty() && request.ip_addresses.is_empty() {
            return Err(Error::InvalidRequest(
                "a server certificate needs at least one DNS name or IP address".into(),
            ));
        }
        let validity = match request.validity {
            Some(v) => v,
            None => Validity::days_from_now(DEFAULT_SERVER_CERT_VALIDITY_DAYS)?,
        };
        validity.check_within(&ca.validity(), ca.common_name())?;

        let mut sans = Vec::with_capacity(request.dns_names.len() + request.ip_addresses.len());
        for name in &request.dns_names {
            if rustls_pki_types::DnsName::try_from(name.as_str()).is_err() {
                return Err(Error::InvalidRequest(format!(
                    "{:?} is not a valid DNS name",
                    crate::error::peer_value(name)
                )));
            }
            let ia5 = name
                .clone()
                .try_into()
                .map_err(|_| Error::InvalidRequest(format!("{name:?} is not an ASCII DNS name")))?;
            sans.push(SanType::DnsName(ia5));
        }
        sans.extend(request.ip_addresses.iter().copied().map(SanType::IpAddress));

        let common_name = request
            .common_name
            .clone()
            .or_else(|| request.dns_names.first().cloned())
            .unwrap_or_else(|| "Keyward server".to_string());

        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, common_name);
        params.distinguished_name = dn;
        params.serial_number = Some(random_serial()?);
        params.not_before = validity.not_before();
        params.not_after = validity.not_after();
        params.subject_alt_names = sans;
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;

        let mut key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)
            .map_err(Error::signing("server key pair"))?;
        let signed = params.signed_by(&key, ca.issuer());
        let key_pkcs8_der = Zeroizing::new(key.serialize_der());
        key.zeroize();
        let cert = signed.map_err(Error::signing("server certificate"))?;
        Ok(Self { cert_der: cert.der().clone(), key_pkcs8_der, validity })
    }

    /// Loads a server certificate (DER) and its private key (PKCS#8 DER), as kept in the store.
    ///
    /// # Errors
    /// [`Error::Malformed`] if the certificate does not parse, [`Error::InvalidKey`] if the key
    /// is unusable or does not match the certificate.
    pub fn from_der(cert_der: &[u8], key_pkcs8_der: &[u8]) -> Result<Self> {
        use x509_parser::prelude::{FromDer, X509Certificate};
        let (_, x509) = X509Certificate::from_der(cert_der)
            .map_err(|e| Error::malformed("server certificate", e))?;
        let validity = Validity::new(
            x509.validity().not_before.to_datetime(),
            x509.validity().not_after.to_datetime(),
        )?;
        let this = Self {
            cert_der: CertificateDer::from(cert_der.to_vec()),
            key_pkcs8_der: Zeroizing::new(key_pkcs8_der.to_vec()),
            validity,
        };
        crate::tls::certified_key(vec![this.cert_der.clone()], &this.private_key())
            .map_err(|e| Error::InvalidKey { what: "server private key", detail: e.to_string() })?;
        Ok(this)
    }

    /// The certificate, DER-encoded.
    pub fn certificate_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// The certificate as a PEM `CERTIFICATE` block.
    pub fn certificate_pem(&self) -> String {
        pem::certificate_to_pem(&self.cert_der)
    }

    /// The private key as PKCS#8 DER, for the store to seal.
    pub fn private_key_pkcs8_der(&self) -> &Zeroizing<Vec<u8>> {
        &self.key_pkcs8_der
    }

    /// The private key as rustls wants it, borrowing this value's bytes (no copy is made).
    pub fn private_key(&self) -> PrivateKeyDer<'_> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_pkcs8_der.as_slice()))
    }

    /// The certificate's validity.
    pub fn validity(&self) -> Validity {
        self.validity
    }

    /// SHA-1 and SHA-256 fingerprints of the certificate (vSphere asks for the thumbprint).
    pub fn fingerprints(&self) -> Fingerprints {
        fingerprints(&self.cert_der)
    }
}

impl fmt::Debug for ServerCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerCertificate")
            .field("fingerprints", &self.fingerprints())
            .field("validity", &self.validity)
            .field("private_key", &"[redacted]")
            .finish()
    }
}

/// A certificate's fingerprints as colon-separated uppercase hex (`AB:CD:…`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fingerprints {
    /// SHA-1 of the DER certificate (the "thumbprint" vSphere shows): 20 bytes.
    pub sha1: String,
    /// SHA-256 of the DER certificate: 32 bytes.
    pub sha256: String,
}

/// Computes the SHA-1 and SHA-256 fingerprints of a DER certificate (or of any bytes).
pub fn fingerprints(cert_der: &[u8]) -> Fingerprints {
    Fingerprints {
        sha1: colon_hex(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, cert_der).as_ref()),
        sha256: colon_hex(digest::digest(&digest::SHA256, cert_der).as_ref()),
    }
}

fn colon_hex(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        let _ = write!(out, "{b:02X}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_format() {
        let f = fingerprints(b"abc");
        assert_eq!(f.sha1, "A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D");
        assert_eq!(
            f.sha256,
            "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:\
             F2:00:15:AD"
        );
    }

    #[test]
    fn request_names_are_classified_and_deduplicated() {
        let r = ServerCertificateRequest::local(Some("KMS01"))
            .with_name("kms01")
            .and_then(|r| r.with_name("10.0.0.5"))
            .and_then(|r| r.with_name("::1"))
            .and_then(|r| r.with_name("Kms.Example.COM."))
            .unwrap();
        assert_eq!(r.dns_names, ["localhost", "kms01", "kms.example.com"]);
        assert_eq!(r.ip_addresses.len(), 3);
        assert!(matches!(
            ServerCertificateRequest::default().with_name("not a name"),
            Err(Error::InvalidRequest(_))
        ));
    }
}
