//! Hand-built messages through the typed model: wire bytes, batch handling,
//! unknown operations, failures, and the operations no OASIS 1.x test case
//! exercises (Import, Export, Derive Key, Validate).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use keyward_kmip::attributes::{Attribute, AttributeValue, Name, TemplateAttribute};
use keyward_kmip::enums::*;
use keyward_kmip::message::*;
use keyward_kmip::objects::*;
use keyward_kmip::operations::*;
use keyward_kmip::{BigInt, Bytes, DateTime, Interval, ModelError, ToTtlv};
use keyward_ttlv::spec::tags;
use keyward_ttlv::{Limits, Tag, Ttlv, Value, binary};

fn decode(bytes: &[u8]) -> Ttlv {
    binary::decode(bytes, &Limits::default()).unwrap()
}

fn request(items: Vec<RequestBatchItem>) -> RequestMessage {
    RequestMessage { header: RequestHeader::new(ProtocolVersion::new(1, 4)), batch_items: items }
}

fn response(items: Vec<ResponseBatchItem>) -> ResponseMessage {
    ResponseMessage {
        header: ResponseHeader::new(ProtocolVersion::new(1, 4), DateTime(1_600_000_000)),
        batch_items: items,
    }
}

fn assert_request_round_trip(message: &RequestMessage) {
    let bytes = message.to_bytes();
    let back = RequestMessage::from_ttlv(decode(&bytes)).unwrap();
    assert_eq!(&back, message);
    assert_eq!(back.to_bytes(), bytes);
}

fn assert_response_round_trip(message: &ResponseMessage) {
    let bytes = message.to_bytes();
    let back = ResponseMessage::from_ttlv(decode(&bytes)).unwrap();
    assert_eq!(&back, message);
    assert_eq!(back.to_bytes(), bytes);
}

fn aes_key(bytes: Vec<u8>) -> Object {
    Object::SymmetricKey(SymmetricKey {
        key_block: KeyBlock::new(
            KeyFormatType::Raw,
            KeyMaterial::Bytes(Bytes::new(bytes)),
            Some(CryptographicAlgorithm::AES),
            Some(128),
        ),
    })
}

/// A Destroy request, written out by hand from KMIP 1.4 §9.1 (tag, type,
/// length, value, padding), against the model's encoder and decoder.
#[test]
fn destroy_request_wire_bytes() {
    let hex = [
        "4200780100000060",                 // Request Message, 0x60 bytes
        "4200770100000038",                 // Request Header, 0x38 bytes
        "4200690100000020",                 // Protocol Version, 0x20 bytes
        "42006A02000000040000000100000000", // Major 1
        "42006B02000000040000000000000000", // Minor 0
        "42000D02000000040000000100000000", // Batch Count 1
        "42000F0100000018",                 // Batch Item, 0x18 bytes
        "42005C05000000040000001400000000", // Operation Destroy (0x14)
        "4200790100000000",                 // Request Payload, empty: the ID Placeholder
    ]
    .concat();
    let bytes = hex::decode(&hex).unwrap();
    let message = request(vec![RequestBatchItem::new(DestroyRequest::default())]);
    let message =
        RequestMessage { header: RequestHeader::new(ProtocolVersion::new(1, 0)), ..message };
    assert_eq!(hex::encode_upper(message.to_bytes()), hex.to_uppercase());
    assert_eq!(RequestMessage::from_ttlv(decode(&bytes)).unwrap(), message);
}

