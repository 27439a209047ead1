//! Request and response messages (KMIP 1.4 §6 and §7).
//!
//! A [`RequestMessage`] is a [`RequestHeader`] and one or more
//! [`RequestBatchItem`]s, each holding a [`RequestPayload`] whose variant is
//! the operation; a [`ResponseMessage`] mirrors it with [`ResponseBatchItem`]s.
//! The Batch Count is not stored: it is written from, and checked against, the
//! number of batch items.
//!
//! A server should decode with [`RequestMessage::from_ttlv_per_item`], which
//! keeps going past a batch item it cannot decode so that only that item fails.
//!
//! ```
//! use keyward_kmip::message::{RequestMessage, RequestHeader, RequestBatchItem, ProtocolVersion};
//! use keyward_kmip::operations::{DiscoverVersionsRequest, RequestPayload};
//! use keyward_kmip::enums::Operation;
//!
//! let message = RequestMessage {
//!     header: RequestHeader::new(ProtocolVersion::new(1, 4)),
//!     batch_items: vec![RequestBatchItem::new(DiscoverVersionsRequest::default())],
//! };
//! let bytes = message.to_bytes();
//! let limits = keyward_ttlv::Limits::default();
//! let back = RequestMessage::from_ttlv(keyward_ttlv::binary::decode(&bytes, &limits).unwrap()).unwrap();
//! assert_eq!(back, message);
//! assert_eq!(back.batch_items[0].operation(), Operation::DiscoverVersions);
//! ```

use keyward_ttlv::spec::tags;
use keyward_ttlv::{Tag, Ttlv, Value, Version};

use crate::codec::{Bytes, DateTime, FromTtlv, ModelError, SecretText, StructReader, ToTtlv};
use crate::enums::*;
use crate::kmip_struct;
use crate::operations::{RequestPayload, ResponsePayload};

kmip_struct! {
    /// Protocol Version (KMIP 1.4 §6.1).
    #[derive(Copy, Hash)]
    pub struct ProtocolVersion {
        /// Protocol Version Major.
        req major: i32 => PROTOCOL_VERSION_MAJOR,
        /// Protocol Version Minor.
        req minor: i32 => PROTOCOL_VERSION_MINOR,
    }
}

impl ProtocolVersion {
    /// The version `major.minor`.
    pub const fn new(major: i32, minor: i32) -> Self {
        Self { major, minor }
    }

    /// The version as a [`Version`], if both numbers fit in a byte.
    pub fn version(self) -> Option<Version> {
        Some(Version::new(u8::try_from(self.major).ok()?, u8::try_from(self.minor).ok()?))
    }
}

impl From<Version> for ProtocolVersion {
    fn from(v: Version) -> Self {
        Self::new(i32::from(v.major), i32::from(v.minor))
    }
}

kmip_struct! {
    /// Nonce (KMIP 1.4 §2.1.14, since 1.2).
    pub struct Nonce {
        /// Nonce ID.
        req nonce_id: Bytes => NONCE_ID,
        /// Nonce Value.
        req nonce_value: Bytes => NONCE_VALUE,
    }
}

kmip_struct! {
    /// Credential Value of a Username and Password credential (KMIP 1.4 §2.1.2).
    pub struct UsernameAndPassword {
        /// Username.
        req username: String => USERNAME,
        /// Password.
        opt password: SecretText => PASSWORD,
    }
}

kmip_struct! {
    /// Credential Value of a Device credential (KMIP 1.4 §2.1.2, since 1.1).
    #[derive(Default)]
    pub struct DeviceCredential {
        /// Device Serial Number.
        opt device_serial_number: String => DEVICE_SERIAL_NUMBER,
        /// Password.
        opt password: SecretText => PASSWORD,
        /// Device Identifier.
        opt device_identifier: String => DEVICE_IDENTIFIER,
        /// Network Identifier.
        opt network_identifier: String => NETWORK_IDENTIFIER,
        /// Machine Identifier.
        opt machine_identifier: String => MACHINE_IDENTIFIER,
        /// Media Identifier.
        opt media_identifier: String => MEDIA_IDENTIFIER,
    }
}

