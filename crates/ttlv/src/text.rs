//! What the KMIP XML and JSON encodings share: placeholders, and how each
//! primitive value is spelled as text.
//!
//! # Placeholders
//!
//! The OASIS test cases write values that only exist when the test runs:
//! `$NOW`, `$NOW-3600`, `$UNIQUE_IDENTIFIER_0`, `$KEY_MATERIAL_1`, … Binary
//! TTLV cannot carry them, so the readers ([`crate::xml`], [`crate::json`])
//! hand each one to a [`Placeholders`] resolver, which returns the value to put
//! in its place:
//!
//! * [`RefusePlaceholders`] refuses every placeholder with a clear error;
//! * [`NowPlaceholders`] binds `$NOW`, `$NOW+n` and `$NOW-n` to a time and
//!   refuses the others (what a command-line tool wants);
//! * any closure `FnMut(&str, ItemType, Tag) -> Result<Value, String>` is a
//!   resolver too: a conformance runner binds `$UNIQUE_IDENTIFIER_n` from the
//!   responses it has seen.
//!
//! [`crate::xml::document_from_str_bound`] and
//! [`crate::json::document_from_str_bound`] also return, per message, where
//! each placeholder was and what it was bound to ([`BoundMessage`]);
//! [`BoundMessage::matches`] then compares an actual message with the expected
//! one "modulo placeholders", and [`BoundMessage::capture`] reads what an
//! actual message holds where the expected one had placeholders.
//!
//! Any value spelled like a placeholder ([`is_placeholder`]) is one: a Text
//! String whose text is `$NAME` cannot be written literally in either
//! encoding.
//!
//! ```
//! use keyward_ttlv::text::{NowPlaceholders, Placeholders};
//! use keyward_ttlv::{spec::tags, ItemType, Value};
//!
//! let mut now = NowPlaceholders::at(1_000_000);
//! let value = now.resolve("$NOW-3600", ItemType::DateTime, tags::ACTIVATION_DATE).unwrap();
//! assert_eq!(value, Value::DateTime(996_400));
//! assert!(now.resolve("$UNIQUE_IDENTIFIER_0", ItemType::TextString, tags::UNIQUE_IDENTIFIER).is_err());
//! ```

use std::collections::HashSet;
use std::fmt;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::spec::{self, AttributeValueKind, EnumDef, tags};
use crate::{ItemType, Tag, TextError, Ttlv, Value};

/// Deepest element nesting the text readers accept (a KMIP 1.4 message nests
/// about 10 levels; the binary decoder's default limit is 32).
pub const MAX_DEPTH: usize = 64;

/// Supplies the value of a placeholder met while reading a text document.
pub trait Placeholders {
    /// Returns the value that the placeholder `name` (as written, such as
    /// `"$NOW-3600"`) stands for in an item of type `item_type` with tag
    /// `tag`, or a sentence saying why it cannot be bound. The value must be
    /// of type `item_type`.
    fn resolve(&mut self, name: &str, item_type: ItemType, tag: Tag) -> Result<Value, String>;
}

impl<F> Placeholders for F
where
    F: FnMut(&str, ItemType, Tag) -> Result<Value, String>,
{
    fn resolve(&mut self, name: &str, item_type: ItemType, tag: Tag) -> Result<Value, String> {
        self(name, item_type, tag)
    }
}

/// A resolver that binds nothing: every placeholder is an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct RefusePlaceholders;

impl Placeholders for RefusePlaceholders {
    fn resolve(&mut self, name: &str, item_type: ItemType, tag: Tag) -> Result<Value, String> {
        Err(format!(
            "placeholder {name} in {tag} has no value: binary TTLV cannot carry a placeholder; \
             write a real {item_type} value instead"
        ))
    }
}

/// A resolver that binds `$NOW`, `$NOW+n` and `$NOW-n` (seconds) to a fixed
/// time and refuses every other placeholder.
#[derive(Debug, Clone, Copy)]
pub struct NowPlaceholders {
    now: i64,
}

