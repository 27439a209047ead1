//! Property tests: random typed messages round-trip through binary TTLV.
//!
//! Requests and responses of Create, Get, Locate, Register, Encrypt and Get
//! Attributes, with random headers, batch item ids, objects (plain, wrapped,
//! transparent) and attributes (every kind of typed value and custom
//! attributes of any type), must satisfy typed → bytes → typed = identity and
//! bytes → typed → bytes = the same bytes, and encoding by move must equal
//! encoding by reference. Random TTLV trees must never make
//! the decoders panic.

#![allow(clippy::unwrap_used, missing_docs)]

use keyward_kmip::attributes::*;
use keyward_kmip::enums::*;
use keyward_kmip::message::*;
use keyward_kmip::objects::*;
use keyward_kmip::operations::*;
use keyward_kmip::{BigInt, Bytes, DateTime, Interval};
use keyward_ttlv::spec::{self, tags};
use keyward_ttlv::{Limits, Tag, Ttlv, Value, binary};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

fn bytes(max: usize) -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..max).prop_map(Bytes::new)
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z0-9 _-]{0,24}", any::<String>().prop_map(|s| s.chars().take(16).collect()),]
}

fn big_int() -> impl Strategy<Value = BigInt> {
    prop_oneof![
        vec(any::<u8>(), 1..40).prop_map(|b| BigInt::from_unsigned(&b)),
        vec(any::<u8>(), 1..20).prop_map(|b| match Value::big_integer_from_signed(&b) {
            Value::BigInteger(v) => BigInt(v),
            _ => unreachable!(),
        }),
    ]
}

fn date() -> impl Strategy<Value = DateTime> {
    any::<i64>().prop_map(DateTime)
}

/// Any value of an enumeration carried by `tag`: a defined one or an extension.
fn enumeration<T: KmipEnum + std::fmt::Debug + 'static>(tag: Tag) -> BoxedStrategy<T> {
    let values: Vec<u32> = spec::enum_for_tag(tag)
        .map(|table| table.values.iter().map(|v| v.value).collect())
        .unwrap_or_default();
    let extension = 0x8000_0000u32..=0x8FFF_FFFF;
    if values.is_empty() {
        // Opaque Data Type defines no value: only extensions.
        return extension.prop_map(|v| T::from_u32(v).unwrap()).boxed();
    }
    prop_oneof![9 => proptest::sample::select(values), 1 => extension]
        .prop_map(|v| T::from_u32(v).unwrap())
        .boxed()
}

/// Any TTLV value, as a custom attribute may hold.
fn any_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        any::<i32>().prop_map(Value::Integer),
        any::<i64>().prop_map(Value::LongInteger),
        big_int().prop_map(|b| Value::BigInteger(b.0)),
        any::<u32>().prop_map(Value::Enumeration),
        any::<bool>().prop_map(Value::Boolean),
        text().prop_map(Value::TextString),
        vec(any::<u8>(), 0..20).prop_map(Value::bytes),
        any::<i64>().prop_map(Value::DateTime),
        any::<u32>().prop_map(Value::Interval),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        vec((0x540000u32..0x540010, inner), 0..4).prop_map(|children| {
            Value::Structure(children.into_iter().map(|(t, v)| Ttlv::new(Tag(t), v)).collect())
        })
    })
    .boxed()
}

fn crypto_params() -> BoxedStrategy<CryptographicParameters> {
    (
        option::of(enumeration(tags::BLOCK_CIPHER_MODE)),
        option::of(enumeration(tags::PADDING_METHOD)),
        option::of(enumeration(tags::HASHING_ALGORITHM)),
        option::of(enumeration(tags::CRYPTOGRAPHIC_ALGORITHM)),
        option::of(any::<bool>()),
        option::of(any::<i32>()),
        option::of(enumeration(tags::MASK_GENERATOR)),
        option::of(bytes(8)),
    )
        .prop_map(|(mode, padding, hashing, algorithm, random_iv, tag_length, mgf, p_source)| {
            CryptographicParameters {
                block_cipher_mode: mode,
                padding_method: padding,
                hashing_algorithm: hashing,
                cryptographic_algorithm: algorithm,
                random_iv,
                tag_length,
                mask_generator: mgf,
                p_source,
                ..Default::default()
            }
        })
        .boxed()
}

