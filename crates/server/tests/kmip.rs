//! The KMIP listener over real mutual TLS, against a real store: framing,
//! authentication, batches, versions and limits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use keyward_client::{ClientError, Connection};
use keyward_core::Config;
use keyward_kmip::attributes::{Attribute, AttributeValue, Name, TemplateAttribute};
use keyward_kmip::enums::*;
use keyward_kmip::message::{
    ProtocolVersion, RequestBatchItem, RequestHeader, RequestMessage, ResponseBatchItem,
    ResponseMessage,
};
use keyward_kmip::operations::*;
use keyward_server::kmip::KmipLimits;
use keyward_server::testing::{TestCredential, TestServer};
use keyward_ttlv::{Limits, Version, binary};

async fn connect(server: &TestServer, credential: &TestCredential) -> Connection {
    Connection::connect(&server.addr(), &credential.identity.tls_config().unwrap()).await.unwrap()
}

fn message(version: (i32, i32), items: Vec<RequestPayload>) -> RequestMessage {
    RequestMessage {
        header: RequestHeader::new(ProtocolVersion::new(version.0, version.1)),
        batch_items: items.into_iter().map(RequestBatchItem::new).collect(),
    }
}

fn aes_256(name: &str) -> CreateRequest {
    CreateRequest {
        object_type: ObjectType::SymmetricKey,
        template_attribute: TemplateAttribute {
            names: vec![],
            attributes: vec![
                Attribute::new(AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::AES)),
                Attribute::new(AttributeValue::CryptographicLength(256)),
                Attribute::new(AttributeValue::CryptographicUsageMask(CryptographicUsageMask(
                    CryptographicUsageMask::ENCRYPT.0 | CryptographicUsageMask::DECRYPT.0,
                ))),
                Attribute::new(AttributeValue::Name(Name {
                    value: name.to_owned(),
                    name_type: NameType::UninterpretedTextString,
                })),
            ],
        },
    }
}

async fn one(connection: &mut Connection, request: impl Into<RequestPayload>) -> ResponseBatchItem {
    let response = connection.call(&message((1, 4), vec![request.into()])).await.unwrap();
    assert_eq!(response.batch_items.len(), 1);
    response.batch_items.into_iter().next().unwrap()
}

async fn create(connection: &mut Connection, name: &str) -> String {
    match one(connection, aes_256(name)).await.payload {
        Some(ResponsePayload::Create(r)) => r.unique_identifier,
        other => panic!("create failed: {other:?}"),
    }
}

fn failed(item: &ResponseBatchItem) -> ResultReason {
    assert_eq!(item.result_status, ResultStatus::OperationFailed, "{item:?}");
    item.result_reason.expect("a failure carries a Result Reason")
}