impl NowPlaceholders {
    /// Binds `$NOW` to the current time.
    pub fn new() -> Self {
        Self::at(OffsetDateTime::now_utc().unix_timestamp())
    }

    /// Binds `$NOW` to `now` (POSIX seconds).
    pub const fn at(now: i64) -> Self {
        Self { now }
    }

    /// The time `$NOW` stands for (POSIX seconds).
    pub const fn now(&self) -> i64 {
        self.now
    }
}

impl Default for NowPlaceholders {
    fn default() -> Self {
        Self::new()
    }
}

impl Placeholders for NowPlaceholders {
    fn resolve(&mut self, name: &str, item_type: ItemType, tag: Tag) -> Result<Value, String> {
        let Some(offset) = now_offset(name) else {
            return Err(format!(
                "placeholder {name} in {tag} cannot be bound here: only $NOW, $NOW+n and $NOW-n \
                 (seconds) are; replace {name} with a real {item_type} value"
            ));
        };
        let seconds = self
            .now
            .checked_add(offset)
            .ok_or_else(|| format!("{name} is outside the range of a Date-Time"))?;
        match item_type {
            ItemType::DateTime => Ok(Value::DateTime(seconds)),
            ItemType::DateTimeExtended => seconds
                .checked_mul(1_000_000)
                .map(Value::DateTimeExtended)
                .ok_or_else(|| format!("{name} is outside the range of a Date-Time Extended")),
            other => Err(format!(
                "{name} is a time, but {tag} is a {other}; $NOW fits only DateTime items"
            )),
        }
    }
}

/// True when `text` is written as a placeholder: `$`, a name of letters,
/// digits and `_` (not starting with a digit), and optionally `+` or `-`
/// followed by digits (`$NOW-3600`).
pub fn is_placeholder(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('$') else {
        return false;
    };
    let (name, offset) = match rest.find(['+', '-']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let name_ok = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let offset_ok = offset.is_none_or(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    name_ok && offset_ok
}

/// The offset in seconds of a `$NOW`, `$NOW+n` or `$NOW-n` placeholder;
/// `None` for anything else.
pub fn now_offset(name: &str) -> Option<i64> {
    let rest = name.strip_prefix("$NOW")?;
    if rest.is_empty() {
        return Some(0);
    }
    let (negative, digits) = match (rest.strip_prefix('+'), rest.strip_prefix('-')) {
        (Some(d), _) => (false, d),
        (_, Some(d)) => (true, d),
        _ => return None,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    Some(if negative { -n } else { n })
}

/// Where a placeholder was in a message, and what it was bound to.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Binding {
    /// Child indices from the message down to the item (0-based; empty for the
    /// message itself). See [`item_at`].
    pub path: Vec<usize>,
    /// The placeholder as written (`"$UNIQUE_IDENTIFIER_0"`).
    pub name: String,
    /// The value the resolver gave it.
    pub value: Value,
}

/// A message read from a text document, with the placeholders it contained.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BoundMessage {
    /// The message, each placeholder replaced by its bound value.
    pub message: Ttlv,
    /// Every placeholder of the message, in document order.
    pub bindings: Vec<Binding>,
}

/// A difference between an expected and an actual message.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Mismatch {
    /// Where: tag names from the message down, with the child index in brackets
    /// (`ResponseMessage/BatchItem[1]/ResultStatus[1]`).
    pub location: String,
    /// What differs.
    pub message: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at {})", self.message, self.location)
    }
}

impl std::error::Error for Mismatch {}

