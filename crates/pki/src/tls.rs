//! rustls configurations for Keyward's listeners and for its clients.
//!
//! Every configuration is built with the aws-lc-rs provider passed explicitly
//! (`builder_with_provider`), so it works whichever providers other crates compile in, and
//! offers TLS 1.2 and 1.3 unless told otherwise.
//!
//! - [`kmip_server_config`]: port 5696; a client certificate chaining to the users CA is
//!   **required** (KMIP has no other authentication).
//! - [`https_server_config`]: the REST/console address; a client certificate is **asked for but
//!   optional** (data-plane routes then require a certificate or a token, the control plane a
//!   token).
//! - [`client_config`]: for tests and CLI tools, trusting the server CA and optionally presenting
//!   an access certificate.
//!
//! Both server configurations resume sessions: a stateful in-memory cache (TLS 1.2 session ids,
//! TLS 1.3 stateful tickets) and, unless disabled, stateless tickets encrypted under a
//! rotating in-memory key. A resumed connection carries the peer certificate of the original
//! handshake, so the server must still look the credential up (revocation, expiry) on every
//! connection. Tickets are per process: in a scale-out deployment a client resuming on another
//! node falls back to a full handshake.
//!
//! How client certificates are checked is a [`ClientAuth`] value, so further policies (such as
//! accepting pinned self-signed client certificates, which vSphere can present) can be added as
//! variants without changing callers.

use std::sync::Arc;

use rustls::client::Resumption;
use rustls::crypto::CryptoProvider;
use rustls::server::danger::ClientCertVerifier;
use rustls::server::{ServerSessionMemoryCache, WebPkiClientVerifier};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::version::{TLS12, TLS13};
use rustls::{ClientConfig, RootCertStore, ServerConfig, SupportedProtocolVersion};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::{Error, Result};

/// The crypto provider every configuration of this crate uses: rustls' aws-lc-rs provider.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Which TLS versions to offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsVersions {
    /// TLS 1.2 and TLS 1.3 (the default).
    #[default]
    Tls12AndTls13,
    /// TLS 1.2 only (for testing older clients' paths).
    Tls12Only,
    /// TLS 1.3 only.
    Tls13Only,
}

impl TlsVersions {
    fn versions(self) -> &'static [&'static SupportedProtocolVersion] {
        static BOTH: [&SupportedProtocolVersion; 2] = [&TLS13, &TLS12];
        static ONLY_12: [&SupportedProtocolVersion; 1] = [&TLS12];
        static ONLY_13: [&SupportedProtocolVersion; 1] = [&TLS13];
        match self {
            TlsVersions::Tls12AndTls13 => &BOTH,
            TlsVersions::Tls12Only => &ONLY_12,
            TlsVersions::Tls13Only => &ONLY_13,
        }
    }
}

/// How a server checks client certificates.
///
/// The enum is `#[non_exhaustive]` so that a policy such as "chains to the users CA **or** is one
/// of these pinned self-signed certificates" (what vSphere's self-made client certificates
/// need) can be added as a variant, implemented by a verifier wrapping rustls'
/// `WebPkiClientVerifier`, without changing any caller.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ClientAuth {
    /// A client certificate is required and must chain to one of `roots` (the users CA).
    Required {
        /// Trust anchors for client certificates.
        roots: Vec<CertificateDer<'static>>,
    },
    /// A client certificate is asked for; if one is sent it must chain to one of `roots`, but
    /// a client may also connect without one.
    Optional {
        /// Trust anchors for client certificates.
        roots: Vec<CertificateDer<'static>>,
    },
}

impl ClientAuth {
    fn verifier(&self, provider: &Arc<CryptoProvider>) -> Result<Arc<dyn ClientCertVerifier>> {
        let (roots, optional) = match self {
            ClientAuth::Required { roots } => (roots, false),
            ClientAuth::Optional { roots } => (roots, true),
        };
        let store = Arc::new(root_store(roots, "client-certificate trust anchor")?);
        let builder = WebPkiClientVerifier::builder_with_provider(store, provider.clone());
        let builder = if optional { builder.allow_unauthenticated() } else { builder };
        Ok(builder.build()?)
    }
}

/// Options of a server configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerTlsOptions {
    /// TLS versions offered.
    pub versions: TlsVersions,
    /// ALPN protocols, in preference order; empty means ALPN is not negotiated.
    pub alpn_protocols: Vec<Vec<u8>>,
    /// Sessions kept in the stateful resumption cache (0 disables it).
    pub session_cache_size: usize,
    /// Whether stateless session tickets are issued.
    pub session_tickets: bool,
}

impl Default for ServerTlsOptions {
    fn default() -> Self {
        Self {
            versions: TlsVersions::default(),
            alpn_protocols: Vec::new(),
            session_cache_size: 4096,
            session_tickets: true,
        }
    }
}

/// Options of a client configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientTlsOptions {
    /// TLS versions offered.
    pub versions: TlsVersions,
    /// ALPN protocols, in preference order; empty means none are offered.
    pub alpn_protocols: Vec<Vec<u8>>,
    /// Whether the client keeps sessions (in memory) to resume them.
    pub resumption: bool,
}

