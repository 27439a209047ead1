//! The workloads: their names, the ratio of `mixed`, and (in the `kmip` module) the
//! requests each one sends and the setup it needs.

mod kmip;

use std::fmt;
use std::str::FromStr;

pub use kmip::{Kmip, KmipConnection, KmipDriver, Prepared, prepare, run};

/// A workload, by its command-line name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkloadName {
    /// Create an AES-256 key (usage mask Encrypt|Decrypt).
    Create,
    /// Get one of the keys created during setup.
    Get,
    /// Locate one of the keys created during setup, by its name.
    Locate,
    /// AES-256-GCM Encrypt of `--payload-size` bytes with an active key.
    Encrypt,
    /// AES-256-GCM Decrypt of a ciphertext made during setup.
    Decrypt,
    /// ECDSA P-256 (SHA-256) Sign with an active private key.
    SignEcdsa,
    /// RSA-2048 PSS (SHA-256) Sign with an active private key.
    SignRsa,
    /// `--batch-size` Encrypt items in one request message.
    BatchEncrypt,
    /// A new TLS connection per operation, then one Discover Versions.
    Handshake,
    /// A ratio of single operations (`--mix`).
    Mixed,
    /// Create `--count` named keys, as fast as possible, with a progress bar.
    Fill,
    /// Open `--connections` connections (a TLS handshake and one Discover Versions
    /// each, `--open-concurrency` at a time), hold them idle for `--duration`, close them.
    Idle,
}

impl WorkloadName {
    /// Every workload, in the order of the documentation.
    pub const ALL: [WorkloadName; 12] = [
        Self::Create,
        Self::Get,
        Self::Locate,
        Self::Encrypt,
        Self::Decrypt,
        Self::SignEcdsa,
        Self::SignRsa,
        Self::BatchEncrypt,
        Self::Handshake,
        Self::Mixed,
        Self::Fill,
        Self::Idle,
    ];

    /// The command-line name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Get => "get",
            Self::Locate => "locate",
            Self::Encrypt => "encrypt",
            Self::Decrypt => "decrypt",
            Self::SignEcdsa => "sign-ecdsa",
            Self::SignRsa => "sign-rsa",
            Self::BatchEncrypt => "batch-encrypt",
            Self::Handshake => "handshake",
            Self::Mixed => "mixed",
            Self::Fill => "fill",
            Self::Idle => "idle",
        }
    }

    /// Whether each operation carries several items (and items/s is reported).
    pub fn is_batched(self) -> bool {
        matches!(self, Self::BatchEncrypt | Self::Fill)
    }
}

impl fmt::Display for WorkloadName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn names_of<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> String {
    all.iter().map(|w| name(*w)).collect::<Vec<_>>().join(", ")
}

impl FromStr for WorkloadName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|w| w.as_str() == s).ok_or_else(|| {
            format!("unknown workload {s:?}: use one of {}", names_of(&Self::ALL, Self::as_str))
        })
    }
}

/// An operation that can be part of a mixed workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MixOp {
    /// As the create workload.
    Create,
    /// As the get workload.
    Get,
    /// As the locate workload.
    Locate,
    /// As the encrypt workload.
    Encrypt,
    /// As the decrypt workload.
    Decrypt,
    /// As the sign-ecdsa workload.
    SignEcdsa,
    /// As the sign-rsa workload.
    SignRsa,
}

impl MixOp {
    const ALL: [MixOp; 7] = [
        Self::Create,
        Self::Get,
        Self::Locate,
        Self::Encrypt,
        Self::Decrypt,
        Self::SignEcdsa,
        Self::SignRsa,
    ];

    /// The workload this operation is taken from.
    pub fn workload(self) -> WorkloadName {
        match self {
            Self::Create => WorkloadName::Create,
            Self::Get => WorkloadName::Get,
            Self::Locate => WorkloadName::Locate,
            Self::Encrypt => WorkloadName::Encrypt,
            Self::Decrypt => WorkloadName::Decrypt,
            Self::SignEcdsa => WorkloadName::SignEcdsa,
            Self::SignRsa => WorkloadName::SignRsa,
        }
    }
}

/// The ratio of a mixed workload: operations and their integer weights, e.g.
/// `get:70,encrypt:20,create:10`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mix {
    parts: Vec<(MixOp, u32)>,
}

/// The most weight a ratio may sum to (keeps the schedule small).
const MAX_MIX_TOTAL: u32 = 10_000;

impl Mix {
    /// `get:70,encrypt:20,create:10`.
    pub fn default_mix() -> Self {
        Self { parts: vec![(MixOp::Get, 70), (MixOp::Encrypt, 20), (MixOp::Create, 10)] }
    }

    /// The operations and their weights, as given.
    pub fn parts(&self) -> &[(MixOp, u32)] {
        &self.parts
    }

    /// Whether an operation of the mix needs keys made during setup (get, locate).
    pub fn needs_keys(&self) -> bool {
        self.parts.iter().any(|(op, _)| matches!(op, MixOp::Get | MixOp::Locate))
    }

