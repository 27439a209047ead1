//! Binary TTLV codec benchmarks on typical KMIP responses.
//!
//! `cargo bench -p keyward-ttlv --bench codec`; results are recorded in
//! BENCHMARKS.md. Each group measures, on one message:
//! * `decode`: bytes → `Ttlv` (with default limits), dropping the tree;
//! * `encode`: `Ttlv` → a new `Vec<u8>`;
//! * `encode_into_reused`: `Ttlv` appended to a cleared, reused buffer;
//! * `decode_encode`: the round trip a server does for a response it relays.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keyward_ttlv::{Limits, Ttlv, binary};

#[path = "support/messages.rs"]
mod messages;

fn bench_message(c: &mut Criterion, name: &str, message: &Ttlv) {
    let limits = Limits::default();
    let bytes = binary::encode(message);
    assert_eq!(binary::decode(&bytes, &limits).as_ref(), Ok(message), "{name} round-trips");

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("decode", |b| b.iter(|| binary::decode(black_box(&bytes), &limits)));
    group.bench_function("encode", |b| b.iter(|| binary::encode(black_box(message))));
    group.bench_function("encode_into_reused", |b| {
        let mut out = Vec::with_capacity(bytes.len());
        b.iter(|| {
            out.clear();
            binary::encode_into(black_box(message), &mut out);
            out.len()
        })
    });
    group.bench_function("decode_encode", |b| {
        b.iter(|| {
            let item = binary::decode(black_box(&bytes), &limits).expect("valid message");
            binary::encode(&item)
        })
    });
    group.finish();
}

fn codec(c: &mut Criterion) {
    bench_message(c, "get_response", &messages::get_response());
    bench_message(c, "locate_response_50", &messages::locate_response(50));
}

criterion_group!(benches, codec);
criterion_main!(benches);