kmip_struct! {
    /// Credential Value of an Attestation credential (KMIP 1.4 §2.1.2, since 1.2).
    pub struct AttestationCredential {
        /// Nonce.
        req nonce: Nonce => NONCE,
        /// Attestation Type.
        req attestation_type: AttestationType => ATTESTATION_TYPE,
        /// Attestation Measurement.
        opt attestation_measurement: Bytes => ATTESTATION_MEASUREMENT,
        /// Attestation Assertion.
        opt attestation_assertion: Bytes => ATTESTATION_ASSERTION,
    }
}

/// Credential (KMIP 1.4 §2.1.2): the Credential Value's structure is chosen by
/// the Credential Type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// Username and Password.
    UsernameAndPassword(UsernameAndPassword),
    /// Device.
    Device(DeviceCredential),
    /// Attestation.
    Attestation(AttestationCredential),
    /// An extension Credential Type, its value kept as received.
    Other {
        /// Credential Type.
        credential_type: CredentialType,
        /// Credential Value.
        value: Value,
    },
}

impl Credential {
    /// The Credential Type.
    pub fn credential_type(&self) -> CredentialType {
        match self {
            Self::UsernameAndPassword(_) => CredentialType::UsernameAndPassword,
            Self::Device(_) => CredentialType::Device,
            Self::Attestation(_) => CredentialType::Attestation,
            Self::Other { credential_type, .. } => *credential_type,
        }
    }
}

impl ToTtlv for Credential {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        let value_tag = tags::CREDENTIAL_VALUE;
        let value = match self {
            Self::UsernameAndPassword(v) => v.to_ttlv(value_tag),
            Self::Device(v) => v.to_ttlv(value_tag),
            Self::Attestation(v) => v.to_ttlv(value_tag),
            Self::Other { value, .. } => Ttlv::new(value_tag, value.clone()),
        };
        Ttlv::structure(tag, vec![self.credential_type().to_ttlv(tags::CREDENTIAL_TYPE), value])
    }
}

impl FromTtlv for Credential {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        let mut reader = StructReader::new(item)?;
        let credential_type: CredentialType = reader.required(tags::CREDENTIAL_TYPE)?;
        let value = reader
            .take_if(tags::CREDENTIAL_VALUE)
            .ok_or_else(|| reader.missing(tags::CREDENTIAL_VALUE))?;
        let credential = match credential_type {
            CredentialType::UsernameAndPassword => {
                Self::UsernameAndPassword(FromTtlv::from_ttlv(value)?)
            }
            CredentialType::Device => Self::Device(FromTtlv::from_ttlv(value)?),
            CredentialType::Attestation => Self::Attestation(FromTtlv::from_ttlv(value)?),
            CredentialType::Extension(_) => Self::Other { credential_type, value: value.value },
        };
        reader.finish()?;
        Ok(credential)
    }
}

kmip_struct! {
    /// Authentication (KMIP 1.4 §6.6): one credential (1.0, 1.1) or more (1.2 on).
    pub struct Authentication {
        /// Credentials.
        vec credentials: Credential => CREDENTIAL,
    }
}

kmip_struct! {
    /// Message Extension (KMIP 1.4 §6.16).
    pub struct MessageExtension {
        /// Vendor Identification.
        req vendor_identification: String => VENDOR_IDENTIFICATION,
        /// Criticality Indicator: if true, a server that does not understand
        /// the extension must fail the batch item.
        req criticality_indicator: bool => CRITICALITY_INDICATOR,
        /// Vendor Extension, any structure, kept as received.
        req vendor_extension: Value => VENDOR_EXTENSION,
    }
}

