//! Comparing a server's response with the expected one.
//!
//! The base rule is [`keyward_ttlv::text::BoundMessage::matches`]: tags,
//! types and structure identical, values equal, except where the expected
//! message had a placeholder. On top of it, each leniency below answers a
//! difference that the KMIP specification allows a server to make. Every
//! leniency still checks something (presence, type, length, a time window, a
//! subset), so that no comparison is one that cannot fail.
//!
//! | what | rule | why |
//! | --- | --- | --- |
//! | placeholder in the response (`$UNIQUE_IDENTIFIER_0`, `$DATA_0`, …) seen for the first time | any value of the same type; captured for later requests | server-assigned |
//! | placeholder already captured in this file | equal to the captured value | the same object |
//! | `$NOW`, `$NOW±n` | a Date-Time between the file's start + n and now + n, each widened by the clock tolerance | time of the run |
//! | the response header's `TimeStamp`, and any literal Date-Time of a response that no request of the file sent | as `$NOW` | the 1.0-1.2 files write the reference run's times literally (2012-04-27T08:14:39); a time the client sent is compared exactly |
//! | `ResultMessage` | ignored on both sides (removed before comparing) | vendor text (`"DENIED"`); Result Status and Result Reason are compared |
//! | `AttributeName` text | runs of white space are one space | the re-extracted 1.0 profile files write "Cryptographic   Length" |
//! | `Attribute`s of a Get Attributes response | matched by Attribute Name (and Attribute Index), in any order; when the request named attributes, the sets must be equal; when it named none, the expected ones must all be there and others may follow | the spec fixes no order; "all attributes" depends on what the server keeps |
//! | `AttributeName`s of a Get Attribute List response | any order; the expected names must all be there, others may follow | as above |
//! | `Operation`s and `ObjectType`s of a Query response | any order; the expected ones (what the profile requires) must all be there, others may follow | a server may support more than the profile |
//! | `VendorIdentification` of a Query response | any Text String | vendor text |
//! | `ServerInformation` of a Query response | any Structure | its content is vendor-defined |
//! | `ProtocolVersion`s of a Discover Versions response | must include the expected ones, be among those the request listed (if any), newest first | the reference server supported fewer versions |
//! | values the server chose: `KeyMaterial` and `DigestValue` of an object the server generated (Create, Create Key Pair, Re-key, Derive Key, …, also earlier in the same batch); `Data`, `SignatureData`, `MACData`, `AuthenticatedEncryptionTag` computed with such a key; `Data` and `IVCounterNonce` of an Encrypt whose IV the server chose; `Data` of an RSA Encrypt (OAEP and PKCS#1 v1.5 are randomised); `SignatureData` of a PSS signature (randomised); `Data` of a Decrypt with a generated key of a cipher text this server did not produce; `Data` of RNG Retrieve | same type and length (any non-empty value for DER key encodings, PKCS#1, PKCS#8, X.509, and transparent key structures, whose length varies by a few bytes); the pair (expected, actual) is remembered for that object, and from then on the expected value stands for the actual one, in later requests and in later expected responses (also in later files, such as TL-M-3 reading the key TL-M-2 created) | the reference server's random key, IV or padding gave other bytes; the round trip (Decrypt, Signature Verify) is still checked exactly |
//!
//! Requests are adjusted the same way: placeholders bound (see
//! [`crate::RunState`]), the header's `TimeStamp` set to the current time,
//! `AttributeName`s with runs of white space written as the spec spells
//! them, and remembered server-chosen values put in.
//!
//! Everything else is compared exactly.

use std::collections::{HashMap, HashSet};

use keyward_ttlv::spec::{self, tags};
use keyward_ttlv::text::Mismatch;
use keyward_ttlv::{ItemType, Tag, Ttlv, Value};

/// What a placeholder of the expected response stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// A value seen for the first time: any value of the same type, captured.
    Capture(String),
    /// `$NOW` plus this many seconds.
    Time(i64),
}

/// The times a `$NOW` may stand for, in POSIX seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimeWindow {
    /// The earliest acceptable `$NOW`.
    pub earliest: i64,
    /// The latest acceptable `$NOW`.
    pub latest: i64,
}

