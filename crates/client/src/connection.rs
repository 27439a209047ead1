//! One kept-alive KMIP connection.

use std::sync::Arc;

use keyward_kmip::message::{RequestMessage, ResponseMessage};
use keyward_ttlv::binary::{self, HEADER_LEN};
use keyward_ttlv::{Limits, Ttlv};
use rustls::ClientConfig;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::ClientError;

/// A KMIP connection over mutual TLS: one request at a time.
#[derive(Debug)]
pub struct Connection {
    stream: TlsStream<TcpStream>,
    limits: Limits,
}

impl Connection {
    /// Connects to `address` (`host:port`) and completes the TLS handshake.
    /// The host part is the name checked in the server's certificate.
    ///
    /// # Errors
    /// [`ClientError::ServerName`] for an address without a usable host,
    /// [`ClientError::Io`] when the connection or the handshake fails.
    pub async fn connect(address: &str, tls: &Arc<ClientConfig>) -> Result<Self, ClientError> {
        let host = host_of(address);
        let name = ServerName::try_from(host.to_owned())
            .map_err(|_| ClientError::ServerName(address.to_owned()))?;
        let tcp = TcpStream::connect(address).await?;
        tcp.set_nodelay(true)?;
        let stream = TlsConnector::from(tls.clone()).connect(name, tcp).await?;
        Ok(Self { stream, limits: Limits::default() })
    }

    /// The TLS session: protocol version, whether it was resumed, the peer's certificates.
    pub fn tls(&self) -> &rustls::ClientConnection {
        self.stream.get_ref().1
    }

    /// Sends `request` and reads its response message.
    ///
    /// # Errors
    /// As [`Connection::call_ttlv`], and [`ClientError::Model`] when the answer
    /// is not a response message.
    pub async fn call(&mut self, request: &RequestMessage) -> Result<ResponseMessage, ClientError> {
        let response = self.call_ttlv(&request.to_ttlv()).await?;
        Ok(ResponseMessage::from_ttlv(response)?)
    }

    /// Sends one TTLV item and reads one back.
    ///
    /// # Errors
    /// [`ClientError::Io`] when the connection fails, [`ClientError::Closed`]
    /// when the server closes it, [`ClientError::Decode`] for invalid TTLV.
    pub async fn call_ttlv(&mut self, request: &Ttlv) -> Result<Ttlv, ClientError> {
        let bytes = self.call_bytes(&binary::encode(request)).await?;
        Ok(binary::decode(&bytes, &self.limits)?)
    }

    /// Sends raw bytes (a whole message, or anything a test wants to try) and
    /// reads one TTLV frame back, undecoded.
    ///
    /// # Errors
    /// As [`Connection::call_ttlv`].
    pub async fn call_bytes(&mut self, request: &[u8]) -> Result<Vec<u8>, ClientError> {
        self.send_bytes(request).await?;
        self.read_frame().await
    }

    /// Writes raw bytes without waiting for an answer.
    ///
    /// # Errors
    /// [`ClientError::Io`] when the connection fails.
    pub async fn send_bytes(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        self.stream.write_all(bytes).await?;
        self.stream.flush().await?;
        Ok(())
    }

    /// Reads one TTLV frame (header and value), undecoded.
    ///
    /// # Errors
    /// [`ClientError::Closed`] when the server closed the connection first.
    pub async fn read_frame(&mut self) -> Result<Vec<u8>, ClientError> {
        read_frame(&mut self.stream, &self.limits).await
    }

    /// Closes the connection with a TLS close_notify.
    ///
    /// # Errors
    /// [`ClientError::Io`] when the close fails.
    pub async fn close(mut self) -> Result<(), ClientError> {
        self.stream.shutdown().await?;
        Ok(())
    }
}

/// Reads one frame: the 8-byte header says how many bytes follow.
async fn read_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
    limits: &Limits,
) -> Result<Vec<u8>, ClientError> {
    let mut header = [0u8; HEADER_LEN];
    match reader.read_exact(&mut header).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Err(ClientError::Closed),
        Err(e) => return Err(e.into()),
    }
    let len = binary::read_header(&header)?.frame_len(limits)?;
    let mut frame = vec![0u8; len];
    frame[..HEADER_LEN].copy_from_slice(&header);
    reader.read_exact(&mut frame[HEADER_LEN..]).await?;
    Ok(frame)
}

/// The host part of `host:port`, `[v6]:port` or a bare host.
fn host_of(address: &str) -> &str {
    if let Some(rest) = address.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match address.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.chars().all(|c| c.is_ascii_digit()) => {
            host
        }
        _ => address,
    }
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn host_is_taken_from_every_address_form() {
        assert_eq!(host_of("127.0.0.1:5696"), "127.0.0.1");
        assert_eq!(host_of("[::1]:5696"), "::1");
        assert_eq!(host_of("localhost:5696"), "localhost");
        assert_eq!(host_of("kms.example"), "kms.example");
    }
}
