//! KMIP enumerations and bit masks, generated from the KMIP 1.4 tables.

#[rustfmt::skip]
#[allow(clippy::upper_case_acronyms, clippy::match_single_binding)]
mod generated;

pub use generated::*;

use keyward_ttlv::Version;

/// A KMIP enumeration: a closed set of named 32-bit values plus vendor
/// extensions (0x8XXXXXXX).
pub trait KmipEnum: Sized + Copy {
    /// The enumeration's name in the specification ("Object Type").
    const NAME: &'static str;
    /// The value on the wire.
    fn to_u32(self) -> u32;
    /// The variant for a wire value; `None` for a reserved (undefined, non-extension) value.
    fn from_u32(value: u32) -> Option<Self>;
    /// The first KMIP version that defines this value.
    fn since(self) -> Version;
}

/// A KMIP bit mask carried as an Integer.
pub trait Mask: Sized + Copy {
    /// The mask's name in the specification.
    const NAME: &'static str;
    /// The bits.
    fn bits(self) -> u32;
    /// A mask from its bits (unknown bits are kept).
    fn from_bits(bits: u32) -> Self;
}

crate::codec::mask_codec!(CryptographicUsageMask, StorageStatusMask);
