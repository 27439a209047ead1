//! The one place KMIP's algorithm vocabulary is mapped onto the crypto
//! engine's closed types; what does not map is refused with a clear error.

use keyward_crypto::keygen::SymmetricAlgorithm;
use keyward_kmip::enums::CryptographicAlgorithm as Kmip;

use crate::Error;

/// The crypto engine's symmetric algorithm for a KMIP Cryptographic Algorithm.
pub fn symmetric(algorithm: Kmip) -> Result<SymmetricAlgorithm, Error> {
    use SymmetricAlgorithm as S;
    Ok(match algorithm {
        Kmip::AES => S::Aes,
        Kmip::DES => S::Des,
        Kmip::DES3 => S::TripleDes,
        Kmip::HMACSHA1 => S::HmacSha1,
        Kmip::HMACSHA224 => S::HmacSha224,
        Kmip::HMACSHA256 => S::HmacSha256,
        Kmip::HMACSHA384 => S::HmacSha384,
        Kmip::HMACSHA512 => S::HmacSha512,
        Kmip::HMACMD5 => S::HmacMd5,
        Kmip::HMACSHA3_224 => S::HmacSha3_224,
        Kmip::HMACSHA3_256 => S::HmacSha3_256,
        Kmip::HMACSHA3_384 => S::HmacSha3_384,
        Kmip::HMACSHA3_512 => S::HmacSha3_512,
        Kmip::Blowfish => S::Blowfish,
        Kmip::Camellia => S::Camellia,
        Kmip::CAST5 => S::Cast5,
        Kmip::IDEA => S::Idea,
        Kmip::MARS => S::Mars,
        Kmip::RC2 => S::Rc2,
        Kmip::RC4 => S::Rc4,
        Kmip::RC5 => S::Rc5,
        Kmip::SKIPJACK => S::Skipjack,
        Kmip::Twofish => S::Twofish,
        Kmip::ChaCha20 => S::ChaCha20,
        Kmip::Poly1305 => S::Poly1305,
        Kmip::ChaCha20Poly1305 => S::ChaCha20Poly1305,
        Kmip::OneTimePad => S::OneTimePad,
        other => {
            return Err(Error::InvalidField(format!("{other:?} is not a symmetric key algorithm")));
        }
    })
}

// ------------------------------------------------------------------------
// Cryptographic Parameters → the engine's modes, schemes and hashes.
//
// Defaults when neither the request nor the key's Cryptographic Parameters
// attribute say (KMIP leaves them to the server):
//
// | what | default |
// |---|---|
// | AES block cipher mode | GCM (16-byte tag, server-generated 96-bit IV) |
// | CBC / ECB padding | none (the CS-BC-M test cases encrypt one block to one block) |
// | GCM tag length | 16 bytes |
// | RSA encryption padding | OAEP |
// | OAEP hash | SHA-256; the MGF1 hash defaults to the OAEP hash |
// | RSA signature | PSS with SHA-256 (salt as long as the hash) |
// | ECDSA hash | the curve's (P-256 → SHA-256, P-384 → SHA-384, P-521 → SHA-512) |
// | PBKDF2 / HMAC / SP 800-108 PRF hash | SHA-256 |

use keyward_crypto::hash::HashAlgorithm;
use keyward_crypto::mac::MacAlgorithm;
use keyward_crypto::rsa::{RsaEncryptionScheme, RsaSignatureScheme, SignatureHash};
use keyward_crypto::split::SplitMethod;
use keyward_crypto::symmetric::{GcmTagLen, Padding, SymmetricMode};
use keyward_kmip::attributes::CryptographicParameters;
use keyward_kmip::enums::{
    BlockCipherMode, DigitalSignatureAlgorithm as Dsa, HashingAlgorithm, MaskGenerator,
    PaddingMethod, SplitKeyMethod,
};

/// The default hash where KMIP leaves it to the server.
pub const DEFAULT_HASH: HashAlgorithm = HashAlgorithm::Sha256;