impl BoundMessage {
    /// The binding of the item at `path`, if a placeholder was there.
    pub fn binding_at(&self, path: &[usize]) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.path == path)
    }

    /// Compares `actual` with this (expected) message modulo placeholders:
    /// tags, types and structure must be identical, and values equal except
    /// where the expected message had a placeholder, where any value of the
    /// same type matches.
    pub fn matches(&self, actual: &Ttlv) -> Result<(), Mismatch> {
        let free: HashSet<&[usize]> = self.bindings.iter().map(|b| b.path.as_slice()).collect();
        let mut path = Vec::new();
        compare(&self.message, actual, &free, &mut path, &self.message)
    }

    /// Checks that `actual` [`matches`](Self::matches) and returns, for each
    /// placeholder, the value `actual` holds in its place: how a conformance
    /// runner learns `$UNIQUE_IDENTIFIER_n` from a server's response.
    pub fn capture(&self, actual: &Ttlv) -> Result<Vec<(String, Value)>, Mismatch> {
        self.matches(actual)?;
        let mut captured = Vec::with_capacity(self.bindings.len());
        for binding in &self.bindings {
            let item = item_at(actual, &binding.path).ok_or_else(|| Mismatch {
                location: describe_path(&self.message, &binding.path),
                message: format!("no item where {} was expected", binding.name),
            })?;
            captured.push((binding.name.clone(), item.value.clone()));
        }
        Ok(captured)
    }
}

/// The message of a document that must hold exactly one.
pub(crate) fn only_message(mut messages: Vec<BoundMessage>) -> Result<Ttlv, TextError> {
    match messages.len() {
        1 => Ok(messages.remove(0).message),
        n => Err(TextError::new(
            "document",
            format!("expected one message, found {n}; read several with document_from_str"),
        )),
    }
}

/// The messages without their bindings.
pub(crate) fn unbound(messages: Vec<BoundMessage>) -> Vec<Ttlv> {
    messages.into_iter().map(|b| b.message).collect()
}

/// The item at `path` (child indices from `root` down).
pub fn item_at<'a>(root: &'a Ttlv, path: &[usize]) -> Option<&'a Ttlv> {
    path.iter().try_fold(root, |item, &i| item.children().get(i))
}

/// Describes `path` within `root` by tag names, each with its child index.
pub fn describe_path(root: &Ttlv, path: &[usize]) -> String {
    let mut out = tag_label(root.tag);
    let mut item = root;
    for &i in path {
        match item.children().get(i) {
            Some(child) => {
                out.push_str(&format!("/{}[{i}]", tag_label(child.tag)));
                item = child;
            }
            None => {
                out.push_str(&format!("/[{i}]"));
                break;
            }
        }
    }
    out
}

fn tag_label(tag: Tag) -> String {
    tag.xml_name().map_or_else(|| format!("0x{:06X}", tag.0), str::to_owned)
}

fn compare(
    expected: &Ttlv,
    actual: &Ttlv,
    free: &HashSet<&[usize]>,
    path: &mut Vec<usize>,
    root: &Ttlv,
) -> Result<(), Mismatch> {
    let mismatch =
        |path: &[usize], message: String| Mismatch { location: describe_path(root, path), message };
    if expected.tag != actual.tag {
        return Err(mismatch(path, format!("expected tag {}, found {}", expected.tag, actual.tag)));
    }
    if expected.item_type() != actual.item_type() {
        return Err(mismatch(
            path,
            format!("expected a {}, found a {}", expected.item_type(), actual.item_type()),
        ));
    }
    match (&expected.value, &actual.value) {
        (Value::Structure(want), Value::Structure(got)) => {
            if want.len() != got.len() {
                return Err(mismatch(
                    path,
                    format!("expected {} items, found {}", want.len(), got.len()),
                ));
            }
            for (i, (w, g)) in want.iter().zip(got).enumerate() {
                path.push(i);
                compare(w, g, free, path, root)?;
                path.pop();
            }
            Ok(())
        }
        _ if free.contains(path.as_slice()) => Ok(()),
        (want, got) if want == got => Ok(()),
        (want, got) => Err(mismatch(path, format!("expected {want:?}, found {got:?}"))),
    }
}

