//! The KMIP workloads: requests, setup, and the [`Driver`] that sends them.
//!
//! Every request is what a careful client sends, so that servers other than Keyward
//! accept it:
//!
//! - Create: Object Type Symmetric Key with Cryptographic Algorithm AES, Cryptographic
//!   Length 256 and Cryptographic Usage Mask Encrypt|Decrypt (and a Name for get, locate
//!   and fill);
//! - Create Key Pair: algorithm and length in the common template (RSA 2048, or EC 256 with
//!   Recommended Curve P-256), usage masks Sign on the private key and Verify on the public;
//! - keys used for Encrypt, Decrypt and Sign are activated first;
//! - Encrypt and Decrypt carry Cryptographic Parameters (AES, GCM, 16-byte tag) and a
//!   client-chosen 12-byte IV, unique per operation; Sign carries RSA/PSS/SHA-256 or
//!   ECDSA with SHA-256;
//! - a message of several items gives each a Unique Batch Item ID;
//! - handshake and idle send one Discover Versions per connection (a Query of the server
//!   information on KMIP 1.0, which has no Discover Versions).
//!
//! A workload that needs a later KMIP version than the one chosen is unsupported before
//! any request is sent (Encrypt and Sign are KMIP 1.2; the GCM tag fields are 1.4). During
//! setup, which ends with one probe operation, a server answering with a failure result
//! makes the workload unsupported, with the server's reason and message.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use keyward_client::{ClientError, ClientIdentity, Connection};
use keyward_kmip::Bytes;
use keyward_kmip::attributes::{
    Attribute, AttributeValue, CryptographicDomainParameters, CryptographicParameters, Name,
    TemplateAttribute,
};
use keyward_kmip::enums::{
    BlockCipherMode, CryptographicAlgorithm, CryptographicUsageMask, DigitalSignatureAlgorithm,
    HashingAlgorithm, ObjectType, PaddingMethod, QueryFunction, RecommendedCurve, ResultReason,
    ResultStatus,
};
use keyward_kmip::message::{ProtocolVersion, RequestBatchItem, RequestHeader, RequestMessage};
use keyward_kmip::operations::{
    ActivateRequest, CreateKeyPairRequest, CreateRequest, DecryptRequest, DiscoverVersionsRequest,
    EncryptRequest, GetRequest, LocateRequest, QueryRequest, RequestPayload, ResponsePayload,
    SignRequest,
};
use keyward_pki::tls::ClientTlsOptions;
use rustls::ClientConfig;
use rustls::HandshakeKind;

use super::{Mix, WorkloadName};
use crate::BenchError;
use crate::options::{BenchConfig, Stop};
use crate::report::{Report, RunInfo};
use crate::runner::{self, Done, Driver, Failure, HoldPlan, Plan};

/// GCM tag length sent and expected, in bytes.
const TAG_LENGTH: i32 = 16;
/// Operation number used by setup probes (IVs made from it never meet the run's).
const PROBE_SEQ: u64 = u64::MAX;

/// A KMIP server and how to talk to it.
#[derive(Debug, Clone)]
pub struct Kmip {
    server: String,
    tls: Arc<ClientConfig>,
    version: ProtocolVersion,
    timeout: Duration,
}

/// A KMIP connection, or none (the handshake workload connects inside each operation).
pub type KmipConnection = Option<Connection>;

impl Kmip {
    /// A server at `server` reached with `tls`, spoken to in KMIP `version`.
    pub fn new(
        server: impl Into<String>,
        tls: Arc<ClientConfig>,
        version: ProtocolVersion,
        timeout: Duration,
    ) -> Self {
        Self { server: server.into(), tls, version, timeout }
    }

    /// Connects with the configured TLS client configuration.
    ///
    /// # Errors
    /// [`Failure::Transport`] when the connection or handshake fails or times out.
    pub async fn connect(&self) -> Result<Connection, Failure> {
        self.connect_with(&self.tls).await
    }

    async fn connect_with(&self, tls: &Arc<ClientConfig>) -> Result<Connection, Failure> {
        match tokio::time::timeout(self.timeout, Connection::connect(&self.server, tls)).await {
            Ok(Ok(conn)) => Ok(conn),
            Ok(Err(e)) => Err(transport(&e)),
            Err(_) => Err(Failure::Transport("timeout".into())),
        }
    }

