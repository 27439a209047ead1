//! Keyward's conformance: every mandatory test case of the profiles Keyward
//! claims ([`keyward_conformance::profiles`]), replayed in order against the
//! real KMIP server (in process, mutual TLS, SQLite store), except the known
//! failures of [`KNOWN_FAILURES`], each with its diagnosis.
//!
//! The test fails when a file that passed fails, and also when a known
//! failure is no longer claimed (keep the list honest). Run
//! `cargo nextest run -p keyward-conformance --run-ignored all` to also replay
//! the known failures (separately, on a server of their own) and see which
//! now pass.

use std::path::{Path, PathBuf};

use keyward_conformance::profiles::claimed_files;
use keyward_conformance::{FileReport, RunOptions, Runner};
use keyward_server::testing::TestServer;

/// Claimed test cases Keyward does not pass yet: (file, diagnosis).
const KNOWN_FAILURES: &[(&str, &str)] = &[
    (
        "1.0-1.2/ovh-kmip-go/v1.0/TC_314_10_Dual_Client_Test_Case_ID_Placeholder_linked_Locate_Get_Batch.xml",
        "request 1: Template objects: Keyward refuses Register of a Template (FeatureNotSupported, \"deprecated since KMIP 1.3\"), which this 1.0-1.2 test registers",
    ),
    (
        "1.0-1.2/ovh-kmip-go/v1.0/TC_41_10_Revoke_Scenario.xml",
        "request 9 (Get Attribute List): Lease Time missing; Keyward sets no Lease Time on the key (an optional, server-set attribute the reference server had)",
    ),
    (
        "1.0-1.2/ovh-kmip-go/v1.0/TC_81_10_Create_a_Key_Pair.xml",
        "policy: Keyward creates RSA keys of 2048, 3072 or 4096 bits only; the test creates RSA-1024 (Invalid Field)",
    ),
    (
        "1.0-1.2/ovh-kmip-go/v1.0/TL_M_2_10_tape_write_new_key.xml",
        "passes, but its key is destroyed only by TL_M_3_10, which fails; left behind, it makes the TL-M-3-13/14 Locates find two keys",
    ),
    (
        "1.0-1.2/ovh-kmip-go/v1.0/TL_M_3_10_tape_read.xml",
        "request 2 (Get Attribute List): Lease Time missing, as TC_41_10",
    ),
    (
        "1.0-1.2/ovh-kmip-go/v1.1/TC_122_11_Query_Vendor_Extensions.xml",
        "request 1: Query Extension List/Map returns no Extension Information (the test expects the server's extensions listed)",
    ),
    (
        "1.0-1.2/ovh-kmip-go/v1.1/TC_151_11_Locate_a_Fresh_Object_from_the_Default_Group.xml",
        "request 1: Locate with Object Group Member = Group Member Fresh finds nothing (Fresh objects of the default group are not served)",
    ),
    (
        "1.0-1.2/ovh-kmip-go/v1.1/TC_152_11_Client_side_Group_Management.xml",
        "request 3: Fresh is false on a registered key never retrieved; KMIP 1.1 §3.34 makes it true until the first Get",
    ),
    (
        "1.0-1.2/ovh-kmip-go/v1.1/TC_153_11_Default_Object_Group_Member.xml",
        "request 2: the test assumes a round-robin policy for Group Member Default; Keyward serves another member (a server policy, allowed by the spec)",
    ),
    (
        "1.0-1.2/ovh-kmip-go/v1.1/TC_314_11_Dual_Client_Test_Case_ID_Placeholder_linked_Locate_Get_Batch.xml",
        "request 1: Template objects: Keyward refuses Register of a Template (FeatureNotSupported, \"deprecated since KMIP 1.3\"), which this 1.0-1.2 test registers",
    ),
    (
        "1.0-1.2/ovh-kmip-go/v1.1/TC_41_11_Revoke_Scenario.xml",
        "request 9: Lease Time missing, as TC_41_10",
    ),
    ("1.0-1.2/ovh-kmip-go/v1.1/TC_81_11_Create_a_Key_Pair.xml", "as TC_81_10 (RSA-1024)"),
    (
        "1.0-1.2/ovh-kmip-go/v1.2/TC_121_12_Query_Maximum_Response_Size.xml",
        "request 2: Query: the expected Operations include Certify, Re-certify, Notify and Put, which Keyward does not implement",
    ),
    ("1.0-1.2/ovh-kmip-go/v1.2/TC_122_12_Query_Vendor_Extensions.xml", "as TC_122_11"),
    (
        "1.0-1.2/ovh-kmip-go/v1.2/TC_151_12_Locate_a_Fresh_Object_from_the_Default_Group.xml",
        "as TC_151_11",
    ),
    ("1.0-1.2/ovh-kmip-go/v1.2/TC_152_12_Client_side_Group_Management.xml", "as TC_152_11"),
    ("1.0-1.2/ovh-kmip-go/v1.2/TC_153_12_Default_Object_Group_Member.xml", "as TC_153_11"),
    (
        "1.0-1.2/ovh-kmip-go/v1.2/TC_312_12_Register_Create_Get_attributes_Destroy.xml",
        "request 1: Template objects: Keyward refuses Register of a Template (FeatureNotSupported, \"deprecated since KMIP 1.3\"), which this 1.0-1.2 test registers",
    ),
    (
        "1.0-1.2/ovh-kmip-go/v1.2/TC_314_12_Dual_Client_Test_Case_ID_Placeholder_linked_Locate_Get_Batch.xml",
        "request 1: Template objects: Keyward refuses Register of a Template (FeatureNotSupported, \"deprecated since KMIP 1.3\"), which this 1.0-1.2 test registers",
    ),
    (
        "1.0-1.2/ovh-kmip-go/v1.2/TC_41_12_Revoke_Scenario.xml",
        "request 9: Lease Time missing, as TC_41_10",
    ),
    ("1.0-1.2/ovh-kmip-go/v1.2/TC_81_12_Create_a_Key_Pair.xml", "as TC_81_10 (RSA-1024)"),
    (
        "1.3/mandatory/CS-AC-M-3-13.xml",
        "request 5: Signature Verify with PSS and SHA-1 refused (Feature Not Supported: RSA signatures take SHA-256/384/512 only)",
    ),
    (
        "1.3/mandatory/CS-AC-M-3-ECC-13.xml",
        "request 1: Register of an EC private key on a curve other than P-256/384/521 refused (Invalid Field)",
    ),
    (
        "1.3/mandatory/CS-BC-M-4-12-3DES-13.xml",
        "request 1: Register of a 3DES key with Cryptographic Length 168 and 24 bytes of key material refused (Invalid Field: 168 does not match 192 bits); KMIP gives 3DES keys length 168 (parity bits excluded)",
    ),
    (
        "1.3/mandatory/CS-BC-M-6-13.xml",
        "test-case defect: the expected cipher text fd912d10… is not AES-128-ECB(0123…cdef, 0102…1516); Keyward's d9bcce11… is right (checked with Python cryptography); CS-BC-M-6-14 has the right value and passes",
    ),
    (
        "1.3/mandatory/SUITEB_128-M-1-13.xml",
        "Query: the expected Operations include Certify, Re-certify, Notify and Put, which Keyward does not implement",
    ),
    (
        "1.3/mandatory/SUITEB_192-M-1-13.xml",
        "Query: the expected Operations include Certify, Re-certify, Notify and Put, which Keyward does not implement",
    ),
    (
        "1.3/mandatory/TL-M-2-13.xml",
        "passes, but its key is destroyed only by TL-M-3-13, which fails; left behind, it makes the TL-M-3-14 Locate find two keys",
    ),
    (
        "1.3/mandatory/TL-M-3-13.xml",
        "request 2 (Get Attribute List): Lease Time missing, as TC_41_10",
    ),
    (
        "1.4/mandatory/TL-M-2-14.xml",
        "passes, but its key is destroyed only by TL-M-3-14, which fails (kept out so that a rerun on the same server stays clean)",
    ),
    (
        "1.4/mandatory/TL-M-3-14.xml",
        "request 2 (Get Attribute List): Lease Time missing, as TC_41_10",
    ),
    (
        "1.4/mandatory/AKLC-M-1-14.xml",
        "request 2: Get Attributes names Random Number Generator, which Keyward does not record for the keys it generates (a Baseline attribute since 1.3)",
    ),
    ("1.4/mandatory/AKLC-M-2-14.xml", "as AKLC-M-1-14 (Random Number Generator)"),
    ("1.4/mandatory/AKLC-M-3-14.xml", "as AKLC-M-1-14 (Random Number Generator)"),
    ("1.4/mandatory/CS-AC-M-3-14.xml", "as CS-AC-M-3-13 (PSS with SHA-1)"),
    (
        "1.4/mandatory/CS-AC-M-OAEP-7-14.xml",
        "request 2: RSA-OAEP with an MGF1 hash different from the OAEP hash refused (Feature Not Supported)",
    ),
    ("1.4/mandatory/CS-AC-M-OAEP-8-14.xml", "as CS-AC-M-OAEP-7-14 (MGF1 hash)"),
    (
        "1.4/mandatory/CS-AC-M-OAEP-9-14.xml",
        "request 2: RSA-OAEP with a label (P Source) refused (Feature Not Supported)",
    ),
    ("1.4/mandatory/CS-AC-M-OAEP-10-14.xml", "as CS-AC-M-OAEP-9-14 (label)"),
    (
        "1.4/mandatory/CS-BC-M-GCM-2-14.xml",
        "request 22: AES-GCM with an 8-byte IV refused (this server takes 96-bit IVs); the NIST vectors use other IV lengths",
    ),
    (
        "1.4/mandatory/CS-BC-M-GCM-3-14.xml",
        "request 2: multi-part Encrypt (Init Indicator, Correlation Value) refused (Feature Not Supported)",
    ),
    (
        "1.4/mandatory/SUITEB_128-M-1-14.xml",
        "Query: the expected Operations include Certify, Re-certify, Notify and Put, which Keyward does not implement",
    ),
    (
        "1.4/mandatory/SUITEB_192-M-1-14.xml",
        "Query: the expected Operations include Certify, Re-certify, Notify and Put, which Keyward does not implement",
    ),
];

