//! Replaying one test case: bind each request, send it, check the response,
//! learn what later requests need.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use keyward_client::{ClientError, Connection};
use keyward_ttlv::text::{self, BoundMessage};
use keyward_ttlv::{ItemType, Tag, Ttlv, Value, spec::tags, xml};
use time::OffsetDateTime;

use crate::compare::{Comparison, Session, Slot, TimeWindow};
use crate::report::{Failure, FailureKind, FileReport};
use crate::testcase::TestCase;

/// Settings of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// How far a `$NOW` time in a response may lie outside the time of the
    /// run (the server's clock may differ from ours).
    pub clock_tolerance: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self { clock_tolerance: Duration::from_secs(60) }
    }
}

/// Sends one request message and returns the server's response message.
pub trait Transport {
    /// Sends `request`, returns the response.
    fn call(&mut self, request: &Ttlv) -> impl Future<Output = Result<Ttlv, ClientError>> + Send;
}

impl Transport for Connection {
    fn call(&mut self, request: &Ttlv) -> impl Future<Output = Result<Ttlv, ClientError>> + Send {
        self.call_ttlv(request)
    }
}

/// Replays test cases against one server, one connection per file, keeping
/// what it learns about the server across files (objects it generated, and
/// the values it chose for them).
#[derive(Debug)]
pub struct Runner {
    address: String,
    tls: Arc<rustls::ClientConfig>,
    options: RunOptions,
    state: RunState,
}

impl Runner {
    /// A runner for the server at `address` (`host:port`), connecting with `tls`.
    pub fn new(
        address: impl Into<String>,
        tls: Arc<rustls::ClientConfig>,
        options: RunOptions,
    ) -> Self {
        Self { address: address.into(), tls, options, state: RunState::default() }
    }

    /// Loads `path` and replays it over a new connection.
    pub async fn run_file(&mut self, path: &std::path::Path) -> FileReport {
        let case = match TestCase::load(path) {
            Ok(case) => case,
            Err(e) => {
                return FileReport {
                    path: path.to_owned(),
                    result: Err(Failure {
                        request_index: None,
                        operations: None,
                        exchanges: 0,
                        kind: FailureKind::Load(e),
                        request: None,
                        response: None,
                    }),
                };
            }
        };
        let connection = match Connection::connect(&self.address, &self.tls).await {
            Ok(c) => c,
            Err(e) => {
                return FileReport {
                    path: path.to_owned(),
                    result: Err(Failure {
                        request_index: None,
                        operations: None,
                        exchanges: case.exchanges.len(),
                        kind: FailureKind::Connect(e),
                        request: None,
                        response: None,
                    }),
                };
            }
        };
        let mut connection = connection;
        let report = self.state.run(&case, &mut connection, self.options).await;
        // The verdict is in; a failed close_notify changes nothing about it.
        let _ = connection.close().await;
        report
    }
}

/// What a run knows across files.
#[derive(Clone, Debug, Default)]
pub struct RunState {
    session: Session,
}

impl RunState {
    /// Replays `case` over `transport`.
    pub async fn run<T: Transport>(
        &mut self,
        case: &TestCase,
        transport: &mut T,
        options: RunOptions,
    ) -> FileReport {
        let mut replay = FileReplay::new(case, options);
        let result = replay.run(&mut self.session, transport).await;
        FileReport { path: case.path.clone(), result }
    }
}

/// The state of one file's replay.
struct FileReplay<'a> {
    case: &'a TestCase,
    tolerance: i64,
    start: i64,
    /// Placeholder name → the actual value captured from a response.
    captured: HashMap<String, Value>,
    /// The last value the server returned under each tag.
    latest: HashMap<Tag, Value>,
    /// Every Date-Time the requests sent.
    sent_times: HashSet<i64>,
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

impl<'a> FileReplay<'a> {
    fn new(case: &'a TestCase, options: RunOptions) -> Self {
        let tolerance = i64::try_from(options.clock_tolerance.as_secs()).unwrap_or(i64::MAX / 4);
        Self {
            case,
            tolerance,
            start: now(),
            captured: HashMap::new(),
            latest: HashMap::new(),
            sent_times: HashSet::new(),
        }
    }

    async fn run<T: Transport>(
        &mut self,
        session: &mut Session,
        transport: &mut T,
    ) -> Result<(), Failure> {
        let exchanges = self.case.exchanges.len();
        for (index, exchange) in self.case.exchanges.iter().enumerate() {
            let fail = |kind, request: Option<&Ttlv>, response: Option<&Ttlv>| Failure {
                request_index: Some(index),
                operations: Some(exchange.operations()),
                exchanges,
                kind,
                request: request.cloned(),
                response: response.cloned(),
            };
            let request =
                self.request(&exchange.request, session).map_err(|k| fail(k, None, None))?;
            let actual = transport
                .call(&request)
                .await
                .map_err(|e| fail(FailureKind::Transport(e), Some(&request), None))?;
            self.check(&exchange.response, &request, &actual, session)
                .map_err(|k| fail(k, Some(&request), Some(&actual)))?;
        }
        Ok(())
    }