    /// A repeating schedule of indexes into [`Mix::parts`]: over one period each part
    /// appears as often as its weight (reduced by the weights' common divisor), spread
    /// evenly (smooth weighted round robin), so that any window of operations follows
    /// the ratio closely.
    pub fn schedule(&self) -> Vec<usize> {
        let divisor = self.parts.iter().fold(0, |g, (_, w)| gcd(g, *w)).max(1);
        let weights: Vec<i64> = self.parts.iter().map(|(_, w)| i64::from(w / divisor)).collect();
        let total: i64 = weights.iter().sum();
        let mut current = vec![0i64; weights.len()];
        let mut schedule = Vec::new();
        for _ in 0..total {
            for (c, w) in current.iter_mut().zip(&weights) {
                *c += w;
            }
            let Some((best, _)) =
                current.iter().enumerate().max_by_key(|(i, c)| (**c, std::cmp::Reverse(*i)))
            else {
                break;
            };
            current[best] -= total;
            schedule.push(best);
        }
        schedule
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl FromStr for Mix {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts: Vec<(MixOp, u32)> = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, weight) = part
                .split_once(':')
                .ok_or_else(|| format!("{part:?} is not OP:WEIGHT (e.g. get:70)"))?;
            let op = MixOp::ALL
                .into_iter()
                .find(|op| op.workload().as_str() == name.trim())
                .ok_or_else(|| {
                    format!(
                        "{name:?} cannot be mixed: use {}",
                        names_of(&MixOp::ALL, |op| op.workload().as_str())
                    )
                })?;
            let weight: u32 = weight.trim().parse().map_err(|_| {
                format!("the weight of {name} must be a whole number, not {weight:?}")
            })?;
            if parts.iter().any(|(o, _)| *o == op) {
                return Err(format!("{name} is given twice"));
            }
            if weight > 0 {
                parts.push((op, weight));
            }
        }
        let total: u64 = parts.iter().map(|(_, w)| u64::from(*w)).sum();
        if total == 0 {
            return Err("the ratio needs at least one operation with a weight above 0".into());
        }
        if total > u64::from(MAX_MIX_TOTAL) {
            return Err(format!(
                "the weights add up to {total}; keep them at {MAX_MIX_TOTAL} or less"
            ));
        }
        Ok(Self { parts })
    }
}

impl fmt::Display for Mix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text: Vec<String> =
            self.parts.iter().map(|(op, w)| format!("{}:{w}", op.workload())).collect();
        f.write_str(&text.join(","))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_workload_name_round_trips() {
        for w in WorkloadName::ALL {
            assert_eq!(w.as_str().parse::<WorkloadName>().unwrap(), w);
        }
        assert!("sign".parse::<WorkloadName>().unwrap_err().contains("sign-ecdsa"));
    }

    #[test]
    fn a_ratio_parses_in_order_with_spaces_and_zero_weights_dropped() {
        let mix: Mix = " get:70, encrypt : 20 ,create:10,locate:0".parse().unwrap();
        assert_eq!(mix.parts(), &[(MixOp::Get, 70), (MixOp::Encrypt, 20), (MixOp::Create, 10)]);
        assert_eq!(mix.to_string(), "get:70,encrypt:20,create:10");
        assert!(mix.needs_keys());
        assert!(!"create:1,sign-rsa:2".parse::<Mix>().unwrap().needs_keys());
    }

    #[test]
    fn bad_ratios_say_what_is_wrong() {
        for (text, expected) in [
            ("get", "OP:WEIGHT"),
            ("get:-1", "whole number"),
            ("get:1.5", "whole number"),
            ("fill:1", "cannot be mixed"),
            ("handshake:1", "cannot be mixed"),
            ("get:1,get:2", "twice"),
            ("get:0", "at least one"),
            ("", "at least one"),
            ("get:9000,create:2000", "10000 or less"),
        ] {
            let e = text.parse::<Mix>().unwrap_err();
            assert!(e.contains(expected), "{text:?} gave {e:?}");
        }
    }

    #[test]
    fn the_schedule_follows_the_ratio_and_spreads_it() {
        let mix: Mix = "get:70,encrypt:20,create:10".parse().unwrap();
        let schedule = mix.schedule();
        // Reduced by the common divisor: 7 + 2 + 1.
        assert_eq!(schedule.len(), 10);
        let count = |i| schedule.iter().filter(|&&s| s == i).count();
        assert_eq!((count(0), count(1), count(2)), (7, 2, 1));
        // Spread: the minority operations are not next to each other.
        let pos: Vec<usize> =
            schedule.iter().enumerate().filter(|(_, s)| **s != 0).map(|(i, _)| i).collect();
        assert!(pos.windows(2).all(|w| w[1] - w[0] > 1), "{schedule:?}");

        let single: Mix = "create:5".parse().unwrap();
        assert_eq!(single.schedule(), vec![0]);
        let uneven: Mix = "get:2,create:3".parse().unwrap();
        let s = uneven.schedule();
        assert_eq!(s.len(), 5);
        assert_eq!(s.iter().filter(|&&i| i == 1).count(), 3);
    }
}