fn testcases() -> PathBuf {
    let shared = match std::env::var_os("KEYWARD_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    shared.join("kmip-testcases")
}

async fn run(files: &[&str]) -> Vec<FileReport> {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let tls = credential.identity.tls_config().expect("client TLS configuration");
    let mut runner = Runner::new(server.addr(), tls, RunOptions::default());
    let root = testcases();
    let mut reports = Vec::with_capacity(files.len());
    for file in files {
        let report = runner.run_file(&root.join(file)).await;
        println!("{report}");
        reports.push(report);
    }
    let failed = reports.iter().filter(|r| !r.passed()).count();
    println!("{} passed, {failed} failed", reports.len() - failed);
    server.stop().await.expect("the server stops cleanly");
    reports
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyward_passes_its_claimed_profiles() {
    let claimed = claimed_files();
    for (file, _) in KNOWN_FAILURES {
        assert!(claimed.contains(file), "{file} is a known failure but no claimed test case");
    }
    let files: Vec<&str> =
        claimed.into_iter().filter(|f| !KNOWN_FAILURES.iter().any(|(k, _)| k == f)).collect();
    let reports = run(&files).await;
    let failures: Vec<String> =
        reports.iter().filter(|r| !r.passed()).map(ToString::to_string).collect();
    assert!(failures.is_empty(), "{} regressions:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "replays the known failures, to see which now pass"]
async fn known_failures() {
    // Files listed only because a failing file after them must clean up
    // after them pass on their own: leave them out.
    let files: Vec<&str> = KNOWN_FAILURES
        .iter()
        .filter(|(_, why)| !why.starts_with("passes, but"))
        .map(|(f, _)| *f)
        .collect();
    let reports = run(&files).await;
    let passing: Vec<String> =
        reports.iter().filter(|r| r.passed()).map(|r| r.path.display().to_string()).collect();
    assert!(passing.is_empty(), "now passing, remove from KNOWN_FAILURES:\n{}", passing.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a survey: every mandatory file of each version folder, claimed or not"]
async fn survey_every_version_folder() {
    let root = testcases();
    for folder in ["1.0-1.2", "1.3/mandatory", "1.4/mandatory"] {
        let files = keyward_conformance::expand_inputs(&[root.join(folder)]).expect("folder");
        let relative: Vec<String> = files
            .iter()
            .filter_map(|f| f.strip_prefix(&root).ok())
            .map(|f| f.display().to_string())
            .filter(|f| !f.contains("/optional/"))
            .collect();
        let names: Vec<&str> = relative.iter().map(String::as_str).collect();
        println!("== {folder}");
        run(&names).await;
    }
}
