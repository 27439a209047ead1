//! One KMIP connection: handshake, authenticate, then request after request.

use std::sync::Arc;

use keyward_ttlv::binary::{self, HEADER_LEN};
use keyward_ttlv::{Limits, Version};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;

use super::KmipLimits;
use super::auth::Session;
use super::dispatch::{Dispatcher, invalid_message};
use super::handshakes::{HandshakePass, Handshakes};

/// What a connection shares with the listener.
pub(crate) struct Shared {
    pub acceptor: TlsAcceptor,
    pub dispatcher: Dispatcher,
    pub kms: keyward_core::Kms,
    pub limits: KmipLimits,
    pub handshakes: Arc<Handshakes>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("limits", &self.limits).finish_non_exhaustive()
    }
}

/// Resolves once the listener asks connections to drain.
async fn draining(drain: &mut watch::Receiver<bool>) {
    let _ = drain.wait_for(|draining| *draining).await;
}

/// Why a connection ended; logged once.
#[derive(Debug)]
enum End {
    Closed,
    Idle,
    Draining,
    Refused(String),
    Broken(String),
}

/// Serves one accepted TCP connection to its end.
pub(crate) async fn serve(
    tcp: TcpStream,
    peer: std::net::SocketAddr,
    shared: Arc<Shared>,
    drain: watch::Receiver<bool>,
    handshake: HandshakePass,
) {
    let end = serve_inner(tcp, &shared, drain, handshake).await;
    match end {
        End::Refused(reason) => tracing::warn!(%peer, "KMIP connection refused: {reason}"),
        End::Broken(reason) => tracing::debug!(%peer, "KMIP connection ended: {reason}"),
        End::Closed | End::Idle | End::Draining => {
            tracing::debug!(%peer, "KMIP connection closed ({end:?})");
        }
    }
}

async fn serve_inner(
    tcp: TcpStream,
    shared: &Shared,
    mut drain: watch::Receiver<bool>,
    handshake: HandshakePass,
) -> End {
    let _ = tcp.set_nodelay(true);
    let limits = shared.limits;
    let accepted = timeout(limits.handshake_timeout, shared.acceptor.accept(tcp)).await;
    drop(handshake);
    let mut stream = match accepted {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => return End::Refused(format!("TLS handshake failed: {e}")),
        Err(_) => return End::Refused("TLS handshake timed out".to_owned()),
    };
    let mut session = match Session::open(&shared.kms, stream.get_ref().1.peer_certificates()).await
    {
        Ok(session) => session,
        Err(e) => {
            let _ = stream.shutdown().await;
            return End::Refused(e.to_string());
        }
    };
    let frame_limits = Limits { max_message_size: limits.max_message_size, ..Limits::default() };

    loop {
        // Wait for the next message's header, or for idleness or shutdown.
        let mut header = [0u8; HEADER_LEN];
        let read = tokio::select! {
            read = timeout(limits.idle_timeout, stream.read_exact(&mut header)) => read,
            () = draining(&mut drain) => {
                let _ = stream.shutdown().await;
                return End::Draining;
            }
        };
        match read {
            Ok(Ok(_)) => {}
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => return End::Closed,
            Ok(Err(e)) => return End::Broken(e.to_string()),
            Err(_) => {
                let _ = stream.shutdown().await;
                return End::Idle;
            }
        }
        let frame_len = match binary::read_header(&header).and_then(|h| h.frame_len(&frame_limits))
        {
            Ok(len) => len,
            Err(e) => {
                // The framing cannot be trusted any more: answer, then close.
                let answer = invalid_message(
                    Version::V1_4,
                    &format!("cannot read the message: {e}; closing the connection"),
                );
                let _ = stream.write_all(&answer).await;
                let _ = stream.shutdown().await;
                return End::Broken(format!("unreadable message header: {e}"));
            }
        };
        let mut frame = vec![0u8; frame_len];
        frame[..HEADER_LEN].copy_from_slice(&header);
        match timeout(limits.message_timeout, stream.read_exact(&mut frame[HEADER_LEN..])).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return End::Broken(format!("message cut short: {e}")),
            Err(_) => {
                let _ = stream.shutdown().await;
                return End::Broken("message not completed in time".to_owned());
            }
        }

        if let Err(e) = session.recheck(&shared.kms).await {
            let _ = stream.shutdown().await;
            return End::Refused(e.to_string());
        }
        let answer = shared.dispatcher.handle(&session.caller, &frame).await;
        let written = timeout(limits.write_timeout, async {
            stream.write_all(&answer).await?;
            stream.flush().await
        })
        .await;
        match written {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return End::Broken(e.to_string()),
            Err(_) => {
                return End::Broken("the client did not take the response in time".to_owned());
            }
        }
    }
}
