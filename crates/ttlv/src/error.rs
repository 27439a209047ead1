//! Errors of the binary and text codecs.

use thiserror::Error;

use crate::{ItemType, Tag};

/// A binary decoding failure: what was wrong, and the byte offset (from the start
/// of the message) of the item header or value where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind} (at byte offset {offset})")]
pub struct DecodeError {
    /// Byte offset from the start of the decoded buffer.
    pub offset: usize,
    /// What was wrong.
    pub kind: DecodeErrorKind,
}

/// What a binary decoding failure was.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeErrorKind {
    /// The input ends before the item does.
    #[error("truncated input: {needed} bytes needed, {available} available")]
    Truncated {
        /// Bytes the item needs from this offset.
        needed: usize,
        /// Bytes left in the input (or in the enclosing structure).
        available: usize,
    },
    /// The message declares a length over the configured maximum.
    #[error("message of {declared} bytes exceeds the maximum of {max} bytes")]
    MessageTooLarge {
        /// Total size the header declares (header included).
        declared: usize,
        /// The configured maximum.
        max: usize,
    },
    /// A tag outside 0x420000–0x42FFFF and 0x540000–0x54FFFF.
    #[error("tag 0x{0:06X} is outside the KMIP (0x42xxxx) and extension (0x54xxxx) ranges")]
    InvalidTag(u32),
    /// An item type code that TTLV does not define.
    #[error("unknown item type 0x{type_code:02X} for tag {tag}")]
    UnknownType {
        /// The item's tag.
        tag: Tag,
        /// The undefined type code.
        type_code: u8,
    },
    /// A length that does not fit the item's type.
    #[error("length {len} is invalid for {item_type} item {tag}: {expected}")]
    BadLength {
        /// The item's tag.
        tag: Tag,
        /// The item's type.
        item_type: ItemType,
        /// The declared length.
        len: u32,
        /// What the type requires.
        expected: &'static str,
    },
    /// A child item runs past the end of its enclosing structure.
    #[error("item {tag} of {len} bytes overruns its enclosing structure ({available} bytes left)")]
    Overrun {
        /// The child's tag.
        tag: Tag,
        /// The child's declared value length, padding included.
        len: usize,
        /// Bytes left in the parent.
        available: usize,
    },
    /// Padding bytes that are not zero.
    #[error("non-zero padding after item {tag}")]
    NonZeroPadding {
        /// The padded item's tag.
        tag: Tag,
    },
    /// A Boolean whose value is neither 0 nor 1.
    #[error("boolean {tag} has value {value:#x}; only 0 and 1 are allowed")]
    BadBoolean {
        /// The item's tag.
        tag: Tag,
        /// The value found.
        value: u64,
    },
    /// A Text String that is not valid UTF-8.
    #[error("text string {tag} is not valid UTF-8")]
    InvalidUtf8 {
        /// The item's tag.
        tag: Tag,
    },
    /// Structures nested deeper than the configured limit.
    #[error("structures nested deeper than {max} levels")]
    TooDeep {
        /// The configured maximum depth.
        max: usize,
    },
    /// More items than the configured limit.
    #[error("more than {max} items in one message")]
    TooManyItems {
        /// The configured maximum item count.
        max: usize,
    },
    /// Bytes left over after the top-level item.
    #[error("{0} trailing bytes after the message")]
    TrailingBytes(usize),
}

impl DecodeError {
    pub(crate) fn new(offset: usize, kind: DecodeErrorKind) -> Self {
        Self { offset, kind }
    }
}

/// A failure reading or writing the KMIP XML or JSON encoding.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message} (at {location})")]
pub struct TextError {
    /// Where in the document: an element path, a line and column, or a JSON path.
    pub location: String,
    /// What was wrong, in words a person can act on.
    pub message: String,
}

impl TextError {
    /// A text error at `location`.
    pub fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Self { location: location.into(), message: message.into() }
    }
}