    /// Binds a request's placeholders: `$NOW±n` to the current time, names
    /// captured from earlier responses to their values, and names never
    /// captured (`$DATA_0`, `$IV_COUNTER_NONCE` where the response had a
    /// literal) to the last value the server returned under the same tag.
    /// Then values the server chose in place of the test case's are put in.
    fn request(&mut self, element: &xml::Element, session: &Session) -> Result<Ttlv, FailureKind> {
        let now = now();
        let mut resolve = |name: &str, item_type: ItemType, tag: Tag| -> Result<Value, String> {
            if let Some(offset) = text::now_offset(name) {
                return match item_type {
                    ItemType::DateTime => now
                        .checked_add(offset)
                        .map(Value::DateTime)
                        .ok_or_else(|| format!("{name} is out of range")),
                    other => Err(format!("{name} stands for a time, but {tag} is a {other}")),
                };
            }
            if let Some(value) = self.captured.get(name) {
                return Ok(value.clone());
            }
            let identifier = name.contains("UNIQUE_IDENTIFIER");
            if !identifier && let Some(value) = self.latest.get(&tag) {
                return Ok(value.clone());
            }
            Err(format!(
                "{name} was never returned by the server in this file: no earlier response had \
                 it, nor any {tag} value"
            ))
        };
        let bound = xml::from_element(element, &mut resolve).map_err(FailureKind::Bind)?;
        let mut message = bound.message;
        restamp_header(&mut message, now);
        normalize_attribute_names(&mut message);
        substitute_request(&mut message, session);
        collect_times(&message, &mut self.sent_times);
        Ok(message)
    }

    /// Checks `actual` against the expected response, then learns from it.
    fn check(
        &mut self,
        element: &xml::Element,
        request: &Ttlv,
        actual: &Ttlv,
        session: &mut Session,
    ) -> Result<(), FailureKind> {
        let known: HashSet<String> = self.captured.keys().cloned().collect();
        let mut resolve = |name: &str, item_type: ItemType, _tag: Tag| -> Result<Value, String> {
            if let Some(offset) = text::now_offset(name) {
                return Ok(stand_in(item_type, offset));
            }
            Ok(self.captured.get(name).cloned().unwrap_or_else(|| stand_in(item_type, 0)))
        };
        let expected: BoundMessage =
            xml::from_element(element, &mut resolve).map_err(FailureKind::Expected)?;
        let slots: HashMap<Vec<usize>, Slot> = expected
            .bindings
            .iter()
            .filter_map(|b| {
                let slot = match text::now_offset(&b.name) {
                    Some(offset) => Slot::Time(offset),
                    None if known.contains(&b.name) => return None,
                    None => Slot::Capture(b.name.clone()),
                };
                Some((b.path.clone(), slot))
            })
            .collect();
        let comparison = Comparison {
            expected: &expected.message,
            slots: &slots,
            request,
            window: TimeWindow {
                earliest: self.start - self.tolerance,
                latest: now() + self.tolerance,
            },
            session,
            sent_times: &self.sent_times,
        };
        let learnt = comparison.run(actual).map_err(FailureKind::Mismatch)?;
        for (name, value) in learnt.captures {
            self.captured.insert(name, value);
        }
        session.substitutions.extend(learnt.substitutions);
        session.generated.extend(generated_objects(actual));
        session.pss.extend(named_objects(request, actual, tags::PADDING_METHOD, "PSS"));
        session.rsa.extend(named_objects(request, actual, tags::CRYPTOGRAPHIC_ALGORITHM, "RSA"));
        record_latest(actual, &mut self.latest, &mut session.returned_data);
        Ok(())
    }
}

/// A value of `item_type` standing in for a placeholder in an expected
/// response (the comparison does not look at it).
fn stand_in(item_type: ItemType, offset: i64) -> Value {
    match item_type {
        ItemType::Structure => Value::Structure(Vec::new()),
        ItemType::Integer => Value::Integer(0),
        ItemType::LongInteger => Value::LongInteger(0),
        ItemType::BigInteger => Value::big_integer_from_signed(&[0]),
        ItemType::Enumeration => Value::Enumeration(0),
        ItemType::Boolean => Value::Boolean(false),
        ItemType::TextString => Value::text(""),
        ItemType::ByteString => Value::bytes(Vec::new()),
        ItemType::DateTime => Value::DateTime(offset),
        ItemType::Interval => Value::Interval(0),
        ItemType::DateTimeExtended => Value::DateTimeExtended(offset),
    }
}

/// The operations whose responses name objects the server generated the key
/// material of.
pub(crate) const GENERATING: [&str; 8] = [
    "Create",
    "CreateKeyPair",
    "ReKey",
    "ReKeyKeyPair",
    "DeriveKey",
    "CreateSplitKey",
    "JoinSplitKey",
    "Certify",
];