    /// Sends `payloads` in one request message and returns the response payloads, in
    /// order; the first failed item fails the call.
    ///
    /// # Errors
    /// [`Failure::Refused`] with the item's Result Reason and Message,
    /// [`Failure::Unexpected`] for a response that does not match the request,
    /// [`Failure::Transport`] when the exchange fails or times out.
    pub async fn call(
        &self,
        conn: &mut Connection,
        payloads: Vec<RequestPayload>,
    ) -> Result<Vec<ResponsePayload>, Failure> {
        let expected = payloads.len();
        let request = self.message(payloads);
        let response = match tokio::time::timeout(self.timeout, conn.call(&request)).await {
            Ok(Ok(response)) => response,
            Ok(Err(e)) => return Err(transport(&e)),
            Err(_) => return Err(Failure::Transport("timeout".into())),
        };
        if response.batch_items.len() != expected {
            return Err(Failure::Unexpected(format!(
                "{} batch items answered for {expected} sent",
                response.batch_items.len()
            )));
        }
        let mut answers = Vec::with_capacity(expected);
        for item in response.batch_items {
            if item.result_status != ResultStatus::Success {
                return Err(Failure::Refused {
                    reason: item.result_reason.map_or_else(
                        || format!("{:?} without a Result Reason", item.result_status),
                        reason_name,
                    ),
                    message: item.result_message,
                });
            }
            answers.push(item.payload.ok_or_else(|| {
                Failure::Unexpected("a successful batch item without a payload".into())
            })?);
        }
        Ok(answers)
    }

    /// Sends one payload and returns its answer.
    async fn call_one(
        &self,
        conn: &mut Connection,
        payload: impl Into<RequestPayload>,
    ) -> Result<ResponsePayload, Failure> {
        let mut answers = self.call(conn, vec![payload.into()]).await?;
        answers.pop().ok_or_else(|| Failure::Unexpected("no batch item".into()))
    }

    fn message(&self, payloads: Vec<RequestPayload>) -> RequestMessage {
        let several = payloads.len() > 1;
        let batch_items = payloads
            .into_iter()
            .enumerate()
            .map(|(i, payload)| {
                let mut item = RequestBatchItem::new(payload);
                if several {
                    let id = u32::try_from(i).unwrap_or(u32::MAX);
                    item.unique_batch_item_id = Some(Bytes::new(id.to_be_bytes().to_vec()));
                }
                item
            })
            .collect();
        RequestMessage { header: RequestHeader::new(self.version), batch_items }
    }

    fn at_least(&self, major: i32, minor: i32) -> bool {
        (self.version.major, self.version.minor) >= (major, minor)
    }
}

/// A Result Reason as words: `ItemNotFound` → `Item Not Found`.
pub(crate) fn reason_name(reason: ResultReason) -> String {
    if let ResultReason::Extension(value) = reason {
        return format!("Extension 0x{value:08X}");
    }
    let debug = format!("{reason:?}");
    let mut words = String::with_capacity(debug.len() + 4);
    for (i, c) in debug.chars().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            words.push(' ');
        }
        words.push(c);
    }
    words
}

fn transport(error: &ClientError) -> Failure {
    Failure::Transport(match error {
        ClientError::Io(e) => format!("{} ({e})", e.kind()),
        ClientError::Closed => "connection closed by the server".into(),
        ClientError::Decode(_) => "invalid TTLV in the answer".into(),
        ClientError::Model(_) => "invalid response message".into(),
        other => other.to_string(),
    })
}

/// One KMIP operation kind, with what setup made for it.
#[derive(Debug)]
enum Op {
    /// Create AES-256 keys, `batch` per message, named `{prefix}-{n}` if `prefix`.
    Create { prefix: Option<String>, batch: usize },
    /// Get one of `ids`.
    Get { ids: Vec<String> },
    /// Locate by one of `names`.
    Locate { names: Vec<String> },
    /// Encrypt `data` under `key`, `batch` items per message.
    Encrypt { key: String, data: Vec<u8>, batch: usize },
    /// Decrypt the ciphertext of setup.
    Decrypt { key: String, iv: Vec<u8>, data: Vec<u8>, tag: Vec<u8> },
    /// Sign `data` with `key`.
    Sign { key: String, params: CryptographicParameters, data: Vec<u8> },
    /// Connect, one Discover Versions (Query on KMIP 1.0), close.
    Handshake { tls: Arc<ClientConfig> },
    /// One Discover Versions (Query on KMIP 1.0) on an open connection: the operation
    /// of the idle workload, done once per connection before it is held.
    Hello,
}

