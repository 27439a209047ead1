//! Helpers shared by the KMIP integration tests of this crate: connecting with
//! an access credential, building request messages, reading one batch item.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

use std::sync::Arc;

use keyward_client::Connection;
use keyward_kmip::attributes::{Attribute, AttributeValue, Name, TemplateAttribute};
use keyward_kmip::enums::*;
use keyward_kmip::message::{
    ProtocolVersion, RequestBatchItem, RequestHeader, RequestMessage, ResponseBatchItem,
    ResponseMessage,
};
use keyward_kmip::operations::*;
use keyward_server::testing::{TestCredential, TestServer};
use keyward_ttlv::{Ttlv, Version};

/// A fresh connection presenting `credential`.
pub async fn connect(server: &TestServer, credential: &TestCredential) -> Connection {
    connect_with(server, &credential.identity.tls_config().unwrap()).await
}

/// A fresh connection with a prepared TLS configuration (which holds the
/// session cache used for resumption).
pub async fn connect_with(server: &TestServer, tls: &Arc<rustls::ClientConfig>) -> Connection {
    Connection::connect(&server.addr(), tls).await.unwrap()
}

/// A request message at `version` with one batch item per payload.
pub fn message(version: Version, items: Vec<RequestPayload>) -> RequestMessage {
    RequestMessage {
        header: RequestHeader::new(version.into()),
        batch_items: items.into_iter().map(RequestBatchItem::new).collect(),
    }
}

/// Sends `request` at `version` and returns its only batch item, checking
/// that the header answers at that version.
pub async fn call_one(
    connection: &mut Connection,
    version: Version,
    request: impl Into<RequestPayload>,
) -> ResponseBatchItem {
    let response = connection.call(&message(version, vec![request.into()])).await.unwrap();
    assert_eq!(response.header.protocol_version, ProtocolVersion::from(version));
    assert_eq!(response.batch_items.len(), 1, "{response:?}");
    response.batch_items.into_iter().next().unwrap()
}

/// Sends `request` and returns the raw response TTLV and its decoded form.
pub async fn call_raw(
    connection: &mut Connection,
    request: &RequestMessage,
) -> (Ttlv, ResponseMessage) {
    let raw = connection.call_ttlv(&request.to_ttlv()).await.unwrap();
    let decoded = ResponseMessage::from_ttlv(raw.clone()).unwrap();
    (raw, decoded)
}

/// The Result Reason of a failed item (panics on success).
pub fn failed(item: &ResponseBatchItem) -> ResultReason {
    assert_eq!(item.result_status, ResultStatus::OperationFailed, "{item:?}");
    item.result_reason.expect("a failure carries a Result Reason")
}

/// Extracts the payload variant `$variant` of a successful batch item.
#[macro_export]
macro_rules! payload {
    ($item:expr, $variant:ident) => {{
        let item = $item;
        assert_eq!(
            item.result_status,
            keyward_kmip::enums::ResultStatus::Success,
            "{}: {:?}",
            stringify!($variant),
            item
        );
        match item.payload {
            Some(keyward_kmip::operations::ResponsePayload::$variant(p)) => p,
            other => panic!("expected a {} payload, got {other:?}", stringify!($variant)),
        }
    }};
}

/// A text Name attribute.
pub fn name(value: &str) -> Attribute {
    Attribute::new(AttributeValue::Name(Name::text(value)))
}

/// A Cryptographic Usage Mask attribute from bits.
pub fn usage(bits: &[CryptographicUsageMask]) -> Attribute {
    Attribute::new(AttributeValue::CryptographicUsageMask(CryptographicUsageMask(
        bits.iter().fold(0, |mask, bit| mask | bit.0),
    )))
}

/// A Create request for a symmetric key.
pub fn symmetric(
    algorithm: CryptographicAlgorithm,
    bits: i32,
    mask: &[CryptographicUsageMask],
    mut extra: Vec<Attribute>,
) -> CreateRequest {
    let mut attributes = vec![
        Attribute::new(AttributeValue::CryptographicAlgorithm(algorithm)),
        Attribute::new(AttributeValue::CryptographicLength(bits)),
        usage(mask),
    ];
    attributes.append(&mut extra);
    CreateRequest {
        object_type: ObjectType::SymmetricKey,
        template_attribute: TemplateAttribute::from_attributes(attributes),
    }
}

/// A Create Key Pair request for RSA-`bits` keys, the private key named
/// `name` with `private_mask`, the public key with `public_mask`.
pub fn rsa_key_pair(
    bits: i32,
    name: &str,
    private_mask: &[CryptographicUsageMask],
    public_mask: &[CryptographicUsageMask],
) -> CreateKeyPairRequest {
    CreateKeyPairRequest {
        common_template_attribute: Some(TemplateAttribute::from_attributes(vec![
            Attribute::new(AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::RSA)),
            Attribute::new(AttributeValue::CryptographicLength(bits)),
        ])),
        private_key_template_attribute: Some(TemplateAttribute::from_attributes(vec![
            self::name(name),
            usage(private_mask),
        ])),
        public_key_template_attribute: Some(TemplateAttribute::from_attributes(vec![
            self::name(&format!("{name}.pub")),
            usage(public_mask),
        ])),
    }
}

/// The value of the first attribute called `name`.
pub fn attribute<'a>(attributes: &'a [Attribute], name: &str) -> Option<&'a AttributeValue> {
    attributes.iter().find(|a| a.name == name).map(|a| &a.value)
}