#[tokio::test]
async fn discover_versions_and_query_answer_over_mutual_tls() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;

    let item = one(&mut connection, DiscoverVersionsRequest::default()).await;
    let Some(ResponsePayload::DiscoverVersions(versions)) = item.payload else {
        panic!("{item:?}")
    };
    let listed: Vec<_> = versions.protocol_versions.iter().map(|v| (v.major, v.minor)).collect();
    assert_eq!(listed, [(1, 4), (1, 3), (1, 2), (1, 1), (1, 0)]);

    let asked = DiscoverVersionsRequest {
        protocol_versions: vec![ProtocolVersion::new(2, 0), ProtocolVersion::new(1, 1)],
    };
    let item = one(&mut connection, asked).await;
    let Some(ResponsePayload::DiscoverVersions(versions)) = item.payload else {
        panic!("{item:?}")
    };
    assert_eq!(versions.protocol_versions, [ProtocolVersion::new(1, 1)]);

    let query = QueryRequest {
        query_functions: vec![
            QueryFunction::QueryOperations,
            QueryFunction::QueryServerInformation,
        ],
    };
    let item = one(&mut connection, query).await;
    let Some(ResponsePayload::Query(answer)) = item.payload else { panic!("{item:?}") };
    assert!(answer.operations.contains(&Operation::Create));
    assert!(answer.operations.contains(&Operation::Encrypt));
    assert_eq!(answer.vendor_identification.as_deref(), Some("Keyward"));

    let query = QueryRequest {
        query_functions: vec![
            QueryFunction::QueryProfiles,
            QueryFunction::QueryCapabilities,
            QueryFunction::QueryRNGs,
        ],
    };
    let item = one(&mut connection, query.clone()).await;
    let Some(ResponsePayload::Query(answer)) = item.payload else { panic!("{item:?}") };
    let profiles: Vec<_> = answer.profile_information.iter().map(|p| p.profile_name).collect();
    assert!(profiles.contains(&ProfileName::SymmetricKeyLifecycleServerKMIPV1_4), "{profiles:?}");
    // Only profiles whose every mandatory test case passes are claimed.
    assert!(!profiles.contains(&ProfileName::TapeLibraryServerKMIPV1_4));
    let [capabilities] = &answer.capability_information[..] else { panic!("{answer:?}") };
    assert_eq!(capabilities.batch_undo_capability, Some(false));
    assert_eq!(capabilities.batch_continue_capability, Some(true));
    assert_eq!(capabilities.asynchronous_capability, Some(false));
    assert_eq!(answer.rng_parameters[0].rng_algorithm, RngAlgorithm::DRBG);

    // A 1.2 client asking the same learns nothing its version lacks (all of it is 1.3).
    let answer = connection.call(&message((1, 2), vec![query.into()])).await.unwrap();
    let Some(ResponsePayload::Query(answer)) = &answer.batch_items[0].payload else {
        panic!("{answer:?}")
    };
    assert!(answer.profile_information.is_empty() && answer.capability_information.is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn one_connection_carries_many_requests_and_the_batch_shares_its_id_placeholder() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;

    // Create, then Activate and Get without a Unique Identifier: the ID Placeholder.
    let request = message(
        (1, 4),
        vec![
            aes_256("batch-key").into(),
            ActivateRequest { unique_identifier: None }.into(),
            GetRequest::default().into(),
        ],
    );
    let response = connection.call(&request).await.unwrap();
    let [created, activated, got] = &response.batch_items[..] else { panic!("{response:?}") };
    let Some(ResponsePayload::Create(created)) = &created.payload else { panic!("{created:?}") };
    let Some(ResponsePayload::Activate(activated)) = &activated.payload else {
        panic!("{activated:?}")
    };
    let Some(ResponsePayload::Get(got)) = &got.payload else { panic!("{got:?}") };
    assert_eq!(activated.unique_identifier, created.unique_identifier);
    assert_eq!(got.unique_identifier, created.unique_identifier);

    for i in 0..50 {
        create(&mut connection, &format!("key-{i}")).await;
    }
    let located = one(
        &mut connection,
        LocateRequest {
            attributes: vec![Attribute::new(AttributeValue::Name(Name {
                value: "key-7".into(),
                name_type: NameType::UninterpretedTextString,
            }))],
            ..Default::default()
        },
    )
    .await;
    let Some(ResponsePayload::Locate(located)) = located.payload else { panic!("{located:?}") };
    assert_eq!(located.unique_identifiers.len(), 1);
}