/// The KMIP [`Driver`]: one workload, its setup done.
#[derive(Debug)]
pub struct KmipDriver {
    kmip: Kmip,
    /// The operations; more than one only for mixed.
    ops: Vec<Op>,
    /// Indexes into `ops`, repeated (the mixed ratio).
    schedule: Vec<usize>,
}

impl Driver for KmipDriver {
    type Conn = KmipConnection;

    async fn connect(&self) -> Result<KmipConnection, Failure> {
        if matches!(self.ops.as_slice(), [Op::Handshake { .. }]) {
            return Ok(None);
        }
        self.kmip.connect().await.map(Some)
    }

    async fn operate(&self, conn: &mut KmipConnection, seq: u64) -> Result<Done, Failure> {
        let slot = usize::try_from(seq % self.schedule.len().max(1) as u64).unwrap_or(0);
        let index = self.schedule.get(slot).copied().unwrap_or(0);
        let op = self.ops.get(index).ok_or_else(|| Failure::Unexpected("empty workload".into()))?;
        perform(&self.kmip, op, conn, seq).await
    }

    /// Waits for the server to close the connection (a KMIP server never speaks first):
    /// the read ends with the server's close, a reset, or a message nobody asked for.
    async fn until_closed(&self, conn: &mut KmipConnection) -> Failure {
        let Some(conn) = conn.as_mut() else {
            return std::future::pending().await;
        };
        match conn.read_frame().await {
            Ok(_) => Failure::Unexpected("a message from the server on an idle connection".into()),
            Err(e) => transport(&e),
        }
    }

    async fn close(&self, conn: KmipConnection) {
        if let Some(conn) = conn {
            let _ = tokio::time::timeout(self.kmip.timeout, conn.close()).await;
        }
    }
}

/// A 12-byte GCM IV unique to (operation number, item).
fn iv(seq: u64, item: usize) -> Vec<u8> {
    let mut iv = Vec::with_capacity(12);
    iv.extend_from_slice(&u32::try_from(item).unwrap_or(u32::MAX).to_be_bytes());
    iv.extend_from_slice(&seq.to_be_bytes());
    iv
}

fn gcm() -> CryptographicParameters {
    CryptographicParameters {
        block_cipher_mode: Some(BlockCipherMode::GCM),
        cryptographic_algorithm: Some(CryptographicAlgorithm::AES),
        tag_length: Some(TAG_LENGTH),
        ..Default::default()
    }
}

fn encrypt_request(key: &str, data: &[u8], iv: Vec<u8>) -> EncryptRequest {
    EncryptRequest {
        unique_identifier: Some(key.to_owned()),
        cryptographic_parameters: Some(gcm()),
        data: Some(Bytes::new(data.to_vec())),
        iv_counter_nonce: Some(Bytes::new(iv)),
        ..Default::default()
    }
}

fn attribute(value: AttributeValue) -> Attribute {
    Attribute::new(value)
}

fn mask(bits: u32) -> Attribute {
    attribute(AttributeValue::CryptographicUsageMask(CryptographicUsageMask(bits)))
}

fn aes_create(name: Option<String>) -> CreateRequest {
    let mut attributes = vec![
        attribute(AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::AES)),
        attribute(AttributeValue::CryptographicLength(256)),
        mask(CryptographicUsageMask::ENCRYPT.0 | CryptographicUsageMask::DECRYPT.0),
    ];
    attributes.extend(name.map(|n| attribute(AttributeValue::Name(Name::text(n)))));
    CreateRequest {
        object_type: ObjectType::SymmetricKey,
        template_attribute: TemplateAttribute::from_attributes(attributes),
    }
}

fn locate_by_name(name: &str) -> LocateRequest {
    LocateRequest {
        attributes: vec![attribute(AttributeValue::Name(Name::text(name)))],
        ..Default::default()
    }
}

fn pick<T>(items: &[T], seq: u64) -> Result<&T, Failure> {
    let index = usize::try_from(seq % items.len().max(1) as u64).unwrap_or(0);
    items.get(index).ok_or_else(|| Failure::Unexpected("setup made nothing to use".into()))
}

fn unexpected(what: &str, got: &ResponsePayload) -> Failure {
    Failure::Unexpected(format!("{what} answered with a {:?} payload", got.operation()))
}

