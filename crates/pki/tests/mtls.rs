//! Real mutual-TLS handshakes over loopback with tokio-rustls and the configurations of
//! `keyward_pki::tls`: who gets in, what the server learns about them, and session resumption.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::{Pki, client_identity, client_identity_for};
use keyward_pki::access::AccessCertificateRequest;
use keyward_pki::ca::{CertificateAuthority, USERS_CA_NAME};
use keyward_pki::identity::PeerIdentity;
use keyward_pki::tls::{self, ClientTlsOptions, ServerTlsOptions, TlsVersions};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, HandshakeKind, ProtocolVersion, ServerConfig};
use rustls_pki_types::ServerName;
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::{TlsAcceptor, TlsConnector};
use uuid::Uuid;

const TIMEOUT: Duration = Duration::from_secs(20);

/// What the server saw of one connection.
#[derive(Debug)]
struct Seen {
    identity: Result<PeerIdentity, String>,
    kind: Option<HandshakeKind>,
    version: Option<ProtocolVersion>,
}

/// Starts a server on a free loopback port: every connection is handshaken, reported on the
/// channel (or its error is), then answers "ping" with "pong".
async fn serve(
    config: ServerConfig,
) -> (SocketAddr, mpsc::UnboundedReceiver<Result<Seen, String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let acceptor = acceptor.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut tls = match acceptor.accept(tcp).await {
                    Ok(tls) => tls,
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                        return;
                    }
                };
                let conn = tls.get_ref().1;
                let seen = Seen {
                    identity: PeerIdentity::from_peer_certificates(conn.peer_certificates())
                        .map_err(|e| e.to_string()),
                    kind: conn.handshake_kind(),
                    version: conn.protocol_version(),
                };
                let mut buf = [0u8; 4];
                let result = async {
                    tls.read_exact(&mut buf).await?;
                    assert_eq!(&buf, b"ping");
                    tls.write_all(b"pong").await?;
                    tls.flush().await?;
                    tls.shutdown().await
                }
                .await;
                let _ = tx.send(match result {
                    Ok(()) => Ok(seen),
                    Err(e) => Err(format!("after handshake: {e}")),
                });
            });
        }
    });
    (addr, rx)
}

/// Connects, sends "ping", expects "pong"; returns how the client's handshake went.
async fn exchange(
    config: &Arc<ClientConfig>,
    addr: SocketAddr,
) -> Result<(HandshakeKind, ProtocolVersion), String> {
    let run = async {
        let tcp = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
        let name = ServerName::try_from("localhost").unwrap();
        let mut tls = TlsConnector::from(config.clone())
            .connect(name, tcp)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        tls.write_all(b"ping").await.map_err(|e| format!("write: {e}"))?;
        tls.flush().await.map_err(|e| format!("flush: {e}"))?;
        let mut buf = [0u8; 4];
        // Pitfall 3: with TLS 1.3 a refused client certificate shows up here, on first read.
        tls.read_exact(&mut buf).await.map_err(|e| format!("read: {e}"))?;
        if &buf != b"pong" {
            return Err(format!("unexpected reply {buf:?}"));
        }
        let conn = tls.get_ref().1;
        let out = (conn.handshake_kind().unwrap(), conn.protocol_version().unwrap());
        let _ = tls.shutdown().await;
        Ok(out)
    };
    tokio::time::timeout(TIMEOUT, run).await.map_err(|_| "timed out".to_string())?
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Result<Seen, String>>) -> Result<Seen, String> {
    tokio::time::timeout(TIMEOUT, rx.recv()).await.unwrap().unwrap()
}

fn client(
    pki: &Pki,
    identity: Option<Arc<CertifiedKey>>,
    versions: TlsVersions,
) -> Arc<ClientConfig> {
    let options = ClientTlsOptions { versions, ..Default::default() };
    Arc::new(tls::client_config(&pki.server_roots(), identity, &options).unwrap())
}

fn kmip(pki: &Pki, options: &ServerTlsOptions) -> ServerConfig {
    tls::kmip_server_config(pki.server_certified_key(), &pki.users_roots(), options).unwrap()
}

#[tokio::test]
async fn access_certificate_gets_in_and_is_identified() {
    let pki = Pki::new();
    let (addr, mut seen) = serve(kmip(&pki, &ServerTlsOptions::default())).await;
    let (identity, credential, domain) = client_identity(&pki.users_ca);

    let (kind, version) =
        exchange(&client(&pki, Some(identity), TlsVersions::default()), addr).await.unwrap();
    assert_eq!(kind, HandshakeKind::Full);
    assert_eq!(version, ProtocolVersion::TLSv1_3);

    let server_side = next(&mut seen).await.unwrap();
    let peer = server_side.identity.unwrap();
    assert_eq!(peer.credential_id, credential);
    assert_eq!(peer.domain_id, domain);
    assert!(peer.is_valid_at(OffsetDateTime::now_utc()));
    assert_eq!(server_side.kind, Some(HandshakeKind::Full));
}

