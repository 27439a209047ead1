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