#[tokio::test]
async fn batch_error_continuation_stop_continue_and_undo() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    let missing = || GetRequest { unique_identifier: Some("missing".into()), ..Default::default() };

    // Stop (the default): the item after the failure is not processed.
    let request = message((1, 4), vec![missing().into(), aes_256("after-stop").into()]);
    let response = connection.call(&request).await.unwrap();
    assert_eq!(response.batch_items.len(), 1);
    assert_eq!(failed(&response.batch_items[0]), ResultReason::ItemNotFound);

    // Continue: every item is processed and answered, in order.
    let mut request = message((1, 4), vec![missing().into(), aes_256("after-continue").into()]);
    request.header.batch_error_continuation_option = Some(BatchErrorContinuationOption::Continue);
    let response = connection.call(&request).await.unwrap();
    assert_eq!(response.batch_items.len(), 2);
    assert_eq!(failed(&response.batch_items[0]), ResultReason::ItemNotFound);
    assert_eq!(response.batch_items[1].result_status, ResultStatus::Success);

    // Undo: a batch that succeeds is processed; a failure stops the batch and
    // says that the completed items were kept (this server cannot undo).
    let mut request = message((1, 4), vec![aes_256("undo-a").into(), aes_256("undo-b").into()]);
    request.header.batch_error_continuation_option = Some(BatchErrorContinuationOption::Undo);
    let response = connection.call(&request).await.unwrap();
    assert_eq!(response.batch_items.len(), 2);
    assert!(response.batch_items.iter().all(|i| i.result_status == ResultStatus::Success));
    let mut request =
        message((1, 4), vec![aes_256("undo-c").into(), missing().into(), aes_256("undo-d").into()]);
    request.header.batch_error_continuation_option = Some(BatchErrorContinuationOption::Undo);
    let response = connection.call(&request).await.unwrap();
    assert_eq!(response.batch_items.len(), 2);
    assert_eq!(failed(&response.batch_items[1]), ResultReason::ItemNotFound);
    let message = response.batch_items[1].result_message.as_deref().unwrap();
    assert!(message.contains("not undone"), "{message}");
    // after-continue, undo-a, undo-b, undo-c; never undo-d.
    assert_eq!(server.store.count_objects(&server.domain).await.unwrap(), 4);
}

#[tokio::test]
async fn unique_batch_item_ids_are_echoed_byte_for_byte() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    let mut request = message((1, 1), vec![DiscoverVersionsRequest::default().into()]);
    request.batch_items[0].unique_batch_item_id =
        Some(keyward_kmip::Bytes(vec![0x51, 0x4c, 0x4b, 0x43, 1, 0, 0, 0].into()));
    let response = connection.call(&request).await.unwrap();
    assert_eq!(response.header.protocol_version, ProtocolVersion::new(1, 1));
    assert_eq!(
        response.batch_items[0].unique_batch_item_id,
        request.batch_items[0].unique_batch_item_id
    );
}

#[tokio::test]
async fn a_kmip_1_0_client_never_receives_what_1_0_lacks() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    let id = create(&mut connection, "old-client").await;

    let request = message(
        (1, 0),
        vec![GetAttributesRequest { unique_identifier: Some(id), attribute_names: vec![] }.into()],
    );
    let answer = connection.call_ttlv(&request.to_ttlv()).await.unwrap();
    assert!(keyward_kmip::version::fits(&answer, Version::V1_0), "{answer:?}");
    let response = ResponseMessage::from_ttlv(answer).unwrap();
    assert_eq!(response.header.protocol_version, ProtocolVersion::new(1, 0));
    let Some(ResponsePayload::GetAttributes(attributes)) = &response.batch_items[0].payload else {
        panic!("{response:?}")
    };
    let names: Vec<_> = attributes.attributes.iter().map(|a| a.name.as_str()).collect();
    assert!(names.contains(&"State"), "{names:?}");
    assert!(!names.contains(&"Fresh"), "Fresh is a KMIP 1.1 attribute: {names:?}");
}

#[tokio::test]
async fn another_major_version_gets_invalid_message_without_an_operation() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    let response =
        connection.call(&message((2, 0), vec![DiscoverVersionsRequest::default().into()])).await;
    let response = response.unwrap();
    let [item] = &response.batch_items[..] else { panic!("{response:?}") };
    assert_eq!(item.operation, None);
    assert_eq!(failed(item), ResultReason::InvalidMessage);
    // A newer minor version of 1.x is answered in 1.4.
    let response =
        connection.call(&message((1, 9), vec![DiscoverVersionsRequest::default().into()])).await;
    assert_eq!(response.unwrap().header.protocol_version, ProtocolVersion::new(1, 4));
}

