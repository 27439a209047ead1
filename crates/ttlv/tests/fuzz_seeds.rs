//! The checked-in fuzzing seeds (`fuzz/seeds/*.ttlv`) are the binary encodings
//! of the messages in `benches/support/messages.rs`, and every seed in that
//! directory decodes.
//!
//! To (re)write the seeds after changing those messages:
//! `KEYWARD_WRITE_FUZZ_SEEDS=1 cargo test -p keyward-ttlv --test fuzz_seeds`.

use std::fs;
use std::path::PathBuf;

use keyward_ttlv::{Limits, binary};

#[path = "../benches/support/messages.rs"]
mod messages;

fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds")
}

#[test]
fn checked_in_seeds_match_the_messages() {
    let dir = seeds_dir();
    let write = std::env::var_os("KEYWARD_WRITE_FUZZ_SEEDS").is_some();
    if write {
        fs::create_dir_all(&dir).expect("create fuzz/seeds");
    }
    let seeds = messages::seeds();
    assert!(seeds.len() >= 4, "expected at least four seed messages");
    for (name, message) in &seeds {
        let bytes = binary::encode(message);
        assert_eq!(&binary::decode(&bytes, &Limits::default()).expect("seed decodes"), message);
        let path = dir.join(name);
        if write {
            fs::write(&path, &bytes).expect("write seed");
        } else {
            let on_disk = fs::read(&path).unwrap_or_else(|e| {
                panic!("{}: {e} (write seeds with KEYWARD_WRITE_FUZZ_SEEDS=1)", path.display())
            });
            assert!(
                on_disk == bytes,
                "{} is stale: rewrite it with KEYWARD_WRITE_FUZZ_SEEDS=1",
                path.display()
            );
        }
    }
}

#[test]
fn every_seed_file_decodes_and_reencodes_identically() {
    let mut checked = 0;
    for entry in fs::read_dir(seeds_dir()).expect("fuzz/seeds exists") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_none_or(|e| e != "ttlv") {
            continue;
        }
        let bytes = fs::read(&path).expect("read seed");
        let item = binary::decode(&bytes, &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(binary::encode(&item), bytes, "{}", path.display());
        checked += 1;
    }
    assert!(checked >= messages::seeds().len(), "only {checked} seed files found");
}
