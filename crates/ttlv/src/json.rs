//! The KMIP JSON encoding (KMIP Additional Message Encodings v1.0, JSON
//! profile), both ways.
//!
//! * Each item is an object `{"tag": …, "type": …, "value": …}`; `"tag"` is
//!   the tag's XML name, or `"0x540001"` for a tag without one; `"type"` is
//!   left out for a Structure, whose `"value"` is the array of its items.
//! * Values: Integer as a JSON number, except masks (see [`crate::xml`]),
//!   written as bit names joined by `|`; Long Integer as a number, or as a
//!   `"0x…"` string (16 hex digits) outside ±2^53 where JSON numbers lose
//!   precision; Big Integer as a `"0x…"` hex string; Byte String as a hex
//!   string; Enumeration by name or `"0x…"` (8 hex digits); Boolean as a JSON
//!   boolean; Date-Time as an ISO 8601 string; Interval as a number.
//! * Numbers are also accepted as `"0x…"` hex strings and enumerations as JSON
//!   numbers; mask names may be separated by spaces too.
//! * A document is one message object, or an array of them.
//! * Placeholders (`"$NOW"`, `"$UNIQUE_IDENTIFIER_0"`, …) in place of a
//!   value are bound by a [`Placeholders`] resolver; see [`crate::text`].
//!
//! ```
//! use keyward_ttlv::{json, text::RefusePlaceholders, spec::tags, Ttlv, Value};
//!
//! let item = Ttlv::structure(tags::PROTOCOL_VERSION, vec![
//!     Ttlv::new(tags::PROTOCOL_VERSION_MAJOR, Value::Integer(1)),
//!     Ttlv::new(tags::PROTOCOL_VERSION_MINOR, Value::Integer(4)),
//! ]);
//! let text = json::to_string(&item);
//! assert_eq!(text, "{\"tag\":\"ProtocolVersion\", \"value\":[\n  \
//!                   {\"tag\":\"ProtocolVersionMajor\", \"type\":\"Integer\", \"value\":1},\n  \
//!                   {\"tag\":\"ProtocolVersionMinor\", \"type\":\"Integer\", \"value\":4}\n]}\n");
//! assert_eq!(json::from_str(&text, &mut RefusePlaceholders).unwrap(), item);
//! ```

use serde_json::{Map, Number, Value as Json};

use crate::text::{self, Binding, BoundMessage, MAX_DEPTH, Naming, Placeholders};
use crate::{ItemType, Tag, TextError, Ttlv, Value};

/// Characters accepted between the bit names of a mask (JSON writes `|`).
const MASK_SEPARATORS: [char; 2] = ['|', ' '];

/// The largest magnitude a Long Integer may have to be written as a JSON
/// number: 2^53, beyond which IEEE doubles (JavaScript numbers) lose integers.
const MAX_JSON_SAFE: i64 = 1 << 53;

/// Converts an item to a JSON value.
pub fn to_value(item: &Ttlv) -> Json {
    item_to_json(item, &[])
}

/// Writes one item (typically a message) in the layout of the KMIP JSON
/// profile's examples: one item per line, indented two spaces per level,
/// ending with a newline.
pub fn to_string(item: &Ttlv) -> String {
    let mut out = String::new();
    write_item(&mut out, item, &[], 0);
    out.push('\n');
    out
}

/// Writes several messages as a JSON array, one message after another.
pub fn to_document_string(messages: &[Ttlv]) -> String {
    let mut out = String::from("[\n");
    for (i, message) in messages.iter().enumerate() {
        write_item(&mut out, message, &[], 0);
        out.push_str(if i + 1 < messages.len() { ",\n" } else { "\n" });
    }
    out.push_str("]\n");
    out
}

/// Reads one message: an object, or an array holding exactly one.
pub fn from_str(text: &str, placeholders: &mut dyn Placeholders) -> Result<Ttlv, TextError> {
    text::only_message(document_from_str_bound(text, placeholders)?)
}

/// Reads every message of a document (an object or an array of objects).
pub fn document_from_str(
    text: &str,
    placeholders: &mut dyn Placeholders,
) -> Result<Vec<Ttlv>, TextError> {
    document_from_str_bound(text, placeholders).map(text::unbound)
}

