//! TTLV tags: 3-byte identifiers, 0x42xxxx for the specification, 0x54xxxx for extensions.

use std::fmt;

/// A TTLV tag: a 24-bit value held in a `u32`.
///
/// Tags defined by the specification live in 0x420000–0x42FFFF; vendor extension
/// tags in 0x540000–0x54FFFF. Names come from [`crate::spec`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub u32);

impl Tag {
    /// The largest value a 3-byte tag can hold.
    pub const MAX: u32 = 0x00FF_FFFF;

    /// Returns the tag's numeric value.
    pub const fn value(self) -> u32 {
        self.0
    }

    /// True for the extension range 0x540000–0x54FFFF.
    pub const fn is_extension(self) -> bool {
        self.0 >> 16 == 0x54
    }

    /// True for the specification range 0x420000–0x42FFFF.
    pub const fn is_standard(self) -> bool {
        self.0 >> 16 == 0x42
    }

    /// The KMIP 1.4 name of the tag (e.g. "Unique Identifier"), if it has one.
    pub fn name(self) -> Option<&'static str> {
        crate::spec::tag_def(self).map(|d| d.name)
    }

    /// The XML element name of the tag (e.g. "UniqueIdentifier"), if it has one.
    pub fn xml_name(self) -> Option<&'static str> {
        crate::spec::tag_def(self).map(|d| d.xml)
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.xml_name() {
            Some(name) => write!(f, "{name}(0x{:06X})", self.0),
            None => write!(f, "Tag(0x{:06X})", self.0),
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "0x{:06X}", self.0),
        }
    }
}
