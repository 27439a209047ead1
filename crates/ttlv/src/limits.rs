//! Limits applied while decoding bytes from an untrusted peer.

/// Bounds on what the decoder accepts. Every bound is checked before memory is
/// allocated for the item it guards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest whole message (header included), in bytes.
    pub max_message_size: usize,
    /// Deepest structure nesting; the top-level item is depth 1.
    pub max_depth: usize,
    /// Largest number of items (of any type) in one message.
    pub max_items: usize,
}

impl Limits {
    /// Default maximum message size: 1 MiB, well above any KMIP 1.x message a
    /// key-management client sends (an RSA-4096 Register is about 4 KiB).
    pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 1 << 20;
    /// Default maximum nesting depth. The deepest KMIP 1.4 message (a Register
    /// of a wrapped transparent key in a batch) nests about 10 levels.
    pub const DEFAULT_MAX_DEPTH: usize = 32;
    /// Default maximum number of items.
    pub const DEFAULT_MAX_ITEMS: usize = 65_536;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_message_size: Self::DEFAULT_MAX_MESSAGE_SIZE,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_items: Self::DEFAULT_MAX_ITEMS,
        }
    }
}