/// Reads every message of a document, with where each placeholder was and
/// what it was bound to.
pub fn document_from_str_bound(
    text: &str,
    placeholders: &mut dyn Placeholders,
) -> Result<Vec<BoundMessage>, TextError> {
    let document: Json = serde_json::from_str(text).map_err(|e| {
        TextError::new(
            format!("line {}, column {}", e.line(), e.column()),
            format!("bad JSON: {e}"),
        )
    })?;
    match &document {
        Json::Array(messages) => messages
            .iter()
            .enumerate()
            .map(|(i, m)| convert(m, placeholders, format!("/{i}")))
            .collect(),
        message => Ok(vec![convert(message, placeholders, String::new())?]),
    }
}

/// Interprets one JSON value as a TTLV item, binding its placeholders.
pub fn from_value(
    value: &Json,
    placeholders: &mut dyn Placeholders,
) -> Result<BoundMessage, TextError> {
    convert(value, placeholders, String::new())
}

fn convert(
    value: &Json,
    placeholders: &mut dyn Placeholders,
    pointer: String,
) -> Result<BoundMessage, TextError> {
    let mut converter = Converter {
        placeholders,
        bindings: Vec::new(),
        path: Vec::new(),
        pointer,
        names: Vec::new(),
    };
    let message = converter.item(value, &[])?;
    Ok(BoundMessage { message, bindings: converter.bindings })
}

// ---------------------------------------------------------------------------
// Writing

fn tag_json(tag: Tag) -> String {
    tag.xml_name().map_or_else(|| format!("0x{:06X}", tag.0), str::to_owned)
}

fn item_to_json(item: &Ttlv, preceding: &[Ttlv]) -> Json {
    let mut object = Map::new();
    object.insert("tag".to_owned(), Json::String(tag_json(item.tag)));
    let value = match &item.value {
        Value::Structure(children) => Json::Array(
            children.iter().enumerate().map(|(i, c)| item_to_json(c, &children[..i])).collect(),
        ),
        value => {
            object.insert("type".to_owned(), Json::String(value.item_type().to_string()));
            primitive_to_json(item, preceding)
        }
    };
    object.insert("value".to_owned(), value);
    Json::Object(object)
}

fn primitive_to_json(item: &Ttlv, preceding: &[Ttlv]) -> Json {
    let naming = text::naming(item.tag, item.item_type(), preceding);
    match &item.value {
        Value::Integer(v) if !matches!(naming, Naming::Mask(_)) => Json::from(*v),
        Value::LongInteger(v) if (-MAX_JSON_SAFE..=MAX_JSON_SAFE).contains(v) => Json::from(*v),
        Value::LongInteger(v) => Json::String(format!("0x{:016X}", *v as u64)),
        Value::BigInteger(b) => Json::String(format!("0x{}", text::hex_text(b))),
        Value::Boolean(v) => Json::Bool(*v),
        Value::Interval(v) => Json::from(*v),
        _ => Json::String(text::value_text(item, preceding, "|")),
    }
}

fn write_item(out: &mut String, item: &Ttlv, preceding: &[Ttlv], depth: usize) {
    push_indent(out, depth);
    out.push_str("{\"tag\":");
    out.push_str(&Json::String(tag_json(item.tag)).to_string());
    match &item.value {
        Value::Structure(children) if children.is_empty() => out.push_str(", \"value\":[]}"),
        Value::Structure(children) => {
            out.push_str(", \"value\":[\n");
            for (i, child) in children.iter().enumerate() {
                write_item(out, child, &children[..i], depth + 1);
                out.push_str(if i + 1 < children.len() { ",\n" } else { "\n" });
            }
            push_indent(out, depth);
            out.push_str("]}");
        }
        value => {
            out.push_str(", \"type\":\"");
            out.push_str(value.item_type().xml_name());
            out.push_str("\", \"value\":");
            out.push_str(&primitive_to_json(item, preceding).to_string());
            out.push('}');
        }
    }
}

