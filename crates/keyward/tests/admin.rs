//! `keyward admin` accounts, domains, credentials and tokens, run as the real
//! binary on a real SQLite deployment: ids alone on stdout, bad input refused
//! with exit 1 and nothing written.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use base64::Engine as _;
use common::*;
use keyward_pki::identity::PeerIdentity;
use keyward_store::{Page, Store};
use x509_parser::prelude::{FromDer, X509Certificate};

/// A deployment with a domain of the default account; returns (data dir, domain id).
async fn with_domain() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    bootstrap(&data).await;
    let domain = ok(admin(&data, &["domain", "create", "--region", "eu-west-rbx"]));
    let domain = domain.trim_end().to_owned();
    uuid::Uuid::parse_str(&domain).expect("the domain id alone on stdout");
    (dir, data, domain)
}

async fn credential_count(data: &Path, domain: &str) -> usize {
    let d = open(data).await;
    let n = d.store().list_credentials(domain, Page::first(1000)).await.unwrap().len();
    d.close().await;
    n
}

#[tokio::test]
async fn accounts_are_created_listed_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    bootstrap(&data).await;
    assert_eq!(ok(admin(&data, &["account", "create", "acme"])), "acme\n");
    let list = ok(admin(&data, &["account", "list"]));
    assert_eq!(
        list,
        "acme\turn:v1:eu:identity:account:acme\ndefault\turn:v1:eu:identity:account:default\n"
    );
    let e = refused(admin(&data, &["account", "create", "acme"]));
    assert!(e.contains("already exists"), "{e}");
    let e = refused(admin(&data, &["account", "create", "not a name"]));
    assert!(e.contains("cannot be an account name"), "{e}");
    assert_eq!(ok(admin(&data, &["account", "list"])), list);
}

#[tokio::test]
async fn domains_are_created_in_configured_regions_only() {
    let (_dir, data, domain) = with_domain().await;
    assert_eq!(ok(admin(&data, &["account", "create", "acme"])), "acme\n");
    let named = ok(admin(
        &data,
        &["domain", "create", "--region", "eu-west-rbx", "--account", "acme", "--name", "prod"],
    ));
    let named = named.trim_end();
    let list = ok(admin(&data, &["domain", "list"]));
    assert!(list.contains(&format!("{domain}\tdefault\teu-west-rbx\t\n")), "{list}");
    assert!(list.contains(&format!("{named}\tacme\teu-west-rbx\tprod\n")), "{list}");
    assert_eq!(
        ok(admin(&data, &["domain", "list", "--account", "acme"])),
        format!("{named}\tacme\teu-west-rbx\tprod\n")
    );

    let e = refused(admin(&data, &["domain", "create", "--region", "us-east-vin"]));
    assert!(e.contains("region \"us-east-vin\" is not configured"), "{e}");
    assert!(e.contains("eu-west-rbx"), "{e}");
    let e = refused(admin(
        &data,
        &["domain", "create", "--region", "eu-west-rbx", "--account", "nope"],
    ));
    assert!(e.contains("account \"nope\" does not exist"), "{e}");
    assert_eq!(ok(admin(&data, &["domain", "list"])), list, "refusals change nothing");

    // Another configured region, through the environment.
    let out = keyward()
        .args(["admin", "domain", "create", "--region", "eu-west-gra", "--data-dir"])
        .arg(&data)
        .env("KEYWARD_REGIONS", "eu-west-rbx,eu-west-gra")
        .output()
        .unwrap();
    uuid::Uuid::parse_str(ok(out).trim_end()).unwrap();
}