/// Request Header (KMIP 1.4 §7.2, Table 282). The Batch Count is derived from
/// the message's batch items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHeader {
    /// Protocol Version.
    pub protocol_version: ProtocolVersion,
    /// Maximum Response Size, in bytes.
    pub maximum_response_size: Option<i32>,
    /// Client Correlation Value (1.4).
    pub client_correlation_value: Option<String>,
    /// Server Correlation Value (1.4).
    pub server_correlation_value: Option<String>,
    /// Asynchronous Indicator.
    pub asynchronous_indicator: Option<bool>,
    /// Attestation Capable Indicator (1.2).
    pub attestation_capable_indicator: Option<bool>,
    /// Attestation Types (1.2).
    pub attestation_types: Vec<AttestationType>,
    /// Authentication.
    pub authentication: Option<Authentication>,
    /// Batch Error Continuation Option (Stop when absent).
    pub batch_error_continuation_option: Option<BatchErrorContinuationOption>,
    /// Batch Order Option (false when absent).
    pub batch_order_option: Option<bool>,
    /// Time Stamp.
    pub time_stamp: Option<DateTime>,
}

impl RequestHeader {
    /// A header with this protocol version and nothing else.
    pub fn new(protocol_version: ProtocolVersion) -> Self {
        Self {
            protocol_version,
            maximum_response_size: None,
            client_correlation_value: None,
            server_correlation_value: None,
            asynchronous_indicator: None,
            attestation_capable_indicator: None,
            attestation_types: Vec::new(),
            authentication: None,
            batch_error_continuation_option: None,
            batch_order_option: None,
            time_stamp: None,
        }
    }

    fn write(&self, batch_count: usize) -> Ttlv {
        let mut c = Vec::with_capacity(4);
        c.push(self.protocol_version.to_ttlv(tags::PROTOCOL_VERSION));
        push_opt(&mut c, tags::MAXIMUM_RESPONSE_SIZE, &self.maximum_response_size);
        push_opt(&mut c, tags::CLIENT_CORRELATION_VALUE, &self.client_correlation_value);
        push_opt(&mut c, tags::SERVER_CORRELATION_VALUE, &self.server_correlation_value);
        push_opt(&mut c, tags::ASYNCHRONOUS_INDICATOR, &self.asynchronous_indicator);
        push_opt(&mut c, tags::ATTESTATION_CAPABLE_INDICATOR, &self.attestation_capable_indicator);
        c.extend(self.attestation_types.iter().map(|t| t.to_ttlv(tags::ATTESTATION_TYPE)));
        push_opt(&mut c, tags::AUTHENTICATION, &self.authentication);
        push_opt(
            &mut c,
            tags::BATCH_ERROR_CONTINUATION_OPTION,
            &self.batch_error_continuation_option,
        );
        push_opt(&mut c, tags::BATCH_ORDER_OPTION, &self.batch_order_option);
        push_opt(&mut c, tags::TIME_STAMP, &self.time_stamp);
        c.push(count_item(batch_count));
        Ttlv::structure(tags::REQUEST_HEADER, c)
    }

    fn read(item: Ttlv) -> Result<(Self, i32), ModelError> {
        let mut r = StructReader::new(item)?;
        let header = Self {
            protocol_version: r.required(tags::PROTOCOL_VERSION)?,
            maximum_response_size: r.optional(tags::MAXIMUM_RESPONSE_SIZE)?,
            client_correlation_value: r.optional(tags::CLIENT_CORRELATION_VALUE)?,
            server_correlation_value: r.optional(tags::SERVER_CORRELATION_VALUE)?,
            asynchronous_indicator: r.optional(tags::ASYNCHRONOUS_INDICATOR)?,
            attestation_capable_indicator: r.optional(tags::ATTESTATION_CAPABLE_INDICATOR)?,
            attestation_types: r.repeated(tags::ATTESTATION_TYPE)?,
            authentication: r.optional(tags::AUTHENTICATION)?,
            batch_error_continuation_option: r.optional(tags::BATCH_ERROR_CONTINUATION_OPTION)?,
            batch_order_option: r.optional(tags::BATCH_ORDER_OPTION)?,
            time_stamp: r.optional(tags::TIME_STAMP)?,
        };
        let count = r.required(tags::BATCH_COUNT)?;
        r.finish()?;
        Ok((header, count))
    }
}

