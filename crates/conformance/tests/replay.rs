//! The runner against a fake server that answers each request with the
//! test case's own expected response (placeholders given fresh values): on
//! real OASIS files, an unchanged response passes, a mutated field fails at
//! the right request and path, and placeholders bind across requests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use keyward_client::ClientError;
use keyward_conformance::{FailureKind, RunOptions, RunState, TestCase, Transport};
use keyward_ttlv::spec::tags;
use keyward_ttlv::text::{self, item_at};
use keyward_ttlv::{ItemType, Tag, Ttlv, Value, xml};

fn shared_dir() -> PathBuf {
    match std::env::var_os("KEYWARD_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
}

fn testcase(relative: &str) -> TestCase {
    let path = shared_dir().join("kmip-testcases").join(relative);
    TestCase::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

type Mutation = Box<dyn FnMut(usize, &mut Ttlv) + Send>;

/// Answers request `i` with the expected response `i`, placeholders bound to
/// fresh values (the same value for the same name), after `mutate`.
struct Echo {
    case: TestCase,
    next: usize,
    values: HashMap<String, Value>,
    requests: Vec<Ttlv>,
    mutate: Mutation,
}

impl Echo {
    fn new(case: TestCase) -> Self {
        Self::mutating(case, Box::new(|_, _| {}))
    }

    fn mutating(case: TestCase, mutate: Mutation) -> Self {
        Self { case, next: 0, values: HashMap::new(), requests: Vec::new(), mutate }
    }
}

fn fresh(name: &str, item_type: ItemType, counter: usize) -> Value {
    match item_type {
        ItemType::TextString => {
            Value::text(format!("fake-{}-{counter}", name.trim_start_matches('$')))
        }
        ItemType::ByteString => Value::bytes(format!("fake bytes {name} {counter}").into_bytes()),
        ItemType::Integer => Value::Integer(7),
        ItemType::Enumeration => Value::Enumeration(1),
        ItemType::LongInteger => Value::LongInteger(7),
        ItemType::Boolean => Value::Boolean(true),
        ItemType::Interval => Value::Interval(7),
        _ => Value::Structure(Vec::new()),
    }
}

impl Transport for Echo {
    async fn call(&mut self, request: &Ttlv) -> Result<Ttlv, ClientError> {
        self.requests.push(request.clone());
        let index = self.next;
        self.next += 1;
        let element = self.case.exchanges[index].response.clone();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let values = &mut self.values;
        let mut resolve = |name: &str, item_type: ItemType, _tag: Tag| -> Result<Value, String> {
            if let Some(offset) = text::now_offset(name) {
                return Ok(Value::DateTime(now + offset));
            }
            let counter = values.len();
            Ok(values
                .entry(name.to_owned())
                .or_insert_with(|| fresh(name, item_type, counter))
                .clone())
        };
        let mut response =
            xml::from_element(&element, &mut resolve).expect("expected response").message;
        // A real server stamps its own times where the reference run's are
        // written literally (the 1.0-1.2 files); times the client sent stay.
        let mut sent = Vec::new();
        for request in &self.requests {
            times(request, &mut |t| sent.push(*t));
        }
        restamp(&mut response, &sent, now);
        (self.mutate)(index, &mut response);
        Ok(response)
    }
}

fn times(item: &Ttlv, f: &mut dyn FnMut(&i64)) {
    match &item.value {
        Value::Structure(children) => children.iter().for_each(|c| times(c, f)),
        Value::DateTime(t) => f(t),
        _ => {}
    }
}

fn restamp(item: &mut Ttlv, sent: &[i64], now: i64) {
    match &mut item.value {
        Value::Structure(children) => children.iter_mut().for_each(|c| restamp(c, sent, now)),
        Value::DateTime(t) if item.tag == tags::TIME_STAMP || !sent.contains(t) => *t = now,
        _ => {}
    }
}

async fn run(case: &TestCase, echo: &mut Echo) -> Result<(), keyward_conformance::Failure> {
    RunState::default().run(case, echo, RunOptions::default()).await.result
}

fn item_at_mut<'a>(root: &'a mut Ttlv, path: &[usize]) -> &'a mut Ttlv {
    path.iter().fold(root, |item, &i| match &mut item.value {
        Value::Structure(children) => &mut children[i],
        _ => panic!("path leads through a primitive"),
    })
}

