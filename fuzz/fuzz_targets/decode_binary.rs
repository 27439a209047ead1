//! Fuzz target: the binary TTLV decoder on arbitrary bytes, with default limits.
//!
//! Never panics; whatever it accepts re-encodes to the very same bytes (the
//! decoder is strict: zero padding, exact lengths, 0/1 booleans, so accepted
//! input is canonical) and decodes back to the same tree; an error's offset lies
//! inside the input; the header agrees with the decoder on the frame size.
#![no_main]

use keyward_ttlv::{Limits, binary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    match binary::decode(data, &limits) {
        Ok(item) => {
            let encoded = binary::encode(&item);
            assert_eq!(encoded.len(), item.encoded_len());
            let again = binary::decode(&encoded, &limits).expect("re-encoded item decodes");
            assert!(again == item, "decode(encode(x)) != x");
            assert!(encoded == data, "accepted input is not canonical");
            let header: [u8; 8] = data[..8].try_into().expect("an item has an 8-byte header");
            let frame_len = binary::read_header(&header)
                .and_then(|h| h.frame_len(&limits))
                .expect("the header of a decoded message is valid");
            assert_eq!(frame_len, data.len());
        }
        Err(e) => assert!(e.offset < data.len().max(1), "error offset {} outside input", e.offset),
    }
});