/// What the run has learnt about the server, across files.
#[derive(Clone, Debug, Default)]
pub(crate) struct Session {
    /// Unique identifiers of objects whose key material the server generated.
    pub generated: HashSet<String>,
    /// For an object (its actual unique identifier), the server-chosen values
    /// seen so far: expected bytes → actual value.
    pub substitutions: HashMap<(String, Vec<u8>), Value>,
    /// Every `Data` value the server returned (so a Decrypt of one of them
    /// is a round trip, compared exactly).
    pub returned_data: HashSet<Vec<u8>>,
    /// Unique identifiers of keys registered or created for PSS signatures,
    /// which are randomised.
    pub pss: HashSet<String>,
    /// Unique identifiers of RSA keys (RSA encryption is randomised).
    pub rsa: HashSet<String>,
}

impl Session {
    /// The actual value the expected `bytes` stand for, for object `uid`.
    pub(crate) fn substitute(&self, uid: Option<&str>, bytes: &[u8]) -> Option<&Value> {
        let uid = uid?;
        self.substitutions.get(&(uid.to_owned(), bytes.to_vec()))
    }
}

/// What a successful comparison learnt.
#[derive(Debug, Default)]
pub(crate) struct Learnt {
    /// Placeholder name → actual value, in order.
    pub captures: Vec<(String, Value)>,
    /// (object, expected bytes) → actual value for server-chosen values.
    pub substitutions: Vec<((String, Vec<u8>), Value)>,
}

/// The inputs of one comparison.
pub(crate) struct Comparison<'a> {
    /// The expected response, placeholders bound to stand-ins.
    pub expected: &'a Ttlv,
    /// Where the expected response had placeholders.
    pub slots: &'a HashMap<Vec<usize>, Slot>,
    /// The request that was sent.
    pub request: &'a Ttlv,
    /// The times `$NOW` may stand for.
    pub window: TimeWindow,
    /// What the run knows.
    pub session: &'a Session,
    /// Every Date-Time the file's requests have sent so far.
    pub sent_times: &'a HashSet<i64>,
}

/// How the leaves of a subtree are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Leaves {
    /// Exactly.
    Exact,
    /// Chosen by the server: same type and length.
    ChosenSameLength,
    /// Chosen by the server, DER: same type, non-empty.
    ChosenAnyLength,
}

/// What is known about the batch item being compared.
#[derive(Clone, Debug, Default)]
struct ItemContext {
    /// The operation, as its XML name.
    operation: String,
    /// The actual unique identifier the item is about.
    uid: Option<String>,
    /// Tags whose subtrees hold server-chosen values.
    chosen: Vec<Tag>,
    /// Whether the key material is DER (length may vary).
    der_key: bool,
    /// Whether the request named attributes (Get Attributes).
    named_attributes: bool,
}

impl Comparison<'_> {
    /// Compares `actual` with the expected response.
    pub(crate) fn run(&self, actual: &Ttlv) -> Result<Learnt, Mismatch> {
        let mut walk = Walk {
            cmp: self,
            learnt: Learnt::default(),
            item: ItemContext::default(),
            generated_here: Vec::new(),
            leaf_tag: tags::ATTRIBUTE_NAME,
        };
        let mut path = Vec::new();
        let label = tag_label(self.expected.tag);
        walk.item(self.expected, actual, &mut path, &label, Leaves::Exact)?;
        Ok(walk.learnt)
    }
}

struct Walk<'a, 'b> {
    cmp: &'a Comparison<'b>,
    learnt: Learnt,
    item: ItemContext,
    /// Objects generated by earlier batch items of this response.
    generated_here: Vec<String>,
    /// The tag of the leaf being compared.
    leaf_tag: Tag,
}

fn mismatch(label: &str, message: impl Into<String>) -> Mismatch {
    Mismatch { location: label.to_owned(), message: message.into() }
}

