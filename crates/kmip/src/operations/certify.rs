//! Certify and Re-certify (KMIP 1.4 §4.7 and §4.8).

use crate::attributes::TemplateAttribute;
use crate::codec::{Bytes, Interval};
use crate::enums::CertificateRequestType;
use crate::kmip_struct;

kmip_struct! {
    /// Certify request payload (KMIP 1.4 §4.7, Table 184).
    #[derive(Default)]
    pub struct CertifyRequest {
        /// Unique Identifier of the public key to certify (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Certificate Request Type (required with a Certificate Request).
        opt certificate_request_type: CertificateRequestType => CERTIFICATE_REQUEST_TYPE,
        /// Certificate Request (e.g. a PKCS#10 CSR).
        opt certificate_request: Bytes => CERTIFICATE_REQUEST,
        /// Template-Attribute.
        opt template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Certify response payload (KMIP 1.4 §4.7, Table 185).
    pub struct CertifyResponse {
        /// Unique Identifier of the new certificate.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Attributes set implicitly by the server.
        opt template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Re-certify request payload (KMIP 1.4 §4.8, Table 188).
    #[derive(Default)]
    pub struct ReCertifyRequest {
        /// Unique Identifier of the certificate to renew (ID Placeholder if absent).
        opt unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Certificate Request Type (required with a Certificate Request).
        opt certificate_request_type: CertificateRequestType => CERTIFICATE_REQUEST_TYPE,
        /// Certificate Request.
        opt certificate_request: Bytes => CERTIFICATE_REQUEST,
        /// Offset between the new certificate's Initial Date and Activation Date.
        opt offset: Interval => OFFSET,
        /// Template-Attribute.
        opt template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}

kmip_struct! {
    /// Re-certify response payload (KMIP 1.4 §4.8, Table 189).
    pub struct ReCertifyResponse {
        /// Unique Identifier of the new certificate.
        req unique_identifier: String => UNIQUE_IDENTIFIER,
        /// Attributes set implicitly by the server.
        opt template_attribute: TemplateAttribute => TEMPLATE_ATTRIBUTE,
    }
}