/// Response Header (KMIP 1.4 §7.2, Table 284). The Batch Count is derived from
/// the message's batch items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHeader {
    /// Protocol Version.
    pub protocol_version: ProtocolVersion,
    /// Time Stamp.
    pub time_stamp: DateTime,
    /// Nonce (1.2), for attestation.
    pub nonce: Option<Nonce>,
    /// Attestation Types (1.2) the server requires.
    pub attestation_types: Vec<AttestationType>,
    /// Client Correlation Value (1.4).
    pub client_correlation_value: Option<String>,
    /// Server Correlation Value (1.4).
    pub server_correlation_value: Option<String>,
}

impl ResponseHeader {
    /// A header with this protocol version and time stamp and nothing else.
    pub fn new(protocol_version: ProtocolVersion, time_stamp: DateTime) -> Self {
        Self {
            protocol_version,
            time_stamp,
            nonce: None,
            attestation_types: Vec::new(),
            client_correlation_value: None,
            server_correlation_value: None,
        }
    }

    fn write(&self, batch_count: usize) -> Ttlv {
        let mut c = Vec::with_capacity(3);
        c.push(self.protocol_version.to_ttlv(tags::PROTOCOL_VERSION));
        c.push(self.time_stamp.to_ttlv(tags::TIME_STAMP));
        push_opt(&mut c, tags::NONCE, &self.nonce);
        c.extend(self.attestation_types.iter().map(|t| t.to_ttlv(tags::ATTESTATION_TYPE)));
        push_opt(&mut c, tags::CLIENT_CORRELATION_VALUE, &self.client_correlation_value);
        push_opt(&mut c, tags::SERVER_CORRELATION_VALUE, &self.server_correlation_value);
        c.push(count_item(batch_count));
        Ttlv::structure(tags::RESPONSE_HEADER, c)
    }

    fn read(item: Ttlv) -> Result<(Self, i32), ModelError> {
        let mut r = StructReader::new(item)?;
        let header = Self {
            protocol_version: r.required(tags::PROTOCOL_VERSION)?,
            time_stamp: r.required(tags::TIME_STAMP)?,
            nonce: r.optional(tags::NONCE)?,
            attestation_types: r.repeated(tags::ATTESTATION_TYPE)?,
            client_correlation_value: r.optional(tags::CLIENT_CORRELATION_VALUE)?,
            server_correlation_value: r.optional(tags::SERVER_CORRELATION_VALUE)?,
        };
        let count = r.required(tags::BATCH_COUNT)?;
        r.finish()?;
        Ok((header, count))
    }
}

fn push_opt<T: ToTtlv>(out: &mut Vec<Ttlv>, tag: Tag, value: &Option<T>) {
    if let Some(v) = value {
        out.push(v.to_ttlv(tag));
    }
}

fn count_item(count: usize) -> Ttlv {
    Ttlv::new(tags::BATCH_COUNT, Value::Integer(i32::try_from(count).unwrap_or(i32::MAX)))
}

/// A request Batch Item (KMIP 1.4 §7.2, Table 283). The Operation is the
/// payload's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBatchItem {
    /// Unique Batch Item ID (required when the batch has several items).
    pub unique_batch_item_id: Option<Bytes>,
    /// Request Payload; its variant is the Operation.
    pub payload: RequestPayload,
    /// Message Extension.
    pub message_extension: Option<MessageExtension>,
}

impl RequestBatchItem {
    /// A batch item with this payload and nothing else.
    pub fn new(payload: impl Into<RequestPayload>) -> Self {
        Self { unique_batch_item_id: None, payload: payload.into(), message_extension: None }
    }

    /// The Operation.
    pub fn operation(&self) -> Operation {
        self.payload.operation()
    }