#[tokio::test]
async fn malformed_messages_get_invalid_message_and_unreadable_framing_closes() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;

    // A well-framed structure whose children overrun it.
    let bad = [0x42, 0x00, 0x78, 0x01, 0, 0, 0, 8, 0x42, 0x00, 0x77, 0x01, 0, 0, 0, 16];
    let answer = connection.call_bytes(&bad).await.unwrap();
    let response =
        ResponseMessage::from_ttlv(binary::decode(&answer, &Limits::default()).unwrap()).unwrap();
    assert_eq!(failed(&response.batch_items[0]), ResultReason::InvalidMessage);
    assert!(response.batch_items[0].result_message.as_deref().unwrap().contains("TTLV"));

    // A request whose batch item has an unknown operation: only that item fails.
    let mut ttlv = message((1, 4), vec![DiscoverVersionsRequest::default().into()]).to_ttlv();
    if let keyward_ttlv::Value::Structure(children) = &mut ttlv.value
        && let keyward_ttlv::Value::Structure(item) = &mut children[1].value
    {
        item[0].value = keyward_ttlv::Value::Enumeration(0x0000_7777);
    }
    let response = ResponseMessage::from_ttlv(connection.call_ttlv(&ttlv).await.unwrap()).unwrap();
    assert_eq!(response.batch_items.len(), 1);
    assert_eq!(response.batch_items[0].result_status, ResultStatus::OperationFailed);

    // The connection still works after both.
    let item = one(&mut connection, DiscoverVersionsRequest::default()).await;
    assert_eq!(item.result_status, ResultStatus::Success);

    // A header claiming 2 GiB cannot be framed: an answer, then the connection closes.
    let huge = [0x42, 0x00, 0x78, 0x01, 0x80, 0, 0, 0];
    let answer = connection.call_bytes(&huge).await.unwrap();
    let response =
        ResponseMessage::from_ttlv(binary::decode(&answer, &Limits::default()).unwrap()).unwrap();
    assert_eq!(failed(&response.batch_items[0]), ResultReason::InvalidMessage);
    assert!(matches!(connection.read_frame().await, Err(ClientError::Closed | ClientError::Io(_))));
}

#[tokio::test]
async fn maximum_response_size_turns_a_large_answer_into_response_too_large() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    let query = QueryRequest {
        query_functions: vec![QueryFunction::QueryOperations, QueryFunction::QueryObjects],
    };
    let mut request = message((1, 4), vec![query.clone().into()]);
    request.header.maximum_response_size = Some(256);
    let response = connection.call(&request).await.unwrap();
    assert_eq!(response.batch_items[0].operation, Some(Operation::Query));
    assert_eq!(failed(&response.batch_items[0]), ResultReason::ResponseTooLarge);

    request.header.maximum_response_size = Some(4096);
    let response = connection.call(&request).await.unwrap();
    assert_eq!(response.batch_items[0].result_status, ResultStatus::Success);
}

#[tokio::test]
async fn too_many_batch_items_are_refused_as_a_whole() {
    let limits = KmipLimits { max_batch_items: 3, ..KmipLimits::default() };
    let server = TestServer::start_with(Config::default(), limits).await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    let items = (0..4).map(|_| DiscoverVersionsRequest::default().into()).collect();
    let response = connection.call(&message((1, 4), items)).await.unwrap();
    let [item] = &response.batch_items[..] else { panic!("{response:?}") };
    assert_eq!(failed(item), ResultReason::InvalidMessage);
}