/// How the values of an Integer or Enumeration item are named.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Naming {
    /// Plain numbers.
    Plain,
    /// Enumeration value names from this table.
    Enum(&'static EnumDef),
    /// Bit names from this mask table.
    Mask(&'static EnumDef),
}

/// The naming for an item of `item_type` with `tag`, given the items that
/// precede it in its structure (an Attribute Value takes its table from the
/// sibling Attribute Name).
pub(crate) fn naming(tag: Tag, item_type: ItemType, preceding: &[Ttlv]) -> Naming {
    match item_type {
        ItemType::Integer => spec::mask_for_tag(tag).map(Naming::Mask),
        ItemType::Enumeration => spec::enum_for_tag(tag).map(Naming::Enum),
        _ => return Naming::Plain,
    }
    .or_else(|| attribute_naming(tag, item_type, preceding))
    .unwrap_or(Naming::Plain)
}

/// The naming of an Attribute Value, from the Attribute Name before it.
fn attribute_naming(tag: Tag, item_type: ItemType, preceding: &[Ttlv]) -> Option<Naming> {
    if tag != tags::ATTRIBUTE_VALUE {
        return None;
    }
    let name = preceding.iter().rev().find(|s| s.tag == tags::ATTRIBUTE_NAME)?;
    let Value::TextString(name) = &name.value else {
        return None;
    };
    match (item_type, spec::attribute(name)?.kind) {
        (ItemType::Integer, AttributeValueKind::Mask(i)) => spec::mask_table(i).map(Naming::Mask),
        (ItemType::Enumeration, AttributeValueKind::Enumeration(i)) => {
            spec::enum_table(i).map(Naming::Enum)
        }
        _ => None,
    }
}

/// Parses a tag written as an XML name or as `0x` and six hex digits.
pub(crate) fn parse_tag(text: &str) -> Result<Tag, String> {
    if let Some(value) = parse_hex(text, 6) {
        let tag = Tag(u32::try_from(value).unwrap_or(u32::MAX));
        if !(tag.is_standard() || tag.is_extension()) {
            return Err(format!(
                "tag {text} is outside the KMIP (0x42xxxx) and extension (0x54xxxx) ranges"
            ));
        }
        return Ok(tag);
    }
    spec::tag_by_xml(text).map(|d| d.tag).ok_or_else(|| {
        format!(
            "unknown tag name {text:?}: not a KMIP 1.4 tag; write other tags as 0x followed by \
             6 hex digits (extensions are 0x54xxxx)"
        )
    })
}

/// Parses `0x` followed by 1 to `max_digits` hex digits.
pub(crate) fn parse_hex(text: &str, max_digits: usize) -> Option<u64> {
    let digits = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"))?;
    if digits.is_empty()
        || digits.len() > max_digits
        || !digits.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}

/// The text of a primitive value as the encodings write it, mask bits joined
/// by `mask_separator`; `preceding` are the items before it in its structure.
/// Empty for a structure.
pub(crate) fn value_text(item: &Ttlv, preceding: &[Ttlv], mask_separator: &str) -> String {
    let naming = naming(item.tag, item.item_type(), preceding);
    match &item.value {
        Value::Structure(_) => String::new(),
        Value::Integer(v) => integer_text(naming, *v, mask_separator),
        Value::LongInteger(v) => v.to_string(),
        Value::BigInteger(b) | Value::ByteString(b) => hex_text(b),
        Value::Enumeration(v) => enum_text(naming, *v),
        Value::Boolean(v) => v.to_string(),
        Value::TextString(s) => s.clone(),
        Value::DateTime(v) => datetime_text(*v),
        Value::Interval(v) => v.to_string(),
        Value::DateTimeExtended(v) => datetime_extended_text(*v),
    }
}

/// Writes an enumeration value: its name, or `0x` and 8 hex digits.
pub(crate) fn enum_text(naming: Naming, value: u32) -> String {
    match naming {
        Naming::Enum(table) => spec::enum_value_name(table, value),
        _ => format!("0x{value:08X}"),
    }
}

/// Writes an Integer: mask bit names joined by `separator`, or decimal.
pub(crate) fn integer_text(naming: Naming, value: i32, separator: &str) -> String {
    match naming {
        Naming::Mask(table) => spec::mask_to_names(table, value as u32, separator),
        _ => value.to_string(),
    }
}

/// Writes bytes as lowercase hex (as most test cases do).
pub(crate) fn hex_text(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Writes a Date-Time as ISO 8601 in UTC with a `+00:00` offset, or as `0x`
/// and 16 hex digits when the year is outside 0000–9999.
pub(crate) fn datetime_text(seconds: i64) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00");
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .filter(|t| t.year() >= 0)
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| format!("0x{:016X}", seconds as u64))
}