#[tokio::test]
async fn certificate_from_another_ca_is_refused() {
    let pki = Pki::new();
    let (addr, mut seen) = serve(kmip(&pki, &ServerTlsOptions::default())).await;
    // Same name as the real users CA, different key.
    let rogue_ca = CertificateAuthority::create(USERS_CA_NAME).unwrap();
    for versions in [TlsVersions::Tls13Only, TlsVersions::Tls12Only] {
        let (rogue, _, _) = client_identity(&rogue_ca);
        let err = exchange(&client(&pki, Some(rogue), versions), addr).await.unwrap_err();
        assert!(err.contains("UnknownCA") || err.contains("alert"), "{versions:?}: {err}");
        // Same subject as the trusted CA, so the chain is built and its signature fails.
        let server_err = next(&mut seen).await.unwrap_err();
        assert!(server_err.contains("invalid peer certificate"), "{server_err}");
    }
    // A certificate of the *server* CA is no access certificate either.
    let (wrong_ca, _, _) = client_identity(&pki.server_ca);
    assert!(exchange(&client(&pki, Some(wrong_ca), TlsVersions::default()), addr).await.is_err());
    assert!(next(&mut seen).await.is_err());
}

#[tokio::test]
async fn client_without_certificate_is_refused() {
    let pki = Pki::new();
    let (addr, mut seen) = serve(kmip(&pki, &ServerTlsOptions::default())).await;

    // TLS 1.3: the client's handshake completes; the refusal arrives on the first read.
    let err = exchange(&client(&pki, None, TlsVersions::Tls13Only), addr).await.unwrap_err();
    assert!(err.starts_with("read:"), "{err}");
    assert!(err.contains("CertificateRequired"), "{err}");
    let server_err = next(&mut seen).await.unwrap_err();
    assert!(server_err.contains("peer sent no certificates"), "{server_err}");

    // TLS 1.2: refused during the handshake itself.
    let err = exchange(&client(&pki, None, TlsVersions::Tls12Only), addr).await.unwrap_err();
    assert!(err.starts_with("connect:") || err.starts_with("read:"), "{err}");
    assert!(next(&mut seen).await.is_err());
}

#[tokio::test]
async fn expired_access_certificate_is_refused() {
    let pki = Pki::new();
    let (addr, mut seen) = serve(kmip(&pki, &ServerTlsOptions::default())).await;
    let long_ago = OffsetDateTime::now_utc() - time::Duration::days(10);
    let request = AccessCertificateRequest::new(Uuid::new_v4(), Uuid::new_v4())
        .with_not_before(long_ago)
        .with_validity_days(1);
    let (expired, _, _) = client_identity_for(&pki.users_ca, request);
    assert!(exchange(&client(&pki, Some(expired), TlsVersions::default()), addr).await.is_err());
    let server_err = next(&mut seen).await.unwrap_err();
    assert!(server_err.contains("certificate expired"), "{server_err}");
}

#[tokio::test]
async fn tls12_only_client_works() {
    let pki = Pki::new();
    let (addr, mut seen) = serve(kmip(&pki, &ServerTlsOptions::default())).await;
    let (identity, credential, domain) = client_identity(&pki.users_ca);
    let (kind, version) =
        exchange(&client(&pki, Some(identity), TlsVersions::Tls12Only), addr).await.unwrap();
    assert_eq!((kind, version), (HandshakeKind::Full, ProtocolVersion::TLSv1_2));
    let server_side = next(&mut seen).await.unwrap();
    assert_eq!(server_side.version, Some(ProtocolVersion::TLSv1_2));
    let peer = server_side.identity.unwrap();
    assert_eq!((peer.credential_id, peer.domain_id), (credential, domain));
}