fn typed_value() -> BoxedStrategy<AttributeValue> {
    prop_oneof![
        text().prop_map(AttributeValue::UniqueIdentifier),
        (text(), enumeration(tags::NAME_TYPE))
            .prop_map(|(value, name_type)| AttributeValue::Name(Name { value, name_type })),
        enumeration(tags::OBJECT_TYPE).prop_map(AttributeValue::ObjectType),
        enumeration(tags::CRYPTOGRAPHIC_ALGORITHM).prop_map(AttributeValue::CryptographicAlgorithm),
        any::<i32>().prop_map(AttributeValue::CryptographicLength),
        crypto_params().prop_map(AttributeValue::CryptographicParameters),
        any::<u32>()
            .prop_map(|m| AttributeValue::CryptographicUsageMask(CryptographicUsageMask(m))),
        any::<u32>().prop_map(|s| AttributeValue::LeaseTime(Interval(s))),
        (any::<i64>(), option::of(any::<i64>()), enumeration(tags::USAGE_LIMITS_UNIT)).prop_map(
            |(total, count, unit)| AttributeValue::UsageLimits(UsageLimits { total, count, unit })
        ),
        enumeration(tags::STATE).prop_map(AttributeValue::State),
        date().prop_map(AttributeValue::InitialDate),
        date().prop_map(AttributeValue::ActivationDate),
        date().prop_map(AttributeValue::DeactivationDate),
        (enumeration(tags::REVOCATION_REASON_CODE), option::of(text())).prop_map(
            |(code, message)| {
                AttributeValue::RevocationReason(RevocationReason { code, message })
            }
        ),
        text().prop_map(AttributeValue::ObjectGroup),
        any::<bool>().prop_map(AttributeValue::Fresh),
        (enumeration(tags::LINK_TYPE), text()).prop_map(|(link_type, id)| AttributeValue::Link(
            Link { link_type, linked_object_identifier: id }
        )),
        (text(), option::of(text())).prop_map(|(ns, data)| {
            AttributeValue::ApplicationSpecificInformation(ApplicationSpecificInformation {
                application_namespace: ns,
                application_data: data,
            })
        }),
        (
            enumeration(tags::HASHING_ALGORITHM),
            option::of(bytes(32)),
            option::of(enumeration(tags::KEY_FORMAT_TYPE))
        )
            .prop_map(|(h, v, k)| AttributeValue::Digest(Digest {
                hashing_algorithm: h,
                digest_value: v,
                key_format_type: k,
            })),
        (bytes(16), vec(bytes(8), 0..3)).prop_map(|(dn, alt)| {
            AttributeValue::X509CertificateSubject(X509CertificateSubject {
                subject_distinguished_name: dn,
                subject_alternative_names: alt,
            })
        }),
        (text(), vec(text(), 0..3)).prop_map(|(dn, alt)| AttributeValue::CertificateIssuer(
            CertificateIssuer { distinguished_name: dn, alternative_names: alt }
        )),
        (text(), enumeration(tags::ALTERNATIVE_NAME_TYPE)).prop_map(|(value, name_type)| {
            AttributeValue::AlternativeName(AlternativeName { value, name_type })
        }),
        (enumeration(tags::RNG_ALGORITHM), option::of(any::<i32>()), option::of(any::<bool>()))
            .prop_map(|(rng_algorithm, len, pr)| AttributeValue::RandomNumberGenerator(
                RngParameters {
                    rng_algorithm,
                    cryptographic_algorithm: None,
                    cryptographic_length: len,
                    hashing_algorithm: None,
                    drbg_algorithm: None,
                    recommended_curve: None,
                    fips186_variation: None,
                    prediction_resistance: pr,
                }
            )),
        text().prop_map(AttributeValue::Comment),
        any::<bool>().prop_map(AttributeValue::NeverExtractable),
    ]
    .boxed()
}

/// A canonical name, sometimes with its spaces doubled (kept as received).
fn spaced(name: &str, double: bool) -> String {
    if double { name.replace(' ', "  ") } else { name.to_owned() }
}

fn attribute() -> BoxedStrategy<Attribute> {
    prop_oneof![
        3 => (typed_value(), any::<bool>(), option::of(0..4i32)).prop_map(|(value, double, index)| {
            let name = spaced(value.standard_name().unwrap(), double);
            Attribute { name, index, value }
        }),
        1 => ("[xy]-[A-Za-z0-9 ]{1,12}", any_value(), option::of(0..4i32))
            .prop_map(|(name, value, index)| Attribute { name, index, value: AttributeValue::Custom(value) }),
    ]
    .boxed()
}