/// Writes a Date-Time Extended (microseconds) as ISO 8601 in UTC with six
/// fractional digits, or as hex like [`datetime_text`].
pub(crate) fn datetime_extended_text(micros: i64) -> String {
    let format = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]+00:00"
    );
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000)
        .ok()
        .filter(|t| t.year() >= 0)
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| format!("0x{:016X}", micros as u64))
}

/// Parses the text form of a primitive value of `item_type`. `separators`
/// are the characters that may separate mask bit names. Errors are sentences
/// without a location.
pub(crate) fn parse_value(
    item_type: ItemType,
    text: &str,
    naming: Naming,
    separators: &[char],
) -> Result<Value, String> {
    match item_type {
        ItemType::Structure => Err("a Structure has items, not a value".to_owned()),
        ItemType::Integer => parse_integer(text, naming, separators).map(Value::Integer),
        ItemType::LongInteger => parse_long(text).map(Value::LongInteger),
        ItemType::BigInteger => parse_big_integer(text),
        ItemType::Enumeration => parse_enumeration(text, naming).map(Value::Enumeration),
        ItemType::Boolean => parse_boolean(text).map(Value::Boolean),
        ItemType::TextString => Ok(Value::TextString(text.to_owned())),
        ItemType::ByteString => parse_bytes(text).map(Value::bytes),
        ItemType::DateTime => parse_datetime(text).map(Value::DateTime),
        ItemType::Interval => parse_interval(text).map(Value::Interval),
        ItemType::DateTimeExtended => parse_datetime_extended(text).map(Value::DateTimeExtended),
    }
}

fn parse_integer(text: &str, naming: Naming, separators: &[char]) -> Result<i32, String> {
    if let Some(bits) = parse_hex(text, 8) {
        return Ok(bits as u32 as i32);
    }
    if let Ok(value) = text.parse::<i32>() {
        return Ok(value);
    }
    match naming {
        Naming::Mask(table) if !looks_numeric(text) => parse_mask(table, text, separators),
        _ => Err(format!(
            "{text:?} is not an Integer: write a decimal number from {} to {}, or 0x and up to \
             8 hex digits",
            i32::MIN,
            i32::MAX
        )),
    }
}

fn looks_numeric(text: &str) -> bool {
    text.trim_start_matches(['-', '+']).bytes().next().is_some_and(|b| b.is_ascii_digit())
}

fn parse_mask(table: &EnumDef, text: &str, separators: &[char]) -> Result<i32, String> {
    let mut bits = 0u32;
    let mut any = false;
    for token in text.split(|c: char| separators.contains(&c) || c.is_whitespace()) {
        if token.is_empty() {
            continue;
        }
        let bit =
            parse_hex(token, 8).map(|v| v as u32).or_else(|| table.by_xml(token).map(|v| v.value));
        match bit {
            Some(bit) => bits |= bit,
            None => return Err(unknown_name(table, token, "bit")),
        }
        any = true;
    }
    if !any {
        return Err(format!(
            "empty {} value: write bit names (such as {}) or a number",
            table.name,
            table.values.first().map_or("0x00000001", |v| v.xml)
        ));
    }
    Ok(bits as i32)
}

fn parse_enumeration(text: &str, naming: Naming) -> Result<u32, String> {
    if let Some(value) = parse_hex(text, 8) {
        return Ok(value as u32);
    }
    match naming {
        Naming::Enum(table) => {
            table.by_xml(text).map(|v| v.value).ok_or_else(|| unknown_name(table, text, "value"))
        }
        _ => Err(format!(
            "{text:?} is not an Enumeration value: no KMIP 1.4 table names the values of this \
             item, so write it as 0x and up to 8 hex digits"
        )),
    }
}