impl Default for ClientTlsOptions {
    fn default() -> Self {
        Self { versions: TlsVersions::default(), alpn_protocols: Vec::new(), resumption: true }
    }
}

/// Pairs a certificate chain (end-entity first) with its private key, checking they match.
///
/// The key is borrowed: it is parsed into an aws-lc-rs key object and no copy of its DER is
/// kept.
///
/// # Errors
/// [`Error::InvalidCertificate`] for an empty chain, [`Error::InvalidKey`] when the key is not
/// usable or does not match the end-entity certificate.
pub fn certified_key(
    chain: Vec<CertificateDer<'static>>,
    key: &PrivateKeyDer<'_>,
) -> Result<Arc<CertifiedKey>> {
    if chain.is_empty() {
        return Err(Error::InvalidCertificate {
            what: "certificate chain",
            detail: "it is empty; the end-entity certificate comes first".into(),
        });
    }
    let signing_key = rustls::crypto::aws_lc_rs::sign::any_supported_type(key).map_err(|_| {
        Error::InvalidKey {
            what: "private key",
            detail: "it is not an RSA, ECDSA or Ed25519 key that TLS can use".into(),
        }
    })?;
    let certified = CertifiedKey::new(chain, signing_key);
    match certified.keys_match() {
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {}
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            return Err(Error::InvalidKey {
                what: "private key",
                detail: "it does not match the certificate's public key".into(),
            });
        }
        Err(e) => {
            return Err(Error::InvalidCertificate { what: "certificate", detail: e.to_string() });
        }
    }
    Ok(Arc::new(certified))
}

/// A server configuration presenting `server` and checking clients as `client_auth` says.
///
/// `server`'s chain should be the server certificate followed by the server CA certificate, so
/// that clients which "trust the KMS" by fetching its chain (vSphere) find the CA.
///
/// # Errors
/// [`Error::ClientVerifier`] when no trust anchor is usable, [`Error::Tls`] when rustls refuses
/// the versions or the ticketer cannot be created.
pub fn server_config(
    server: Arc<CertifiedKey>,
    client_auth: &ClientAuth,
    options: &ServerTlsOptions,
) -> Result<ServerConfig> {
    let provider = provider();
    let verifier = client_auth.verifier(&provider)?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(options.versions.versions())?
        .with_client_cert_verifier(verifier)
        .with_cert_resolver(Arc::new(SingleCertAndKey::from(server)));
    config.alpn_protocols = options.alpn_protocols.clone();
    config.session_storage = if options.session_cache_size > 0 {
        ServerSessionMemoryCache::new(options.session_cache_size)
    } else {
        Arc::new(rustls::server::NoServerSessionStorage {})
    };
    if options.session_tickets {
        config.ticketer = rustls::crypto::aws_lc_rs::Ticketer::new()?;
    }
    Ok(config)
}

/// The KMIP listener's configuration: client certificate **required**, chaining to
/// `users_ca_roots`.
///
/// # Errors
/// As [`server_config`].
pub fn kmip_server_config(
    server: Arc<CertifiedKey>,
    users_ca_roots: &[CertificateDer<'static>],
    options: &ServerTlsOptions,
) -> Result<ServerConfig> {
    server_config(server, &ClientAuth::Required { roots: users_ca_roots.to_vec() }, options)
}

/// The HTTPS listener's configuration: client certificate **optional**, verified against
/// `users_ca_roots` when sent.
///
/// # Errors
/// As [`server_config`].
pub fn https_server_config(
    server: Arc<CertifiedKey>,
    users_ca_roots: &[CertificateDer<'static>],
    options: &ServerTlsOptions,
) -> Result<ServerConfig> {
    server_config(server, &ClientAuth::Optional { roots: users_ca_roots.to_vec() }, options)
}

/// A client configuration trusting `server_ca_roots` and presenting `client` (an access
/// certificate and its key) when given.
///
/// # Errors
/// [`Error::InvalidCertificate`] when a root is unusable, [`Error::Tls`] when rustls refuses
/// the versions.
pub fn client_config(
    server_ca_roots: &[CertificateDer<'static>],
    client: Option<Arc<CertifiedKey>>,
    options: &ClientTlsOptions,
) -> Result<ClientConfig> {
    let roots = root_store(server_ca_roots, "server trust anchor")?;
    let builder = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(options.versions.versions())?
        .with_root_certificates(roots);
    let mut config = match client {
        Some(client) => builder.with_client_cert_resolver(Arc::new(SingleCertAndKey::from(client))),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = options.alpn_protocols.clone();
    if !options.resumption {
        config.resumption = Resumption::disabled();
    }
    Ok(config)
}

fn root_store(roots: &[CertificateDer<'static>], what: &'static str) -> Result<RootCertStore> {
    if roots.is_empty() {
        return Err(Error::InvalidCertificate {
            what,
            detail: "none was given; pass the CA certificate to trust".into(),
        });
    }
    let mut store = RootCertStore::empty();
    for root in roots {
        store
            .add(root.clone())
            .map_err(|e| Error::InvalidCertificate { what, detail: e.to_string() })?;
    }
    Ok(store)
}