fn template() -> BoxedStrategy<TemplateAttribute> {
    (vec((text(), enumeration(tags::NAME_TYPE)), 0..2), vec(attribute(), 0..5))
        .prop_map(|(names, attributes)| TemplateAttribute {
            names: names.into_iter().map(|(value, name_type)| Name { value, name_type }).collect(),
            attributes,
        })
        .boxed()
}

fn key_wrapping_data() -> BoxedStrategy<KeyWrappingData> {
    (enumeration(tags::WRAPPING_METHOD), text(), option::of(crypto_params()), option::of(bytes(16)))
        .prop_map(|(method, id, params, iv)| KeyWrappingData {
            wrapping_method: method,
            encryption_key_information: Some(EncryptionKeyInformation {
                unique_identifier: id,
                cryptographic_parameters: params,
            }),
            mac_signature_key_information: None,
            mac_signature: None,
            iv_counter_nonce: iv,
            encoding_option: None,
        })
        .boxed()
}

fn key_block() -> BoxedStrategy<KeyBlock> {
    let plain = prop_oneof![
        bytes(64).prop_map(|b| (KeyFormatType::Raw, KeyMaterial::Bytes(b))),
        bytes(64).prop_map(|b| (KeyFormatType::PKCS8, KeyMaterial::Bytes(b))),
        bytes(64).prop_map(|key| (
            KeyFormatType::TransparentSymmetricKey,
            KeyMaterial::TransparentSymmetric(TransparentSymmetricKey { key })
        )),
        (big_int(), option::of(big_int()), option::of(big_int()), option::of(big_int())).prop_map(
            |(modulus, d, e, p)| (
                KeyFormatType::TransparentRSAPrivateKey,
                KeyMaterial::TransparentRsaPrivate(Box::new(TransparentRsaPrivateKey {
                    modulus,
                    private_exponent: d,
                    public_exponent: e,
                    p,
                    q: None,
                    prime_exponent_p: None,
                    prime_exponent_q: None,
                    crt_coefficient: None,
                }))
            )
        ),
        (enumeration(tags::RECOMMENDED_CURVE), bytes(65)).prop_map(|(curve, q)| (
            KeyFormatType::TransparentECPublicKey,
            KeyMaterial::TransparentEcPublic(Box::new(TransparentEcPublicKey {
                recommended_curve: curve,
                q_string: q
            }))
        )),
    ];
    let value = prop_oneof![
        (plain, vec(attribute(), 0..2)).prop_map(|((format, key_material), attributes)| {
            (format, Some(KeyValue::Plain { key_material, attributes }), None)
        }),
        (bytes(48), key_wrapping_data()).prop_map(|(b, w)| (
            KeyFormatType::Raw,
            Some(KeyValue::Wrapped(b)),
            Some(Box::new(w))
        )),
        Just((KeyFormatType::Raw, None, None)),
    ];
    (
        value,
        option::of(enumeration(tags::KEY_COMPRESSION_TYPE)),
        option::of((enumeration(tags::CRYPTOGRAPHIC_ALGORITHM), any::<i32>())),
    )
        .prop_map(|((format, key_value, wrapping), compression, algorithm)| KeyBlock {
            key_format_type: format,
            key_compression_type: compression,
            key_value,
            cryptographic_algorithm: algorithm.map(|a| a.0),
            cryptographic_length: algorithm.map(|a| a.1),
            key_wrapping_data: wrapping,
        })
        .boxed()
}

fn object() -> BoxedStrategy<Object> {
    prop_oneof![
        key_block().prop_map(|key_block| Object::SymmetricKey(SymmetricKey { key_block })),
        key_block().prop_map(|key_block| Object::PrivateKey(PrivateKey { key_block })),
        (enumeration(tags::SECRET_DATA_TYPE), key_block()).prop_map(|(t, key_block)| {
            Object::SecretData(SecretData { secret_data_type: t, key_block })
        }),
        (enumeration(tags::OPAQUE_DATA_TYPE), bytes(64)).prop_map(|(t, v)| Object::OpaqueObject(
            OpaqueObject { opaque_data_type: t, opaque_data_value: v }
        )),
        (enumeration(tags::CERTIFICATE_TYPE), bytes(64)).prop_map(|(t, v)| Object::Certificate(
            Certificate { certificate_type: t, certificate_value: v }
        )),
        vec(attribute(), 0..3).prop_map(|attributes| Object::Template(Template { attributes })),
    ]
    .boxed()
}

