//! Runs one codec operation N times on a benchmark message, with nothing else
//! around it, so that an instruction counter gives a figure that does not
//! depend on the machine's load:
//!
//! ```sh
//! export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER='valgrind --tool=callgrind --callgrind-out-file=/dev/null'
//! cargo bench -p keyward-ttlv --bench codec_count -- get decode_encode 0
//! cargo bench -p keyward-ttlv --bench codec_count -- get decode_encode 10000
//! ```
//!
//! Instructions per operation = (Ir at 10000 − Ir at 0) / 10000. MESSAGE is
//! `get` or `locate` (50 items), OP one of `decode`, `encode`, `decode_encode`.
//! Without arguments (as `cargo bench` runs it) it does each once and exits.

use std::hint::black_box;

use keyward_ttlv::{Limits, binary};

#[path = "support/messages.rs"]
mod messages;

fn run(message: &str, op: &str, n: usize) {
    let message = match message {
        "get" => messages::get_response(),
        "locate" => messages::locate_response(50),
        other => panic!("unknown message {other:?}: use get or locate"),
    };
    let bytes = binary::encode(&message);
    let limits = Limits::default();
    for _ in 0..n {
        match op {
            "decode" => drop(black_box(binary::decode(black_box(&bytes), &limits))),
            "encode" => drop(black_box(binary::encode(black_box(&message)))),
            "decode_encode" => {
                let item = binary::decode(black_box(&bytes), &limits).expect("valid message");
                drop(black_box(binary::encode(&item)));
            }
            other => panic!("unknown operation {other:?}: use decode, encode or decode_encode"),
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    match args.as_slice() {
        [message, op, n] => run(message, op, n.parse().expect("N is a whole number")),
        _ => {
            for message in ["get", "locate"] {
                for op in ["decode", "encode", "decode_encode"] {
                    run(message, op, 1);
                }
            }
        }
    }
}
