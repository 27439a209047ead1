//! One request message in, one response message out.
//!
//! Decoding, protocol-version negotiation, batch semantics (ID Placeholder,
//! Batch Error Continuation Option, Maximum Response Size) and the operations
//! that belong to the protocol rather than to keys (Discover Versions, Poll,
//! Cancel) live here; every other operation goes to [`Kms::execute`].

use keyward_core::{BatchContext, Caller, Kms};
use keyward_kmip::codec::ToTtlv;
use keyward_kmip::enums::{
    BatchErrorContinuationOption, CancellationResult, ResultReason, ResultStatus,
};
use keyward_kmip::message::{
    PartialRequestMessage, ProtocolVersion, RequestBatchItem, RequestMessage, ResponseBatchItem,
    ResponseHeader, ResponseMessage,
};
use keyward_kmip::operations::{
    CancelResponse, DiscoverVersionsRequest, DiscoverVersionsResponse, RequestPayload,
    ResponsePayload,
};
use keyward_ttlv::spec::tags;
use keyward_ttlv::{Limits, Ttlv, Value, Version, binary};

/// The protocol versions served, newest first.
pub const SUPPORTED_VERSIONS: [Version; 5] =
    [Version::V1_4, Version::V1_3, Version::V1_2, Version::V1_1, Version::V1_0];

/// Turns request messages into response messages for one caller.
#[derive(Debug, Clone)]
pub(crate) struct Dispatcher {
    kms: Kms,
    limits: Limits,
    max_batch_items: usize,
    max_response_size: usize,
}

impl Dispatcher {
    pub fn new(kms: Kms, limits: Limits, max_batch_items: usize, max_response_size: usize) -> Self {
        Self { kms, limits, max_batch_items, max_response_size }
    }

    /// Answers one framed request (header included). Never fails: what
    /// cannot be processed is answered with an Invalid Message response.
    pub async fn handle(&self, caller: &Caller, frame: &[u8]) -> Vec<u8> {
        let item = match binary::decode(frame, &self.limits) {
            Ok(item) => item,
            Err(e) => {
                return invalid_message(
                    Version::V1_4,
                    &format!("the message is not valid TTLV: {e}"),
                );
            }
        };
        let sniffed = sniff_version(&item);
        if item.tag != tags::REQUEST_MESSAGE {
            return invalid_message(
                sniffed.unwrap_or(Version::V1_4),
                &format!("expected a Request Message, got {}", item.tag),
            );
        }
        if let Some(version) = sniffed
            && version.major != 1
        {
            return invalid_message(
                Version::V1_4,
                &format!(
                    "protocol version {}.{} is not served; this server speaks KMIP 1.0 to 1.4",
                    version.major, version.minor
                ),
            );
        }
        let message = match RequestMessage::from_ttlv_per_item(item) {
            Ok(message) => message,
            Err(e) => {
                return invalid_message(
                    sniffed.unwrap_or(Version::V1_4),
                    &format!("the request message is malformed: {e}"),
                );
            }
        };
        let maximum = message.header.maximum_response_size;
        let mut response = self.process(caller, message).await;
        let version = response.header.protocol_version.version().unwrap_or(Version::V1_4);
        let Some(maximum) = maximum else {
            return binary::encode(&response.into_ttlv_for(version));
        };
        let bytes = binary::encode(&response.to_ttlv_for(version));
        if usize::try_from(maximum).is_ok_and(|maximum| bytes.len() <= maximum) {
            return bytes;
        }
        too_large(&mut response, bytes.len(), maximum);
        binary::encode(&response.into_ttlv_for(version))
    }

