//! PEM in and out: certificates, private keys and CSRs.
//!
//! Reading uses rustls-pki-types' [`PemObject`]; writing uses the `der` crate's PEM encoder.
//! Private keys read here are returned in [`Zeroizing`] so they are wiped when dropped.

use der::pem::LineEnding;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, CertificateSigningRequestDer, PrivateKeyDer};
use zeroize::Zeroizing;

use crate::{Error, Result};

/// Encodes a DER certificate as a PEM `CERTIFICATE` block (LF line endings).
pub fn certificate_to_pem(der: &[u8]) -> String {
    encode("CERTIFICATE", der)
}

/// Reads every `CERTIFICATE` block of a PEM text, in order (a chain or a bundle of roots).
///
/// Other blocks (keys, parameters) are skipped.
///
/// # Errors
/// [`Error::NotPem`] when the text holds no certificate or a block is broken.
pub fn certificates_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| not_pem("certificate", "CERTIFICATE", &e))?;
    if certs.is_empty() {
        return Err(Error::NotPem {
            what: "certificate",
            label: "CERTIFICATE",
            detail: "no certificate block found".into(),
        });
    }
    Ok(certs)
}

/// Reads the first private key of a PEM text: `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1) or
/// `RSA PRIVATE KEY` (PKCS#1).
///
/// # Errors
/// [`Error::NotPem`] when the text holds no private key or the block is broken.
pub fn private_key_from_pem(pem: &[u8]) -> Result<Zeroizing<PrivateKeyDer<'static>>> {
    PrivateKeyDer::from_pem_slice(pem)
        .map(Zeroizing::new)
        .map_err(|e| not_pem("private key", "PRIVATE KEY", &e))
}

/// Reads the first `CERTIFICATE REQUEST` block of a PEM text.
///
/// # Errors
/// [`Error::NotPem`] when the text holds no CSR or the block is broken.
pub fn csr_from_pem(pem: &[u8]) -> Result<CertificateSigningRequestDer<'static>> {
    CertificateSigningRequestDer::from_pem_slice(pem)
        .map_err(|e| not_pem("CSR", "CERTIFICATE REQUEST", &e))
}

/// Encodes a SEC1 `ECPrivateKey` as a PEM `EC PRIVATE KEY` block.
pub(crate) fn sec1_private_key_to_pem(der: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(encode("EC PRIVATE KEY", der))
}

fn encode(label: &'static str, der: &[u8]) -> String {
    // `encode_string` fails only when the encoded length overflows `usize`, which cannot happen
    // for a slice that fits in memory; fall back to an empty string rather than panic.
    der::pem::encode_string(label, LineEnding::LF, der).unwrap_or_default()
}

fn not_pem(what: &'static str, label: &'static str, e: &rustls_pki_types::pem::Error) -> Error {
    use rustls_pki_types::pem::Error as E;
    let detail = match e {
        E::NoItemsFound => "no such block found".to_string(),
        E::MissingSectionEnd { .. } => "a block has no END line".to_string(),
        E::IllegalSectionStart { .. } => "a BEGIN line is malformed".to_string(),
        E::Base64Decode(_) => "a block's base64 does not decode".to_string(),
        E::SectionTooLarge => "a block is larger than 256 MB".to_string(),
        // Never echo the input: for a private key it could be key material.
        _ => "the PEM text cannot be read".to_string(),
    };
    Error::NotPem { what, label, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_pem() {
        for input in [&b""[..], b"hello", b"-----BEGIN CERTIFICATE-----\n!!!\n"] {
            assert!(matches!(certificates_from_pem(input), Err(Error::NotPem { .. })));
            assert!(matches!(csr_from_pem(input), Err(Error::NotPem { .. })));
            assert!(matches!(private_key_from_pem(input), Err(Error::NotPem { .. })));
        }
    }

    #[test]
    fn certificate_pem_round_trips() {
        let der = [0x30u8, 0x03, 0x02, 0x01, 0x05];
        let pem = certificate_to_pem(&der);
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
        let back = certificates_from_pem(pem.as_bytes()).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].as_ref(), &der);
    }
}
