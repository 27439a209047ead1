//! Random bytes from AWS-LC's generator, and the KMIP "RNG Seed" hook.
//!
//! All randomness in the engine (keys, IVs, nonces, share coefficients) comes
//! from AWS-LC's CTR-DRBG, which seeds and reseeds itself from the operating
//! system (and, where present, the CPU's hardware generator).
//!
//! # Caller entropy is ignored
//!
//! [`seed`] **ignores** what the caller offers and says so in its result
//! ([`SeedOutcome::accepted_len`] is always 0). AWS-LC offers no interface to
//! add caller entropy to its generator, and mixing bytes chosen by a network
//! client into a key server's generator could only ever add risk. KMIP allows
//! this: the RNG Seed response's *Data Length* tells the client how much of
//! its seed was used, and the server reports 0.

use zeroize::Zeroizing;

use crate::error::{CryptoError, Result};

/// Fills `dest` with random bytes.
pub fn fill(dest: &mut [u8]) -> Result<()> {
    aws_lc_rs::rand::fill(dest).map_err(|_| CryptoError::Rng)
}

/// Returns `len` random bytes in a buffer that is wiped when dropped.
pub fn random_bytes(len: usize) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(vec![0u8; len]);
    fill(&mut out)?;
    Ok(out)
}

/// Returns a random fixed-size array (for IVs and nonces, which are not secret).
pub fn random_array<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    fill(&mut out)?;
    Ok(out)
}

/// What [`seed`] did with the caller's entropy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SeedOutcome {
    /// The entropy was not used; the generator is unchanged.
    Ignored {
        /// How many bytes were offered.
        offered: usize,
    },
}

impl SeedOutcome {
    /// How many of the offered bytes were mixed in (KMIP's RNG Seed *Data Length*): always 0.
    pub fn accepted_len(self) -> usize {
        match self {
            Self::Ignored { .. } => 0,
        }
    }
}

/// The RNG Seed hook: takes caller entropy and reports that it was ignored.
///
/// See the module documentation for why.
pub fn seed(entropy: &[u8]) -> SeedOutcome {
    SeedOutcome::Ignored { offered: entropy.len() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_bytes_differ_and_have_the_asked_length() {
        let a = random_bytes(32).unwrap();
        let b = random_bytes(32).unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(*a, *b);
    }

    #[test]
    fn seed_reports_ignored() {
        let out = seed(&[1, 2, 3]);
        assert_eq!(out, SeedOutcome::Ignored { offered: 3 });
        assert_eq!(out.accepted_len(), 0);
    }
}
