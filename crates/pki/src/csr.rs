//! Checking a certificate signing request before the users CA signs its public key.
//!
//! The checks run in an order that gives the most useful error: structure, then the key (a
//! 1024-bit RSA key is reported as weak, not as a signature failure), then the extensions, then
//! the self-signature, verified with aws-lc-rs for every key type Keyward accepts (including
//! P-521, which x509-parser's own verifier lacks).

use aws_lc_rs::signature::{self, RsaParameters, RsaPssSaltLength, VerificationAlgorithm};
use const_oid::ObjectIdentifier;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::cri_attributes::ParsedCriAttribute;
use x509_parser::prelude::FromDer;
use x509_parser::signature_algorithm::RsaSsaPssParams;
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::access::KeyType;
use crate::{Error, Result};

const RSA_MIN_BITS: usize = 2048;
const RSA_MAX_BITS: usize = 8192;
const EC_MIN_BITS: usize = 256;

mod oids {
    use const_oid::ObjectIdentifier as Oid;
    pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    pub const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
    pub const P192: Oid = Oid::new_unwrap("1.2.840.10045.3.1.1");
    pub const P224: Oid = Oid::new_unwrap("1.3.132.0.33");
    pub const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    pub const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
    pub const P521: Oid = Oid::new_unwrap("1.3.132.0.35");
    pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
    pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
    pub const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
    pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    pub const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
    pub const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
    pub const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
    /// Extensions a CSR may ask for and the CA silently replaces with its own choice.
    pub const REPLACED_EXTENSIONS: [Oid; 6] = [
        Oid::new_unwrap("2.5.29.14"), // subjectKeyIdentifier
        Oid::new_unwrap("2.5.29.15"), // keyUsage
        Oid::new_unwrap("2.5.29.17"), // subjectAltName
        Oid::new_unwrap("2.5.29.19"), // basicConstraints
        Oid::new_unwrap("2.5.29.35"), // authorityKeyIdentifier
        Oid::new_unwrap("2.5.29.37"), // extKeyUsage
    ];
}

/// A CSR that passed every check: its public key is acceptable and it signed the request.
pub(crate) struct CheckedCsr {
    /// The SubjectPublicKeyInfo, DER.
    pub(crate) spki_der: Vec<u8>,
    /// What kind of key it is.
    pub(crate) key_type: KeyType,
}

/// Parses and checks a DER CSR.
pub(crate) fn check(der: &[u8]) -> Result<CheckedCsr> {
    let (rest, csr) =
        X509CertificationRequest::from_der(der).map_err(|e| Error::malformed("CSR", e))?;
    if !rest.is_empty() {
        return Err(Error::malformed("CSR", "trailing bytes after the request"));
    }
    let info = &csr.certification_request_info;
    let key_type = key_type(&info.subject_pki)?;

    for attribute in info.iter_attributes() {
        if let ParsedCriAttribute::ExtensionRequest(request) = attribute.parsed_attribute() {
            for ext in &request.extensions {
                let oid = to_oid(ext.oid.as_bytes());
                let replaced = oid.is_some_and(|o| oids::REPLACED_EXTENSIONS.contains(&o));
                if ext.critical && !replaced {
                    return Err(Error::UnsupportedCsrExtension {
                        name: describe(ext.oid.as_bytes(), &ext.oid.to_id_string()),
                    });
                }
            }
        }
    }

    let verifier = verifier(&csr, key_type)?;
    let public_key = &info.subject_pki.subject_public_key.data;
    let verified = match &verifier {
        Verifier::Fixed(alg) => alg.verify_sig(public_key, info.raw, &csr.signature_value.data),
        Verifier::Pss(params) => params.verify_sig(public_key, info.raw, &csr.signature_value.data),
    };
    verified.map_err(|_| Error::CsrSignatureInvalid)?;

    Ok(CheckedCsr { spki_der: info.subject_pki.raw.to_vec(), key_type })
}