fn request_payload() -> BoxedStrategy<RequestPayload> {
    prop_oneof![
        (enumeration(tags::OBJECT_TYPE), template()).prop_map(
            |(object_type, template_attribute)| {
                CreateRequest { object_type, template_attribute }.into()
            }
        ),
        (
            option::of(text()),
            option::of(enumeration(tags::KEY_FORMAT_TYPE)),
            option::of(enumeration(tags::KEY_WRAP_TYPE))
        )
            .prop_map(|(id, format, wrap)| GetRequest {
                unique_identifier: id,
                key_format_type: format,
                key_wrap_type: wrap,
                ..Default::default()
            }
            .into()),
        (
            option::of(any::<i32>()),
            option::of(any::<i32>()),
            option::of(any::<u32>()),
            vec(attribute(), 0..4)
        )
            .prop_map(|(max, offset, mask, attributes)| LocateRequest {
                maximum_items: max,
                offset_items: offset,
                storage_status_mask: mask.map(StorageStatusMask),
                object_group_member: None,
                attributes,
            }
            .into()),
        (template(), object()).prop_map(|(template_attribute, object)| {
            RegisterRequest { template_attribute, object }.into()
        }),
        (
            option::of(text()),
            option::of(crypto_params()),
            option::of(bytes(64)),
            option::of(bytes(16)),
            option::of(any::<bool>())
        )
            .prop_map(|(id, params, data, iv, init)| EncryptRequest {
                unique_identifier: id,
                cryptographic_parameters: params,
                data,
                iv_counter_nonce: iv,
                init_indicator: init,
                ..Default::default()
            }
            .into()),
        (option::of(text()), vec(text(), 0..4)).prop_map(|(id, names)| GetAttributesRequest {
            unique_identifier: id,
            attribute_names: names,
        }
        .into()),
    ]
    .boxed()
}

fn response_payload() -> BoxedStrategy<ResponsePayload> {
    prop_oneof![
        (enumeration(tags::OBJECT_TYPE), text(), option::of(template())).prop_map(
            |(object_type, unique_identifier, template_attribute)| CreateResponse {
                object_type,
                unique_identifier,
                template_attribute,
            }
            .into()
        ),
        (text(), object()).prop_map(|(unique_identifier, object)| GetResponse {
            unique_identifier,
            object
        }
        .into()),
        (option::of(any::<i32>()), vec(text(), 0..5)).prop_map(|(located_items, ids)| {
            LocateResponse { located_items, unique_identifiers: ids }.into()
        }),
        (text(), option::of(template())).prop_map(|(unique_identifier, template_attribute)| {
            RegisterResponse { unique_identifier, template_attribute }.into()
        }),
        (text(), option::of(bytes(64)), option::of(bytes(16)), option::of(bytes(16))).prop_map(
            |(id, data, iv, tag)| EncryptResponse {
                unique_identifier: id,
                data,
                iv_counter_nonce: iv,
                correlation_value: None,
                authenticated_encryption_tag: tag,
            }
            .into()
        ),
        (text(), vec(attribute(), 0..6)).prop_map(|(unique_identifier, attributes)| {
            GetAttributesResponse { unique_identifier, attributes }.into()
        }),
    ]
    .boxed()
}

fn protocol_version() -> impl Strategy<Value = ProtocolVersion> {
    (0..3i32, 0..5i32).prop_map(|(major, minor)| ProtocolVersion::new(major, minor))
}

fn request_header() -> BoxedStrategy<RequestHeader> {
    (
        protocol_version(),
        option::of(any::<i32>()),
        option::of(any::<bool>()),
        option::of((text(), option::of(text()))),
        option::of(enumeration(tags::BATCH_ERROR_CONTINUATION_OPTION)),
        option::of(any::<bool>()),
        option::of(date()),
    )
        .prop_map(|(version, max, asynchronous, credential, continuation, order, time)| {
            let mut header = RequestHeader::new(version);
            header.maximum_response_size = max;
            header.asynchronous_indicator = asynchronous;
            header.authentication = credential.map(|(username, password)| Authentication {
                credentials: vec![Credential::UsernameAndPassword(UsernameAndPassword {
                    username,
                    password: password.map(Into::into),
                })],
            });
            header.batch_error_continuation_option = continuation;
            header.batch_order_option = order;
            header.time_stamp = time;
            header
        })
        .boxed()
}