#[test]
fn batch_count_must_match_the_items() {
    let mut item = request(vec![RequestBatchItem::new(QueryRequest::default())]).to_ttlv();
    let Value::Structure(children) = &mut item.value else { unreachable!() };
    let Value::Structure(header) = &mut children[0].value else { unreachable!() };
    header.last_mut().unwrap().value = Value::Integer(2);
    let error = RequestMessage::from_ttlv(item).unwrap_err();
    assert!(matches!(error, ModelError::InvalidValue { tag, .. } if tag == tags::BATCH_COUNT));
    assert_eq!(error.result_reason(), ResultReason::InvalidMessage);

    let empty = Ttlv::structure(
        tags::REQUEST_MESSAGE,
        vec![Ttlv::structure(
            tags::REQUEST_HEADER,
            vec![
                ProtocolVersion::new(1, 4).to_ttlv(tags::PROTOCOL_VERSION),
                Ttlv::new(tags::BATCH_COUNT, Value::Integer(0)),
            ],
        )],
    );
    assert!(matches!(
        RequestMessage::from_ttlv(empty),
        Err(ModelError::MissingField { field, .. }) if field == tags::BATCH_ITEM
    ));
}

#[test]
fn a_bad_batch_item_fails_alone() {
    let id = |n: u8| Some(Bytes::new(vec![n; 8]));
    let good = RequestBatchItem {
        unique_batch_item_id: id(1),
        payload: GetRequest::default().into(),
        message_extension: None,
    };
    let mut message = request(vec![good.clone(), good.clone(), good.clone()]).to_ttlv();
    let Value::Structure(children) = &mut message.value else { unreachable!() };
    // Item 2: a Get payload with a field Get does not have.
    let Value::Structure(item) = &mut children[2].value else { unreachable!() };
    item[1] = Ttlv::new(tags::UNIQUE_BATCH_ITEM_ID, Value::bytes(vec![2; 8]));
    item[2] = Ttlv::structure(
        tags::REQUEST_PAYLOAD,
        vec![Ttlv::new(tags::DATA_LENGTH, Value::Integer(16))],
    );
    // Item 3: a reserved (non-extension) operation value.
    let Value::Structure(item) = &mut children[3].value else { unreachable!() };
    item[0] = Ttlv::new(tags::OPERATION, Value::Enumeration(0x0000_00FF));

    assert!(RequestMessage::from_ttlv(message.clone()).is_err());
    let partial = RequestMessage::from_ttlv_per_item(message).unwrap();
    assert_eq!(partial.batch_items.len(), 3);
    assert_eq!(partial.batch_items[0], Ok(good));
    let second = partial.batch_items[1].as_ref().unwrap_err();
    assert_eq!(second.operation, Some(Operation::Get));
    assert_eq!(second.unique_batch_item_id, id(2));
    assert!(
        matches!(second.error, ModelError::UnexpectedField { field, .. } if field == tags::DATA_LENGTH)
    );
    let third = partial.batch_items[2].as_ref().unwrap_err();
    assert_eq!(third.operation, None);
    assert!(matches!(third.error, ModelError::InvalidEnum { value: 0xFF, .. }));
    assert_eq!(second.error.result_reason(), ResultReason::InvalidField);
    assert_eq!(third.error.result_reason(), ResultReason::InvalidField);
}

#[test]
fn vendor_operations_are_kept_raw() {
    let payload = Value::Structure(vec![
        Ttlv::new(Tag(0x540001), Value::text("vendor")),
        Ttlv::new(tags::UNIQUE_IDENTIFIER, Value::text("1")),
    ]);
    let message = request(vec![RequestBatchItem::new(RequestPayload::Raw {
        operation: Operation::Extension(0x8000_0010),
        payload: payload.clone(),
    })]);
    assert_request_round_trip(&message);
    assert_eq!(message.batch_items[0].operation(), Operation::Extension(0x8000_0010));

    // The server's answer: no payload, the operation echoed.
    let answer = response(vec![
        ResponseBatchItem::failure(
            Some(Operation::Extension(0x8000_0010)),
            ResultReason::OperationNotSupported,
            Some("not supported".into()),
        )
        .with_id(Some(Bytes::new(vec![0x51, 0x4C]))),
    ]);
    assert_response_round_trip(&answer);

    // A response to an extension operation with a payload keeps it raw.
    let mut raw = ResponseBatchItem::success(ResponsePayload::Raw(payload));
    raw.operation = Some(Operation::Extension(0x8000_0010));
    assert_response_round_trip(&response(vec![raw]));
}