/// Performs one operation of `op`.
async fn perform(
    kmip: &Kmip,
    op: &Op,
    conn: &mut KmipConnection,
    seq: u64,
) -> Result<Done, Failure> {
    if let Op::Handshake { tls } = op {
        return handshake(kmip, tls).await;
    }
    let conn = conn.as_mut().ok_or_else(|| Failure::Transport("not connected".into()))?;
    perform_on(kmip, op, conn, seq).await
}

/// Performs one operation of `op` (not a handshake) on `conn`.
async fn perform_on(
    kmip: &Kmip,
    op: &Op,
    conn: &mut Connection,
    seq: u64,
) -> Result<Done, Failure> {
    match op {
        Op::Create { prefix, batch } => {
            let first = seq.wrapping_mul(*batch as u64);
            let payloads = (0..*batch as u64)
                .map(|i| {
                    let name = prefix.as_ref().map(|p| format!("{p}-{}", first.wrapping_add(i)));
                    RequestPayload::from(aes_create(name))
                })
                .collect();
            for answer in kmip.call(conn, payloads).await? {
                if !matches!(answer, ResponsePayload::Create(_)) {
                    return Err(unexpected("Create", &answer));
                }
            }
            Ok(Done { items: *batch as u64, resumed: false })
        }
        Op::Get { ids } => {
            let id = pick(ids, seq)?;
            let request = GetRequest { unique_identifier: Some(id.clone()), ..Default::default() };
            match kmip.call_one(conn, request).await? {
                ResponsePayload::Get(r) if r.unique_identifier == *id => Ok(Done::ONE),
                ResponsePayload::Get(r) => Err(Failure::Unexpected(format!(
                    "Get {id} answered with object {}",
                    r.unique_identifier
                ))),
                other => Err(unexpected("Get", &other)),
            }
        }
        Op::Locate { names } => {
            let name = pick(names, seq)?;
            match kmip.call_one(conn, locate_by_name(name)).await? {
                ResponsePayload::Locate(r) if r.unique_identifiers.len() == 1 => Ok(Done::ONE),
                ResponsePayload::Locate(r) => Err(Failure::Unexpected(format!(
                    "Locate by name {name} found {} objects instead of 1",
                    r.unique_identifiers.len()
                ))),
                other => Err(unexpected("Locate", &other)),
            }
        }
        Op::Encrypt { key, data, batch } => {
            let payloads =
                (0..*batch).map(|i| encrypt_request(key, data, iv(seq, i)).into()).collect();
            for answer in kmip.call(conn, payloads).await? {
                match answer {
                    ResponsePayload::Encrypt(r) if r.data.is_some() => {}
                    ResponsePayload::Encrypt(_) => {
                        return Err(Failure::Unexpected("Encrypt answered without data".into()));
                    }
                    other => return Err(unexpected("Encrypt", &other)),
                }
            }
            Ok(Done { items: *batch as u64, resumed: false })
        }
        Op::Decrypt { key, iv, data, tag } => {
            let request = DecryptRequest {
                unique_identifier: Some(key.clone()),
                cryptographic_parameters: Some(gcm()),
                data: Some(Bytes::new(data.clone())),
                iv_counter_nonce: Some(Bytes::new(iv.clone())),
                authenticated_encryption_tag: Some(Bytes::new(tag.clone())),
                ..Default::default()
            };
            match kmip.call_one(conn, request).await? {
                ResponsePayload::Decrypt(r) if r.data.is_some() => Ok(Done::ONE),
                ResponsePayload::Decrypt(_) => {
                    Err(Failure::Unexpected("Decrypt answered without data".into()))
                }
                other => Err(unexpected("Decrypt", &other)),
            }
        }
        Op::Sign { key, params, data } => {
            let request = SignRequest {
                unique_identifier: Some(key.clone()),
                cryptographic_parameters: Some(params.clone()),
                data: Some(Bytes::new(data.clone())),
                ..Default::default()
            };
            match kmip.call_one(conn, request).await? {
                ResponsePayload::Sign(r) if r.signature_data.is_some() => Ok(Done::ONE),
                ResponsePayload::Sign(_) => {
                    Err(Failure::Unexpected("Sign answered without a signature".into()))
                }
                other => Err(unexpected("Sign", &other)),
            }
        }
        Op::Hello => hello(kmip, conn).await.map(|()| Done::ONE),
        Op::Handshake { .. } => Err(Failure::Unexpected("handshake handled above".into())),
    }
}