/// The engine's hash for a KMIP Hashing Algorithm.
pub fn hash(algorithm: HashingAlgorithm) -> Result<HashAlgorithm, Error> {
    use HashingAlgorithm as H;
    Ok(match algorithm {
        H::SHA1 => HashAlgorithm::Sha1,
        H::SHA224 => HashAlgorithm::Sha224,
        H::SHA256 => HashAlgorithm::Sha256,
        H::SHA384 => HashAlgorithm::Sha384,
        H::SHA512 => HashAlgorithm::Sha512,
        H::SHA512_256 => HashAlgorithm::Sha512_256,
        H::SHA3_256 => HashAlgorithm::Sha3_256,
        H::SHA3_384 => HashAlgorithm::Sha3_384,
        H::SHA3_512 => HashAlgorithm::Sha3_512,
        other => {
            return Err(Error::FeatureNotSupported(format!(
                "hashing algorithm {other:?}; SHA-1, SHA-224, SHA-256, SHA-384, SHA-512, \
                 SHA-512/256 and SHA3-256/384/512 are supported"
            )));
        }
    })
}

/// The hash named by the parameters, or `default`.
pub fn hash_or(
    params: &CryptographicParameters,
    default: HashAlgorithm,
) -> Result<HashAlgorithm, Error> {
    params.hashing_algorithm.map_or(Ok(default), hash)
}

/// The MAC algorithm of a KMIP HMAC Cryptographic Algorithm, if it is one the engine has.
pub fn mac(algorithm: Kmip) -> Option<MacAlgorithm> {
    Some(match algorithm {
        Kmip::HMACSHA1 => MacAlgorithm::HmacSha1,
        Kmip::HMACSHA224 => MacAlgorithm::HmacSha224,
        Kmip::HMACSHA256 => MacAlgorithm::HmacSha256,
        Kmip::HMACSHA384 => MacAlgorithm::HmacSha384,
        Kmip::HMACSHA512 => MacAlgorithm::HmacSha512,
        _ => return None,
    })
}

/// The AES mode the parameters ask for (see the defaults above).
pub fn cipher_mode(params: &CryptographicParameters) -> Result<SymmetricMode, Error> {
    let padding = match params.padding_method {
        None | Some(PaddingMethod::None) => Padding::None,
        Some(PaddingMethod::PKCS5) => Padding::Pkcs5,
        Some(other) => {
            return Err(Error::FeatureNotSupported(format!(
                "padding method {other:?} for AES; None and PKCS5 are supported"
            )));
        }
    };
    let mode = match params.block_cipher_mode.unwrap_or(BlockCipherMode::GCM) {
        BlockCipherMode::GCM => {
            let tag_len = match params.tag_length {
                None => GcmTagLen::FULL,
                Some(bytes) => usize::try_from(bytes)
                    .ok()
                    .and_then(|b| GcmTagLen::new(b).ok())
                    .ok_or_else(|| {
                        Error::General(format!(
                            "invalid tag length {bytes}: AES-GCM tags are 12 to 16 bytes"
                        ))
                    })?,
            };
            SymmetricMode::Gcm { tag_len }
        }
        BlockCipherMode::CBC => SymmetricMode::Cbc(padding),
        BlockCipherMode::ECB => SymmetricMode::Ecb(padding),
        BlockCipherMode::CTR => SymmetricMode::Ctr,
        other => {
            return Err(Error::FeatureNotSupported(format!(
                "block cipher mode {other:?}; GCM, CBC, ECB and CTR are supported"
            )));
        }
    };
    if matches!(mode, SymmetricMode::Gcm { .. } | SymmetricMode::Ctr) && padding != Padding::None {
        return Err(Error::InvalidField(format!("{} takes no padding", mode.name())));
    }
    if params.fixed_field_length.is_some()
        || params.invocation_field_length.is_some()
        || params.initial_counter_value.is_some()
    {
        return Err(Error::FeatureNotSupported(
            "Fixed Field Length, Invocation Field Length and Initial Counter Value; \
             send the whole IV/Counter/Nonce instead"
                .into(),
        ));
    }
    Ok(mode)
}