impl Walk<'_, '_> {
    fn item(
        &mut self,
        expected: &Ttlv,
        actual: &Ttlv,
        path: &mut Vec<usize>,
        label: &str,
        leaves: Leaves,
    ) -> Result<(), Mismatch> {
        if expected.tag != actual.tag {
            return Err(mismatch(
                label,
                format!("expected {}, found {}", tag_label(expected.tag), tag_label(actual.tag)),
            ));
        }
        if expected.item_type() != actual.item_type() {
            return Err(mismatch(
                label,
                format!("expected a {}, found a {}", expected.item_type(), actual.item_type()),
            ));
        }
        if let Some(slot) = self.cmp.slots.get(path.as_slice()) {
            return self.slot(slot, actual, label);
        }
        let leaves = if self.item.chosen.contains(&expected.tag) {
            let der = self.item.der_key || expected.item_type() == ItemType::Structure;
            if der && expected.tag == tags::KEY_MATERIAL {
                Leaves::ChosenAnyLength
            } else {
                Leaves::ChosenSameLength
            }
        } else {
            leaves
        };
        if let Value::DateTime(want) = expected.value
            && (expected.tag == tags::TIME_STAMP || !self.cmp.sent_times.contains(&want))
        {
            // A time the server stamped in the reference run (a literal in
            // the 1.0-1.2 files): the server stamps its own.
            return self.slot(&Slot::Time(0), actual, label);
        }
        match (&expected.value, &actual.value) {
            (Value::Structure(want), Value::Structure(got)) => {
                self.structure(expected.tag, want, got, path, label, leaves)
            }
            (want, got) => {
                self.leaf_tag = expected.tag;
                self.leaf(want, got, label, leaves)
            }
        }
    }

    fn slot(&mut self, slot: &Slot, actual: &Ttlv, label: &str) -> Result<(), Mismatch> {
        match slot {
            Slot::Capture(name) => {
                if let Some((_, first)) = self.learnt.captures.iter().find(|(n, _)| n == name) {
                    if first != &actual.value {
                        return Err(mismatch(
                            label,
                            format!(
                                "{name} is {} here but was {} earlier in this response",
                                show(actual),
                                show_value(actual.tag, first)
                            ),
                        ));
                    }
                    return Ok(());
                }
                self.learnt.captures.push((name.clone(), actual.value.clone()));
                Ok(())
            }
            Slot::Time(offset) => {
                let Value::DateTime(seconds) = actual.value else {
                    return Err(mismatch(label, "a $NOW placeholder stands for a DateTime"));
                };
                let (earliest, latest) =
                    (self.cmp.window.earliest + offset, self.cmp.window.latest + offset);
                if seconds < earliest || seconds > latest {
                    return Err(mismatch(
                        label,
                        format!(
                            "expected a time between {} and {} ($NOW{}), found {}",
                            datetime(earliest),
                            datetime(latest),
                            offset_text(*offset),
                            datetime(seconds)
                        ),
                    ));
                }
                Ok(())
            }
        }
    }

    fn leaf(
        &mut self,
        want: &Value,
        got: &Value,
        label: &str,
        leaves: Leaves,
    ) -> Result<(), Mismatch> {
        let bytes = match want {
            Value::ByteString(b) | Value::BigInteger(b) => Some(b.as_slice()),
            _ => None,
        };
        if let Some(bytes) = bytes {
            if let Some(known) = self.cmp.session.substitute(self.item.uid.as_deref(), bytes) {
                return if known == got {
                    Ok(())
                } else {
                    Err(mismatch(
                        label,
                        format!(
                            "expected {} (the value this server returned earlier where the test \
                             case has {}), found {}",
                            value_text(known),
                            value_text(want),
                            value_text(got)
                        ),
                    ))
                };
            }
            if leaves != Leaves::Exact {
                let got_len = match got {
                    Value::ByteString(b) | Value::BigInteger(b) => b.len(),
                    _ => 0,
                };
                let ok = match leaves {
                    Leaves::ChosenSameLength => got_len == bytes.len(),
                    _ => got_len > 0,
                };
                if !ok {
                    return Err(mismatch(
                        label,
                        format!(
                            "a value the server chooses must be {} bytes long, found {got_len} \
                             bytes",
                            if leaves == Leaves::ChosenSameLength {
                                bytes.len().to_string()
                            } else {
                                "at least 1".to_owned()
                            },
                        ),
                    ));
                }
                if let Some(uid) = &self.item.uid {
                    self.learnt.substitutions.push(((uid.clone(), bytes.to_vec()), got.clone()));
                }
                return Ok(());
            }
        }
        if want == got || same_attribute_name(self.leaf_tag, want, got) {
            Ok(())
        } else {
            Err(mismatch(
                label,
                format!("expected {}, found {}", value_text(want), value_text(got)),
            ))
        }
    }