/// One Discover Versions, or on KMIP 1.0 (which has none) a Query of the server
/// information: the cheapest request every server answers.
async fn hello(kmip: &Kmip, conn: &mut Connection) -> Result<(), Failure> {
    let answer = if kmip.at_least(1, 1) {
        kmip.call_one(conn, DiscoverVersionsRequest::default()).await?
    } else {
        let query = QueryRequest { query_functions: vec![QueryFunction::QueryServerInformation] };
        kmip.call_one(conn, query).await?
    };
    match answer {
        ResponsePayload::DiscoverVersions(_) | ResponsePayload::Query(_) => Ok(()),
        other => Err(unexpected("Discover Versions", &other)),
    }
}

/// A new connection (full or resumed TLS handshake), one request, a clean close.
async fn handshake(kmip: &Kmip, tls: &Arc<ClientConfig>) -> Result<Done, Failure> {
    let mut conn = kmip.connect_with(tls).await?;
    let resumed = conn.tls().handshake_kind() == Some(HandshakeKind::Resumed);
    // The server checks the client certificate after the client has finished (TLS 1.3):
    // only an answer proves the connection was accepted.
    hello(kmip, &mut conn).await?;
    let _ = tokio::time::timeout(kmip.timeout, conn.close()).await;
    Ok(Done { items: 1, resumed })
}

/// What setup gave: a driver ready to run, or why the workload cannot run.
#[derive(Debug)]
pub enum Prepared {
    /// The workload is ready.
    Ready(KmipDriver),
    /// The server or the KMIP version does not support the workload.
    Unsupported(String),
}

/// Why setup stopped.
enum SetupStop {
    Unsupported(String),
    Failed { step: String, reason: String },
}

/// Turns a failure at setup `step` into unsupported (the server refused) or a failure.
fn at(step: &str) -> impl FnOnce(Failure) -> SetupStop + '_ {
    move |failure| match failure {
        Failure::Refused { .. } => SetupStop::Unsupported(format!("{step}: {failure}")),
        other => SetupStop::Failed { step: step.to_owned(), reason: other.to_string() },
    }
}

/// The KMIP version a workload needs, and why; `None` if 1.0 will do.
fn needs_version(workload: WorkloadName) -> Option<((i32, i32), &'static str)> {
    match workload {
        WorkloadName::Encrypt | WorkloadName::Decrypt | WorkloadName::BatchEncrypt => Some((
            (1, 4),
            "AES-GCM needs KMIP 1.4 (Encrypt and Decrypt are 1.2, the Authenticated Encryption Tag field 1.4)",
        )),
        WorkloadName::SignEcdsa | WorkloadName::SignRsa => {
            Some(((1, 2), "Sign needs KMIP 1.2 or later"))
        }
        _ => None,
    }
}

/// Prepares `config`'s workload on `kmip`: version check, setup, one probe operation.
/// `handshake_tls` is the TLS configuration of the handshake workload (resumption on
/// or off).
///
/// # Errors
/// [`BenchError::Connect`] when no connection can be opened; [`BenchError::Setup`] when
/// a setup step fails for another reason than the server refusing it.
pub async fn prepare(
    config: &BenchConfig,
    kmip: &Kmip,
    handshake_tls: Arc<ClientConfig>,
) -> Result<Prepared, BenchError> {
    let workloads: Vec<WorkloadName> = match (&config.workload, &config.mix) {
        (WorkloadName::Mixed, Some(mix)) => {
            mix.parts().iter().map(|(op, _)| op.workload()).collect()
        }
        (WorkloadName::Mixed, None) => {
            Mix::default_mix().parts().iter().map(|(op, _)| op.workload()).collect()
        }
        (w, _) => vec![*w],
    };
    for w in &workloads {
        if let Some(((major, minor), why)) = needs_version(*w)
            && !kmip.at_least(major, minor)
        {
            return Ok(Prepared::Unsupported(format!(
                "{w}: {why}; this run uses KMIP {}.{}",
                kmip.version.major, kmip.version.minor
            )));
        }
    }
    let mut conn = kmip
        .connect()
        .await
        .map_err(|f| BenchError::Connect { server: kmip.server.clone(), reason: f.to_string() })?;
    let run_id = run_id();
    let mut ops = Vec::with_capacity(workloads.len());
    for w in &workloads {
        match setup(config, kmip, &mut conn, *w, &run_id, &handshake_tls).await {
            Ok(op) => ops.push(op),
            Err(SetupStop::Unsupported(why)) => {
                return Ok(Prepared::Unsupported(format!("{w}: {why}")));
            }
            Err(SetupStop::Failed { step, reason }) => {
                return Err(BenchError::Setup { workload: w.to_string(), step, reason });
            }
        }
    }
    let _ = conn.close().await;
    let schedule = match &config.mix {
        Some(mix) if config.workload == WorkloadName::Mixed => mix.schedule(),
        _ => vec![0],
    };
    Ok(Prepared::Ready(KmipDriver { kmip: kmip.clone(), ops, schedule }))
}