#[test]
fn failure_items_without_operation_or_payload() {
    let message = response(vec![ResponseBatchItem::failure(
        None,
        ResultReason::InvalidMessage,
        Some("the request could not be decoded".into()),
    )]);
    assert_response_round_trip(&message);
    let item = message.to_ttlv();
    let batch_item = item.child(tags::BATCH_ITEM).unwrap();
    assert!(batch_item.child(tags::OPERATION).is_none());
    assert!(batch_item.child(tags::RESPONSE_PAYLOAD).is_none());

    let pending = ResponseBatchItem {
        operation: Some(Operation::Locate),
        unique_batch_item_id: None,
        result_status: ResultStatus::OperationPending,
        result_reason: None,
        result_message: None,
        asynchronous_correlation_value: Some(Bytes::new(vec![1, 2, 3])),
        payload: None,
        message_extension: None,
    };
    // A completed Poll answers with the polled operation's own payload.
    let polled = ResponseBatchItem::success(LocateResponse {
        located_items: None,
        unique_identifiers: vec!["k1".into()],
    });
    assert_eq!(polled.operation, Some(Operation::Locate));
    assert_response_round_trip(&response(vec![pending, polled]));
}

#[test]
fn headers_with_every_field() {
    let header = RequestHeader {
        protocol_version: ProtocolVersion::new(1, 4),
        maximum_response_size: Some(256),
        client_correlation_value: Some("client".into()),
        server_correlation_value: Some("server".into()),
        asynchronous_indicator: Some(false),
        attestation_capable_indicator: Some(true),
        attestation_types: vec![AttestationType::TPMQuote, AttestationType::SAMLAssertion],
        authentication: Some(Authentication {
            credentials: vec![
                Credential::UsernameAndPassword(UsernameAndPassword {
                    username: "alice".into(),
                    password: Some("secret".into()),
                }),
                Credential::Device(DeviceCredential {
                    device_serial_number: Some("serial".into()),
                    machine_identifier: Some("machine".into()),
                    ..Default::default()
                }),
                Credential::Attestation(AttestationCredential {
                    nonce: Nonce {
                        nonce_id: Bytes::new(vec![1]),
                        nonce_value: Bytes::new(vec![2; 16]),
                    },
                    attestation_type: AttestationType::TCGIntegrityReport,
                    attestation_measurement: Some(Bytes::new(vec![3])),
                    attestation_assertion: None,
                }),
                Credential::Other {
                    credential_type: CredentialType::Extension(0x8000_0001),
                    value: Value::text("token"),
                },
            ],
        }),
        batch_error_continuation_option: Some(BatchErrorContinuationOption::Undo),
        batch_order_option: Some(true),
        time_stamp: Some(DateTime(1_700_000_000)),
    };
    let mut item = RequestBatchItem::new(QueryRequest {
        query_functions: vec![QueryFunction::QueryOperations, QueryFunction::QueryObjects],
    });
    item.unique_batch_item_id = Some(Bytes::new(vec![0x51, 0x4C, 0x4B, 0x43, 1, 0, 0, 0]));
    item.message_extension = Some(MessageExtension {
        vendor_identification: "Acme".into(),
        criticality_indicator: false,
        vendor_extension: Value::Structure(vec![Ttlv::new(Tag(0x540001), Value::text("na"))]),
    });
    assert_request_round_trip(&RequestMessage { header, batch_items: vec![item] });

    let header = ResponseHeader {
        protocol_version: ProtocolVersion::new(1, 4),
        time_stamp: DateTime(1_700_000_000),
        nonce: Some(Nonce { nonce_id: Bytes::new(vec![1]), nonce_value: Bytes::new(vec![9; 8]) }),
        attestation_types: vec![AttestationType::TPMQuote],
        client_correlation_value: Some("client".into()),
        server_correlation_value: Some("server".into()),
    };
    let answer =
        ResponseBatchItem::failure(Some(Operation::Query), ResultReason::AttestationRequired, None);
    assert_response_round_trip(&ResponseMessage { header, batch_items: vec![answer] });
}