/// Classifies the CSR's public key, refusing weak and unsupported ones.
fn key_type(spki: &SubjectPublicKeyInfo<'_>) -> Result<KeyType> {
    let alg = to_oid(spki.algorithm.algorithm.as_bytes());
    let unsupported = || Error::UnsupportedKeyType {
        key_type: describe(
            spki.algorithm.algorithm.as_bytes(),
            &spki.algorithm.algorithm.to_id_string(),
        ),
    };
    match alg {
        Some(oids::RSA_ENCRYPTION) => {
            let Ok(x509_parser::public_key::PublicKey::RSA(rsa)) = spki.parsed() else {
                return Err(Error::malformed("CSR", "its RSA public key does not parse"));
            };
            let bits = bit_length(rsa.modulus);
            if bits < RSA_MIN_BITS {
                return Err(Error::WeakKey { algorithm: "RSA", bits, minimum: RSA_MIN_BITS });
            }
            if bits > RSA_MAX_BITS {
                return Err(Error::UnsupportedKeyType {
                    key_type: format!("RSA {bits}-bit (more than {RSA_MAX_BITS} bits)"),
                });
            }
            Ok(KeyType::Rsa { bits })
        }
        Some(oids::EC_PUBLIC_KEY) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .ok_or_else(|| Error::malformed("CSR", "its EC public key names no curve"))?;
            match to_oid(curve.as_bytes()) {
                Some(oids::P256) => Ok(KeyType::EcP256),
                Some(oids::P384) => Ok(KeyType::EcP384),
                Some(oids::P521) => Ok(KeyType::EcP521),
                Some(oids::P192) => {
                    Err(Error::WeakKey { algorithm: "EC", bits: 192, minimum: EC_MIN_BITS })
                }
                Some(oids::P224) => {
                    Err(Error::WeakKey { algorithm: "EC", bits: 224, minimum: EC_MIN_BITS })
                }
                _ => Err(Error::UnsupportedKeyType {
                    key_type: format!(
                        "EC on curve {}",
                        describe(curve.as_bytes(), &curve.to_id_string())
                    ),
                }),
            }
        }
        Some(oids::ED25519) => Ok(KeyType::Ed25519),
        _ => Err(unsupported()),
    }
}