    fn structure(
        &mut self,
        tag: Tag,
        want: &[Ttlv],
        got: &[Ttlv],
        path: &mut Vec<usize>,
        label: &str,
        leaves: Leaves,
    ) -> Result<(), Mismatch> {
        match tag {
            t if t == tags::BATCH_ITEM => self.batch_item(want, got, path, label),
            t if t == tags::RESPONSE_PAYLOAD => match self.item.operation.as_str() {
                "GetAttributes" => self.attributes(want, got, path, label),
                "GetAttributeList" => {
                    self.subset(want, got, path, label, &[tags::ATTRIBUTE_NAME], &[])
                }
                "Query" => self.subset(
                    want,
                    got,
                    path,
                    label,
                    &[tags::OPERATION, tags::OBJECT_TYPE],
                    &[tags::VENDOR_IDENTIFICATION, tags::SERVER_INFORMATION],
                ),
                "DiscoverVersions" => self.versions(want, got, label),
                _ => self.ordered(want, got, path, label, leaves),
            },
            _ => self.ordered(want, got, path, label, leaves),
        }
    }

    /// Children compared pairwise, in order.
    fn ordered(
        &mut self,
        want: &[Ttlv],
        got: &[Ttlv],
        path: &mut Vec<usize>,
        label: &str,
        leaves: Leaves,
    ) -> Result<(), Mismatch> {
        let indexed: Vec<(usize, &Ttlv)> = want.iter().enumerate().collect();
        let got: Vec<&Ttlv> = got.iter().collect();
        self.pairwise(&indexed, &got, path, label, leaves)
    }

    fn pairwise(
        &mut self,
        want: &[(usize, &Ttlv)],
        got: &[&Ttlv],
        path: &mut Vec<usize>,
        label: &str,
        leaves: Leaves,
    ) -> Result<(), Mismatch> {
        for (k, ((i, w), g)) in want.iter().zip(got).enumerate() {
            path.push(*i);
            let child = child_label(label, w, k);
            let result = self.item(w, g, path, &child, leaves);
            path.pop();
            result?;
        }
        if want.len() != got.len() {
            let (what, which) = if want.len() > got.len() {
                ("missing", want.get(got.len()).map(|(_, w)| describe(w)))
            } else {
                ("unexpected", got.get(want.len()).map(|g| describe(g)))
            };
            return Err(mismatch(
                label,
                format!(
                    "expected {} items, found {} ({what}: {})",
                    want.len(),
                    got.len(),
                    which.unwrap_or_default()
                ),
            ));
        }
        Ok(())
    }