#[test]
fn object_type_must_match_the_object() {
    let register = RegisterRequest {
        template_attribute: TemplateAttribute::default(),
        object: aes_key(vec![1; 16]),
    };
    let mut payload = register.to_ttlv(tags::REQUEST_PAYLOAD);
    let Value::Structure(children) = &mut payload.value else { unreachable!() };
    children[0].value = Value::Enumeration(ObjectType::SecretData.to_u32());
    assert!(matches!(
        RequestPayload::decode(Operation::Register, payload),
        Err(ModelError::InvalidValue { tag, .. }) if tag == tags::OBJECT_TYPE
    ));
}

fn attributes() -> Vec<Attribute> {
    vec![
        Attribute::new(AttributeValue::UniqueIdentifier("k1".into())),
        Attribute::new(AttributeValue::Name(Name::text("backup key"))),
        Attribute::new(AttributeValue::State(State::Active)),
        Attribute::new(AttributeValue::CryptographicUsageMask(CryptographicUsageMask(
            CryptographicUsageMask::ENCRYPT.0 | CryptographicUsageMask::DECRYPT.0,
        ))),
        Attribute::new(AttributeValue::Sensitive(true)),
        Attribute::custom("x-Product", Value::text("VMware vSphere")),
    ]
}

#[test]
fn import_and_export() {
    let export = request(vec![RequestBatchItem::new(ExportRequest {
        unique_identifier: Some("k1".into()),
        key_format_type: Some(KeyFormatType::Raw),
        key_wrap_type: Some(KeyWrapType::AsRegistered),
        key_compression_type: None,
        key_wrapping_specification: Some(KeyWrappingSpecification {
            wrapping_method: WrappingMethod::Encrypt,
            encryption_key_information: Some(EncryptionKeyInformation {
                unique_identifier: "kek".into(),
                cryptographic_parameters: None,
            }),
            mac_signature_key_information: None,
            attribute_names: vec!["Name".into()],
            encoding_option: Some(EncodingOption::TTLVEncoding),
        }),
    })]);
    assert_request_round_trip(&export);
    let exported = response(vec![ResponseBatchItem::success(ExportResponse {
        unique_identifier: "k1".into(),
        attributes: attributes(),
        object: aes_key(vec![5; 16]),
    })]);
    assert_response_round_trip(&exported);

    let import = request(vec![RequestBatchItem::new(ImportRequest {
        unique_identifier: "k1".into(),
        replace_existing: Some(true),
        key_wrap_type: Some(KeyWrapType::NotWrapped),
        attributes: attributes(),
        object: aes_key(vec![5; 16]),
    })]);
    assert_request_round_trip(&import);
    assert_response_round_trip(&response(vec![ResponseBatchItem::success(ImportResponse {
        unique_identifier: "k1".into(),
    })]));
}