/// Two connections with the same client configuration: the second resumes, on both sides, and
/// the server still knows who the client is.
async fn assert_resumes(server_options: ServerTlsOptions, versions: TlsVersions) {
    let pki = Pki::new();
    let (addr, mut seen) = serve(kmip(&pki, &server_options)).await;
    let (identity, credential, domain) = client_identity(&pki.users_ca);
    let config = client(&pki, Some(identity), versions);

    let (first, _) = exchange(&config, addr).await.unwrap();
    assert_eq!(first, HandshakeKind::Full);
    assert_eq!(next(&mut seen).await.unwrap().kind, Some(HandshakeKind::Full));

    let (second, _) = exchange(&config, addr).await.unwrap();
    assert_eq!(second, HandshakeKind::Resumed, "{versions:?} {server_options:?}");
    let server_side = next(&mut seen).await.unwrap();
    assert_eq!(server_side.kind, Some(HandshakeKind::Resumed));
    let peer = server_side.identity.unwrap();
    assert_eq!((peer.credential_id, peer.domain_id), (credential, domain));
}

#[tokio::test]
async fn second_connection_resumes_with_tickets() {
    assert_resumes(ServerTlsOptions::default(), TlsVersions::Tls13Only).await;
    assert_resumes(ServerTlsOptions::default(), TlsVersions::Tls12Only).await;
}

#[tokio::test]
async fn second_connection_resumes_from_the_session_cache() {
    let stateful = ServerTlsOptions { session_tickets: false, ..Default::default() };
    assert_resumes(stateful.clone(), TlsVersions::Tls13Only).await;
    assert_resumes(stateful, TlsVersions::Tls12Only).await;
}

#[tokio::test]
async fn without_cache_or_tickets_nothing_resumes() {
    let pki = Pki::new();
    let options =
        ServerTlsOptions { session_tickets: false, session_cache_size: 0, ..Default::default() };
    let (addr, mut seen) = serve(kmip(&pki, &options)).await;
    let (identity, _, _) = client_identity(&pki.users_ca);
    let config = client(&pki, Some(identity), TlsVersions::default());
    for _ in 0..2 {
        assert_eq!(exchange(&config, addr).await.unwrap().0, HandshakeKind::Full);
        next(&mut seen).await.unwrap();
    }
}

#[tokio::test]
async fn https_config_makes_the_client_certificate_optional() {
    let pki = Pki::new();
    let config = tls::https_server_config(
        pki.server_certified_key(),
        &pki.users_roots(),
        &Default::default(),
    )
    .unwrap();
    let (addr, mut seen) = serve(config).await;

    // No certificate: admitted, and the server knows there is none.
    exchange(&client(&pki, None, TlsVersions::default()), addr).await.unwrap();
    let anonymous = next(&mut seen).await.unwrap();
    assert!(anonymous.identity.unwrap_err().contains("no certificate"));

    // An access certificate: admitted and identified.
    let (identity, credential, _) = client_identity(&pki.users_ca);
    exchange(&client(&pki, Some(identity), TlsVersions::default()), addr).await.unwrap();
    assert_eq!(next(&mut seen).await.unwrap().identity.unwrap().credential_id, credential);

    // A certificate from another CA: refused, not silently treated as anonymous.
    let rogue_ca = CertificateAuthority::create(USERS_CA_NAME).unwrap();
    let (rogue, _, _) = client_identity(&rogue_ca);
    assert!(exchange(&client(&pki, Some(rogue), TlsVersions::default()), addr).await.is_err());
    assert!(next(&mut seen).await.is_err());
}

#[tokio::test]
async fn client_refuses_a_server_it_does_not_trust() {
    let pki = Pki::new();
    let (addr, _seen) = serve(kmip(&pki, &ServerTlsOptions::default())).await;
    let other = Pki::new();
    let (identity, _, _) = client_identity(&pki.users_ca);
    // Trusts another deployment's server CA.
    let config = Arc::new(
        tls::client_config(&other.server_roots(), Some(identity), &Default::default()).unwrap(),
    );
    let err = exchange(&config, addr).await.unwrap_err();
    assert!(err.starts_with("connect: invalid peer certificate"), "{err}");
}

#[test]
fn configuration_errors_are_reported() {
    let pki = Pki::new();
    assert!(matches!(
        tls::kmip_server_config(pki.server_certified_key(), &[], &Default::default()),
        Err(keyward_pki::Error::InvalidCertificate { .. })
    ));
    assert!(matches!(
        tls::client_config(&[], None, &Default::default()),
        Err(keyward_pki::Error::InvalidCertificate { .. })
    ));
    assert!(matches!(
        tls::certified_key(vec![], &pki.server.private_key()),
        Err(keyward_pki::Error::InvalidCertificate { .. })
    ));
    let alpn = ServerTlsOptions { alpn_protocols: vec![b"h2".to_vec()], ..Default::default() };
    let config =
        tls::https_server_config(pki.server_certified_key(), &pki.users_roots(), &alpn).unwrap();
    assert_eq!(config.alpn_protocols, [b"h2".to_vec()]);
}