#[tokio::test]
async fn unknown_revoked_and_foreign_certificates_are_refused() {
    let server = TestServer::start().await;

    // Issued by the users CA but never recorded: the first request finds the connection closed.
    let unrecorded = server.unrecorded_credential(&server.domain);
    let refused =
        match Connection::connect(&server.addr(), &unrecorded.identity.tls_config().unwrap()).await
        {
            Err(_) => true,
            Ok(mut connection) => connection
                .call(&message((1, 4), vec![DiscoverVersionsRequest::default().into()]))
                .await
                .is_err(),
        };
    assert!(refused, "an unrecorded credential must not be served");

    // A revoked credential: served before, refused on the next connection.
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    assert_eq!(
        one(&mut connection, DiscoverVersionsRequest::default()).await.result_status,
        ResultStatus::Success
    );
    server.revoke(&server.domain, &credential.id).await;
    let refused =
        match Connection::connect(&server.addr(), &credential.identity.tls_config().unwrap()).await
        {
            Err(_) => true,
            Ok(mut connection) => connection
                .call(&message((1, 4), vec![DiscoverVersionsRequest::default().into()]))
                .await
                .is_err(),
        };
    assert!(refused, "a revoked credential must not be served");

    // A certificate from another CA fails the handshake.
    let other = TestServer::start().await;
    let foreign = other.root_credential(&other.domain).await;
    let foreign = keyward_client::ClientIdentity::from_pem(
        foreign.pem.0.as_bytes(),
        foreign.pem.1.as_bytes(),
        server.server_ca_pem().as_bytes(),
    )
    .unwrap();
    let refused = match Connection::connect(&server.addr(), &foreign.tls_config().unwrap()).await {
        Err(_) => true,
        Ok(mut connection) => connection
            .call(&message((1, 4), vec![DiscoverVersionsRequest::default().into()]))
            .await
            .is_err(),
    };
    assert!(refused, "a certificate from another CA must fail the handshake");
}

#[tokio::test]
async fn a_domain_never_sees_another_domains_objects() {
    let server = TestServer::start().await;
    let alice = server.root_credential(&server.domain).await;
    let other_domain = server.add_domain("globex").await;
    let bob = server.root_credential(&other_domain).await;
    let mut a = connect(&server, &alice).await;
    let mut b = connect(&server, &bob).await;
    let id = create(&mut a, "shared-name").await;

    let item =
        one(&mut b, GetRequest { unique_identifier: Some(id.clone()), ..Default::default() }).await;
    assert_eq!(failed(&item), ResultReason::ItemNotFound);
    let item = one(
        &mut b,
        LocateRequest {
            attributes: vec![Attribute::new(AttributeValue::Name(Name {
                value: "shared-name".into(),
                name_type: NameType::UninterpretedTextString,
            }))],
            ..Default::default()
        },
    )
    .await;
    let Some(ResponsePayload::Locate(located)) = item.payload else { panic!("{item:?}") };
    assert!(located.unique_identifiers.is_empty());
}

#[tokio::test]
async fn an_identity_without_a_policy_is_denied() {
    let server = TestServer::start().await;
    let user =
        server.credential(&server.domain, &["urn:v1:eu:identity:user:acme/john.smith"]).await;
    let mut connection = connect(&server, &user).await;
    let item = one(&mut connection, aes_256("denied")).await;
    assert_eq!(failed(&item), ResultReason::PermissionDenied);
    assert!(item.result_message.unwrap().contains("policy"));
}

#[tokio::test]
async fn an_idle_connection_is_closed_by_the_server() {
    let limits = KmipLimits { idle_timeout: Duration::from_millis(200), ..KmipLimits::default() };
    let server = TestServer::start_with(Config::default(), limits).await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    // Nothing is sent: the read ends when the server closes the idle connection.
    assert!(matches!(connection.read_frame().await, Err(ClientError::Closed | ClientError::Io(_))));
}

#[tokio::test]
async fn a_message_that_stops_halfway_is_cut_off_by_the_message_timeout() {
    // The idle timeout stays long: only the message timeout can end this.
    let limits =
        KmipLimits { message_timeout: Duration::from_millis(200), ..KmipLimits::default() };
    let server = TestServer::start_with(Config::default(), limits).await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    // A Request Message header announcing 1,000 bytes, and nothing after it.
    let mut header = vec![0x42, 0x00, 0x78, 0x01];
    header.extend_from_slice(&1000u32.to_be_bytes());
    connection.send_bytes(&header).await.unwrap();
    let read = tokio::time::timeout(Duration::from_secs(20), connection.read_frame()).await;
    assert!(
        matches!(read, Ok(Err(ClientError::Closed | ClientError::Io(_)))),
        "the server should close the connection, got {read:?}"
    );
}