    /// A batch item: Result Message dropped on both sides, the operation and
    /// the object it is about noted, then its children in order.
    fn batch_item(
        &mut self,
        want: &[Ttlv],
        got: &[Ttlv],
        path: &mut Vec<usize>,
        label: &str,
    ) -> Result<(), Mismatch> {
        let want: Vec<(usize, &Ttlv)> =
            want.iter().enumerate().filter(|(_, c)| c.tag != tags::RESULT_MESSAGE).collect();
        let got_kept: Vec<&Ttlv> = got.iter().filter(|c| c.tag != tags::RESULT_MESSAGE).collect();

        let index = path.last().copied().unwrap_or(0);
        let batch_index = self
            .cmp
            .expected
            .children()
            .iter()
            .take(index)
            .filter(|c| c.tag == tags::BATCH_ITEM)
            .count();
        self.item = self.item_context(&want, got, batch_index);

        let status = |items: &[&Ttlv]| {
            items.iter().find(|c| c.tag == tags::RESULT_STATUS).map(|c| c.value.clone())
        };
        let want_items: Vec<&Ttlv> = want.iter().map(|(_, w)| *w).collect();
        let (want_status, got_status) = (status(&want_items), status(&got_kept));
        if want_status.is_some() && want_status != got_status {
            let expected = want_items
                .iter()
                .filter(|c| c.tag == tags::RESULT_STATUS || c.tag == tags::RESULT_REASON)
                .map(|c| show(c))
                .collect::<Vec<_>>()
                .join(" ");
            let found = got
                .iter()
                .filter(|c| {
                    [tags::RESULT_STATUS, tags::RESULT_REASON, tags::RESULT_MESSAGE]
                        .contains(&c.tag)
                })
                .map(show)
                .collect::<Vec<_>>()
                .join(" ");
            return Err(mismatch(
                label,
                format!("{}: expected {expected}, found {found}", self.item.operation),
            ));
        }
        self.pairwise(&want, &got_kept, path, label, Leaves::Exact)?;
        if let Some(payload) = got.iter().find(|c| c.tag == tags::RESPONSE_PAYLOAD)
            && crate::replay::GENERATING.contains(&self.item.operation.as_str())
        {
            self.generated_here.extend(crate::replay::object_identifiers(payload));
        }
        Ok(())
    }

    /// What the batch item is about, from the expected item, the actual one
    /// and the request's batch item of the same position.
    fn item_context(&self, want: &[(usize, &Ttlv)], got: &[Ttlv], index: usize) -> ItemContext {
        let operation = want
            .iter()
            .find(|(_, c)| c.tag == tags::OPERATION)
            .map(|(_, c)| operation_name(&c.value))
            .unwrap_or_default();
        let payload = got.iter().find(|c| c.tag == tags::RESPONSE_PAYLOAD);
        let request_item =
            self.cmp.request.children().iter().filter(|c| c.tag == tags::BATCH_ITEM).nth(index);
        let request_payload = request_item.and_then(|i| i.child(tags::REQUEST_PAYLOAD));
        let uid = payload
            .and_then(|p| p.child(tags::UNIQUE_IDENTIFIER))
            .or_else(|| request_payload.and_then(|p| p.child(tags::UNIQUE_IDENTIFIER)))
            .and_then(|u| match &u.value {
                Value::TextString(s) => Some(s.clone()),
                _ => None,
            });
        let generated = uid.as_ref().is_some_and(|u| {
            self.cmp.session.generated.contains(u) || self.generated_here.contains(u)
        });
        let pss = uid.as_ref().is_some_and(|u| self.cmp.session.pss.contains(u))
            || request_payload.is_some_and(|p| names_enum(p, tags::PADDING_METHOD, "PSS"));
        let rsa = uid.as_ref().is_some_and(|u| self.cmp.session.rsa.contains(u))
            || request_payload.is_some_and(|p| names_enum(p, tags::CRYPTOGRAPHIC_ALGORITHM, "RSA"));
        let mut chosen = Vec::new();
        let mut der_key = false;
        match operation.as_str() {
            "Get" | "GetAttributes" if generated => {
                chosen.extend([tags::KEY_MATERIAL, tags::DIGEST_VALUE]);
                der_key = payload.is_some_and(has_der_format);
            }
            "Encrypt" => {
                let server_iv = payload.is_some_and(|p| p.child(tags::IV_COUNTER_NONCE).is_some())
                    && request_payload.is_none_or(|p| p.child(tags::IV_COUNTER_NONCE).is_none());
                if generated || server_iv || rsa {
                    chosen.extend([tags::DATA, tags::AUTHENTICATED_ENCRYPTION_TAG]);
                }
                if server_iv {
                    chosen.push(tags::IV_COUNTER_NONCE);
                }
            }
            "Decrypt" if generated => {
                let round_trip =
                    request_payload.and_then(|p| p.child(tags::DATA)).is_some_and(|d| {
                        match &d.value {
                            Value::ByteString(b) => {
                                self.cmp.session.returned_data.contains(b.as_slice())
                            }
                            _ => false,
                        }
                    });
                if !round_trip {
                    chosen.push(tags::DATA);
                }
            }
            "Sign" if generated || pss => chosen.push(tags::SIGNATURE_DATA),
            "MAC" if generated => chosen.push(tags::MAC_DATA),
            "RNGRetrieve" => chosen.push(tags::DATA),
            _ => {}
        }
        let named_attributes = request_payload
            .is_some_and(|p| p.children().iter().any(|c| c.tag == tags::ATTRIBUTE_NAME));
        ItemContext { operation, uid, chosen, der_key, named_attributes }
    }