    async fn process(&self, caller: &Caller, message: PartialRequestMessage) -> ResponseMessage {
        let header = message.header;
        let version = negotiate(header.protocol_version);
        let mut response_header = ResponseHeader::new(version.into(), self.kms.now().into());
        response_header.client_correlation_value = header.client_correlation_value.clone();

        let items = message.batch_items;
        let batch_items = if items.len() > self.max_batch_items {
            vec![ResponseBatchItem::failure(
                None,
                ResultReason::InvalidMessage,
                Some(format!(
                    "the batch has {} items; this server takes at most {} per message",
                    items.len(),
                    self.max_batch_items
                )),
            )]
        } else {
            let option = header
                .batch_error_continuation_option
                .unwrap_or(BatchErrorContinuationOption::Stop);
            self.run_batch(caller, items, option, version).await
        };
        ResponseMessage { header: response_header, batch_items }
    }

    async fn run_batch(
        &self,
        caller: &Caller,
        items: Vec<Result<RequestBatchItem, keyward_kmip::message::BatchItemError>>,
        option: BatchErrorContinuationOption,
        version: Version,
    ) -> Vec<ResponseBatchItem> {
        let mut context = BatchContext::for_version(version);
        let mut responses = Vec::with_capacity(items.len());
        // What the items that can return much (objects, random bytes, lists)
        // may still add to a batch's response; one item alone is bounded by
        // the largest object, which the request size bounds.
        let counted = items.len() > 1;
        let mut room = self.max_response_size;
        for item in items {
            let mut response = match item {
                Ok(item) => self.run_item(caller, item, &mut context).await,
                Err(e) => ResponseBatchItem::failure(
                    e.operation,
                    e.error.result_reason(),
                    Some(format!("the batch item is malformed: {}", e.error)),
                )
                .with_id(e.unique_batch_item_id),
            };
            if counted && response.payload.as_ref().is_some_and(may_be_large) {
                let size = binary::encode(&response.to_ttlv(tags::BATCH_ITEM)).len();
                if size > room {
                    refuse_too_large(
                        &mut response,
                        format!(
                            "the batch's responses would exceed {} bytes, the most this server \
                             sends in one message; ask for fewer items per message",
                            self.max_response_size
                        ),
                    );
                } else {
                    room -= size;
                }
            }
            let failed = response.result_status != ResultStatus::Success;
            responses.push(response);
            if failed && option == BatchErrorContinuationOption::Undo && responses.len() > 1 {
                // Items commit one by one, so completed items cannot be rolled
                // back (Query reports Batch Undo Capability false): the batch
                // stops here, and the failure says what was kept.
                let kept = responses.len() - 1;
                if let Some(last) = responses.last_mut() {
                    let message = last.result_message.take().unwrap_or_default();
                    last.result_message = Some(format!(
                        "{message} (Batch Error Continuation Option Undo: the {} earlier item(s) of \
                         this batch completed and are not undone; this server cannot undo)",
                        kept
                    ));
                }
            }
            if failed && option != BatchErrorContinuationOption::Continue {
                break;
            }
        }
        responses
    }

    async fn run_item(
        &self,
        caller: &Caller,
        item: RequestBatchItem,
        context: &mut BatchContext,
    ) -> ResponseBatchItem {
        let operation = item.operation();
        let id = item.unique_batch_item_id;
        if let Some(extension) = &item.message_extension
            && extension.criticality_indicator
        {
            // KMIP 1.4 §6.16: a critical extension the server does not understand fails the item.
            return ResponseBatchItem::failure(
                Some(operation),
                ResultReason::FeatureNotSupported,
                Some(format!(
                    "the critical Message Extension of {:?} is not understood by this server",
                    extension.vendor_identification
                )),
            )
            .with_id(id);
        }
        let result = match item.payload {
            RequestPayload::DiscoverVersions(request) => Ok(discover_versions(&request).into()),
            RequestPayload::Poll(_) => Err((
                ResultReason::ItemNotFound,
                "no asynchronous operation is pending: every operation completes before its response"
                    .to_owned(),
            )),
            RequestPayload::Cancel(request) => Ok(ResponsePayload::from(CancelResponse {
                asynchronous_correlation_value: request.asynchronous_correlation_value,
                cancellation_result: CancellationResult::Unavailable,
            })),
            payload => self
                .kms
                .execute(caller, payload, context)
                .await
                .map_err(|e| (e.reason(), e.to_string())),
        };
        let response = match result {
            Ok(payload) => {
                let mut response = ResponseBatchItem::success(payload);
                response.operation = Some(operation);
                response
            }
            Err((reason, message)) => {
                tracing::debug!(?operation, ?reason, "operation failed: {message}");
                ResponseBatchItem::failure(Some(operation), reason, Some(message))
            }
        };
        response.with_id(id)
    }
}

