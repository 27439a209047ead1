//! `keyward serve`: for now, says what this build can do.

/// Tells the operator (on stderr) that this build carries the KMIP wire tools
/// but not yet the server.
pub fn run() {
    eprintln!(
        "keyward {}: this build has the KMIP wire tools (keyward ttlv decode | encode); the KMIP \
         server arrives with the server crate.",
        env!("CARGO_PKG_VERSION")
    );
}