/// A prefix for the names of this run's objects.
fn run_id() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("kwbench-{nanos:x}")
}

async fn setup(
    config: &BenchConfig,
    kmip: &Kmip,
    conn: &mut Connection,
    workload: WorkloadName,
    run_id: &str,
    handshake_tls: &Arc<ClientConfig>,
) -> Result<Op, SetupStop> {
    let payload = vec![0x5a; config.payload_size];
    let op = match workload {
        WorkloadName::Create => Op::Create { prefix: None, batch: 1 },
        WorkloadName::Fill => {
            Op::Create { prefix: Some(format!("{run_id}-fill")), batch: config.batch_size }
        }
        WorkloadName::Get | WorkloadName::Locate => {
            let prefix = format!("{run_id}-{workload}");
            let mut ids = Vec::with_capacity(config.keys);
            let mut names = Vec::with_capacity(config.keys);
            for n in 0..config.keys {
                let name = format!("{prefix}-{n}");
                let id = create_key(kmip, conn, Some(name.clone())).await?;
                ids.push(id);
                names.push(name);
            }
            if workload == WorkloadName::Get { Op::Get { ids } } else { Op::Locate { names } }
        }
        WorkloadName::Encrypt | WorkloadName::BatchEncrypt => {
            let key = active_aes_key(kmip, conn).await?;
            let batch = if workload == WorkloadName::BatchEncrypt { config.batch_size } else { 1 };
            Op::Encrypt { key, data: payload, batch }
        }
        WorkloadName::Decrypt => {
            let key = active_aes_key(kmip, conn).await?;
            let iv = iv(PROBE_SEQ, 1);
            let answer = kmip
                .call_one(conn, encrypt_request(&key, &payload, iv.clone()))
                .await
                .map_err(at("Encrypt (AES-256-GCM) of the ciphertext to decrypt"))?;
            let ResponsePayload::Encrypt(r) = answer else {
                return Err(SetupStop::Failed {
                    step: "Encrypt".into(),
                    reason: unexpected("Encrypt", &answer).to_string(),
                });
            };
            let (Some(data), Some(tag)) = (r.data, r.authenticated_encryption_tag) else {
                return Err(SetupStop::Unsupported(
                    "the Encrypt answer has no data or no Authenticated Encryption Tag".into(),
                ));
            };
            Op::Decrypt { key, iv, data: data.as_slice().to_vec(), tag: tag.as_slice().to_vec() }
        }
        WorkloadName::SignRsa | WorkloadName::SignEcdsa => {
            let rsa = workload == WorkloadName::SignRsa;
            let key = signing_key(kmip, conn, rsa).await?;
            let params = if rsa {
                CryptographicParameters {
                    padding_method: Some(PaddingMethod::PSS),
                    hashing_algorithm: Some(HashingAlgorithm::SHA256),
                    cryptographic_algorithm: Some(CryptographicAlgorithm::RSA),
                    ..Default::default()
                }
            } else {
                CryptographicParameters {
                    digital_signature_algorithm: Some(DigitalSignatureAlgorithm::ECDSAWithSHA256),
                    ..Default::default()
                }
            };
            Op::Sign { key, params, data: payload }
        }
        WorkloadName::Handshake => Op::Handshake { tls: handshake_tls.clone() },
        WorkloadName::Idle => Op::Hello,
        WorkloadName::Mixed => {
            return Err(SetupStop::Failed {
                step: "setup".into(),
                reason: "mixed cannot contain mixed".into(),
            });
        }
    };
    // One probe of the workload itself: a server that cannot do it says so here.
    let probe = match &op {
        Op::Handshake { tls } => handshake(kmip, tls).await,
        other => perform_on(kmip, other, conn, PROBE_SEQ).await,
    };
    probe.map_err(at(&format!("a first {workload} operation")))?;
    Ok(op)
}