/// The unique identifiers in successful responses of [`GENERATING`] operations.
fn generated_objects(response: &Ttlv) -> Vec<String> {
    let mut out = Vec::new();
    for item in response.children().iter().filter(|c| c.tag == tags::BATCH_ITEM) {
        let operation = item
            .child(tags::OPERATION)
            .map(|o| crate::compare::operation_name(&o.value))
            .unwrap_or_default();
        if !GENERATING.contains(&operation.as_str()) {
            continue;
        }
        let Some(payload) = item.child(tags::RESPONSE_PAYLOAD) else { continue };
        out.extend(object_identifiers(payload));
    }
    out
}

/// The unique identifiers a response payload names directly.
pub(crate) fn object_identifiers(payload: &Ttlv) -> Vec<String> {
    payload
        .children()
        .iter()
        .filter(|c| {
            [
                tags::UNIQUE_IDENTIFIER,
                tags::PRIVATE_KEY_UNIQUE_IDENTIFIER,
                tags::PUBLIC_KEY_UNIQUE_IDENTIFIER,
            ]
            .contains(&c.tag)
        })
        .filter_map(|c| match &c.value {
            Value::TextString(uid) => Some(uid.clone()),
            _ => None,
        })
        .collect()
}

/// The objects named in `response` by the batch items whose request named
/// the enumeration value `name` of `tag` (PSS padding, the RSA algorithm).
fn named_objects(request: &Ttlv, response: &Ttlv, tag: Tag, name: &str) -> Vec<String> {
    let requests = request.children().iter().filter(|c| c.tag == tags::BATCH_ITEM);
    let responses = response.children().iter().filter(|c| c.tag == tags::BATCH_ITEM);
    let mut out = Vec::new();
    for (sent, got) in requests.zip(responses) {
        if sent
            .child(tags::REQUEST_PAYLOAD)
            .is_some_and(|p| crate::compare::names_enum(p, tag, name))
            && let Some(payload) = got.child(tags::RESPONSE_PAYLOAD)
        {
            out.extend(object_identifiers(payload));
        }
    }
    out
}

/// Notes the last value of each primitive tag in `response`, and every Data value.
fn record_latest(item: &Ttlv, latest: &mut HashMap<Tag, Value>, data: &mut HashSet<Vec<u8>>) {
    match &item.value {
        Value::Structure(children) => {
            for child in children {
                record_latest(child, latest, data);
            }
        }
        value => {
            if item.tag == tags::DATA
                && let Value::ByteString(bytes) = value
            {
                data.insert(bytes.to_vec());
            }
            latest.insert(item.tag, value.clone());
        }
    }
}

/// Sets the request header's Time Stamp, if it has one, to `now`: the time
/// the reference run sent it is written literally in the 1.0-1.2 files.
fn restamp_header(request: &mut Ttlv, now: i64) {
    let Value::Structure(parts) = &mut request.value else { return };
    for header in parts.iter_mut().filter(|c| c.tag == tags::REQUEST_HEADER) {
        let Value::Structure(fields) = &mut header.value else { continue };
        for field in fields.iter_mut().filter(|f| f.tag == tags::TIME_STAMP) {
            field.value = Value::DateTime(now);
        }
    }
}

/// Writes each Attribute Name that is a KMIP attribute's name with runs of
/// white space ("Object   Type", an artefact of the re-extracted 1.0-1.2
/// files) as the spec spells it.
fn normalize_attribute_names(item: &mut Ttlv) {
    match &mut item.value {
        Value::Structure(children) => children.iter_mut().for_each(normalize_attribute_names),
        Value::TextString(name) if item.tag == tags::ATTRIBUTE_NAME => {
            if let Some(def) = keyward_ttlv::spec::attribute(name)
                && def.name != name.as_str()
            {
                *name = def.name.to_owned();
            }
        }
        _ => {}
    }
}

/// Notes every Date-Time of `item`.
fn collect_times(item: &Ttlv, times: &mut HashSet<i64>) {
    match &item.value {
        Value::Structure(children) => children.iter().for_each(|c| collect_times(c, times)),
        Value::DateTime(t) => {
            times.insert(*t);
        }
        _ => {}
    }
}

/// Replaces, in each batch item of a request, the byte values that stand
/// for a value the server chose (see [`crate::compare`]).
fn substitute_request(request: &mut Ttlv, session: &Session) {
    if session.substitutions.is_empty() {
        return;
    }
    let Value::Structure(items) = &mut request.value else { return };
    for item in items.iter_mut().filter(|c| c.tag == tags::BATCH_ITEM) {
        let Value::Structure(parts) = &mut item.value else { continue };
        for payload in parts.iter_mut().filter(|c| c.tag == tags::REQUEST_PAYLOAD) {
            let uid = match payload.child(tags::UNIQUE_IDENTIFIER).map(|u| &u.value) {
                Some(Value::TextString(s)) => Some(s.clone()),
                _ => None,
            };
            substitute(payload, uid.as_deref(), session);
        }
    }
}

fn substitute(item: &mut Ttlv, uid: Option<&str>, session: &Session) {
    match &mut item.value {
        Value::Structure(children) => {
            for child in children {
                substitute(child, uid, session);
            }
        }
        Value::ByteString(bytes) | Value::BigInteger(bytes) => {
            if let Some(actual) = session.substitute(uid, bytes) {
                item.value = actual.clone();
            }
        }
        _ => {}
    }
}