    /// The payload of a Get Attributes response: the unique identifier in
    /// place, then attributes matched by name and index in any order.
    fn attributes(
        &mut self,
        want: &[Ttlv],
        got: &[Ttlv],
        path: &mut Vec<usize>,
        label: &str,
    ) -> Result<(), Mismatch> {
        let (want_attrs, want_rest): (Vec<_>, Vec<_>) =
            want.iter().enumerate().partition(|(_, c)| c.tag == tags::ATTRIBUTE);
        let (got_attrs, got_rest): (Vec<&Ttlv>, Vec<&Ttlv>) =
            got.iter().partition(|c| c.tag == tags::ATTRIBUTE);
        self.pairwise(&want_rest, &got_rest, path, label, Leaves::Exact)?;
        let strict = self.item.named_attributes;
        self.match_attributes(&want_attrs, &got_attrs, path, label, strict)
    }

    fn match_attributes(
        &mut self,
        want: &[(usize, &Ttlv)],
        got: &[&Ttlv],
        path: &mut Vec<usize>,
        label: &str,
        exact_set: bool,
    ) -> Result<(), Mismatch> {
        let mut used = vec![false; got.len()];
        for (i, w) in want {
            let key = attribute_key(w);
            let found = got.iter().enumerate().find(|(j, g)| !used[*j] && attribute_key(g) == key);
            let child = child_label(label, w, *i);
            let Some((j, g)) = found else {
                return Err(mismatch(
                    &child,
                    format!("attribute {} missing from the response", key_text(&key)),
                ));
            };
            used[j] = true;
            path.push(*i);
            let result = self.item(w, g, path, &child, Leaves::Exact);
            path.pop();
            result?;
        }
        if exact_set && let Some(j) = used.iter().position(|u| !u) {
            let extra = got.get(j).map(|g| key_text(&attribute_key(g))).unwrap_or_default();
            return Err(mismatch(
                label,
                format!(
                    "unexpected attribute {extra}: the request named the attributes it wants, \
                     and this one is not expected"
                ),
            ));
        }
        Ok(())
    }

    /// A Discover Versions payload: the server lists the versions it
    /// supports, newest first; they must include the expected ones, and be
    /// among those the request listed (when it listed any).
    fn versions(&mut self, want: &[Ttlv], got: &[Ttlv], label: &str) -> Result<(), Mismatch> {
        let version = |item: &Ttlv| {
            let number = |tag| match item.child(tag).map(|c| &c.value) {
                Some(Value::Integer(v)) => *v,
                _ => -1,
            };
            (number(tags::PROTOCOL_VERSION_MAJOR), number(tags::PROTOCOL_VERSION_MINOR))
        };
        let listed = |items: &[Ttlv]| -> Vec<(i32, i32)> {
            items.iter().filter(|c| c.tag == tags::PROTOCOL_VERSION).map(version).collect()
        };
        let (want, actual) = (listed(want), listed(got));
        let asked = self
            .cmp
            .request
            .children()
            .iter()
            .filter(|c| c.tag == tags::BATCH_ITEM)
            .find_map(|i| i.child(tags::REQUEST_PAYLOAD))
            .map(|p| listed(p.children()))
            .unwrap_or_default();
        let text = |v: &[(i32, i32)]| {
            v.iter().map(|(a, b)| format!("{a}.{b}")).collect::<Vec<_>>().join(", ")
        };
        if got.iter().any(|c| c.tag != tags::PROTOCOL_VERSION) {
            return Err(mismatch(
                label,
                "a Discover Versions payload holds only Protocol Versions",
            ));
        }
        if let Some(missing) = want.iter().find(|v| !actual.contains(v)) {
            return Err(mismatch(
                label,
                format!("version {}.{} missing: found {}", missing.0, missing.1, text(&actual)),
            ));
        }
        if !asked.is_empty()
            && let Some(extra) = actual.iter().find(|v| !asked.contains(v))
        {
            return Err(mismatch(
                label,
                format!("version {}.{} was not asked for ({})", extra.0, extra.1, text(&asked)),
            ));
        }
        if !actual.is_sorted_by(|a, b| a > b) {
            return Err(mismatch(label, format!("versions not newest first: {}", text(&actual))));
        }
        Ok(())
    }

