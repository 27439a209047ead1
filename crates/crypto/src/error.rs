//! The one error type of the crypto engine.
//!
//! Every variant reads as a sentence a person can act on. No variant ever
//! carries key bytes, plaintext or other secret material: only lengths,
//! algorithm names and the name of what was wrong.

use crate::policy::PolicyViolation;

/// Everything that can go wrong in the crypto engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// A key has a length the algorithm does not accept.
    #[error("{algorithm} keys must be {expected}; this key is {actual_bits} bits")]
    InvalidKeyLength {
        /// The algorithm, e.g. `AES`.
        algorithm: &'static str,
        /// The accepted lengths, in words, e.g. `128, 192 or 256 bits`.
        expected: &'static str,
        /// The length that was given, in bits.
        actual_bits: usize,
    },

    /// An IV, nonce or counter block has the wrong length.
    #[error("{mode} needs an IV/nonce of {expected}; {actual} bytes were given")]
    InvalidIvLength {
        /// The mode, e.g. `AES-GCM`.
        mode: &'static str,
        /// The accepted length, in words.
        expected: &'static str,
        /// The length given, in bytes.
        actual: usize,
    },

    /// An authentication tag length is outside what the mode allows.
    #[error("{mode} tags must be {expected}; {actual} bytes were given")]
    InvalidTagLength {
        /// The mode, e.g. `AES-GCM`.
        mode: &'static str,
        /// The accepted lengths, in words.
        expected: &'static str,
        /// The length given, in bytes.
        actual: usize,
    },

    /// Authenticated decryption failed: the tag does not match.
    #[error(
        "authenticated decryption failed: the ciphertext, tag, IV, associated data or key do not match"
    )]
    AuthenticationFailed,

    /// Block-cipher decryption found invalid padding (wrong key, IV, mode or corrupted data).
    #[error(
        "decryption failed: the padding is invalid (wrong key, IV or padding method, or corrupted data)"
    )]
    BadPadding,

    /// Input to an unpadded block mode is not a whole number of blocks.
    #[error(
        "{mode} without padding needs a multiple of {block_len} bytes; {actual} bytes were given (use PKCS#5 padding or a stream mode)"
    )]
    NotBlockAligned {
        /// The mode, e.g. `AES-CBC`.
        mode: &'static str,
        /// The block length in bytes.
        block_len: usize,
        /// The length given, in bytes.
        actual: usize,
    },

    /// An input is longer than the operation allows.
    #[error("{what} is too long: at most {max} bytes are allowed, {actual} were given")]
    InputTooLong {
        /// What was too long, e.g. `RSA-OAEP plaintext`.
        what: &'static str,
        /// The maximum, in bytes.
        max: usize,
        /// The length given, in bytes.
        actual: usize,
    },

    /// An input is shorter than the operation needs (e.g. a truncated ciphertext).
    #[error("{what} is too short: at least {min} bytes are needed, {actual} were given")]
    InputTooShort {
        /// What was too short, e.g. `wrapped key`.
        what: &'static str,
        /// The minimum, in bytes.
        min: usize,
        /// The length given, in bytes.
        actual: usize,
    },

    /// A signature did not verify.
    #[error("the signature does not verify with this public key, algorithm and data")]
    InvalidSignature,

    /// A MAC did not verify.
    #[error("the MAC does not match the data under this key")]
    InvalidMac,

    /// AES key unwrap failed its integrity check.
    #[error(
        "key unwrap failed: the integrity check did not pass (wrong key-encryption key, wrong wrapping method, or corrupted data)"
    )]
    UnwrapFailed,

    /// RSA decryption failed (wrong key, wrong padding method or corrupted ciphertext).
    #[error(
        "RSA decryption failed: wrong private key, wrong padding method or hash, or corrupted ciphertext"
    )]
    DecryptionFailed,

    /// The combination asked for is valid in the standards but this engine does not implement it.
    #[error("not supported: {0}")]
    Unsupported(&'static str),

    /// Encoded key material could not be parsed.
    #[error("malformed {format} key: {reason}")]
    MalformedKey {
        /// The format, e.g. `PKCS#8`.
        format: &'static str,
        /// What was wrong, e.g. `the DER structure is invalid`.
        reason: &'static str,
    },

    /// The key is of a different kind than the operation or format needs.
    #[error("wrong key type: {0}")]
    WrongKeyType(&'static str),

    /// A parameter is out of range.
    #[error("invalid {name}: {reason}")]
    InvalidParameter {
        /// The parameter, e.g. `threshold`.
        name: &'static str,
        /// Why, e.g. `must be between 1 and the number of parts`.
        reason: &'static str,
    },

    /// The algorithm policy refused the request.
    #[error(transparent)]
    Policy(#[from] PolicyViolation),

    /// The system random number generator failed.
    #[error("the system random number generator failed; no key or IV was produced")]
    Rng,

    /// The underlying crypto library reported an unexpected failure.
    #[error("the crypto library failed unexpectedly during {0}")]
    Internal(&'static str),
}

/// Short alias used across the crate.
pub type Result<T, E = CryptoError> = core::result::Result<T, E>;