    /// Decodes a batch item, telling as much as it could read if it fails.
    pub fn decode(item: Ttlv) -> Result<Self, BatchItemError> {
        let mut reader = StructReader::new(item).map_err(BatchItemError::bare)?;
        let operation: Operation =
            reader.required(tags::OPERATION).map_err(BatchItemError::bare)?;
        let fail = |error, id: &Option<Bytes>| BatchItemError {
            operation: Some(operation),
            unique_batch_item_id: id.clone(),
            error,
        };
        let unique_batch_item_id = match reader.optional(tags::UNIQUE_BATCH_ITEM_ID) {
            Ok(id) => id,
            Err(e) => return Err(fail(e, &None)),
        };
        let result = (|| {
            let payload_item = reader
                .take_if(tags::REQUEST_PAYLOAD)
                .ok_or_else(|| reader.missing(tags::REQUEST_PAYLOAD))?;
            let payload = RequestPayload::decode(operation, payload_item)?;
            let message_extension = reader.optional(tags::MESSAGE_EXTENSION)?;
            reader.finish()?;
            Ok((payload, message_extension))
        })();
        match result {
            Ok((payload, message_extension)) => {
                Ok(Self { unique_batch_item_id, payload, message_extension })
            }
            Err(e) => Err(fail(e, &unique_batch_item_id)),
        }
    }
}

impl ToTtlv for RequestBatchItem {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        self.clone().into_ttlv(tag)
    }

    fn into_ttlv(self, tag: Tag) -> Ttlv {
        let mut c = Vec::with_capacity(4);
        c.push(self.operation().to_ttlv(tags::OPERATION));
        push_opt(&mut c, tags::UNIQUE_BATCH_ITEM_ID, &self.unique_batch_item_id);
        c.push(self.payload.into_ttlv());
        push_opt(&mut c, tags::MESSAGE_EXTENSION, &self.message_extension);
        Ttlv::structure(tag, c)
    }
}

impl FromTtlv for RequestBatchItem {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        Self::decode(item).map_err(|e| e.error)
    }
}

/// A request batch item that could not be decoded, with what could be read of
/// it so that the server can answer that item alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItemError {
    /// The Operation, if it could be read.
    pub operation: Option<Operation>,
    /// The Unique Batch Item ID, if it could be read.
    pub unique_batch_item_id: Option<Bytes>,
    /// What is wrong.
    pub error: ModelError,
}

impl BatchItemError {
    fn bare(error: ModelError) -> Self {
        Self { operation: None, unique_batch_item_id: None, error }
    }
}

/// A response Batch Item (KMIP 1.4 §7.2, Table 285).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseBatchItem {
    /// Operation (absent when the request item's could not be read).
    pub operation: Option<Operation>,
    /// Unique Batch Item ID, echoed from the request.
    pub unique_batch_item_id: Option<Bytes>,
    /// Result Status.
    pub result_status: ResultStatus,
    /// Result Reason (required on failure).
    pub result_reason: Option<ResultReason>,
    /// Result Message.
    pub result_message: Option<String>,
    /// Asynchronous Correlation Value (required when pending).
    pub asynchronous_correlation_value: Option<Bytes>,
    /// Response Payload (absent on failure), typed by the Operation.
    pub payload: Option<ResponsePayload>,
    /// Message Extension.
    pub message_extension: Option<MessageExtension>,
}

impl ResponseBatchItem {
    /// A successful item carrying `payload`.
    pub fn success(payload: impl Into<ResponsePayload>) -> Self {
        let payload = payload.into();
        Self {
            operation: payload.operation(),
            unique_batch_item_id: None,
            result_status: ResultStatus::Success,
            result_reason: None,
            result_message: None,
            asynchronous_correlation_value: None,
            payload: Some(payload),
            message_extension: None,
        }
    }

    /// A failed item.
    pub fn failure(
        operation: Option<Operation>,
        reason: ResultReason,
        message: Option<String>,
    ) -> Self {
        Self {
            operation,
            unique_batch_item_id: None,
            result_status: ResultStatus::OperationFailed,
            result_reason: Some(reason),
            result_message: message,
            asynchronous_correlation_value: None,
            payload: None,
            message_extension: None,
        }
    }

    /// The same item with this Unique Batch Item ID.
    pub fn with_id(mut self, id: Option<Bytes>) -> Self {
        self.unique_batch_item_id = id;
        self
    }
}

impl ToTtlv for ResponseBatchItem {
    fn to_ttlv(&self, tag: Tag) -> Ttlv {
        self.clone().into_ttlv(tag)
    }

