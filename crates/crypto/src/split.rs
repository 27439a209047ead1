//! Secret splitting for KMIP Split Keys: Shamir's scheme over GF(2⁸) (KMIP
//! "Polynomial Sharing GF(2^8)") and XOR splitting.
//!
//! The field is GF(2⁸) with the AES polynomial x⁸ + x⁴ + x³ + x + 1 (0x11B).
//! Field arithmetic is constant time: multiplication is a fixed 8-round
//! shift-and-add with masks instead of branches, and inversion is a fixed
//! exponentiation (a²⁵⁴); there are no lookup tables, so no access pattern
//! depends on secret bytes. Only the public share indices influence control
//! flow.
//!
//! ```
//! use keyward_crypto::split::{shamir_split, shamir_combine};
//! let parts = shamir_split(b"a 16-byte secret", 3, 5).unwrap();
//! let back = shamir_combine(&parts[1..4]).unwrap();
//! assert_eq!(&back[..], b"a 16-byte secret");
//! ```

use zeroize::Zeroizing;

use crate::error::{CryptoError, Result};
use crate::rng;

/// How a key is split, for the algorithm policy.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum SplitMethod {
    /// XOR of all parts (every part is needed).
    Xor,
    /// Shamir's polynomial sharing over GF(2⁸) (any `threshold` parts suffice).
    ShamirGf256,
}

/// One part of a split secret: its index (KMIP Key Part Identifier, 1 to
/// 255) and its bytes (secret, wiped on drop).
#[derive(Clone)]
pub struct Share {
    index: u8,
    value: Zeroizing<Vec<u8>>,
}

impl Share {
    /// A part read back from storage or from a client. The index must not be 0.
    pub fn new(index: u8, value: &[u8]) -> Result<Self> {
        if index == 0 {
            return Err(CryptoError::InvalidParameter {
                name: "key part identifier",
                reason: "must be between 1 and 255",
            });
        }
        Ok(Self { index, value: Zeroizing::new(value.to_vec()) })
    }

    /// The index (KMIP Key Part Identifier), 1 to 255.
    pub fn index(&self) -> u8 {
        self.index
    }

    /// The part's bytes (secret).
    pub fn value(&self) -> &[u8] {
        &self.value
    }
}

impl core::fmt::Debug for Share {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Share")
            .field("index", &self.index)
            .field("len", &self.value.len())
            .finish_non_exhaustive()
    }
}

// ------------------------------------------------------------- GF(2^8)

/// Multiplication in GF(2⁸) mod 0x11B, constant time.
pub(crate) fn gf_mul(a: u8, b: u8) -> u8 {
    let mut a = a;
    let mut b = b;
    let mut p = 0u8;
    for _ in 0..8 {
        p ^= a & 0u8.wrapping_sub(b & 1);
        let carry = 0u8.wrapping_sub(a >> 7);
        a = (a << 1) ^ (0x1b & carry);
        b >>= 1;
    }
    p
}

/// Inverse in GF(2⁸) as a²⁵⁴ (0 maps to 0), constant time.
pub(crate) fn gf_inv(a: u8) -> u8 {
    // 254 = 0b1111_1110: the product of a^2, a^4, ..., a^128.
    let mut sq = gf_mul(a, a);
    let mut acc = sq;
    for _ in 0..6 {
        sq = gf_mul(sq, sq);
        acc = gf_mul(acc, sq);
    }
    acc
}

fn check_parts(threshold: usize, parts: usize, secret: &[u8]) -> Result<()> {
    if secret.is_empty() {
        return Err(CryptoError::InvalidParameter { name: "secret", reason: "must not be empty" });
    }
    if !(2..=255).contains(&parts) {
        return Err(CryptoError::InvalidParameter {
            name: "split key parts",
            reason: "must be between 2 and 255",
        });
    }
    if threshold < 2 || threshold > parts {
        return Err(CryptoError::InvalidParameter {
            name: "split key threshold",
            reason: "must be at least 2 and at most the number of parts (a threshold of 1 would put the whole key in every part)",
        });
    }
    Ok(())
}