fn unknown_name(table: &EnumDef, text: &str, what: &str) -> String {
    let hint = table
        .values
        .iter()
        .find(|v| v.xml.eq_ignore_ascii_case(text) || v.name.eq_ignore_ascii_case(text))
        .map(|v| format!(" (did you mean {}?)", v.xml))
        .unwrap_or_default();
    let example = table.values.first().map_or("", |v| v.xml);
    format!(
        "{text:?} is not a {} {what} name{hint}; write a KMIP name such as {example}, or 0x and \
         up to 8 hex digits",
        table.name
    )
}

fn parse_long(text: &str) -> Result<i64, String> {
    if let Some(bits) = parse_hex(text, 16) {
        return Ok(bits as i64);
    }
    text.parse::<i64>().map_err(|_| {
        format!(
            "{text:?} is not a LongInteger: write a decimal number from {} to {}, or 0x and up \
             to 16 hex digits",
            i64::MIN,
            i64::MAX
        )
    })
}

fn parse_interval(text: &str) -> Result<u32, String> {
    if let Some(bits) = parse_hex(text, 8) {
        return Ok(bits as u32);
    }
    text.parse::<u32>().map_err(|_| {
        format!("{text:?} is not an Interval: write a number of seconds from 0 to {}", u32::MAX)
    })
}

fn parse_boolean(text: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("{text:?} is not a Boolean: write true or false")),
    }
}

fn parse_bytes(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(digits).map_err(|e| format!("{text:?} is not a hex byte string: {e}"))
}

fn parse_big_integer(text: &str) -> Result<Value, String> {
    let bytes = parse_bytes(text)?;
    if bytes.is_empty() {
        return Err("empty BigInteger: write at least one byte of hex".to_owned());
    }
    Ok(Value::big_integer_from_signed(&bytes))
}

fn parse_iso(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| {
        format!(
            "{text:?} is not an ISO 8601 date-time such as 2012-04-27T08:12:24+00:00, nor 0x \
             and up to 16 hex digits: {e}"
        )
    })
}

fn parse_datetime(text: &str) -> Result<i64, String> {
    if let Some(bits) = parse_hex(text, 16) {
        return Ok(bits as i64);
    }
    let time = parse_iso(text)?;
    if time.nanosecond() != 0 {
        return Err(format!("{text:?} has a fraction of a second; a DateTime holds whole seconds"));
    }
    Ok(time.unix_timestamp())
}

fn parse_datetime_extended(text: &str) -> Result<i64, String> {
    if let Some(bits) = parse_hex(text, 16) {
        return Ok(bits as i64);
    }
    let nanos = parse_iso(text)?.unix_timestamp_nanos();
    if nanos % 1000 != 0 {
        return Err(format!(
            "{text:?} is more precise than a microsecond; a DateTimeExtended holds microseconds"
        ));
    }
    i64::try_from(nanos / 1000).map_err(|_| format!("{text:?} is out of range"))
}

