//! The listener: accept, handshake, serve, drain.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use keyward_core::Kms;
use keyward_ttlv::Limits;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use super::connection::{self, Shared};
use super::dispatch::Dispatcher;
use super::handshakes::Handshakes;

/// Bounds on what a KMIP peer may hold or send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KmipLimits {
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Largest request message, in bytes.
    pub max_message_size: usize,
    /// Most batch items in one request message.
    pub max_batch_items: usize,
    /// Most bytes the items of one batch that can return much (objects,
    /// random bytes, lists) may add to its response; the items past it fail
    /// with Response Too Large.
    pub max_response_size: usize,
    /// A connection with no request for this long is closed.
    pub idle_timeout: Duration,
    /// A message whose header has arrived must arrive in full within this
    /// time, or the connection is closed.
    pub message_timeout: Duration,
    /// A response must be taken by the client within this time, or the
    /// connection is closed: a client that stops reading holds neither its
    /// connection nor a graceful shutdown for longer.
    pub write_timeout: Duration,
    /// The TLS handshake must finish within this time.
    pub handshake_timeout: Duration,
    /// Connections from one source address that may be in their TLS
    /// handshake at once; more are closed as soon as they are accepted, so
    /// that one host cannot hold every connection slot without a certificate.
    pub max_handshakes_per_ip: usize,
}

impl Default for KmipLimits {
    fn default() -> Self {
        Self {
            max_connections: 10_000,
            max_message_size: 1 << 20,
            max_batch_items: 1_000,
            max_response_size: 16 << 20,
            idle_timeout: Duration::from_secs(300),
            message_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            handshake_timeout: Duration::from_secs(10),
            max_handshakes_per_ip: 256,
        }
    }
}

/// A bound KMIP listener.
#[derive(Debug)]
pub struct KmipServer {
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
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
        let decode_limits =
            Limits { max_message_size: limits.max_message_size, ..Limits::default() };
        let shared = Arc::new(Shared {
            acceptor: TlsAcceptor::from(tls),
            dispatcher: Dispatcher::new(
                kms.clone(),
                decode_limits,
                limits.max_batch_items,
                limits.max_response_size,
            ),
            kms,
            limits,
            handshakes: Handshakes::new(limits.max_handshakes_per_ip),
        });
        Ok(Self { listener, shared })
    }

    /// The address actually bound (useful with port 0).
    ///
    /// # Errors
    /// When the socket has no local address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then stops accepting, lets every
    /// open connection finish the message it is serving, and returns once
    /// they have all closed.
    ///
    /// # Errors
    /// Never at present; the signature leaves room for fatal listener errors.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> std::io::Result<()> {
        let Self { listener, shared } = self;
        let slots = Arc::new(Semaphore::new(shared.limits.max_connections));
        let (drain_tx, drain_rx) = watch::channel(false);
        let mut connections = JoinSet::new();
        tokio::pin!(shutdown);

        loop {
            while connections.try_join_next().is_some() {}
            let slot = tokio::select! {
                slot = slots.clone().acquire_owned() => match slot {
                    Ok(slot) => slot,
                    Err(_) => break,
                },
                () = &mut shutdown => break,
            };
            let (tcp, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors and the like: back off, keep serving.
                        tracing::warn!("accepting a KMIP connection failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let Some(handshake) = shared.handshakes.begin(peer.ip()) else {
                tracing::debug!(%peer, "KMIP connection closed: too many handshakes from this address");
                continue;
            };
            let shared = shared.clone();
            let drain = drain_rx.clone();
            connections.spawn(async move {
                connection::serve(tcp, peer, shared, drain, handshake).await;
                drop(slot);
            });
        }

        drop(listener);
        tracing::info!("KMIP listener stopped; draining {} open connection(s)", connections.len());
        let _ = drain_tx.send(true);
        while connections.join_next().await.is_some() {}
        shared.kms.flush_audit().await;
        Ok(())
    }
}