/// Splits `secret` into `parts` shares, any `threshold` of which rebuild it.
///
/// Shares are numbered 1 to `parts`. Fewer than `threshold` shares reveal
/// nothing about the secret (and combine to an unrelated value).
pub fn shamir_split(secret: &[u8], threshold: usize, parts: usize) -> Result<Vec<Share>> {
    check_parts(threshold, parts, secret)?;
    // One random polynomial of degree threshold-1 per secret byte.
    let coeffs = rng::random_bytes(secret.len() * (threshold - 1))?;
    let mut shares = Vec::with_capacity(parts);
    for x in 1..=parts as u8 {
        let mut value = Zeroizing::new(vec![0u8; secret.len()]);
        for (i, (out, &s)) in value.iter_mut().zip(secret).enumerate() {
            let c = &coeffs[i * (threshold - 1)..(i + 1) * (threshold - 1)];
            // Horner: ((c_{k-1} x + c_{k-2}) x + ... + c_1) x + s
            let mut y = 0u8;
            for &ci in c.iter().rev() {
                y = gf_mul(y, x) ^ ci;
            }
            *out = gf_mul(y, x) ^ s;
        }
        shares.push(Share { index: x, value });
    }
    Ok(shares)
}

/// Rebuilds a secret from Shamir shares by Lagrange interpolation at 0.
///
/// Given at least the threshold number of shares this returns the secret;
/// given fewer it returns an unrelated value of the same length (the scheme
/// cannot tell). Check the count against the recorded threshold first.
pub fn shamir_combine(shares: &[Share]) -> Result<Zeroizing<Vec<u8>>> {
    let len = check_shares(shares)?;
    let mut secret = Zeroizing::new(vec![0u8; len]);
    for (i, si) in shares.iter().enumerate() {
        // l_i(0) = Π_{j≠i} x_j / (x_j − x_i); subtraction is XOR in GF(2^8).
        let mut num = 1u8;
        let mut den = 1u8;
        for (j, sj) in shares.iter().enumerate() {
            if i != j {
                num = gf_mul(num, sj.index);
                den = gf_mul(den, sj.index ^ si.index);
            }
        }
        let li = gf_mul(num, gf_inv(den));
        for (out, &y) in secret.iter_mut().zip(si.value.iter()) {
            *out ^= gf_mul(y, li);
        }
    }
    Ok(secret)
}

/// Splits `secret` into `parts` XOR shares; all are needed to rebuild it.
pub fn xor_split(secret: &[u8], parts: usize) -> Result<Vec<Share>> {
    check_parts(parts, parts, secret)?;
    let mut last = Zeroizing::new(secret.to_vec());
    let mut shares = Vec::with_capacity(parts);
    for x in 1..parts as u8 {
        let r = rng::random_bytes(secret.len())?;
        for (l, b) in last.iter_mut().zip(r.iter()) {
            *l ^= b;
        }
        shares.push(Share { index: x, value: r });
    }
    shares.push(Share { index: parts as u8, value: last });
    Ok(shares)
}

/// Rebuilds a secret from all of its XOR shares.
pub fn xor_combine(shares: &[Share]) -> Result<Zeroizing<Vec<u8>>> {
    let len = check_shares(shares)?;
    let mut secret = Zeroizing::new(vec![0u8; len]);
    for s in shares {
        for (o, b) in secret.iter_mut().zip(s.value.iter()) {
            *o ^= b;
        }
    }
    Ok(secret)
}

fn check_shares(shares: &[Share]) -> Result<usize> {
    let first = shares.first().ok_or(CryptoError::InvalidParameter {
        name: "key parts",
        reason: "at least two parts are needed",
    })?;
    if shares.len() < 2 {
        return Err(CryptoError::InvalidParameter {
            name: "key parts",
            reason: "at least two parts are needed",
        });
    }
    let len = first.value.len();
    let mut seen = [false; 256];
    for s in shares {
        if s.value.len() != len {
            return Err(CryptoError::InvalidParameter {
                name: "key parts",
                reason: "all parts must have the same length",
            });
        }
        if s.index == 0 || seen[s.index as usize] {
            return Err(CryptoError::InvalidParameter {
                name: "key part identifier",
                reason: "each part must have a distinct identifier between 1 and 255",
            });
        }
        seen[s.index as usize] = true;
    }
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference multiplication with branches, for checking only.
    fn slow_mul(mut a: u8, mut b: u8) -> u8 {
        let mut p = 0u8;
        while b != 0 {
            if b & 1 != 0 {
                p ^= a;
            }
            let hi = a & 0x80 != 0;
            a <<= 1;
            if hi {
                a ^= 0x1b;
            }
            b >>= 1;
        }
        p
    }

    #[test]
    fn field_multiplication_matches_reference_and_inverse_is_inverse() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                assert_eq!(gf_mul(a, b), slow_mul(a, b));
            }
            if a != 0 {
                assert_eq!(gf_mul(a, gf_inv(a)), 1, "inverse of {a}");
            }
        }
        // FIPS-197 §4.2 example: {57} • {83} = {c1}.
        assert_eq!(gf_mul(0x57, 0x83), 0xc1);
        assert_eq!(gf_inv(0), 0);
    }
}