#[tokio::test]
async fn a_client_that_does_not_read_its_response_loses_its_connection() {
    // One connection slot: the second client is served only once the first,
    // which never reads, has lost its connection to the write timeout.
    let limits = KmipLimits {
        max_connections: 1,
        write_timeout: Duration::from_millis(200),
        ..KmipLimits::default()
    };
    let server = TestServer::start_with(Config::default(), limits).await;
    let credential = server.root_credential(&server.domain).await;
    let tls = credential.identity.tls_config().unwrap();
    let mut stalled = Connection::connect(&server.addr(), &tls).await.unwrap();
    // About 64 MiB of random bytes: more than loopback's socket buffers hold.
    let items = (0..1000).map(|_| RngRetrieveRequest { data_length: 65536 }.into()).collect();
    stalled.send_bytes(&binary::encode(&message((1, 4), items).to_ttlv())).await.unwrap();
    let served = tokio::time::timeout(Duration::from_secs(60), async {
        let mut second = Connection::connect(&server.addr(), &tls).await.unwrap();
        one(&mut second, DiscoverVersionsRequest::default()).await.result_status
    })
    .await;
    assert_eq!(served.ok(), Some(ResultStatus::Success), "the slot was never freed");
    drop(stalled);
}

#[tokio::test]
async fn silent_sockets_from_one_address_cannot_take_every_slot() {
    let limits =
        KmipLimits { max_connections: 4, max_handshakes_per_ip: 2, ..KmipLimits::default() };
    let server = TestServer::start_with(Config::default(), limits).await;
    let credential = server.root_credential(&server.domain).await;
    // Four sockets from 127.0.0.2 that never start their handshake: as many
    // as there are slots. Two may wait for the handshake timeout (10 s); the
    // others are closed at once.
    let mut silent = Vec::new();
    for _ in 0..4 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
        silent.push(socket.connect(server.addr().parse().unwrap()).await.unwrap());
    }
    // A client from another address is served well before the silent
    // handshakes time out.
    let served = tokio::time::timeout(Duration::from_secs(5), async {
        let mut connection = connect(&server, &credential).await;
        one(&mut connection, DiscoverVersionsRequest::default()).await.result_status
    })
    .await;
    assert_eq!(served.ok(), Some(ResultStatus::Success), "the client waited for a free slot");
    drop(silent);
}

#[tokio::test]
async fn a_batch_answers_at_most_the_largest_response_the_server_sends() {
    let limits = KmipLimits { max_response_size: 512 * 1024, ..KmipLimits::default() };
    let server = TestServer::start_with(Config::default(), limits).await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    // 1,000 items of 64 KiB of random bytes would be a 64 MiB answer.
    let items = (0..1000).map(|_| RngRetrieveRequest { data_length: 65536 }.into()).collect();
    let mut request = message((1, 4), items);
    request.header.batch_error_continuation_option = Some(BatchErrorContinuationOption::Continue);
    let response = connection.call(&request).await.unwrap();
    assert_eq!(response.batch_items.len(), 1000);
    let served = response.batch_items.iter().filter(|i| i.payload.is_some()).count();
    assert_eq!(served, 7, "as many 64 KiB items as fit in 512 KiB");
    for item in &response.batch_items[served..] {
        assert_eq!(failed(item), ResultReason::ResponseTooLarge);
    }
    assert!(response.to_bytes().len() < 1 << 20);
}