    /// Children of the `unordered` tags compared as sets (the expected ones
    /// must be present), children of the `vendor` tags compared by type only,
    /// the others in order.
    fn subset(
        &mut self,
        want: &[Ttlv],
        got: &[Ttlv],
        path: &mut Vec<usize>,
        label: &str,
        unordered: &[Tag],
        vendor: &[Tag],
    ) -> Result<(), Mismatch> {
        let free = |c: &Ttlv| unordered.contains(&c.tag) || vendor.contains(&c.tag);
        let want_rest: Vec<(usize, &Ttlv)> =
            want.iter().enumerate().filter(|(_, c)| !free(c)).collect();
        let got_rest: Vec<&Ttlv> = got.iter().filter(|c| !free(c)).collect();
        self.pairwise(&want_rest, &got_rest, path, label, Leaves::Exact)?;
        for (i, w) in want.iter().enumerate().filter(|(_, c)| free(c)) {
            let child = child_label(label, w, i);
            if vendor.contains(&w.tag) {
                match got.iter().find(|g| g.tag == w.tag) {
                    Some(g) if g.item_type() == w.item_type() => {}
                    Some(g) => {
                        return Err(mismatch(
                            &child,
                            format!("expected a {}, found a {}", w.item_type(), g.item_type()),
                        ));
                    }
                    None => {
                        return Err(mismatch(
                            &child,
                            format!("{} missing from the response", tag_label(w.tag)),
                        ));
                    }
                }
            } else if !got.iter().any(|g| {
                g.tag == w.tag
                    && (g.value == w.value || same_attribute_name(w.tag, &w.value, &g.value))
            }) {
                return Err(mismatch(&child, format!("{} missing from the response", show(w))));
            }
        }
        for g in got.iter().filter(|g| vendor.contains(&g.tag)) {
            if !want.iter().any(|w| w.tag == g.tag) {
                return Err(mismatch(label, format!("unexpected {}", tag_label(g.tag))));
            }
        }
        Ok(())
    }
}

/// Whether two Attribute Names are the same name written with other runs of
/// white space (the re-extracted 1.0 profile files write "Cryptographic   Length").
fn same_attribute_name(tag: Tag, want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::TextString(w), Value::TextString(g)) if tag == tags::ATTRIBUTE_NAME => {
            w.split_whitespace().eq(g.split_whitespace())
        }
        _ => false,
    }
}

/// An attribute's identity: its name and index (0 when absent).
fn attribute_key(attribute: &Ttlv) -> (String, i32) {
    let name = match attribute.child(tags::ATTRIBUTE_NAME).map(|n| &n.value) {
        Some(Value::TextString(s)) => s.split_whitespace().collect::<Vec<_>>().join(" "),
        _ => String::new(),
    };
    let index = match attribute.child(tags::ATTRIBUTE_INDEX).map(|n| &n.value) {
        Some(Value::Integer(i)) => *i,
        _ => 0,
    };
    (name, index)
}

fn key_text((name, index): &(String, i32)) -> String {
    if *index == 0 { format!("{name:?}") } else { format!("{name:?} (index {index})") }
}