#[test]
fn a_file_loads_as_ordered_pairs() {
    let case = testcase("1.4/mandatory/SKLC-M-1-14.xml");
    let operations: Vec<String> = case.exchanges.iter().map(|e| e.operations()).collect();
    assert_eq!(operations, ["Create", "GetAttributes", "Destroy"]);
    // An ovh-kmip-go file, with its `# TIME n` markers between messages.
    let case = testcase("1.0-1.2/ovh-kmip-go/v1.0/TC_311_10_Create_Destroy.xml");
    assert_eq!(case.exchanges.len(), 2);
}

#[test]
fn a_file_that_is_not_request_response_pairs_is_refused() {
    let text = "<KMIP><ResponseMessage/></KMIP>";
    let err = TestCase::from_xml("x.xml", text).unwrap_err();
    assert!(err.to_string().contains("should start with a <RequestMessage>"), "{err}");
    let err = TestCase::from_xml("x.xml", "<KMIP><RequestMessage/></KMIP>").unwrap_err();
    assert!(err.to_string().contains("no ResponseMessage"), "{err}");
}

#[tokio::test]
async fn placeholders_bind_across_requests() {
    let case = testcase("1.4/mandatory/SKLC-M-1-14.xml");
    let mut echo = Echo::new(case.clone());
    run(&case, &mut echo).await.expect("the expected responses match themselves");
    // The Destroy request carries the identifier the Create response held.
    let destroy = &echo.requests[2];
    let uid = item_at(destroy, &[1, 1, 0]).expect("Destroy's UniqueIdentifier");
    assert_eq!(uid.tag, tags::UNIQUE_IDENTIFIER);
    assert_eq!(uid.value, Value::text("fake-UNIQUE_IDENTIFIER_0-0"));
}

