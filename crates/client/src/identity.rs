//! The client's certificate, key and trust anchor.

use std::path::Path;
use std::sync::Arc;

use keyward_pki::{pem, tls};
use rustls::ClientConfig;
use rustls_pki_types::CertificateDer;
use zeroize::Zeroizing;

use crate::ClientError;

/// An access credential as PEM: the client certificate chain, its private
/// key, and the CA that signed the server's certificate.
#[derive(Clone)]
pub struct ClientIdentity {
    chain: Vec<CertificateDer<'static>>,
    key_pem: Arc<Zeroizing<Vec<u8>>>,
    roots: Vec<CertificateDer<'static>>,
    options: tls::ClientTlsOptions,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("chain", &self.chain.len())
            .field("roots", &self.roots.len())
            .finish_non_exhaustive()
    }
}

impl ClientIdentity {
    /// Reads `cert` (the access certificate, PEM), `key` (its private key,
    /// PEM) and `ca` (the server's trust anchor, PEM).
    ///
    /// # Errors
    /// [`ClientError::ReadFile`] when a file cannot be read, [`ClientError::Pki`]
    /// when its content is not the PEM expected.
    pub fn from_pem_files(
        cert: impl AsRef<Path>,
        key: impl AsRef<Path>,
        ca: impl AsRef<Path>,
    ) -> Result<Self, ClientError> {
        Self::from_pem(&read(cert.as_ref())?, &read(key.as_ref())?, &read(ca.as_ref())?)
    }

    /// The same from PEM text in memory.
    ///
    /// # Errors
    /// [`ClientError::Pki`] when a PEM block is missing or malformed.
    pub fn from_pem(cert: &[u8], key: &[u8], ca: &[u8]) -> Result<Self, ClientError> {
        let chain = pem::certificates_from_pem(cert)?;
        // Parse once now so that a bad key is reported here, not at connect time.
        pem::private_key_from_pem(key)?;
        let roots = pem::certificates_from_pem(ca)?;
        Ok(Self {
            chain,
            key_pem: Arc::new(Zeroizing::new(key.to_vec())),
            roots,
            options: tls::ClientTlsOptions::default(),
        })
    }

    /// The same identity with other TLS options (versions, resumption).
    pub fn with_options(mut self, options: tls::ClientTlsOptions) -> Self {
        self.options = options;
        self
    }

    /// A rustls configuration presenting this identity. Build it once and
    /// share it between connections: it holds the TLS session cache used for
    /// resumption.
    ///
    /// # Errors
    /// [`ClientError::Pki`] when the key does not match the certificate.
    pub fn tls_config(&self) -> Result<Arc<ClientConfig>, ClientError> {
        let key = pem::private_key_from_pem(&self.key_pem)?;
        let certified = tls::certified_key(self.chain.clone(), &key)?;
        Ok(Arc::new(tls::client_config(&self.roots, Some(certified), &self.options)?))
    }
}

fn read(path: &Path) -> Result<Vec<u8>, ClientError> {
    std::fs::read(path)
        .map_err(|source| ClientError::ReadFile { path: path.display().to_string(), source })
}