/// The RSA encryption scheme the parameters ask for (see the defaults above).
pub fn rsa_encryption(params: &CryptographicParameters) -> Result<RsaEncryptionScheme, Error> {
    match params.padding_method.unwrap_or(PaddingMethod::OAEP) {
        PaddingMethod::OAEP => {
            if params.mask_generator.is_some_and(|m| m != MaskGenerator::MGF1) {
                return Err(Error::FeatureNotSupported("mask generators other than MGF1".into()));
            }
            if params.p_source.as_ref().is_some_and(|p| !p.as_slice().is_empty()) {
                return Err(Error::FeatureNotSupported(
                    "RSA-OAEP with a label (P Source): the engine uses the empty label".into(),
                ));
            }
            let oaep = hash_or(params, DEFAULT_HASH)?;
            let mgf1 = params.mask_generator_hashing_algorithm.map_or(Ok(oaep), hash)?;
            RsaEncryptionScheme::oaep(oaep, mgf1)
                .map_err(|e| Error::FeatureNotSupported(e.to_string()))
        }
        PaddingMethod::PKCS1V1_5 => Ok(RsaEncryptionScheme::Pkcs1v15),
        other => Err(Error::FeatureNotSupported(format!(
            "padding method {other:?} for RSA encryption; OAEP and PKCS1 v1.5 are supported"
        ))),
    }
}

/// What a signature is made with, from the parameters and the key's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureKind {
    /// An RSA signature scheme.
    Rsa(RsaSignatureScheme),
    /// ECDSA with this hash (which must be the curve's).
    Ecdsa(HashAlgorithm),
    /// Ed25519 (pure).
    Ed25519,
}

/// The key family a signature is asked of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignerFamily {
    /// RSA.
    Rsa,
    /// ECDSA on a curve whose hash is given.
    Ecdsa(HashAlgorithm),
    /// Ed25519.
    Ed25519,
}

fn signature_hash(hash: HashAlgorithm) -> Result<SignatureHash, Error> {
    SignatureHash::try_from(hash).map_err(|e| Error::FeatureNotSupported(e.to_string()))
}