#[tokio::test]
async fn every_mandatory_file_matches_its_own_responses() {
    let mut failures = Vec::new();
    let mut count = 0;
    let root = shared_dir().join("kmip-testcases");
    let inputs = [root.join("1.0-1.2"), root.join("1.3/mandatory"), root.join("1.4/mandatory")];
    for path in keyward_conformance::expand_inputs(&inputs).expect("test cases") {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let case = TestCase::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut echo = Echo::new(case.clone());
        count += 1;
        if let Err(e) = run(&case, &mut echo).await {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{} of {count} failed:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn a_mutated_field_fails_with_its_request_and_path() {
    let case = testcase("1.4/mandatory/SKLC-M-1-14.xml");
    // Response 2 (GetAttributes): Cryptographic Length 256 → 128.
    let mut echo = Echo::mutating(
        case.clone(),
        Box::new(|index, response| {
            if index == 1 {
                let length = item_at_mut(response, &[1, 2, 6, 1]);
                assert_eq!(length.value, Value::Integer(256));
                length.value = Value::Integer(128);
            }
        }),
    );
    let failure = run(&case, &mut echo).await.unwrap_err();
    assert_eq!(failure.request_index, Some(1));
    assert_eq!(
        failure.field_path(),
        Some(
            "ResponseMessage/BatchItem[1]/ResponsePayload[2]/Attribute[6]{Cryptographic \
             Length}/AttributeValue[1]"
        )
    );
    assert!(failure.to_string().contains("expected 256, found 128"), "{failure}");
}

#[tokio::test]
async fn a_wrong_result_fails_even_with_vendor_text_ignored() {
    let case = testcase("1.4/mandatory/SKLC-M-2-14.xml");
    // Response 5 is the Destroy of an active key: OperationFailed /
    // PermissionDenied. Vendor text differs (passes); a Success does not.
    let mut echo = Echo::mutating(
        case.clone(),
        Box::new(|index, response| {
            if index == 4 {
                let message = item_at_mut(response, &[1, 3]);
                assert_eq!(message.tag, tags::RESULT_MESSAGE);
                message.value = Value::text("some other vendor's words");
            }
        }),
    );
    run(&case, &mut echo).await.expect("Result Message is vendor text");

    let mut echo = Echo::mutating(
        case.clone(),
        Box::new(|index, response| {
            if index == 4 {
                let Value::Structure(items) = &mut item_at_mut(response, &[1]).value else {
                    panic!("batch item")
                };
                items.retain(|c| c.tag != tags::RESULT_REASON && c.tag != tags::RESULT_MESSAGE);
                items[1].value = Value::Enumeration(0); // Success
            }
        }),
    );
    let failure = run(&case, &mut echo).await.unwrap_err();
    assert_eq!(failure.request_index, Some(4));
    let text = failure.to_string();
    assert!(text.contains("expected ResultStatus=OperationFailed ResultReason=PermissionDenied, found ResultStatus=Success"), "{text}");
}

#[tokio::test]
async fn attributes_may_come_in_any_order_but_not_missing() {
    let case = testcase("1.4/mandatory/SKLC-M-1-14.xml");
    let mut echo = Echo::mutating(
        case.clone(),
        Box::new(|index, response| {
            if index == 1 {
                let Value::Structure(payload) = &mut item_at_mut(response, &[1, 2]).value else {
                    panic!("payload")
                };
                payload[1..].reverse();
            }
        }),
    );
    run(&case, &mut echo).await.expect("attribute order is free");

    let mut echo = Echo::mutating(
        case.clone(),
        Box::new(|index, response| {
            if index == 1 {
                let Value::Structure(payload) = &mut item_at_mut(response, &[1, 2]).value else {
                    panic!("payload")
                };
                payload.remove(7); // Digest
            }
        }),
    );
    let failure = run(&case, &mut echo).await.unwrap_err();
    assert!(failure.to_string().contains("attribute \"Digest\" missing"), "{failure}");
}

#[tokio::test]
async fn a_time_far_from_now_fails() {
    let case = testcase("1.4/mandatory/SKLC-M-1-14.xml");
    let mut echo = Echo::mutating(
        case.clone(),
        Box::new(|index, response| {
            if index == 0 {
                let stamp = item_at_mut(response, &[0, 1]);
                assert_eq!(stamp.tag, tags::TIME_STAMP);
                stamp.value = Value::DateTime(1_000_000_000);
            }
        }),
    );
    let failure = run(&case, &mut echo).await.unwrap_err();
    assert_eq!(failure.request_index, Some(0));
    assert_eq!(failure.field_path(), Some("ResponseMessage/ResponseHeader[0]/TimeStamp[1]"));
}

#[tokio::test]
async fn server_chosen_values_are_free_in_length_only_and_then_carried_forward() {
    // CS-BC-M-3-14: Create (server key) → Encrypt → Decrypt of the test
    // case's cipher text → the original plain text.
    let case = testcase("1.4/mandatory/CS-BC-M-3-14.xml");
    let ours = Value::bytes(vec![0xAB; 16]);
    let sent = ours.clone();
    let mut echo = Echo::mutating(
        case.clone(),
        Box::new(move |index, response| {
            if index == 1 {
                let data = item_at_mut(response, &[1, 2, 1]);
                assert_eq!(data.tag, tags::DATA);
                data.value = sent.clone();
            }
        }),
    );
    run(&case, &mut echo).await.expect("another key gives another cipher text");
    // The Decrypt request carried the server's cipher text, not the file's.
    let data = item_at(&echo.requests[2], &[1, 1, 1]).expect("Decrypt Data");
    assert_eq!(data.value, ours);

    let mut echo = Echo::mutating(
        case.clone(),
        Box::new(|index, response| {
            if index == 1 {
                item_at_mut(response, &[1, 2, 1]).value = Value::bytes(vec![1; 15]);
            }
        }),
    );
    let failure = run(&case, &mut echo).await.unwrap_err();
    assert!(failure.to_string().contains("must be 16 bytes long, found 15"), "{failure}");

    // A registered (known) key's cipher text is compared exactly.
    let case = testcase("1.4/mandatory/CS-BC-M-4-14.xml");
    let mut echo = Echo::mutating(
        case.clone(),
        Box::new(|index, response| {
            if index == 1 {
                let data = item_at_mut(response, &[1, 2, 1]);
                assert_eq!(data.tag, tags::DATA);
                data.value = Value::bytes(vec![0xAB; 16]);
            }
        }),
    );
    let failure = run(&case, &mut echo).await.unwrap_err();
    assert_eq!(failure.request_index, Some(1));
    assert!(failure.to_string().contains("expected 0x"), "{failure}");
}

#[tokio::test]
async fn a_transport_error_names_the_request() {
    struct Closed;
    impl Transport for Closed {
        async fn call(&mut self, _: &Ttlv) -> Result<Ttlv, ClientError> {
            Err(ClientError::Closed)
        }
    }
    let case = testcase("1.4/mandatory/SKLC-M-1-14.xml");
    let report = RunState::default().run(&case, &mut Closed, RunOptions::default()).await;
    let failure = report.result.unwrap_err();
    assert!(matches!(failure.kind, FailureKind::Transport(ClientError::Closed)));
    assert_eq!(
        failure.to_string(),
        "request 1 of 3 (Create): exchange failed: the server closed the connection"
    );
}