#[tokio::test]
async fn shutdown_drains_open_connections_and_returns() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    assert_eq!(
        one(&mut connection, DiscoverVersionsRequest::default()).await.result_status,
        ResultStatus::Success
    );
    let address = server.addr();
    server.stop().await.unwrap();
    assert!(matches!(connection.read_frame().await, Err(ClientError::Closed | ClientError::Io(_))));
    assert!(tokio::net::TcpStream::connect(address).await.is_err(), "the listener is closed");
}

#[tokio::test]
async fn fresh_is_true_until_the_object_is_first_served() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    let id = create(&mut connection, "fresh").await;
    let fresh = |item: ResponseBatchItem| match item.payload {
        Some(ResponsePayload::GetAttributes(r)) => r.attributes[0].value.clone(),
        other => panic!("{other:?}"),
    };
    let ask = || GetAttributesRequest {
        unique_identifier: Some(id.clone()),
        attribute_names: vec!["Fresh".into()],
    };
    assert_eq!(fresh(one(&mut connection, ask()).await), AttributeValue::Fresh(true));
    let got = one(
        &mut connection,
        GetRequest { unique_identifier: Some(id.clone()), ..Default::default() },
    )
    .await;
    assert_eq!(got.result_status, ResultStatus::Success);
    assert_eq!(fresh(one(&mut connection, ask()).await), AttributeValue::Fresh(false));
}

#[tokio::test]
async fn an_asynchronous_request_is_processed_synchronously() {
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &credential).await;
    let mut request = message((1, 4), vec![aes_256("async").into()]);
    request.header.asynchronous_indicator = Some(true);
    let response = connection.call(&request).await.unwrap();
    let [item] = &response.batch_items[..] else { panic!("{response:?}") };
    // Done before the answer: Success with the payload, never Operation Pending.
    assert_eq!(item.result_status, ResultStatus::Success);
    assert!(item.asynchronous_correlation_value.is_none());
    assert!(matches!(item.payload, Some(ResponsePayload::Create(_))));
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_for_a_free_slot() {
    let limits = KmipLimits { max_connections: 1, ..KmipLimits::default() };
    let server = TestServer::start_with(Config::default(), limits).await;
    let credential = server.root_credential(&server.domain).await;
    let tls = credential.identity.tls_config().unwrap();
    let mut first = Connection::connect(&server.addr(), &tls).await.unwrap();
    assert_eq!(
        one(&mut first, DiscoverVersionsRequest::default()).await.result_status,
        ResultStatus::Success
    );
    // The second connection is not served while the first holds the only slot:
    // its handshake cannot complete, however long it is given.
    let address = server.addr();
    let second = tokio::spawn(async move {
        let mut connection = Connection::connect(&address, &tls).await.unwrap();
        one(&mut connection, DiscoverVersionsRequest::default()).await.result_status
    });
    tokio::task::yield_now().await;
    assert!(!second.is_finished());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!second.is_finished(), "a second connection was served beyond the limit");
    // Once the first closes, the second is served.
    first.close().await.unwrap();
    assert_eq!(second.await.unwrap(), ResultStatus::Success);
}

#[tokio::test]
async fn an_expired_credential_is_refused() {
    let server = TestServer::start().await;
    let root = format!("urn:v1:eu:identity:account:{}", "acme");
    let long_ago = time::OffsetDateTime::now_utc() - time::Duration::days(30);
    let expired = server.credential_valid_from(&server.domain, &[&root], Some(long_ago), 1).await;
    let refused =
        match Connection::connect(&server.addr(), &expired.identity.tls_config().unwrap()).await {
            Err(_) => true,
            Ok(mut connection) => connection
                .call(&message((1, 4), vec![DiscoverVersionsRequest::default().into()]))
                .await
                .is_err(),
        };
    assert!(refused, "an expired credential must not be served");
    // The same identity with a current certificate is served.
    let current = server.root_credential(&server.domain).await;
    let mut connection = connect(&server, &current).await;
    assert_eq!(
        one(&mut connection, DiscoverVersionsRequest::default()).await.result_status,
        ResultStatus::Success
    );
}