fn push_indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

// ---------------------------------------------------------------------------
// Reading

struct Converter<'p> {
    placeholders: &'p mut dyn Placeholders,
    bindings: Vec<Binding>,
    /// Child indices from the message to the current item.
    path: Vec<usize>,
    /// JSON pointer of the current item, for errors.
    pointer: String,
    /// Tag names from the message to the current item, for errors.
    names: Vec<String>,
}

fn kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

impl Converter<'_> {
    fn error(&self, message: impl Into<String>) -> TextError {
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        let location = if self.names.is_empty() {
            format!("JSON pointer {pointer}")
        } else {
            format!("{} (JSON pointer {pointer})", self.names.join("/"))
        };
        TextError::new(location, message)
    }

    fn item(&mut self, json: &Json, preceding: &[Ttlv]) -> Result<Ttlv, TextError> {
        if self.path.len() >= MAX_DEPTH {
            return Err(self.error(format!("items nested deeper than {MAX_DEPTH} levels")));
        }
        let object = json.as_object().ok_or_else(|| {
            self.error(format!(
                "expected an item object {{\"tag\":…, \"type\":…, \"value\":…}}, found {}",
                kind(json)
            ))
        })?;
        if let Some(key) = object.keys().find(|k| !matches!(k.as_str(), "tag" | "type" | "value")) {
            return Err(self.error(format!(
                "unexpected key {key:?}: an item has only \"tag\", \"type\" and \"value\""
            )));
        }
        let tag_text = match object.get("tag") {
            Some(Json::String(tag)) => tag,
            Some(other) => {
                return Err(self.error(format!("\"tag\" must be a string, found {}", kind(other))));
            }
            None => return Err(self.error("missing \"tag\"")),
        };
        self.names.push(tag_text.clone());
        let result = self.item_inner(object, tag_text, preceding);
        self.names.pop();
        result
    }

    fn item_inner(
        &mut self,
        object: &Map<String, Json>,
        tag_text: &str,
        preceding: &[Ttlv],
    ) -> Result<Ttlv, TextError> {
        let tag = text::parse_tag(tag_text).map_err(|m| self.error(m))?;
        let item_type = match object.get("type") {
            None => ItemType::Structure,
            Some(Json::String(name)) => ItemType::from_xml_name(name).ok_or_else(|| {
                self.error(format!(
                    "unknown type {name:?}: use Structure, Integer, LongInteger, BigInteger, \
                     Enumeration, Boolean, TextString, ByteString, DateTime or Interval"
                ))
            })?,
            Some(other) => {
                return Err(self.error(format!("\"type\" must be a string, found {}", kind(other))));
            }
        };
        let value = object
            .get("value")
            .ok_or_else(|| self.error(format!("missing \"value\" for a {item_type}")))?;
        if item_type == ItemType::Structure {
            return self.structure(value, tag);
        }
        let value = self.primitive(value, tag, item_type, preceding)?;
        Ok(Ttlv::new(tag, value))
    }

    fn structure(&mut self, value: &Json, tag: Tag) -> Result<Ttlv, TextError> {
        let Json::Array(items) = value else {
            return Err(self.error(format!(
                "a Structure's \"value\" must be an array of items, found {}; give \"type\" for \
                 a primitive",
                kind(value)
            )));
        };
        let mut children = Vec::with_capacity(items.len());
        for (i, child) in items.iter().enumerate() {
            let pointer_len = self.pointer.len();
            self.pointer.push_str(&format!("/value/{i}"));
            self.path.push(i);
            let item = self.item(child, &children);
            self.path.pop();
            self.pointer.truncate(pointer_len);
            children.push(item?);
        }
        Ok(Ttlv::structure(tag, children))
    }

    fn primitive(
        &mut self,
        json: &Json,
        tag: Tag,
        item_type: ItemType,
        preceding: &[Ttlv],
    ) -> Result<Value, TextError> {
        match json {
            Json::String(text) if text::is_placeholder(text) => {
                self.placeholder(text, tag, item_type)
            }
            Json::String(text) => {
                let naming = text::naming(tag, item_type, preceding);
                text::parse_value(item_type, text, naming, &MASK_SEPARATORS)
                    .map_err(|m| self.error(m))
            }
            Json::Number(number) => number_value(number, item_type).map_err(|m| self.error(m)),
            Json::Bool(b) if item_type == ItemType::Boolean => Ok(Value::Boolean(*b)),
            other => Err(self.error(format!(
                "a {item_type} value cannot be {}; {}",
                kind(other),
                expected_form(item_type)
            ))),
        }
    }

    fn placeholder(
        &mut self,
        name: &str,
        tag: Tag,
        item_type: ItemType,
    ) -> Result<Value, TextError> {
        let value = text::resolve_placeholder(self.placeholders, name, item_type, tag)
            .map_err(|m| self.error(m))?;
        self.bindings.push(Binding {
            path: self.path.clone(),
            name: name.to_owned(),
            value: value.clone(),
        });
        Ok(value)
    }
}