#[tokio::test]
async fn a_credential_with_a_generated_key_is_written_listed_shown_and_revoked() {
    let (dir, data, domain) = with_domain().await;
    let out_dir = dir.path().join("cred/nested");
    let out = admin(
        &data,
        &[
            "credential",
            "create",
            "--domain",
            &domain,
            "--name",
            "backup",
            "--identity",
            "urn:v1:eu:identity:account:default",
            "--identity",
            "urn:v1:eu:identity:user:default/john.smith",
            "--validity-days",
            "30",
            "--description",
            "the backup appliance",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    let id = ok(out);
    let id = id.trim_end().to_owned();
    uuid::Uuid::parse_str(&id).expect("the credential id alone on stdout");

    // The files: key.pem 0600, the only copy; ca.pem is the server CA.
    assert_eq!(mode(&out_dir.join("key.pem")), 0o600);
    let key = std::fs::read_to_string(out_dir.join("key.pem")).unwrap();
    assert!(key.starts_with("-----BEGIN EC PRIVATE KEY-----"), "{key}");
    assert_eq!(
        std::fs::read(out_dir.join("ca.pem")).unwrap(),
        std::fs::read(data.join("ca.pem")).unwrap()
    );
    let cert_pem = std::fs::read(out_dir.join("cert.pem")).unwrap();
    let der = keyward_pki::pem::certificates_from_pem(&cert_pem).unwrap().remove(0);
    let peer = PeerIdentity::from_der(&der).unwrap();
    assert_eq!(peer.credential_id.to_string(), id, "serial number = credential id");
    assert_eq!(peer.domain_id.to_string(), domain, "CN and UPN = domain id");
    let (_, x509) = X509Certificate::from_der(&der).unwrap();
    let days =
        (x509.validity().not_after.timestamp() - x509.validity().not_before.timestamp()) / 86_400;
    assert_eq!(days, 30);
    let d = open(&data).await;
    let stored = d.store().get_credential(&domain, &id).await.unwrap();
    assert_eq!(stored.certificate_der.as_deref(), Some(der.as_ref()));
    assert_eq!(stored.description, "the backup appliance");
    // The private key is nowhere in the store.
    let key_der = keyward_pki::pem::private_key_from_pem(key.as_bytes()).unwrap();
    let db = std::fs::read(data.join("keyward.db")).unwrap();
    let wal = std::fs::read(data.join("keyward.db-wal")).unwrap_or_default();
    let secret = &key_der.secret_der()[7..39];
    assert!(!db.windows(32).chain(wal.windows(32)).any(|w| w == secret));
    d.close().await;

    let list = ok(admin(&data, &["credential", "list", "--domain", &domain]));
    let fields: Vec<&str> = list.trim_end().split('\t').collect();
    assert_eq!(fields[..3], [id.as_str(), "backup", "active"], "{list}");
    assert_eq!(
        fields[4],
        "urn:v1:eu:identity:account:default,urn:v1:eu:identity:user:default/john.smith"
    );
    let show = ok(admin(&data, &["credential", "show", &id]));
    assert!(show.contains(&format!("id: {id}\ndomain: {domain}\nname: backup\n")), "{show}");
    assert!(show.contains("description: the backup appliance\nstatus: active\n"), "{show}");
    assert!(show.ends_with(std::str::from_utf8(&cert_pem).unwrap()), "{show}");

    assert_eq!(ok(admin(&data, &["credential", "revoke", &id])), "");
    let list = ok(admin(&data, &["credential", "list", "--domain", &domain]));
    assert!(list.contains("\trevoked\t"), "{list}");
    let show = ok(admin(&data, &["credential", "show", &id]));
    assert!(show.contains("status: revoked\n") && show.contains("revoked: "), "{show}");

    let e = refused(admin(&data, &["credential", "show", "0b5c1f1e-0000-4000-8000-000000000000"]));
    assert!(e.contains("does not exist"), "{e}");
    let e = refused(admin(&data, &["credential", "revoke", "nope"]));
    assert!(e.contains("does not exist"), "{e}");
    // The files are never overwritten.
    let e = refused(admin(
        &data,
        &[
            "credential",
            "create",
            "--domain",
            &domain,
            "--name",
            "again",
            "--identity",
            "urn:v1:eu:identity:account:default",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    ));
    assert!(e.contains("already exists"), "{e}");
    assert_eq!(credential_count(&data, &domain).await, 1);
}

#[tokio::test]
async fn a_credential_from_a_csr_certifies_the_csr_key() {
    let (dir, data, domain) = with_domain().await;
    let out_dir = dir.path().join("from-csr");
    let csr = pki_fixture("p521.csr");
    let id = ok(admin(
        &data,
        &[
            "credential",
            "create",
            "--domain",
            &domain,
            "--name",
            "vsphere",
            "--identity",
            "urn:v1:eu:identity:account:default",
            "--csr",
            csr.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
    ));
    let id = id.trim_end();
    assert!(!out_dir.join("key.pem").exists(), "no key is made for a CSR");
    let der =
        keyward_pki::pem::certificates_from_pem(&std::fs::read(out_dir.join("cert.pem")).unwrap())
            .unwrap()
            .remove(0);
    let csr_der = keyward_pki::pem::csr_from_pem(&std::fs::read(&csr).unwrap()).unwrap();
    let (_, x509) = X509Certificate::from_der(&der).unwrap();
    let (_, request) =
        x509_parser::certification_request::X509CertificationRequest::from_der(csr_der.as_ref())
            .unwrap();
    assert_eq!(x509.public_key().raw, request.certification_request_info.subject_pki.raw);
    assert_eq!(PeerIdentity::from_der(&der).unwrap().credential_id.to_string(), id);
    // 365 days by default.
    let days =
        (x509.validity().not_after.timestamp() - x509.validity().not_before.timestamp()) / 86_400;
    assert_eq!(days, 365);
}

/// A PEM CSR whose signature no longer verifies.
fn tampered_csr(dir: &Path) -> std::path::PathBuf {
    let pem = std::fs::read(pki_fixture("p521.csr")).unwrap();
    let mut der = keyward_pki::pem::csr_from_pem(&pem).unwrap().as_ref().to_vec();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
    let mut text = String::from("-----BEGIN CERTIFICATE REQUEST-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        text.push_str(std::str::from_utf8(chunk).unwrap());
        text.push('\n');
    }
    text.push_str("-----END CERTIFICATE REQUEST-----\n");
    let path = dir.join("tampered.csr");
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn bad_credential_requests_are_refused_and_change_nothing() {
    let (dir, data, domain) = with_domain().await;
    let not_pem = dir.path().join("not.csr");
    std::fs::write(&not_pem, "hello, I am not a CSR\n").unwrap();
    let tampered = tampered_csr(dir.path());
    let weak = pki_fixture("weak.csr");
    let good_urn = "urn:v1:eu:identity:account:default";
    let out_dir = dir.path().join("out");
    let out = out_dir.to_str().unwrap();

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--domain", &domain, "--identity", good_urn, "--csr", not_pem.to_str().unwrap()],
            "not PEM",
        ),
        (
            vec!["--domain", &domain, "--identity", good_urn, "--csr", tampered.to_str().unwrap()],
            "signature does not verify",
        ),
        (
            vec!["--domain", &domain, "--identity", good_urn, "--csr", weak.to_str().unwrap()],
            "weak key: RSA 1024-bit",
        ),
        (
            vec!["--domain", &domain, "--identity", good_urn, "--csr", "/nonexistent.csr"],
            "cannot read the CSR",
        ),
        (
            vec!["--domain", "0b5c1f1e-0000-4000-8000-000000000000", "--identity", good_urn],
            "does not exist",
        ),
        (vec!["--domain", "not-a-uuid", "--identity", good_urn], "is not a domain id"),
        (
            vec!["--domain", &domain, "--identity", "urn:v1:eu:identity:robot:x"],
            "is not an identity URN",
        ),
        (
            vec!["--domain", &domain, "--identity", good_urn, "--identity", "admin"],
            "is not an identity URN",
        ),
        (vec!["--domain", &domain, "--identity", good_urn, "--validity-days", "0"], "valid"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["credential", "create", "--name", "x", "--out", out];
        args.extend(extra.iter().copied());
        let e = refused(admin(&data, &args));
        assert!(e.contains(message), "{args:?}: expected {message:?} in {e}");
        assert!(e.starts_with("error: "), "{e}");
        assert!(!out_dir.exists(), "{args:?}: nothing written");
    }
    // A missing --identity is a command-line error (exit 2).
    let out =
        admin(&data, &["credential", "create", "--domain", &domain, "--name", "x", "--out", out]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(credential_count(&data, &domain).await, 0, "the store is unchanged");
}

#[tokio::test]
async fn tokens_are_printed_once_and_stored_hashed() {
    let (_dir, data, _) = with_domain().await;
    let token = ok(admin(&data, &["token", "create", "--account", "default"]));
    let token = token.trim_end();
    assert!(token.starts_with("kw_") && token.len() == 67, "{token}");
    let d = open(&data).await;
    let found = d.store().find_api_token(token.as_bytes()).await.unwrap().unwrap();
    assert_eq!(found.account_id, "default");
    d.close().await;
    let e = refused(admin(&data, &["token", "create", "--account", "nobody"]));
    assert!(e.contains("account \"nobody\" does not exist"), "{e}");
}

#[test]
fn admin_commands_create_no_deployment() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("typo");
    let e = refused(admin(&data, &["account", "list"]));
    assert!(e.contains("master key"), "{e}");
    assert!(!data.exists());
    // A bad configuration file is a clear error.
    let config = dir.path().join("keyward.toml");
    std::fs::write(&config, "kmip_adr = \"127.0.0.1:1\"\n").unwrap();
    let out =
        keyward().args(["admin", "account", "list", "--config"]).arg(&config).output().unwrap();
    let e = refused(out);
    assert!(e.contains("keyward.toml") && e.contains("kmip_adr"), "{e}");
}