/// Whether `item` holds, anywhere, an enumeration `tag` with the value
/// named `name`, directly or as the value of the attribute of that name.
pub(crate) fn names_enum(item: &Ttlv, tag: Tag, name: &str) -> bool {
    let named =
        |v: u32| spec::enum_for_tag(tag).is_some_and(|t| spec::enum_value_name(t, v) == name);
    if item.tag == tag
        && let Value::Enumeration(v) = item.value
    {
        return named(v);
    }
    if item.tag == tags::ATTRIBUTE
        && let (Some(n), Some(Value::Enumeration(v))) =
            (item.child(tags::ATTRIBUTE_NAME), item.child(tags::ATTRIBUTE_VALUE).map(|v| &v.value))
        && tag.name().is_some_and(|t| n.value == Value::text(t))
    {
        return named(*v);
    }
    item.children().iter().any(|c| names_enum(c, tag, name))
}

/// Whether a Get payload's key block holds a DER encoding.
fn has_der_format(payload: &Ttlv) -> bool {
    fn find(item: &Ttlv) -> bool {
        if item.tag == tags::KEY_FORMAT_TYPE {
            let name = match &item.value {
                Value::Enumeration(v) => spec::enum_for_tag(item.tag)
                    .map(|t| spec::enum_value_name(t, *v))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            return matches!(name.as_str(), "PKCS_1" | "PKCS_8" | "X_509" | "ECPrivateKey");
        }
        item.children().iter().any(find)
    }
    find(payload)
}

/// The XML name of an Operation value.
pub(crate) fn operation_name(value: &Value) -> String {
    match value {
        Value::Enumeration(v) => spec::enum_for_tag(tags::OPERATION)
            .map_or_else(|| format!("0x{v:08X}"), |t| spec::enum_value_name(t, *v)),
        other => format!("{other:?}"),
    }
}

fn tag_label(tag: Tag) -> String {
    tag.xml_name().map_or_else(|| format!("0x{:06X}", tag.0), str::to_owned)
}

/// `parent/Tag[i]`, with the attribute name for an Attribute.
fn child_label(parent: &str, child: &Ttlv, index: usize) -> String {
    let mut label = format!("{parent}/{}[{index}]", tag_label(child.tag));
    if child.tag == tags::ATTRIBUTE {
        label.push_str(&format!("{{{}}}", attribute_key(child).0));
    }
    label
}

/// A short description of an item: `Tag` for a structure, `Tag=value` for a primitive.
fn describe(item: &Ttlv) -> String {
    if item.item_type() == ItemType::Structure {
        if item.tag == tags::ATTRIBUTE {
            return format!("Attribute {}", key_text(&attribute_key(item)));
        }
        tag_label(item.tag)
    } else {
        show(item)
    }
}

/// `Tag=value` with enumeration names.
fn show(item: &Ttlv) -> String {
    format!("{}={}", tag_label(item.tag), show_value(item.tag, &item.value))
}

fn show_value(tag: Tag, value: &Value) -> String {
    match value {
        Value::Enumeration(v) => spec::enum_for_tag(tag)
            .map_or_else(|| format!("0x{v:08X}"), |t| spec::enum_value_name(t, *v)),
        other => value_text(other),
    }
}

/// A value as a person reads it.
fn value_text(value: &Value) -> String {
    match value {
        Value::Structure(c) => format!("a structure of {} items", c.len()),
        Value::Integer(v) => v.to_string(),
        Value::LongInteger(v) => v.to_string(),
        Value::BigInteger(b) | Value::ByteString(b) => {
            let mut text: String = b.iter().take(40).map(|x| format!("{x:02x}")).collect();
            if b.len() > 40 {
                text.push_str(&format!("… ({} bytes)", b.len()));
            }
            format!("0x{text}")
        }
        Value::Enumeration(v) => format!("0x{v:08X}"),
        Value::Boolean(v) => v.to_string(),
        Value::TextString(s) => format!("{s:?}"),
        Value::DateTime(v) => datetime(*v),
        Value::Interval(v) => format!("{v} s"),
        Value::DateTimeExtended(v) => format!("{v} µs"),
    }
}

fn datetime(seconds: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00");
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| seconds.to_string())
}

fn offset_text(offset: i64) -> String {
    match offset {
        0 => String::new(),
        o if o > 0 => format!("+{o}"),
        o => o.to_string(),
    }
}