fn request_message() -> impl Strategy<Value = RequestMessage> {
    (request_header(), vec((option::of(bytes(8)), request_payload()), 1..4)).prop_map(
        |(header, items)| RequestMessage {
            header,
            batch_items: items
                .into_iter()
                .map(|(id, payload)| RequestBatchItem {
                    unique_batch_item_id: id,
                    payload,
                    message_extension: None,
                })
                .collect(),
        },
    )
}

fn response_item() -> BoxedStrategy<ResponseBatchItem> {
    prop_oneof![
        3 => (option::of(bytes(8)), response_payload()).prop_map(|(id, payload)| {
            ResponseBatchItem::success(payload).with_id(id)
        }),
        1 => (option::of(enumeration(tags::OPERATION)), enumeration(tags::RESULT_REASON), option::of(text()))
            .prop_map(|(op, reason, message)| ResponseBatchItem::failure(op, reason, message)),
    ]
    .boxed()
}

fn response_message() -> impl Strategy<Value = ResponseMessage> {
    (protocol_version(), date(), option::of(text()), vec(response_item(), 1..4)).prop_map(
        |(version, time, correlation, batch_items)| {
            let mut header = ResponseHeader::new(version, time);
            header.server_correlation_value = correlation;
            ResponseMessage { header, batch_items }
        },
    )
}

/// A random tree of message-ish tags, to check that decoding never panics.
fn random_tree() -> impl Strategy<Value = Ttlv> {
    let tag_pool: Vec<Tag> = spec::all_tags().iter().map(|d| d.tag).collect();
    let tag = proptest::sample::select(tag_pool);
    let leaf = (tag.clone(), any_value()).prop_map(|(t, v)| Ttlv::new(t, v));
    leaf.prop_recursive(5, 48, 6, move |inner| {
        (tag.clone(), vec(inner, 0..6)).prop_map(|(t, children)| Ttlv::structure(t, children))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn requests_round_trip(message in request_message()) {
        let bytes = message.to_bytes();
        let item = binary::decode(&bytes, &Limits::default()).unwrap();
        let back = RequestMessage::from_ttlv(item).unwrap();
        prop_assert_eq!(&back, &message);
        prop_assert_eq!(back.to_bytes(), bytes);
        prop_assert_eq!(message.clone().into_ttlv(), message.to_ttlv());
    }

    #[test]
    fn responses_round_trip(message in response_message()) {
        let bytes = message.to_bytes();
        let item = binary::decode(&bytes, &Limits::default()).unwrap();
        let back = ResponseMessage::from_ttlv(item).unwrap();
        prop_assert_eq!(&back, &message);
        prop_assert_eq!(back.to_bytes(), bytes);
        prop_assert_eq!(message.clone().into_ttlv(), message.to_ttlv());
    }

    #[test]
    fn downgrading_to_1_4_changes_nothing_and_always_decodes(message in response_message(), minor in 0u8..5) {
        prop_assert_eq!(message.to_ttlv_for(keyward_ttlv::Version::V1_4), message.to_ttlv());
        // Removing what an older version lacks never breaks the structure.
        ResponseMessage::from_ttlv(message.to_ttlv_for(keyward_ttlv::Version::new(1, minor))).unwrap();
    }

    #[test]
    fn random_trees_never_panic(payload in random_tree(), op in any::<u32>()) {
        let message = Ttlv::structure(tags::REQUEST_MESSAGE, vec![
            RequestHeader::new(ProtocolVersion::new(1, 4)).clone_into_header(),
            Ttlv::structure(tags::BATCH_ITEM, vec![
                Ttlv::new(tags::OPERATION, Value::Enumeration(op % 0x30)),
                Ttlv::new(tags::REQUEST_PAYLOAD, payload.value.clone()),
            ]),
        ]);
        let _ = RequestMessage::from_ttlv_per_item(message);
        let _ = ResponseMessage::from_ttlv(payload.clone());
        let _ = Object::from_ttlv(payload.clone());
        let _ = RequestPayload::decode(Operation::Register, payload);
    }
}

trait HeaderItem {
    fn clone_into_header(&self) -> Ttlv;
}

impl HeaderItem for RequestHeader {
    /// The header of a one-item request message.
    fn clone_into_header(&self) -> Ttlv {
        let message = RequestMessage {
            header: self.clone(),
            batch_items: vec![RequestBatchItem::new(QueryRequest::default())],
        };
        message.to_ttlv().children()[0].clone()
    }
}