#[test]
fn derive_key_validate_and_server_to_client_operations() {
    let derive = DeriveKeyRequest {
        object_type: ObjectType::SymmetricKey,
        unique_identifiers: vec!["base".into()],
        derivation_method: DerivationMethod::PBKDF2,
        derivation_parameters: DerivationParameters {
            cryptographic_parameters: Some(keyward_kmip::attributes::CryptographicParameters {
                hashing_algorithm: Some(HashingAlgorithm::SHA256),
                ..Default::default()
            }),
            salt: Some(Bytes::new(vec![1; 16])),
            iteration_count: Some(4096),
            ..Default::default()
        },
        template_attribute: TemplateAttribute::from_attributes(vec![Attribute::new(
            AttributeValue::CryptographicLength(256),
        )]),
    };
    let validate = ValidateRequest {
        certificates: vec![Certificate {
            certificate_type: CertificateType::X509,
            certificate_value: Bytes::new(vec![0x30, 0x82]),
        }],
        unique_identifiers: vec!["ca".into()],
        validity_date: Some(DateTime(0)),
    };
    let put = PutRequest {
        unique_identifier: "k2".into(),
        put_function: PutFunction::Replace,
        replaced_unique_identifier: Some("k1".into()),
        object: Object::SplitKey(SplitKey {
            split_key_parts: 3,
            key_part_identifier: 1,
            split_key_threshold: 2,
            split_key_method: SplitKeyMethod::PolynomialSharingPrimeField,
            prime_field_size: Some(BigInt::from_unsigned(&[0xFF; 17])),
            key_block: KeyBlock::new(
                KeyFormatType::Raw,
                KeyMaterial::Bytes(Bytes::new(vec![7; 16])),
                Some(CryptographicAlgorithm::AES),
                Some(128),
            ),
        }),
        attributes: attributes(),
    };
    let notify = NotifyRequest {
        unique_identifier: "k2".into(),
        attributes: vec![
            NotifyAttribute::from(Attribute::new(AttributeValue::LastChangeDate(DateTime(5)))),
            // A deleted attribute: no value.
            NotifyAttribute { name: "x-provider".into(), index: Some(0), value: None },
        ],
    };
    assert_request_round_trip(&request(vec![
        RequestBatchItem::new(derive),
        RequestBatchItem::new(validate),
        RequestBatchItem::new(put),
        RequestBatchItem::new(notify),
        RequestBatchItem::new(ReKeyRequest {
            unique_identifier: None,
            offset: Some(Interval(3600)),
            template_attribute: None,
        }),
    ]));
    assert_response_round_trip(&response(vec![
        ResponseBatchItem::success(DeriveKeyResponse {
            unique_identifier: "derived".into(),
            template_attribute: None,
        }),
        ResponseBatchItem::success(ValidateResponse {
            validity_indicator: ValidityIndicator::Valid,
        }),
        ResponseBatchItem::success(PutResponse {}),
        ResponseBatchItem::success(NotifyResponse {}),
    ]));
}

#[test]
fn query_response_with_every_list() {
    let query = QueryResponse {
        operations: vec![Operation::Create, Operation::Get],
        object_types: vec![ObjectType::SymmetricKey],
        vendor_identification: Some("Keyward".into()),
        server_information: Some(Value::Structure(vec![])),
        application_namespaces: vec!["LIBRARY-LTO".into()],
        extension_information: vec![ExtensionInformation {
            extension_name: "x-ext".into(),
            extension_tag: Some(0x540001),
            extension_type: Some(7),
        }],
        attestation_types: vec![AttestationType::TPMQuote],
        rng_parameters: vec![keyward_kmip::attributes::RngParameters {
            rng_algorithm: RngAlgorithm::DRBG,
            cryptographic_algorithm: Some(CryptographicAlgorithm::AES),
            cryptographic_length: Some(256),
            hashing_algorithm: None,
            drbg_algorithm: Some(DrbgAlgorithm::CTR),
            recommended_curve: None,
            fips186_variation: None,
            prediction_resistance: Some(false),
        }],
        profile_information: vec![ProfileInformation {
            profile_name: ProfileName::BaselineServerBasicKMIPV1_2,
            server_uri: Some("kmip.example".into()),
            server_port: Some(5696),
        }],
        validation_information: vec![ValidationInformation {
            validation_authority_type: ValidationAuthorityType::NISTCMVP,
            validation_authority_country: Some("US".into()),
            validation_authority_uri: None,
            validation_version_major: 1,
            validation_version_minor: Some(0),
            validation_type: ValidationType::Software,
            validation_level: 1,
            validation_certificate_identifier: None,
            validation_certificate_uri: None,
            validation_vendor_uri: None,
            validation_profiles: vec!["a".into(), "b".into()],
        }],
        capability_information: vec![CapabilityInformation {
            batch_continue_capability: Some(true),
            unwrap_mode: Some(UnwrapMode::Processed),
            ..Default::default()
        }],
        client_registration_methods: vec![ClientRegistrationMethod::ServerPreGenerated],
    };
    assert_response_round_trip(&response(vec![ResponseBatchItem::success(query)]));
}