    fn into_ttlv(self, tag: Tag) -> Ttlv {
        let mut c = Vec::with_capacity(5);
        push_opt(&mut c, tags::OPERATION, &self.operation);
        push_opt(&mut c, tags::UNIQUE_BATCH_ITEM_ID, &self.unique_batch_item_id);
        c.push(self.result_status.to_ttlv(tags::RESULT_STATUS));
        push_opt(&mut c, tags::RESULT_REASON, &self.result_reason);
        push_opt(&mut c, tags::RESULT_MESSAGE, &self.result_message);
        push_opt(
            &mut c,
            tags::ASYNCHRONOUS_CORRELATION_VALUE,
            &self.asynchronous_correlation_value,
        );
        if let Some(payload) = self.payload {
            c.push(payload.into_ttlv());
        }
        push_opt(&mut c, tags::MESSAGE_EXTENSION, &self.message_extension);
        Ttlv::structure(tag, c)
    }
}

impl FromTtlv for ResponseBatchItem {
    fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        let mut r = StructReader::new(item)?;
        let operation = r.optional(tags::OPERATION)?;
        let unique_batch_item_id = r.optional(tags::UNIQUE_BATCH_ITEM_ID)?;
        let result_status = r.required(tags::RESULT_STATUS)?;
        let result_reason = r.optional(tags::RESULT_REASON)?;
        let result_message = r.optional(tags::RESULT_MESSAGE)?;
        let asynchronous_correlation_value = r.optional(tags::ASYNCHRONOUS_CORRELATION_VALUE)?;
        let payload = match r.take_if(tags::RESPONSE_PAYLOAD) {
            Some(item) => Some(ResponsePayload::decode(operation, item)?),
            None => None,
        };
        let message_extension = r.optional(tags::MESSAGE_EXTENSION)?;
        r.finish()?;
        Ok(Self {
            operation,
            unique_batch_item_id,
            result_status,
            result_reason,
            result_message,
            asynchronous_correlation_value,
            payload,
            message_extension,
        })
    }
}

/// A Request Message (KMIP 1.4 §7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMessage {
    /// Request Header.
    pub header: RequestHeader,
    /// Batch Items (at least one).
    pub batch_items: Vec<RequestBatchItem>,
}

/// A request message whose batch items were decoded one by one: the result of
/// [`RequestMessage::from_ttlv_per_item`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialRequestMessage {
    /// Request Header.
    pub header: RequestHeader,
    /// Each batch item, or why it could not be decoded.
    pub batch_items: Vec<Result<RequestBatchItem, BatchItemError>>,
}

/// Reads a message's header and batch items, checking the Batch Count.
fn read_message<H>(
    item: Ttlv,
    header_tag: Tag,
    read_header: impl FnOnce(Ttlv) -> Result<(H, i32), ModelError>,
) -> Result<(H, Vec<Ttlv>), ModelError> {
    let mut reader = StructReader::new(item)?;
    let header_item = reader.take_if(header_tag).ok_or_else(|| reader.missing(header_tag))?;
    let (header, count) = read_header(header_item)?;
    let mut items = Vec::new();
    while let Some(item) = reader.take_if(tags::BATCH_ITEM) {
        items.push(item);
    }
    reader.finish()?;
    if items.is_empty() {
        return Err(ModelError::MissingField {
            parent: message_tag_of(header_tag),
            field: tags::BATCH_ITEM,
        });
    }
    if usize::try_from(count).ok() != Some(items.len()) {
        return Err(ModelError::InvalidValue {
            tag: tags::BATCH_COUNT,
            reason: format!(
                "the Batch Count is {count} but the message has {} batch items",
                items.len()
            ),
        });
    }
    Ok((header, items))
}

fn message_tag_of(header_tag: Tag) -> Tag {
    if header_tag == tags::REQUEST_HEADER { tags::REQUEST_MESSAGE } else { tags::RESPONSE_MESSAGE }
}