async fn create_key(
    kmip: &Kmip,
    conn: &mut Connection,
    name: Option<String>,
) -> Result<String, SetupStop> {
    let step = "Create (AES-256, usage Encrypt|Decrypt)";
    match kmip.call_one(conn, aes_create(name)).await.map_err(at(step))? {
        ResponsePayload::Create(r) => Ok(r.unique_identifier),
        other => Err(SetupStop::Failed {
            step: step.into(),
            reason: unexpected("Create", &other).to_string(),
        }),
    }
}

async fn activate(kmip: &Kmip, conn: &mut Connection, id: &str) -> Result<(), SetupStop> {
    match kmip.call_one(conn, ActivateRequest::new(id)).await.map_err(at("Activate"))? {
        ResponsePayload::Activate(_) => Ok(()),
        other => Err(SetupStop::Failed {
            step: "Activate".into(),
            reason: unexpected("Activate", &other).to_string(),
        }),
    }
}

async fn active_aes_key(kmip: &Kmip, conn: &mut Connection) -> Result<String, SetupStop> {
    let id = create_key(kmip, conn, None).await?;
    activate(kmip, conn, &id).await?;
    Ok(id)
}

/// Creates an RSA-2048 or EC P-256 key pair and activates its private key; its id.
async fn signing_key(kmip: &Kmip, conn: &mut Connection, rsa: bool) -> Result<String, SetupStop> {
    let mut common = vec![
        attribute(AttributeValue::CryptographicAlgorithm(if rsa {
            CryptographicAlgorithm::RSA
        } else {
            CryptographicAlgorithm::EC
        })),
        attribute(AttributeValue::CryptographicLength(if rsa { 2048 } else { 256 })),
    ];
    if !rsa {
        common.push(attribute(AttributeValue::CryptographicDomainParameters(
            CryptographicDomainParameters {
                qlength: None,
                recommended_curve: Some(RecommendedCurve::P256),
            },
        )));
    }
    let request = CreateKeyPairRequest {
        common_template_attribute: Some(TemplateAttribute::from_attributes(common)),
        private_key_template_attribute: Some(TemplateAttribute::from_attributes(vec![mask(
            CryptographicUsageMask::SIGN.0,
        )])),
        public_key_template_attribute: Some(TemplateAttribute::from_attributes(vec![mask(
            CryptographicUsageMask::VERIFY.0,
        )])),
    };
    let step = if rsa { "Create Key Pair (RSA-2048)" } else { "Create Key Pair (EC P-256)" };
    let private = match kmip.call_one(conn, request).await.map_err(at(step))? {
        ResponsePayload::CreateKeyPair(r) => r.private_key_unique_identifier,
        other => {
            return Err(SetupStop::Failed {
                step: step.into(),
                reason: unexpected("Create Key Pair", &other).to_string(),
            });
        }
    };
    activate(kmip, conn, &private).await?;
    Ok(private)
}