/// Resolves a placeholder and checks the resolver's answer has the declared type.
pub(crate) fn resolve_placeholder(
    placeholders: &mut dyn Placeholders,
    name: &str,
    item_type: ItemType,
    tag: Tag,
) -> Result<Value, String> {
    let value = placeholders.resolve(name, item_type, tag)?;
    if value.item_type() != item_type {
        return Err(format!(
            "placeholder {name} was bound to a {} but the item is a {item_type}",
            value.item_type()
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_syntax() {
        for yes in ["$NOW", "$NOW-3600", "$NOW+31536000", "$UNIQUE_IDENTIFIER_0", "$DATA_1", "$X"] {
            assert!(is_placeholder(yes), "{yes}");
        }
        for no in ["NOW", "$", "$1A", "$NOW-", "$NOW-x", "$A B", "$A-1-2", "x$NOW", "$NOW+-1"] {
            assert!(!is_placeholder(no), "{no}");
        }
    }

    #[test]
    fn now_offsets() {
        assert_eq!(now_offset("$NOW"), Some(0));
        assert_eq!(now_offset("$NOW-3600"), Some(-3600));
        assert_eq!(now_offset("$NOW+10"), Some(10));
        assert_eq!(now_offset("$NOWX"), None);
        assert_eq!(now_offset("$NOW+"), None);
        assert_eq!(now_offset("$NOW+99999999999999999999"), None);
    }

    #[test]
    fn now_resolver_binds_times_only() {
        let mut now = NowPlaceholders::at(100);
        let tag = tags::ACTIVATION_DATE;
        assert_eq!(now.resolve("$NOW+5", ItemType::DateTime, tag), Ok(Value::DateTime(105)));
        assert_eq!(
            now.resolve("$NOW", ItemType::DateTimeExtended, tag),
            Ok(Value::DateTimeExtended(100_000_000))
        );
        let err = now.resolve("$NOW", ItemType::TextString, tag).unwrap_err();
        assert!(err.contains("DateTime"), "{err}");
        let err = now.resolve("$KEY_MATERIAL_1", ItemType::ByteString, tag).unwrap_err();
        assert!(err.contains("$KEY_MATERIAL_1"), "{err}");
        let err = RefusePlaceholders.resolve("$NOW", ItemType::DateTime, tag).unwrap_err();
        assert!(err.contains("cannot carry"), "{err}");
    }

    #[test]
    fn date_times() {
        assert_eq!(datetime_text(1_335_514_344), "2012-04-27T08:12:24+00:00");
        assert_eq!(parse_datetime("2012-04-27T08:12:24+00:00"), Ok(1_335_514_344));
        assert_eq!(parse_datetime("2012-04-27T18:12:24+10:00"), Ok(1_335_514_344));
        assert_eq!(parse_datetime("2012-04-27T08:12:24Z"), Ok(1_335_514_344));
        assert!(parse_datetime("2012-04-27T08:12:24.5Z").is_err());
        assert!(parse_datetime("yesterday").is_err());
        assert_eq!(datetime_text(i64::MAX), "0x7FFFFFFFFFFFFFFF");
        assert_eq!(parse_datetime("0x7FFFFFFFFFFFFFFF"), Ok(i64::MAX));
        assert_eq!(datetime_extended_text(1_500_000), "1970-01-01T00:00:01.500000+00:00");
        assert_eq!(parse_datetime_extended("1970-01-01T00:00:01.500000+00:00"), Ok(1_500_000));
    }

    #[test]
    fn matches_modulo_placeholders() {
        let expected = BoundMessage {
            message: Ttlv::structure(
                tags::RESPONSE_PAYLOAD,
                vec![Ttlv::new(tags::UNIQUE_IDENTIFIER, Value::text("bound"))],
            ),
            bindings: vec![Binding {
                path: vec![0],
                name: "$UNIQUE_IDENTIFIER_0".into(),
                value: Value::text("bound"),
            }],
        };
        let actual = Ttlv::structure(
            tags::RESPONSE_PAYLOAD,
            vec![Ttlv::new(tags::UNIQUE_IDENTIFIER, Value::text("42"))],
        );
        assert_eq!(
            expected.capture(&actual),
            Ok(vec![("$UNIQUE_IDENTIFIER_0".to_owned(), Value::text("42"))])
        );
        let wrong_type = Ttlv::structure(
            tags::RESPONSE_PAYLOAD,
            vec![Ttlv::new(tags::UNIQUE_IDENTIFIER, Value::Integer(42))],
        );
        let err = expected.matches(&wrong_type).unwrap_err();
        assert_eq!(err.location, "ResponsePayload/UniqueIdentifier[0]");
        let no_placeholder = BoundMessage { bindings: vec![], ..expected };
        assert!(no_placeholder.matches(&actual).is_err());
    }
}
