//! KMIP protocol versions.

use std::fmt;

/// A KMIP protocol version (major.minor), ordered so that `1.0 < 1.4 < 2.0`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Version {
    /// Protocol Version Major.
    pub major: u8,
    /// Protocol Version Minor.
    pub minor: u8,
}

impl Version {
    /// KMIP 1.0.
    pub const V1_0: Version = Version::new(1, 0);
    /// KMIP 1.1.
    pub const V1_1: Version = Version::new(1, 1);
    /// KMIP 1.2.
    pub const V1_2: Version = Version::new(1, 2);
    /// KMIP 1.3.
    pub const V1_3: Version = Version::new(1, 3);
    /// KMIP 1.4.
    pub const V1_4: Version = Version::new(1, 4);

    /// Builds a version from its two numbers.
    pub const fn new(major: u8, minor: u8) -> Self {
        Self { major, minor }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}