/// Loads the credential, prepares the workload and runs it.
///
/// # Errors
/// As [`crate::run_kmip`].
pub async fn run(config: &BenchConfig) -> Result<Report, BenchError> {
    runner::check_open_files(config.connections)?;
    if let Some(pid) = config.server_pid {
        crate::memory::check_pid(pid)?;
    }
    let credential = |e: ClientError| BenchError::Credential(e.to_string());
    let identity = ClientIdentity::from_pem_files(&config.cert, &config.key, &config.ca)
        .map_err(credential)?;
    let tls = identity.tls_config().map_err(credential)?;
    let handshake_tls = identity
        .with_options(ClientTlsOptions { resumption: config.resumption, ..Default::default() })
        .tls_config()
        .map_err(credential)?;
    let kmip = Kmip::new(config.server.clone(), tls, config.kmip_version, config.timeout);
    let w = config.workload;
    let uses_payload = matches!(
        w,
        WorkloadName::Encrypt
            | WorkloadName::Decrypt
            | WorkloadName::BatchEncrypt
            | WorkloadName::SignEcdsa
            | WorkloadName::SignRsa
            | WorkloadName::Mixed
    );
    let info = RunInfo {
        workload: w.to_string(),
        protocol: "kmip".into(),
        server: config.server.clone(),
        kmip_version: format!("{}.{}", config.kmip_version.major, config.kmip_version.minor),
        connections: config.connections,
        warmup_s: config.warmup.as_secs_f64(),
        batch_size: w.is_batched().then_some(config.batch_size),
        payload_size: uses_payload.then_some(config.payload_size),
        mix: config.mix.as_ref().map(ToString::to_string),
        resumption: (w == WorkloadName::Handshake).then_some(config.resumption),
        open_concurrency: (w == WorkloadName::Idle).then_some(config.open_concurrency),
    };
    let driver = match prepare(config, &kmip, handshake_tls).await? {
        Prepared::Ready(driver) => driver,
        Prepared::Unsupported(why) => return Ok(Report::unsupported(info, why)),
    };
    let progress = !config.json && std::io::IsTerminal::is_terminal(&std::io::stderr());
    if let (WorkloadName::Idle, Stop::Duration(hold)) = (w, config.stop) {
        let plan = HoldPlan {
            target: config.server.clone(),
            connections: config.connections,
            open_concurrency: config.open_concurrency,
            hold,
            progress,
            server_pid: config.server_pid,
        };
        let measured = runner::hold(Arc::new(driver), &plan).await?;
        return Ok(Report::measured(info, &measured));
    }
    // Fill counts keys; each operation creates a batch of them.
    let (stop, progress_unit) = match (w, config.stop) {
        (WorkloadName::Fill, Stop::Count(keys)) => {
            let batch = config.batch_size.max(1) as u64;
            (Stop::Count(keys.div_ceil(batch)), batch)
        }
        (_, stop) => (stop, 1),
    };
    let plan = Plan {
        target: config.server.clone(),
        connections: config.connections,
        warmup: config.warmup,
        stop,
        progress,
        progress_unit,
        server_pid: config.server_pid,
    };
    let measured = runner::run(Arc::new(driver), &plan).await?;
    Ok(Report::measured(info, &measured))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn result_reasons_read_as_words() {
        assert_eq!(reason_name(ResultReason::ItemNotFound), "Item Not Found");
        assert_eq!(
            reason_name(ResultReason::KeyFormatTypeNotSupported),
            "Key Format Type Not Supported"
        );
        assert_eq!(reason_name(ResultReason::Extension(0x8000_0001)), "Extension 0x80000001");
    }

    #[test]
    fn ivs_are_twelve_bytes_and_unique_per_operation_and_item() {
        let a = iv(1, 0);
        assert_eq!(a.len(), 12);
        assert_ne!(a, iv(2, 0));
        assert_ne!(a, iv(1, 1));
        assert_ne!(iv(PROBE_SEQ, 1), iv(0, 1));
    }

    #[test]
    fn a_create_is_aes_256_with_a_usage_mask() {
        let request = aes_create(Some("n".into()));
        let names: Vec<&str> =
            request.template_attribute.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            ["Cryptographic Algorithm", "Cryptographic Length", "Cryptographic Usage Mask", "Name"]
        );
    }

    #[test]
    fn batches_carry_unique_batch_item_ids_and_single_items_none() {
        let tls = Arc::new(dummy_config());
        let kmip =
            Kmip::new("127.0.0.1:1", tls, ProtocolVersion::new(1, 4), Duration::from_secs(1));
        let two = kmip.message(vec![aes_create(None).into(), aes_create(None).into()]);
        let ids: Vec<_> = two.batch_items.iter().map(|i| i.unique_batch_item_id.clone()).collect();
        assert_eq!(ids, [Some(Bytes::new(vec![0, 0, 0, 0])), Some(Bytes::new(vec![0, 0, 0, 1]))]);
        let one = kmip.message(vec![aes_create(None).into()]);
        assert_eq!(one.batch_items[0].unique_batch_item_id, None);
        assert_eq!(one.header.protocol_version, ProtocolVersion::new(1, 4));
    }

    fn dummy_config() -> ClientConfig {
        ClientConfig::builder_with_provider(keyward_pki::tls::provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth()
    }

    #[test]
    fn versions_gate_workloads() {
        assert!(needs_version(WorkloadName::Encrypt).is_some_and(|(v, _)| v == (1, 4)));
        assert!(needs_version(WorkloadName::SignRsa).is_some_and(|(v, _)| v == (1, 2)));
        assert!(needs_version(WorkloadName::Get).is_none());
    }
}