impl RequestMessage {
    /// Decodes a whole request message; any problem in any item is an error.
    pub fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        let (header, items) = read_message(item, tags::REQUEST_HEADER, RequestHeader::read)?;
        let batch_items =
            items.into_iter().map(RequestBatchItem::from_ttlv).collect::<Result<_, _>>()?;
        Ok(Self { header, batch_items })
    }

    /// Decodes the header strictly and each batch item on its own, so that a
    /// server can fail only the items it cannot decode (KMIP 1.4 §11).
    pub fn from_ttlv_per_item(item: Ttlv) -> Result<PartialRequestMessage, ModelError> {
        let (header, items) = read_message(item, tags::REQUEST_HEADER, RequestHeader::read)?;
        let batch_items = items.into_iter().map(RequestBatchItem::decode).collect();
        Ok(PartialRequestMessage { header, batch_items })
    }

    /// The message as a TTLV item.
    pub fn to_ttlv(&self) -> Ttlv {
        let mut children = Vec::with_capacity(1 + self.batch_items.len());
        children.push(self.header.write(self.batch_items.len()));
        children.extend(self.batch_items.iter().map(|b| b.to_ttlv(tags::BATCH_ITEM)));
        Ttlv::structure(tags::REQUEST_MESSAGE, children)
    }

    /// The message as a TTLV item, moving its contents (no key material is copied).
    pub fn into_ttlv(self) -> Ttlv {
        let mut children = Vec::with_capacity(1 + self.batch_items.len());
        children.push(self.header.write(self.batch_items.len()));
        children.extend(self.batch_items.into_iter().map(|b| b.into_ttlv(tags::BATCH_ITEM)));
        Ttlv::structure(tags::REQUEST_MESSAGE, children)
    }

    /// The message in binary TTLV.
    pub fn to_bytes(&self) -> Vec<u8> {
        keyward_ttlv::binary::encode(&self.to_ttlv())
    }
}

/// A Response Message (KMIP 1.4 §7.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseMessage {
    /// Response Header.
    pub header: ResponseHeader,
    /// Batch Items (at least one).
    pub batch_items: Vec<ResponseBatchItem>,
}

impl ResponseMessage {
    /// Decodes a response message.
    pub fn from_ttlv(item: Ttlv) -> Result<Self, ModelError> {
        let (header, items) = read_message(item, tags::RESPONSE_HEADER, ResponseHeader::read)?;
        let batch_items =
            items.into_iter().map(ResponseBatchItem::from_ttlv).collect::<Result<_, _>>()?;
        Ok(Self { header, batch_items })
    }

    /// The message as a TTLV item.
    pub fn to_ttlv(&self) -> Ttlv {
        let mut children = Vec::with_capacity(1 + self.batch_items.len());
        children.push(self.header.write(self.batch_items.len()));
        children.extend(self.batch_items.iter().map(|b| b.to_ttlv(tags::BATCH_ITEM)));
        Ttlv::structure(tags::RESPONSE_MESSAGE, children)
    }

    /// The message as a TTLV item, moving its contents (no key material is copied).
    pub fn into_ttlv(self) -> Ttlv {
        let mut children = Vec::with_capacity(1 + self.batch_items.len());
        children.push(self.header.write(self.batch_items.len()));
        children.extend(self.batch_items.into_iter().map(|b| b.into_ttlv(tags::BATCH_ITEM)));
        Ttlv::structure(tags::RESPONSE_MESSAGE, children)
    }

    /// The message as a TTLV item for a client speaking `version`: see
    /// [`crate::version::downgrade`].
    pub fn to_ttlv_for(&self, version: Version) -> Ttlv {
        self.clone().into_ttlv_for(version)
    }

    /// The message as a TTLV item for a client speaking `version`, moving its
    /// contents: what a server sends.
    pub fn into_ttlv_for(self, version: Version) -> Ttlv {
        let mut item = self.into_ttlv();
        crate::version::downgrade(&mut item, version);
        item
    }

    /// The message in binary TTLV.
    pub fn to_bytes(&self) -> Vec<u8> {
        keyward_ttlv::binary::encode(&self.to_ttlv())
    }
}