/// The version to answer a request in: the request's, or the newest served
/// when the client is newer (same major version).
fn negotiate(requested: ProtocolVersion) -> Version {
    match requested.version() {
        Some(v) if SUPPORTED_VERSIONS.contains(&v) => v,
        _ => Version::V1_4,
    }
}

/// Discover Versions (KMIP 1.4 §4.26): every served version when the client
/// lists none, otherwise the client's versions that are served, in the
/// client's order of preference.
fn discover_versions(request: &DiscoverVersionsRequest) -> DiscoverVersionsResponse {
    let protocol_versions = if request.protocol_versions.is_empty() {
        SUPPORTED_VERSIONS.iter().map(|&v| v.into()).collect()
    } else {
        request
            .protocol_versions
            .iter()
            .filter(|v| v.version().is_some_and(|v| SUPPORTED_VERSIONS.contains(&v)))
            .copied()
            .collect()
    };
    DiscoverVersionsResponse { protocol_versions }
}

/// Whether a response payload can be large whatever the request's size: an
/// object, random bytes, an export, or a list of identifiers or attributes.
fn may_be_large(payload: &ResponsePayload) -> bool {
    matches!(
        payload,
        ResponsePayload::Get(_)
            | ResponsePayload::Export(_)
            | ResponsePayload::RngRetrieve(_)
            | ResponsePayload::Locate(_)
            | ResponsePayload::GetAttributes(_)
            | ResponsePayload::GetAttributeList(_)
    )
}

/// Maximum Response Size (KMIP 1.4 §6.3): when the response would be larger,
/// the items carrying a payload fail with Response Too Large instead.
fn too_large(response: &mut ResponseMessage, size: usize, max: i32) {
    for item in &mut response.batch_items {
        if item.payload.is_some() {
            refuse_too_large(
                item,
                format!(
                    "the response ({size} bytes) exceeds the Maximum Response Size of {max} bytes"
                ),
            );
        }
    }
}

/// Turns `item` into a Response Too Large failure, keeping its operation and
/// Unique Batch Item ID.
fn refuse_too_large(item: &mut ResponseBatchItem, message: String) {
    let id = item.unique_batch_item_id.take();
    *item =
        ResponseBatchItem::failure(item.operation, ResultReason::ResponseTooLarge, Some(message))
            .with_id(id);
}

/// Reads the Protocol Version of a request that may not decode as a whole.
fn sniff_version(item: &Ttlv) -> Option<Version> {
    let version = item.child(tags::REQUEST_HEADER)?.child(tags::PROTOCOL_VERSION)?;
    let number = |tag| match version.child(tag).map(|i| &i.value) {
        Some(Value::Integer(n)) => u8::try_from(*n).ok(),
        _ => None,
    };
    Some(Version::new(number(tags::PROTOCOL_VERSION_MAJOR)?, number(tags::PROTOCOL_VERSION_MINOR)?))
}

/// A response with one batch item and no Operation: Operation Failed,
/// Invalid Message (KMIP 1.4 §11, for a message that cannot be processed).
pub(crate) fn invalid_message(version: Version, message: &str) -> Vec<u8> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let response = ResponseMessage {
        header: ResponseHeader::new(version.into(), now.into()),
        batch_items: vec![ResponseBatchItem::failure(
            None,
            ResultReason::InvalidMessage,
            Some(message.to_owned()),
        )],
    };
    binary::encode(&response.into_ttlv_for(version))
}