/// The signature scheme the parameters ask for: the Digital Signature
/// Algorithm when given, else Padding Method and Hashing Algorithm (see the
/// defaults above).
pub fn signature(
    params: &CryptographicParameters,
    family: SignerFamily,
) -> Result<SignatureKind, Error> {
    let mismatch =
        |what: &str| Err(Error::InvalidField(format!("{what} does not match the key's algorithm")));
    if let Some(dsa) = params.digital_signature_algorithm {
        let (rsa_pkcs1, hash_alg) = match dsa {
            Dsa::SHA1WithRSAEncryptionPKCS1V1_5 => (Some(true), HashAlgorithm::Sha1),
            Dsa::SHA224WithRSAEncryptionPKCS1V1_5 => (Some(true), HashAlgorithm::Sha224),
            Dsa::SHA256WithRSAEncryptionPKCS1V1_5 => (Some(true), HashAlgorithm::Sha256),
            Dsa::SHA384WithRSAEncryptionPKCS1V1_5 => (Some(true), HashAlgorithm::Sha384),
            Dsa::SHA512WithRSAEncryptionPKCS1V1_5 => (Some(true), HashAlgorithm::Sha512),
            Dsa::RSASSAPSSPKCS1V2_1 => (Some(false), hash_or(params, DEFAULT_HASH)?),
            Dsa::ECDSAWithSHA1 => (None, HashAlgorithm::Sha1),
            Dsa::ECDSAWithSHA224 => (None, HashAlgorithm::Sha224),
            Dsa::ECDSAWithSHA256 => (None, HashAlgorithm::Sha256),
            Dsa::ECDSAWithSHA384 => (None, HashAlgorithm::Sha384),
            Dsa::ECDSAWithSHA512 => (None, HashAlgorithm::Sha512),
            other => {
                return Err(Error::FeatureNotSupported(format!(
                    "digital signature algorithm {other:?}"
                )));
            }
        };
        return match (family, rsa_pkcs1) {
            (SignerFamily::Rsa, Some(true)) => {
                Ok(SignatureKind::Rsa(RsaSignatureScheme::Pkcs1v15(signature_hash(hash_alg)?)))
            }
            (SignerFamily::Rsa, Some(false)) => {
                Ok(SignatureKind::Rsa(RsaSignatureScheme::Pss(signature_hash(hash_alg)?)))
            }
            (SignerFamily::Ecdsa(_), None) => ecdsa(family, hash_alg),
            _ => mismatch("the Digital Signature Algorithm"),
        };
    }
    match family {
        SignerFamily::Rsa => {
            let h = signature_hash(hash_or(params, DEFAULT_HASH)?)?;
            match params.padding_method.unwrap_or(PaddingMethod::PSS) {
                PaddingMethod::PSS => Ok(SignatureKind::Rsa(RsaSignatureScheme::Pss(h))),
                PaddingMethod::PKCS1V1_5 => Ok(SignatureKind::Rsa(RsaSignatureScheme::Pkcs1v15(h))),
                other => Err(Error::FeatureNotSupported(format!(
                    "padding method {other:?} for RSA signatures; PSS and PKCS1 v1.5 are supported"
                ))),
            }
        }
        SignerFamily::Ecdsa(curve_hash) => ecdsa(family, hash_or(params, curve_hash)?),
        SignerFamily::Ed25519 => {
            if params.hashing_algorithm.is_some_and(|h| h != HashingAlgorithm::SHA512) {
                return Err(Error::InvalidField(
                    "Ed25519 signs the message itself (its internal hash is SHA-512)".into(),
                ));
            }
            Ok(SignatureKind::Ed25519)
        }
    }
}

fn ecdsa(family: SignerFamily, hash_alg: HashAlgorithm) -> Result<SignatureKind, Error> {
    match family {
        SignerFamily::Ecdsa(curve_hash) if curve_hash == hash_alg => {
            Ok(SignatureKind::Ecdsa(hash_alg))
        }
        SignerFamily::Ecdsa(curve_hash) => Err(Error::FeatureNotSupported(format!(
            "ECDSA with {hash_alg} on this curve; the engine signs with the curve's hash ({curve_hash})"
        ))),
        _ => Err(Error::InvalidField("ECDSA parameters for a key that is not an EC key".into())),
    }
}

/// The engine's split method for a KMIP Split Key Method.
pub fn split_method(method: SplitKeyMethod) -> Result<SplitMethod, Error> {
    match method {
        SplitKeyMethod::XOR => Ok(SplitMethod::Xor),
        SplitKeyMethod::PolynomialSharingGF2_8 => Ok(SplitMethod::ShamirGf256),
        other => Err(Error::FeatureNotSupported(format!(
            "split key method {other:?}; XOR and Polynomial Sharing GF(2^8) are supported"
        ))),
    }
}

/// The Cryptographic Parameters used for an operation: each field from the
/// request when given, else from the key's Cryptographic Parameters
/// attribute, else absent (the operation applies its default).
pub fn merge_parameters(
    request: Option<CryptographicParameters>,
    key: Option<&CryptographicParameters>,
) -> CryptographicParameters {
    let mut out = request.unwrap_or_default();
    let Some(key) = key else { return out };
    macro_rules! fill {
        ($($field:ident),*) => { $( if out.$field.is_none() { out.$field = key.$field.clone(); } )* };
    }
    fill!(
        block_cipher_mode,
        padding_method,
        hashing_algorithm,
        key_role_type,
        digital_signature_algorithm,
        cryptographic_algorithm,
        random_iv,
        iv_length,
        tag_length,
        fixed_field_length,
        invocation_field_length,
        counter_length,
        initial_counter_value,
        salt_length,
        mask_generator,
        mask_generator_hashing_algorithm,
        p_source,
        trailer_field
    );
    out
}
