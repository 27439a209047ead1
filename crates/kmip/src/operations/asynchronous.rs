//! Cancel and Poll (KMIP 1.4 §4.27 and §4.28).
//!
//! A completed Poll is answered with the polled operation's own response
//! (Operation and payload), so there is no Poll response payload beyond an
//! empty one.

use crate::codec::Bytes;
use crate::enums::CancellationResult;
use crate::kmip_struct;

kmip_struct! {
    /// Cancel request payload (KMIP 1.4 §4.27, Table 226).
    pub struct CancelRequest {
        /// Asynchronous Correlation Value of the request to cancel.
        req asynchronous_correlation_value: Bytes => ASYNCHRONOUS_CORRELATION_VALUE,
    }
}

kmip_struct! {
    /// Cancel response payload (KMIP 1.4 §4.27, Table 227).
    pub struct CancelResponse {
        /// Asynchronous Correlation Value of the request.
        req asynchronous_correlation_value: Bytes => ASYNCHRONOUS_CORRELATION_VALUE,
        /// Cancellation Result.
        req cancellation_result: CancellationResult => CANCELLATION_RESULT,
    }
}

kmip_struct! {
    /// Poll request payload (KMIP 1.4 §4.28, Table 228).
    pub struct PollRequest {
        /// Asynchronous Correlation Value of the request to poll.
        req asynchronous_correlation_value: Bytes => ASYNCHRONOUS_CORRELATION_VALUE,
    }
}

kmip_struct! {
    /// An empty Poll response payload (KMIP 1.4 §4.28): a completed operation
    /// is answered with its own Operation and payload instead.
    #[derive(Default)]
    pub struct PollResponse {}
}
