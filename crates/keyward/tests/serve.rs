//! `keyward serve` as the real binary: first start on an empty data
//! directory, a second start, SIGTERM, and a KMIP client using the files
//! `keyward admin credential create` wrote.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use keyward_client::{ClientIdentity, Connection};
use keyward_kmip::enums::ResultStatus;
use keyward_kmip::message::{ProtocolVersion, RequestBatchItem, RequestHeader, RequestMessage};
use keyward_kmip::operations::{DiscoverVersionsRequest, ResponsePayload};
use keyward_store::Store;

#[tokio::test]
async fn first_start_creates_everything_and_the_token_is_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fresh/data");

    let server = Server::start(&data);
    let token =
        server.line("First admin token (shown once, keep it): ").expect("a token").to_owned();
    assert!(token.starts_with("kw_") && token.len() == 67, "{token}");
    assert!(server.kmip_addr.starts_with("127.0.0.1:") && !server.kmip_addr.ends_with(":0"));
    assert_eq!(server.line("HTTPS address "), Some("127.0.0.1:8443 (not served yet)"));
    let sha1 = server.line("Server certificate SHA-1 fingerprint: ").unwrap().to_owned();
    let sha256 = server.line("Server certificate SHA-256 fingerprint: ").unwrap().to_owned();
    assert_eq!(sha1.len(), 20 * 3 - 1);
    assert_eq!(sha256.len(), 32 * 3 - 1);
    let ca_path = server.line("CA certificate clients must trust: ").unwrap().to_owned();
    assert_eq!(std::path::Path::new(&ca_path), std::path::absolute(data.join("ca.pem")).unwrap());
    assert_eq!(server.lines.len(), 6, "{:?}", server.lines);

    // Files and modes.
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("master.key")), 0o600);
    assert_eq!(std::fs::read(data.join("master.key")).unwrap().len(), 32);
    assert!(data.join("keyward.db").is_file());
    let ca_pem = std::fs::read(&ca_path).unwrap();

    // The store, opened as an admin command would while the server runs: the
    // token works, the CAs are sealed in it, and the printed fingerprints are
    // those of the stored server certificate.
    let d = open(&data).await;
    let found = d.store().find_api_token(token.as_bytes()).await.unwrap().unwrap();
    assert_eq!(found.account_id, "default");
    assert_eq!(d.server_ca().certificate_pem().as_bytes(), ca_pem.as_slice());
    let tls = d.server_tls().await.unwrap();
    let computed = keyward_pki::fingerprints(tls.certificate().certificate_der());
    assert_eq!(
        (computed.sha1.as_str(), computed.sha256.as_str()),
        (sha1.as_str(), sha256.as_str())
    );
    assert!(d.store().get_server_secret("server-ca").await.unwrap().is_some());
    assert!(d.store().get_server_secret("users-ca").await.unwrap().is_some());
    d.close().await;

    let status = server.terminate();
    assert_eq!(status.code(), Some(0), "SIGTERM exits cleanly");

    // Second start: same CA, same certificate, no token.
    let server = Server::start(&data);
    assert!(server.line("First admin token").is_none(), "{:?}", server.lines);
    assert_eq!(server.line("Server certificate SHA-256 fingerprint: "), Some(sha256.as_str()));
    assert_eq!(std::fs::read(&ca_path).unwrap(), ca_pem);
    assert_eq!(server.lines.len(), 5, "{:?}", server.lines);
    assert_eq!(server.terminate().code(), Some(0));
}

#[test]
fn a_bad_address_or_config_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = keyward()
        .args(["serve", "--kmip-addr", "localhost"])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "clap refuses a non-address");
    let out = keyward()
        .args(["serve", "--data-dir"])
        .arg(dir.path().join("d"))
        .env("KEYWARD_KMIP_MAX_CONNECTIONS", "lots")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("KEYWARD_KMIP_MAX_CONNECTIONS"), "{stderr}");
    assert!(!dir.path().join("d").exists(), "nothing created");
}

fn discover_versions() -> RequestMessage {
    RequestMessage {
        header: RequestHeader::new(ProtocolVersion::new(1, 4)),
        batch_items: vec![RequestBatchItem::new(DiscoverVersionsRequest::default())],
    }
}

/// The operator's whole path: first start, a domain and a credential made
/// with `keyward admin` while the server runs, a KMIP client with the
/// credential's files, then a revocation that the next connection sees.
#[tokio::test]
async fn a_kmip_client_connects_with_the_files_admin_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = Server::start(&data);
    let sha256 = server.line("Server certificate SHA-256 fingerprint: ").unwrap().to_owned();

    let domain = ok(admin(&data, &["domain", "create", "--region", "eu-west-rbx"]));
    let domain = domain.trim_end();
    let out_dir = dir.path().join("appliance");
    let id = ok(admin(
        &data,
        &[
            "credential",
            "create",
            "--domain",
            domain,
            "--name",
            "appliance",
            "--identity",
            "urn:v1:eu:identity:account:default",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    ));
    let id = id.trim_end();

    let identity = ClientIdentity::from_pem_files(
        out_dir.join("cert.pem"),
        out_dir.join("key.pem"),
        out_dir.join("ca.pem"),
    )
    .unwrap();
    let tls = identity.tls_config().unwrap();
    let call = async {
        let mut connection = Connection::connect(&server.kmip_addr, &tls).await.unwrap();
        // The certificate the server presents is the one whose fingerprint it printed.
        let presented = connection.tls().peer_certificates().unwrap()[0].clone();
        assert_eq!(keyward_pki::fingerprints(&presented).sha256, sha256);
        let response = connection.call(&discover_versions()).await.unwrap();
        connection.close().await.ok();
        response
    };
    let response = tokio::time::timeout(Duration::from_secs(30), call).await.expect("an answer");
    let item = &response.batch_items[0];
    assert_eq!(item.result_status, ResultStatus::Success, "{item:?}");
    let Some(ResponsePayload::DiscoverVersions(versions)) = &item.payload else {
        panic!("not a Discover Versions answer: {item:?}");
    };
    assert!(versions.protocol_versions.contains(&ProtocolVersion::new(1, 4)), "{versions:?}");

    // Revoked: the next connection is refused.
    assert_eq!(ok(admin(&data, &["credential", "revoke", id])), "");
    let refused = tokio::time::timeout(Duration::from_secs(30), async {
        match Connection::connect(&server.kmip_addr, &tls).await {
            Ok(mut connection) => connection.call(&discover_versions()).await.map(|_| ()),
            Err(e) => Err(e),
        }
    })
    .await
    .expect("an answer or a refusal");
    assert!(refused.is_err(), "a revoked credential is refused");

    assert_eq!(server.terminate().code(), Some(0));
}