/// How to verify a CSR's signature.
enum Verifier {
    /// One of aws-lc-rs' predefined algorithms.
    Fixed(&'static dyn VerificationAlgorithm),
    /// RSASSA-PSS with the salt length the signer chose (OpenSSL uses the maximum by default).
    Pss(RsaParameters),
}

/// Picks the aws-lc-rs verification algorithm for the CSR's signature and key.
fn verifier(csr: &X509CertificationRequest<'_>, key: KeyType) -> Result<Verifier> {
    let sig = &csr.signature_algorithm;
    let unsupported = || Error::UnsupportedSignatureAlgorithm {
        algorithm: describe(sig.algorithm.as_bytes(), &sig.algorithm.to_id_string()),
    };
    let mismatch = || {
        Error::malformed(
            "CSR",
            format!(
                "its signature algorithm {} does not fit its {} public key",
                describe(sig.algorithm.as_bytes(), &sig.algorithm.to_id_string()),
                key
            ),
        )
    };
    let Some(alg) = to_oid(sig.algorithm.as_bytes()) else {
        return Err(unsupported());
    };
    let rsa = matches!(key, KeyType::Rsa { .. });
    Ok(Verifier::Fixed(match alg {
        oids::SHA256_WITH_RSA if rsa => &signature::RSA_PKCS1_2048_8192_SHA256,
        oids::SHA384_WITH_RSA if rsa => &signature::RSA_PKCS1_2048_8192_SHA384,
        oids::SHA512_WITH_RSA if rsa => &signature::RSA_PKCS1_2048_8192_SHA512,
        oids::SHA256_WITH_RSA | oids::SHA384_WITH_RSA | oids::SHA512_WITH_RSA => {
            return Err(mismatch());
        }
        oids::RSASSA_PSS if rsa => return pss_verifier(sig, unsupported),
        oids::RSASSA_PSS => return Err(mismatch()),
        oids::ECDSA_SHA256 | oids::ECDSA_SHA384 | oids::ECDSA_SHA512 => match (key, alg) {
            (KeyType::EcP256, oids::ECDSA_SHA256) => &signature::ECDSA_P256_SHA256_ASN1,
            (KeyType::EcP256, oids::ECDSA_SHA384) => &signature::ECDSA_P256_SHA384_ASN1,
            (KeyType::EcP256, _) => &signature::ECDSA_P256_SHA512_ASN1,
            (KeyType::EcP384, oids::ECDSA_SHA256) => &signature::ECDSA_P384_SHA256_ASN1,
            (KeyType::EcP384, oids::ECDSA_SHA384) => &signature::ECDSA_P384_SHA384_ASN1,
            (KeyType::EcP384, _) => &signature::ECDSA_P384_SHA512_ASN1,
            (KeyType::EcP521, oids::ECDSA_SHA256) => &signature::ECDSA_P521_SHA256_ASN1,
            (KeyType::EcP521, oids::ECDSA_SHA384) => &signature::ECDSA_P521_SHA384_ASN1,
            (KeyType::EcP521, _) => &signature::ECDSA_P521_SHA512_ASN1,
            _ => return Err(mismatch()),
        },
        oids::ED25519 if key == KeyType::Ed25519 => &signature::ED25519,
        oids::ED25519 => return Err(mismatch()),
        _ => return Err(unsupported()),
    }))
}

/// RSASSA-PSS parameters: SHA-256/384/512, MGF1 with the same hash, trailer field 1, any salt
/// length.
fn pss_verifier(
    sig: &x509_parser::x509::AlgorithmIdentifier<'_>,
    unsupported: impl Fn() -> Error,
) -> Result<Verifier> {
    let params = sig.parameters.as_ref().ok_or_else(&unsupported)?;
    let params = RsaSsaPssParams::try_from(params).map_err(|_| unsupported())?;
    let hash = to_oid(params.hash_algorithm_oid().as_bytes());
    let base = match hash {
        Some(oids::SHA256) => signature::RSA_PSS_2048_8192_SHA256,
        Some(oids::SHA384) => signature::RSA_PSS_2048_8192_SHA384,
        Some(oids::SHA512) => signature::RSA_PSS_2048_8192_SHA512,
        _ => return Err(unsupported()),
    };
    let mgf = params.mask_gen_algorithm().map_err(|_| unsupported())?;
    if to_oid(mgf.mgf.as_bytes()) != Some(oids::MGF1)
        || to_oid(mgf.hash.as_bytes()) != hash
        || params.trailer_field() != 1
    {
        return Err(unsupported());
    }
    let salt = u16::try_from(params.salt_length()).map_err(|_| unsupported())?;
    Ok(Verifier::Pss(base.with_pss_salt_length(RsaPssSaltLength::Custom(salt))))
}

/// The number of significant bits of a big-endian unsigned integer.
fn bit_length(be: &[u8]) -> usize {
    let be = match be.iter().position(|&b| b != 0) {
        Some(first) => &be[first..],
        None => return 0,
    };
    (be.len() - 1) * 8 + (8 - be[0].leading_zeros() as usize)
}

fn to_oid(der_content: &[u8]) -> Option<ObjectIdentifier> {
    ObjectIdentifier::from_bytes(der_content).ok()
}

/// Names const-oid's database lacks, for the keys and curves people most often try.
const EXTRA_NAMES: [(&str, &str); 8] = [
    ("1.3.132.0.10", "secp256k1"),
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"),
    ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1"),
    ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1"),
    ("1.3.101.113", "Ed448"),
    ("1.3.101.110", "X25519"),
    ("1.2.840.10040.4.1", "DSA"),
    ("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"),
];

/// "name (dotted)" when the OID has a known name, else the dotted form.
pub(crate) fn describe(der_content: &[u8], dotted: &str) -> String {
    let extra = EXTRA_NAMES.iter().find(|(oid, _)| *oid == dotted).map(|(_, name)| *name);
    match extra.or_else(|| to_oid(der_content).and_then(|oid| const_oid::db::DB.by_oid(&oid))) {
        Some(name) => format!("{name} ({dotted})"),
        None => dotted.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0, 0]), 0);
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01, 0xff]), 9);
        let mut modulus = vec![0u8; 129];
        modulus[1] = 0xc3;
        assert_eq!(bit_length(&modulus), 1024);
    }

    #[test]
    fn garbage_der_is_malformed() {
        assert!(matches!(check(b"\x30\x03\x02\x01"), Err(Error::Malformed { .. })));
        assert!(matches!(check(b""), Err(Error::Malformed { .. })));
    }
}