fn expected_form(item_type: ItemType) -> &'static str {
    match item_type {
        ItemType::Integer | ItemType::LongInteger | ItemType::Interval => {
            "write a JSON number or a \"0x…\" hex string"
        }
        ItemType::Enumeration => "write the value's name or a \"0x…\" hex string",
        ItemType::Boolean => "write true or false",
        ItemType::DateTime | ItemType::DateTimeExtended => "write an ISO 8601 string",
        ItemType::BigInteger | ItemType::ByteString => "write a hex string",
        ItemType::TextString => "write a string",
        ItemType::Structure => "write an array of items",
    }
}

fn number_value(number: &Number, item_type: ItemType) -> Result<Value, String> {
    let out_of_range = || format!("{number} is out of range for a {item_type}");
    let integer = number.as_i64().ok_or_else(|| {
        if number.is_f64() {
            format!("{number} is not a whole number; a {item_type} holds integers")
        } else {
            out_of_range()
        }
    });
    match item_type {
        ItemType::Integer => {
            i32::try_from(integer?).map(Value::Integer).map_err(|_| out_of_range())
        }
        ItemType::LongInteger => integer.map(Value::LongInteger),
        ItemType::Interval => {
            u32::try_from(integer?).map(Value::Interval).map_err(|_| out_of_range())
        }
        ItemType::Enumeration => {
            u32::try_from(integer?).map(Value::Enumeration).map_err(|_| out_of_range())
        }
        other => Err(format!("a {other} value cannot be a number; {}", expected_form(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::tags;
    use crate::text::{NowPlaceholders, RefusePlaceholders};

    fn read(text: &str) -> Result<Ttlv, TextError> {
        from_str(text, &mut RefusePlaceholders)
    }

    fn one(tag: Tag, value: Value) -> Ttlv {
        Ttlv::new(tag, value)
    }

    fn round_trip(item: &Ttlv) -> String {
        let text = to_string(item);
        assert_eq!(&read(&text).unwrap(), item, "{text}");
        let compact = to_value(item).to_string();
        assert_eq!(&read(&compact).unwrap(), item, "{compact}");
        text
    }

    #[test]
    fn every_type_round_trips() {
        let cases = [
            (one(tags::BATCH_COUNT, Value::Integer(-7)), r#""type":"Integer", "value":-7}"#),
            (
                one(tags::ITERATION_COUNT, Value::LongInteger(1 << 53)),
                r#""value":9007199254740992}"#,
            ),
            (
                one(tags::ITERATION_COUNT, Value::LongInteger((1 << 53) + 1)),
                r#""value":"0x0020000000000001""#,
            ),
            (one(tags::ITERATION_COUNT, Value::LongInteger(i64::MIN)), r#""0x8000000000000000""#),
            (
                one(tags::MODULUS, Value::big_integer_from_unsigned(&[0x80, 1])),
                r#""type":"BigInteger", "value":"0x0000000000008001""#,
            ),
            (one(tags::OBJECT_TYPE, Value::Enumeration(2)), r#""value":"SymmetricKey""#),
            (one(tags::OBJECT_TYPE, Value::Enumeration(0x8000_0000)), r#""value":"0x80000000""#),
            (one(tags::SENSITIVE, Value::Boolean(false)), r#""type":"Boolean", "value":false"#),
            (one(tags::NAME_VALUE, Value::text("a\"b\\\n")), r#""value":"a\"b\\\n""#),
            (one(tags::KEY_MATERIAL, Value::bytes([0xAB, 0x01])), r#""value":"ab01""#),
            (one(tags::KEY_MATERIAL, Value::bytes([])), r#""value":"""#),
            (one(tags::ACTIVATION_DATE, Value::DateTime(0)), r#""1970-01-01T00:00:00+00:00""#),
            (one(tags::LEASE_TIME, Value::Interval(3600)), r#""type":"Interval", "value":3600"#),
            (one(Tag(0x54_0001), Value::text("na")), r#"{"tag":"0x540001", "type":"TextString""#),
            (
                Ttlv::structure(tags::RESPONSE_PAYLOAD, vec![]),
                r#"{"tag":"ResponsePayload", "value":[]}"#,
            ),
        ];
        for (item, expected) in cases {
            let text = round_trip(&item);
            assert!(text.contains(expected), "{text} lacks {expected}");
        }
    }

    #[test]
    fn masks_and_attribute_values() {
        let usage = one(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(12));
        assert!(round_trip(&usage).contains(r#""value":"Encrypt|Decrypt""#));
        for written in [r#""Decrypt|Encrypt""#, r#""Encrypt Decrypt""#, "12", r#""0x0000000C""#] {
            let text =
                format!(r#"{{"tag":"CryptographicUsageMask","type":"Integer","value":{written}}}"#);
            assert_eq!(read(&text).unwrap(), usage, "{written}");
        }
        let attribute = Ttlv::structure(
            tags::ATTRIBUTE,
            vec![
                one(tags::ATTRIBUTE_NAME, Value::text("Cryptographic Algorithm")),
                one(tags::ATTRIBUTE_VALUE, Value::Enumeration(3)),
            ],
        );
        assert!(round_trip(&attribute).contains(r#""value":"AES""#));
    }

    #[test]
    fn enumerations_by_name_hex_number_and_alternative_spelling() {
        let read_value = |value: &str| {
            let text = format!(
                r#"{{"tag":"DigitalSignatureAlgorithm","type":"Enumeration","value":{value}}}"#
            );
            read(&text).unwrap().value
        };
        let strict = read_value(r#""SHA_256WithRSAEncryptionPKCS_1V1_5""#);
        assert_eq!(read_value(r#""SHA_256WithRSAEncryption""#), strict);
        assert_eq!(read_value(r#""0x00000005""#), strict);
        assert_eq!(read_value("5"), strict);
    }

    #[test]
    fn documents_and_tags_by_hex() {
        let text = r#"[{"tag":"0x420078","value":[]}, {"tag":"ResponseMessage","type":"Structure","value":[]}]"#;
        let messages = document_from_str(text, &mut RefusePlaceholders).unwrap();
        assert_eq!(
            messages,
            [
                Ttlv::structure(tags::REQUEST_MESSAGE, vec![]),
                Ttlv::structure(tags::RESPONSE_MESSAGE, vec![])
            ]
        );
        let doc = to_document_string(&messages);
        assert_eq!(document_from_str(&doc, &mut RefusePlaceholders).unwrap(), messages);
        assert!(read(text).unwrap_err().message.contains("expected one message"));
    }

    #[test]
    fn placeholders_are_resolved_and_recorded() {
        let text = r#"{"tag":"ResponseHeader","value":[
            {"tag":"TimeStamp","type":"DateTime","value":"$NOW+1"},
            {"tag":"UniqueIdentifier","type":"TextString","value":"$UNIQUE_IDENTIFIER_0"}]}"#;
        let err = read(text).unwrap_err();
        assert_eq!(err.location, "ResponseHeader/TimeStamp (JSON pointer /value/0)");
        let err = from_str(text, &mut NowPlaceholders::at(9)).unwrap_err();
        assert!(err.message.contains("$UNIQUE_IDENTIFIER_0"), "{err}");
        let mut resolver = |_: &str, item_type: ItemType, _: Tag| match item_type {
            ItemType::DateTime => Ok(Value::DateTime(5)),
            _ => Ok(Value::text("uid")),
        };
        let bound = document_from_str_bound(text, &mut resolver).unwrap();
        let paths: Vec<_> = bound[0].bindings.iter().map(|b| b.path.clone()).collect();
        assert_eq!(paths, [vec![0], vec![1]]);
        assert_eq!(bound[0].message.children()[1].value, Value::text("uid"));
    }

    #[test]
    fn hostile_input_gives_located_errors() {
        let item = |tag: &str, ty: &str, value: &str| {
            format!(r#"{{"tag":"{tag}","type":"{ty}","value":{value}}}"#)
        };
        let cases = [
            ("".to_owned(), "bad JSON"),
            ("{\"tag\":".to_owned(), "bad JSON"),
            ("42".to_owned(), "found a number"),
            ("[1]".to_owned(), "found a number"),
            (r#"{"type":"Integer","value":1}"#.to_owned(), "missing \"tag\""),
            (r#"{"tag":7,"value":[]}"#.to_owned(), "\"tag\" must be a string"),
            (r#"{"tag":"Bogus","value":[]}"#.to_owned(), "unknown tag name"),
            (r#"{"tag":"0x330001","value":[]}"#.to_owned(), "outside"),
            (r#"{"tag":"BatchCount","type":"Integer"}"#.to_owned(), "missing \"value\""),
            (r#"{"tag":"BatchItem","value":[],"extra":1}"#.to_owned(), "unexpected key"),
            (r#"{"tag":"BatchItem","value":{}}"#.to_owned(), "must be an array"),
            (r#"{"tag":"BatchItem","type":5,"value":[]}"#.to_owned(), "\"type\" must be a string"),
            (item("BatchCount", "Integr", "1"), "unknown type"),
            (item("BatchCount", "Integer", "2147483648"), "out of range"),
            (item("BatchCount", "Integer", "1.5"), "not a whole number"),
            (item("BatchCount", "Integer", "\"0xZZ\""), "not an Integer"),
            (item("BatchCount", "Integer", "true"), "cannot be a boolean"),
            (item("BatchCount", "Integer", "null"), "cannot be null"),
            (item("IterationCount", "LongInteger", "18446744073709551615"), "out of range"),
            (item("LeaseTime", "Interval", "-1"), "out of range"),
            (item("KeyMaterial", "ByteString", "\"abc\""), "hex"),
            (item("KeyMaterial", "ByteString", "12"), "cannot be a number"),
            (item("Modulus", "BigInteger", "\"0x\""), "empty BigInteger"),
            (item("Sensitive", "Boolean", "1"), "cannot be a number"),
            (item("ActivationDate", "DateTime", "\"soon\""), "ISO 8601"),
            (item("ObjectType", "Enumeration", "\"Nope\""), "not a Object Type value"),
            (item("ObjectType", "Enumeration", "4294967296"), "out of range"),
            (item("CryptographicUsageMask", "Integer", "\"Encrypt|Nope\""), "\"Nope\""),
        ];
        for (text, expected) in cases {
            let err = read(&text).unwrap_err();
            assert!(err.message.contains(expected), "{text}: {err}");
            assert!(!err.location.is_empty(), "{text}: {err}");
        }
        let deep = format!("{}{}", r#"{"tag":"BatchItem","value":["#.repeat(100), "]}".repeat(100));
        let err = read(&deep).unwrap_err();
        assert!(err.message.contains("recursion limit"), "{err}");
        let mut deep = serde_json::json!({"tag": "BatchItem", "value": []});
        for _ in 0..MAX_DEPTH {
            deep = serde_json::json!({"tag": "BatchItem", "value": [deep]});
        }
        let err = from_value(&deep, &mut RefusePlaceholders).unwrap_err();
        assert!(err.message.contains("nested deeper"), "{err}");
        let too_deep = "[".repeat(10_000);
        assert!(read(&too_deep).unwrap_err().message.contains("bad JSON"));
    }
}
