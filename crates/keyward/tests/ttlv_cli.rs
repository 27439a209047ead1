//! `keyward ttlv encode | decode`, run as a user would (`keyward serve` has
//! its own tests in `serve.rs`).
//!
//! The message is the first request of the OASIS test case SKLC-M-1-14
//! (`$KEYWARD_SHARED_DIR`, or `<workspace root>/../shared`), whose layout is
//! exactly the writer's: decoding its encoding gives the same bytes back.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn keyward(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keyward"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("keyward starts");
    child.stdin.take().expect("stdin").write_all(stdin).expect("stdin written");
    child.wait_with_output().expect("keyward runs")
}

fn succeed(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let output = keyward(args, stdin);
    assert!(
        output.status.success(),
        "keyward {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn fail(args: &[&str], stdin: &[u8]) -> String {
    let output = keyward(args, stdin);
    assert_eq!(output.status.code(), Some(1), "keyward {args:?} should fail with exit code 1");
    assert!(output.stdout.is_empty(), "nothing on stdout when failing");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("KEYWARD_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    assert!(
        dir.join("kmip-testcases").is_dir(),
        "no kmip-testcases/ in {}: set KEYWARD_SHARED_DIR",
        dir.display()
    );
    dir
}

/// The first request of SKLC-M-1-14, as written in the file.
fn test_case_request() -> String {
    let file = shared_dir().join("kmip-testcases/1.4/mandatory/SKLC-M-1-14.xml");
    let text = std::fs::read_to_string(&file).expect("SKLC-M-1-14.xml is readable");
    let start = text.find("<RequestMessage>").expect("a request");
    let end = text.find("</RequestMessage>\n").expect("its end") + "</RequestMessage>\n".len();
    text[start..end].to_owned()
}

#[test]
fn xml_encodes_and_decodes_back_to_the_same_text() {
    let request = test_case_request();
    let binary = succeed(&["ttlv", "encode"], request.as_bytes());
    assert_eq!(&binary[..4], &[0x42, 0x00, 0x78, 0x01], "a RequestMessage structure");
    let decoded = succeed(&["ttlv", "decode"], &binary);
    assert_eq!(String::from_utf8(decoded).expect("UTF-8"), request);
}

#[test]
fn json_and_hex_round_trip() {
    let request = test_case_request();
    let hex = succeed(&["ttlv", "encode", "--hex"], request.as_bytes());
    let hex = String::from_utf8(hex).expect("hex is text");
    assert!(hex.ends_with('\n') && hex.trim().bytes().all(|b| b.is_ascii_hexdigit()), "{hex}");

    // Hex input may be spread over lines.
    let spread: String = hex
        .trim()
        .as_bytes()
        .chunks(32)
        .map(|c| format!("{}\n", String::from_utf8_lossy(c)))
        .collect();
    let json = succeed(&["ttlv", "decode", "--hex", "--format", "json", "-"], spread.as_bytes());
    let json = String::from_utf8(json).expect("JSON is text");
    assert!(json.starts_with("{\"tag\":\"RequestMessage\", \"value\":["), "{json}");
    assert!(json.contains("\"value\":\"Encrypt|Decrypt\""), "{json}");

    let again = succeed(&["ttlv", "encode", "--hex"], json.as_bytes());
    assert_eq!(String::from_utf8(again).expect("hex"), hex);
}

#[test]
fn reads_a_file_argument() {
    let request = test_case_request();
    let binary = succeed(&["ttlv", "encode"], request.as_bytes());
    let path = std::env::temp_dir().join(format!("keyward-ttlv-cli-{}.bin", std::process::id()));
    std::fs::write(&path, &binary).expect("temporary file written");
    let decoded = succeed(&["ttlv", "decode", path.to_str().expect("UTF-8 path")], b"");
    std::fs::remove_file(&path).expect("temporary file removed");
    assert_eq!(String::from_utf8(decoded).expect("UTF-8"), request);
    let missing = fail(&["ttlv", "decode", "/nonexistent/keyward-input"], b"");
    assert!(missing.contains("cannot read /nonexistent/keyward-input"), "{missing}");
}

#[test]
fn a_truncated_message_fails_with_its_offset() {
    let request = test_case_request();
    let binary = succeed(&["ttlv", "encode"], request.as_bytes());
    let stderr = fail(&["ttlv", "decode"], &binary[..binary.len() - 8]);
    assert!(stderr.contains("offset"), "{stderr}");
    assert!(stderr.contains("truncated"), "{stderr}");
    let stderr = fail(&["ttlv", "decode", "--hex"], b"42007801 0000000g");
    assert!(stderr.contains("offset 16"), "{stderr}");
}

#[test]
fn now_is_bound_and_other_placeholders_are_refused() {
    let now = b"<ActivationDate type=\"DateTime\" value=\"$NOW-3600\"/>";
    let hex = succeed(&["ttlv", "encode", "--hex"], now);
    assert!(hex.starts_with(b"420001090000000800000000"), "{}", String::from_utf8_lossy(&hex));

    let uid = b"<UniqueIdentifier type=\"TextString\" value=\"$UNIQUE_IDENTIFIER_0\"/>";
    let stderr = fail(&["ttlv", "encode", "--hex"], uid);
    assert!(stderr.contains("$UNIQUE_IDENTIFIER_0") && stderr.contains("line 1"), "{stderr}");
}

#[test]
fn bad_text_input_is_explained() {
    let stderr = fail(&["ttlv", "encode", "--hex"], b"RequestMessage");
    assert!(stderr.contains("cannot tell the encoding"), "{stderr}");
    let stderr =
        fail(&["ttlv", "encode", "--hex"], br#"{"tag":"BatchCount","type":"Integer","value":"x"}"#);
    assert!(stderr.contains("not a valid KMIP JSON message"), "{stderr}");
    let stderr = fail(&["ttlv", "encode", "--hex"], b"<BatchCount type=\"Integer\" value=\"1\">");
    assert!(stderr.contains("never closed"), "{stderr}");
}
