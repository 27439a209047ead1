//! The KMIP XML encoding (KMIP Additional Message Encodings v1.0, XML
//! profile), both ways, as the OASIS test cases write it.
//!
//! * Each item is an element named by the tag's XML name
//!   (`<UniqueIdentifier …/>`); tags without a KMIP 1.4 name are written
//!   `<TTLV tag="0x540001" …>`.
//! * Primitives carry `type="…"` and `value="…"` attributes; structures carry
//!   neither (`type="Structure"` is accepted) and hold their items as child
//!   elements.
//! * Values: Integer in decimal, except masks (Cryptographic Usage Mask,
//!   Storage Status Mask, and an Attribute Value whose Attribute Name is a mask
//!   attribute), written as bit names joined by spaces; Enumeration by name
//!   (the table comes from the tag, or for an Attribute Value from the sibling
//!   Attribute Name) or `0x` and 8 hex digits; Big Integer and Byte String in
//!   hex; Boolean `true`/`false`; Date-Time in ISO 8601 (written in UTC with a
//!   `+00:00` offset); Interval in decimal. Numbers are also accepted in
//!   `0x` hex.
//! * A document is a root `<KMIP>` (or `<KmipTestCase>`) holding several
//!   messages, or a bare message. The reader skips comments and tolerates the
//!   known defects of published files: a duplicated closing root tag, and the
//!   text the ovh-kmip-go files put between messages (`# TIME n` markers,
//!   `# [Client-A]`, wrapped comments, page line numbers): text directly
//!   inside the wrapper root is skipped. Text anywhere else is an error.
//! * Placeholders (`$NOW`, `$UNIQUE_IDENTIFIER_0`, …) are bound by a
//!   [`Placeholders`] resolver; see [`crate::text`].
//!
//! ```
//! use keyward_ttlv::{xml, text::RefusePlaceholders, spec::tags, Ttlv, Value};
//!
//! let item = Ttlv::structure(tags::PROTOCOL_VERSION, vec![
//!     Ttlv::new(tags::PROTOCOL_VERSION_MAJOR, Value::Integer(1)),
//!     Ttlv::new(tags::PROTOCOL_VERSION_MINOR, Value::Integer(4)),
//! ]);
//! let text = xml::to_string(&item);
//! assert_eq!(text, "<ProtocolVersion>\n  <ProtocolVersionMajor type=\"Integer\" value=\"1\"/>\n  \
//!                   <ProtocolVersionMinor type=\"Integer\" value=\"4\"/>\n</ProtocolVersion>\n");
//! assert_eq!(xml::from_str(&text, &mut RefusePlaceholders).unwrap(), item);
//! ```

use std::fmt::Write as _;

use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::{Reader, XmlVersion};

use crate::spec;
use crate::text::{self, Binding, BoundMessage, MAX_DEPTH, Placeholders};
use crate::{ItemType, Tag, TextError, Ttlv, Value};

/// Root elements that wrap the messages of a document: `<KMIP>` (OASIS 1.3
/// and 1.4 files) and `<KmipTestCase>` (the re-extracted 1.0 profile files).
pub const WRAPPERS: [&str; 2] = ["KMIP", "KmipTestCase"];

/// The element name of an item whose tag has no KMIP 1.4 XML name.
pub const EXTENSION_ELEMENT: &str = "TTLV";

/// Characters accepted between the bit names of a mask (the XML encoding
/// writes a space; `|`, the JSON separator, is accepted too).
const MASK_SEPARATORS: [char; 2] = [' ', '|'];

/// One XML element as read, before it is interpreted as a TTLV item: the
/// lexical layer, useful to compare documents element by element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    /// The element name (`"UniqueIdentifier"`, `"TTLV"`).
    pub name: String,
    /// The attributes in document order, values unescaped and normalised.
    pub attributes: Vec<(String, String)>,
    /// The child elements.
    pub children: Vec<Element>,
    /// The line (1-based) where the element starts.
    pub line: usize,
}

impl Element {
    /// The value of attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Writes one item (typically a message) as an indented element, two spaces
/// per level, each element on its own line, ending with a newline.
pub fn to_string(item: &Ttlv) -> String {
    let mut out = String::new();
    write_item(&mut out, item, &[], 0);
    out
}

/// Writes several messages as a `<KMIP>` document, laid out like the OASIS
/// test cases (messages at the left margin, separated by a blank line).
pub fn to_document_string(messages: &[Ttlv]) -> String {
    let mut out = String::from("<KMIP>\n");
    for message in messages {
        out.push('\n');
        write_item(&mut out, message, &[], 0);
    }
    out.push_str("\n</KMIP>\n");
    out
}

/// Reads one message: a bare element, or a wrapper (`<KMIP>`) holding exactly
/// one message.
pub fn from_str(text: &str, placeholders: &mut dyn Placeholders) -> Result<Ttlv, TextError> {
    text::only_message(document_from_str_bound(text, placeholders)?)
}

/// Reads every message of a document.
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
    parse_elements(text)?.iter().map(|e| from_element(e, placeholders)).collect()
}

/// Parses a document into its message elements: the children of a wrapper
/// root ([`WRAPPERS`]), or the root itself. Checks only XML well-formedness
/// (with the tolerances described in the module documentation).
pub fn parse_elements(text: &str) -> Result<Vec<Element>, TextError> {
    let root = parse_tree(text)?;
    if WRAPPERS.contains(&root.name.as_str()) { Ok(root.children) } else { Ok(vec![root]) }
}

/// Interprets one element as a TTLV item, binding its placeholders.
pub fn from_element(
    element: &Element,
    placeholders: &mut dyn Placeholders,
) -> Result<BoundMessage, TextError> {
    let mut converter =
        Converter { placeholders, bindings: Vec::new(), path: Vec::new(), names: Vec::new() };
    let message = converter.item(element, &[])?;
    Ok(BoundMessage { message, bindings: converter.bindings })
}

// ---------------------------------------------------------------------------
// Writing

fn write_item(out: &mut String, item: &Ttlv, preceding: &[Ttlv], depth: usize) {
    push_indent(out, depth);
    out.push('<');
    let name = match item.tag.xml_name() {
        Some(name) => {
            out.push_str(name);
            name
        }
        None => {
            let _ = write!(out, "{EXTENSION_ELEMENT} tag=\"0x{:06X}\"", item.tag.0);
            EXTENSION_ELEMENT
        }
    };
    match &item.value {
        Value::Structure(children) => {
            out.push_str(">\n");
            for (i, child) in children.iter().enumerate() {
                write_item(out, child, &children[..i], depth + 1);
            }
            push_indent(out, depth);
            let _ = writeln!(out, "</{name}>");
        }
        value => {
            let _ = write!(out, " type=\"{}\" value=\"", value.item_type());
            push_escaped(out, &text::value_text(item, preceding, " "));
            out.push_str("\"/>\n");
        }
    }
}

fn push_indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// Escapes an attribute value. Tab, newline and carriage return become
/// character references so that attribute normalisation keeps them; other
/// control characters are written as references too (XML 1.0 cannot carry
/// NUL at all, so a Text String holding one does not read back).
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

// ---------------------------------------------------------------------------
// Lexical layer: XML text to elements

fn parse_tree(text: &str) -> Result<Element, TextError> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    let mut lines = Lines::new(text);
    let mut tree = Tree::default();
    loop {
        let start = reader.buffer_position();
        let event = reader.read_event().map_err(|e| {
            let line = lines.line_at(reader.error_position());
            TextError::new(format!("line {line}"), format!("malformed XML: {e}"))
        })?;
        let line = lines.line_at(start);
        let error = |message: String| TextError::new(format!("line {line}"), message);
        match event {
            Event::Start(e) => tree.open(open_element(&e, line)?, line)?,
            Event::Empty(e) => tree.attach(open_element(&e, line)?)?,
            Event::End(e) => tree.close(e.name().as_ref(), line)?,
            // The ovh-kmip-go files put `# TIME n` markers, wrapped comments and
            // page line numbers between their messages: skip any text there.
            Event::Text(_) if tree.between_messages() => {}
            Event::Text(t) => check_text(&t, line)?,
            Event::GeneralRef(_) | Event::CData(_) => {
                return Err(error(
                    "unexpected character data: KMIP XML carries values in value=\"…\" \
                     attributes, never as element text"
                        .to_owned(),
                ));
            }
            Event::DocType(_) => {
                return Err(error("DOCTYPE declarations are not accepted in KMIP XML".to_owned()));
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    tree.finish()
}

/// Builds the element tree from start and end events.
#[derive(Default)]
struct Tree {
    open: Vec<Element>,
    root: Option<Element>,
}

impl Tree {
    fn open(&mut self, element: Element, line: usize) -> Result<(), TextError> {
        if self.open.len() >= MAX_DEPTH {
            return Err(TextError::new(
                format!("line {line}"),
                format!("elements nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.open.push(element);
        Ok(())
    }

    fn attach(&mut self, element: Element) -> Result<(), TextError> {
        if let Some(parent) = self.open.last_mut() {
            parent.children.push(element);
            return Ok(());
        }
        match &self.root {
            None => {
                self.root = Some(element);
                Ok(())
            }
            Some(root) => Err(TextError::new(
                format!("line {}", element.line),
                format!(
                    "second top-level element <{}> after <{}>: a document has one root; wrap \
                     several messages in <KMIP>…</KMIP>",
                    element.name, root.name
                ),
            )),
        }
    }

    fn close(&mut self, name: &str, line: usize) -> Result<(), TextError> {
        let error = |message: String| TextError::new(format!("line {line}"), message);
        match self.open.pop() {
            Some(element) if element.name == name => self.attach(element),
            Some(element) => Err(error(format!(
                "closing tag </{name}> does not match <{}> opened at line {}",
                element.name, element.line
            ))),
            // A known defect of published test cases: the root's closing tag twice.
            None if self.root.as_ref().is_some_and(|r| r.name == name) => Ok(()),
            None => Err(error(format!("closing tag </{name}> has no opening tag"))),
        }
    }

    /// True directly inside a wrapper root ([`WRAPPERS`]), between messages.
    fn between_messages(&self) -> bool {
        matches!(self.open.as_slice(), [root] if WRAPPERS.contains(&root.name.as_str()))
    }

    fn finish(mut self) -> Result<Element, TextError> {
        if let Some(element) = self.open.pop() {
            return Err(TextError::new(
                format!("line {}", element.line),
                format!("element <{}> is never closed", element.name),
            ));
        }
        self.root.ok_or_else(|| TextError::new("line 1", "the document has no element"))
    }
}

fn open_element(start: &BytesStart<'_>, line: usize) -> Result<Element, TextError> {
    let error = |message: String| TextError::new(format!("line {line}"), message);
    let name = start.name().as_ref().to_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute =
            attribute.map_err(|e| error(format!("malformed attribute in <{name}>: {e}")))?;
        let key = attribute.key.as_ref().to_owned();
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| error(format!("bad attribute {key} in <{name}>: {e}")))?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Element { name, attributes, children: Vec::new(), line })
}

/// Text outside the wrapper's level must be blank: values are attributes.
fn check_text(text: &BytesText<'_>, line: usize) -> Result<(), TextError> {
    let content = text.xml10_content();
    match content.lines().enumerate().find(|(_, l)| !l.trim().is_empty()) {
        Some((i, text_line)) => Err(TextError::new(
            format!("line {}", line + i),
            format!(
                "unexpected text {:?}: KMIP XML carries values in value=\"…\" attributes, never \
                 as element text",
                text_line.trim()
            ),
        )),
        None => Ok(()),
    }
}

/// Turns byte offsets into line numbers, scanning forward incrementally.
struct Lines<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self { text: text.as_bytes(), offset: 0, line: 1 }
    }

    fn line_at(&mut self, offset: u64) -> usize {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(self.text.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        self.line += self.text[self.offset..offset].iter().filter(|b| **b == b'\n').count();
        self.offset = offset;
        self.line
    }
}

// ---------------------------------------------------------------------------
// Elements to TTLV

struct Converter<'p> {
    placeholders: &'p mut dyn Placeholders,
    bindings: Vec<Binding>,
    /// Child indices from the message to the current item.
    path: Vec<usize>,
    /// Element names from the message to the current item, for errors.
    names: Vec<String>,
}

impl Converter<'_> {
    fn error(&self, element: &Element, message: impl Into<String>) -> TextError {
        TextError::new(format!("line {}, {}", element.line, self.names.join("/")), message)
    }

    fn item(&mut self, element: &Element, preceding: &[Ttlv]) -> Result<Ttlv, TextError> {
        self.names.push(element.name.clone());
        let result = if self.names.len() > MAX_DEPTH {
            Err(self.error(element, format!("items nested deeper than {MAX_DEPTH} levels")))
        } else {
            self.item_inner(element, preceding)
        };
        self.names.pop();
        result
    }

    fn item_inner(&mut self, element: &Element, preceding: &[Ttlv]) -> Result<Ttlv, TextError> {
        let tag = self.tag(element)?;
        self.check_attributes(element)?;
        let item_type = self.item_type(element)?;
        if item_type == ItemType::Structure {
            return self.structure(element, tag);
        }
        if let Some(child) = element.children.first() {
            return Err(self.error(
                element,
                format!(
                    "a {item_type} cannot hold elements (found <{}>); only a Structure has child \
                     elements",
                    child.name
                ),
            ));
        }
        let value = self.value(element, tag, item_type, preceding)?;
        Ok(Ttlv::new(tag, value))
    }

    fn tag(&self, element: &Element) -> Result<Tag, TextError> {
        if element.name == EXTENSION_ELEMENT {
            let text = element.attribute("tag").ok_or_else(|| {
                self.error(
                    element,
                    "a <TTLV> element needs a tag attribute, such as tag=\"0x540001\"",
                )
            })?;
            return text::parse_tag(text).map_err(|m| self.error(element, m));
        }
        spec::tag_by_xml(&element.name).map(|d| d.tag).ok_or_else(|| {
            self.error(
                element,
                format!(
                    "unknown element <{}>: not a KMIP 1.4 tag name; write other tags as \
                     <TTLV tag=\"0x54xxxx\" type=\"…\" value=\"…\"/>",
                    element.name
                ),
            )
        })
    }

    fn check_attributes(&self, element: &Element) -> Result<(), TextError> {
        let extension = element.name == EXTENSION_ELEMENT;
        match element
            .attributes
            .iter()
            .find(|(k, _)| !(k == "type" || k == "value" || (extension && k == "tag")))
        {
            Some((key, _)) => Err(self.error(
                element,
                format!(
                    "unexpected attribute {key}: KMIP XML elements carry only type and value \
                     (and tag on <TTLV>)"
                ),
            )),
            None => Ok(()),
        }
    }

    fn item_type(&self, element: &Element) -> Result<ItemType, TextError> {
        match (element.attribute("type"), element.attribute("value")) {
            (Some(name), value) => {
                let item_type = ItemType::from_xml_name(name).ok_or_else(|| {
                    self.error(
                        element,
                        format!(
                            "unknown type {name:?}: use Structure, Integer, LongInteger, \
                             BigInteger, Enumeration, Boolean, TextString, ByteString, DateTime \
                             or Interval"
                        ),
                    )
                })?;
                if item_type == ItemType::Structure && value.is_some() {
                    return Err(self.error(
                        element,
                        "a Structure holds child elements, not a value attribute",
                    ));
                }
                Ok(item_type)
            }
            (None, Some(_)) => Err(self.error(
                element,
                "value attribute without a type attribute: add type=\"…\" (TextString, \
                 Integer, …)",
            )),
            (None, None) => Ok(ItemType::Structure),
        }
    }

    fn structure(&mut self, element: &Element, tag: Tag) -> Result<Ttlv, TextError> {
        let mut children = Vec::with_capacity(element.children.len());
        for (i, child) in element.children.iter().enumerate() {
            self.path.push(i);
            let item = self.item(child, &children);
            self.path.pop();
            children.push(item?);
        }
        Ok(Ttlv::structure(tag, children))
    }

    fn value(
        &mut self,
        element: &Element,
        tag: Tag,
        item_type: ItemType,
        preceding: &[Ttlv],
    ) -> Result<Value, TextError> {
        let text = match element.attribute("value") {
            Some(text) => text,
            None if matches!(item_type, ItemType::TextString | ItemType::ByteString) => "",
            None => {
                return Err(self.error(element, format!("a {item_type} needs a value attribute")));
            }
        };
        if text::is_placeholder(text) {
            let value = text::resolve_placeholder(self.placeholders, text, item_type, tag)
                .map_err(|m| self.error(element, m))?;
            self.bindings.push(Binding {
                path: self.path.clone(),
                name: text.to_owned(),
                value: value.clone(),
            });
            return Ok(value);
        }
        let naming = text::naming(tag, item_type, preceding);
        text::parse_value(item_type, text, naming, &MASK_SEPARATORS)
            .map_err(|m| self.error(element, m))
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
        text
    }

    #[test]
    fn every_type_round_trips() {
        let cases = [
            (one(tags::BATCH_COUNT, Value::Integer(-7)), r#"type="Integer" value="-7""#),
            (one(tags::ITERATION_COUNT, Value::LongInteger(1 << 40)), "1099511627776"),
            (
                one(tags::MODULUS, Value::big_integer_from_unsigned(&[0x80, 1])),
                r#"type="BigInteger" value="0000000000008001""#,
            ),
            (one(tags::OBJECT_TYPE, Value::Enumeration(2)), r#"value="SymmetricKey""#),
            (one(tags::SENSITIVE, Value::Boolean(true)), r#"type="Boolean" value="true""#),
            (
                one(tags::NAME_VALUE, Value::text("a<b>&\"c\"\n")),
                "a&lt;b&gt;&amp;&quot;c&quot;&#10;",
            ),
            (one(tags::NAME_VALUE, Value::text("")), r#"type="TextString" value="""#),
            (one(tags::KEY_MATERIAL, Value::bytes([0xAB, 0x01])), r#"value="ab01""#),
            (
                one(tags::ACTIVATION_DATE, Value::DateTime(1_335_514_344)),
                "2012-04-27T08:12:24+00:00",
            ),
            (one(tags::LEASE_TIME, Value::Interval(u32::MAX)), "4294967295"),
            (one(tags::ACTIVATION_DATE, Value::DateTimeExtended(1)), "1970-01-01T00:00:00.000001"),
        ];
        for (item, expected) in cases {
            let text = round_trip(&item);
            assert!(text.contains(expected), "{text} lacks {expected}");
        }
    }

    #[test]
    fn structures_are_indented_and_empty_ones_kept() {
        let item = Ttlv::structure(
            tags::BATCH_ITEM,
            vec![
                one(tags::OPERATION, Value::Enumeration(0x1E)),
                Ttlv::structure(tags::RESPONSE_PAYLOAD, vec![]),
            ],
        );
        assert_eq!(
            round_trip(&item),
            "<BatchItem>\n  <Operation type=\"Enumeration\" value=\"DiscoverVersions\"/>\n  \
             <ResponsePayload>\n  </ResponsePayload>\n</BatchItem>\n"
        );
        let typed = r#"<ResponsePayload type="Structure"></ResponsePayload>"#;
        assert_eq!(read(typed).unwrap(), Ttlv::structure(tags::RESPONSE_PAYLOAD, vec![]));
    }

    #[test]
    fn numbers_in_hex() {
        let read_value = |text: &str| read(text).unwrap().value;
        assert_eq!(
            read_value(r#"<BatchCount type="Integer" value="0x0000000C"/>"#),
            Value::Integer(12)
        );
        assert_eq!(
            read_value(r#"<BatchCount type="Integer" value="0xFFFFFFFF"/>"#),
            Value::Integer(-1)
        );
        assert_eq!(
            read_value(r#"<IterationCount type="LongInteger" value="0xFFFFFFFFFFFFFFFF"/>"#),
            Value::LongInteger(-1)
        );
        assert_eq!(read_value(r#"<LeaseTime type="Interval" value="0x10"/>"#), Value::Interval(16));
    }

    #[test]
    fn masks_by_name_hex_and_number() {
        let usage = |v| one(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(v));
        let text = round_trip(&usage(12));
        assert!(text.contains(r#"value="Encrypt Decrypt""#), "{text}");
        assert!(round_trip(&usage(0x0010_0001)).contains(r#"value="Sign 0x00100000""#));
        for written in
            ["Decrypt   Encrypt", "Encrypt|Decrypt", "12", "0x0000000C", "Encrypt 0x00000008"]
        {
            let text = format!(r#"<CryptographicUsageMask type="Integer" value="{written}"/>"#);
            assert_eq!(read(&text).unwrap(), usage(12), "{written}");
        }
        let storage = one(tags::STORAGE_STATUS_MASK, Value::Integer(3));
        assert!(round_trip(&storage).contains(r#"value="OnLineStorage ArchivalStorage""#));
        let err = read(r#"<CryptographicUsageMask type="Integer" value="Encrypt encrypt"/>"#)
            .unwrap_err();
        assert!(err.message.contains("did you mean Encrypt?"), "{err}");
    }

    #[test]
    fn attribute_values_take_their_table_from_the_attribute_name() {
        let attribute = |name: &str, value: Value| {
            Ttlv::structure(
                tags::ATTRIBUTE,
                vec![
                    one(tags::ATTRIBUTE_NAME, Value::text(name)),
                    one(tags::ATTRIBUTE_VALUE, value),
                ],
            )
        };
        let text = round_trip(&attribute("Cryptographic Algorithm", Value::Enumeration(3)));
        assert!(text.contains(r#"value="AES""#), "{text}");
        let text = round_trip(&attribute("Cryptographic   Usage Mask", Value::Integer(12)));
        assert!(text.contains(r#"value="Encrypt Decrypt""#), "{text}");
        let text = round_trip(&attribute("x-custom", Value::Enumeration(3)));
        assert!(text.contains(r#"value="0x00000003""#), "{text}");
        let text = round_trip(&attribute("State", Value::Enumeration(1)));
        assert!(text.contains(r#"value="PreActive""#), "{text}");
    }

    #[test]
    fn enumerations_by_name_hex_and_alternative_spelling() {
        let read_value = |text: &str| read(text).unwrap().value;
        assert_eq!(
            read_value(r#"<OpaqueDataType type="Enumeration" value="0x80000001"/>"#),
            Value::Enumeration(0x8000_0001)
        );
        assert_eq!(
            read_value(r#"<ObjectType type="Enumeration" value="0x00000002"/>"#),
            Value::Enumeration(2)
        );
        let strict = read_value(
            r#"<DigitalSignatureAlgorithm type="Enumeration" value="SHA_256WithRSAEncryptionPKCS_1V1_5"/>"#,
        );
        let alternative = read_value(
            r#"<DigitalSignatureAlgorithm type="Enumeration" value="SHA_256WithRSAEncryption"/>"#,
        );
        assert_eq!(strict, alternative);
        let text = round_trip(&one(tags::OPAQUE_DATA_TYPE, Value::Enumeration(0x8000_0001)));
        assert!(text.contains(r#"value="0x80000001""#), "{text}");
        let err = read(r#"<ObjectType type="Enumeration" value="symmetrickey"/>"#).unwrap_err();
        assert!(err.message.contains("did you mean SymmetricKey?"), "{err}");
        let err = read(r#"<ObjectType type="Enumeration" value="2"/>"#).unwrap_err();
        assert!(err.message.contains("0x"), "{err}");
    }

    #[test]
    fn extension_tags() {
        let item = Ttlv::structure(
            tags::MESSAGE_EXTENSION,
            vec![one(Tag(0x54_0001), Value::text("na")), one(Tag(0x42_0150), Value::Integer(1))],
        );
        let text = round_trip(&item);
        assert!(text.contains(r#"<TTLV tag="0x540001" type="TextString" value="na"/>"#), "{text}");
        assert!(text.contains(r#"<TTLV tag="0x420150" type="Integer" value="1"/>"#), "{text}");
        let by_name = read(r#"<TTLV tag="BatchCount" type="Integer" value="1"/>"#).unwrap();
        assert_eq!(by_name, one(tags::BATCH_COUNT, Value::Integer(1)));
        let err = read(r#"<TTLV tag="0x330001" type="Integer" value="1"/>"#).unwrap_err();
        assert!(err.message.contains("outside"), "{err}");
        let err = read(r#"<TTLV type="Integer" value="1"/>"#).unwrap_err();
        assert!(err.message.contains("tag attribute"), "{err}");
    }

    #[test]
    fn big_integers_are_sign_extended() {
        let read_value = |text: &str| read(text).unwrap().value;
        assert_eq!(
            read_value(r#"<Modulus type="BigInteger" value="ff"/>"#),
            Value::big_integer_from_signed(&[0xFF])
        );
        assert_eq!(
            read_value(r#"<Modulus type="BigInteger" value="0x0102"/>"#),
            Value::BigInteger(vec![0, 0, 0, 0, 0, 0, 1, 2].into())
        );
    }

    #[test]
    fn documents_with_known_defects() {
        let text = "<?xml version=\"1.0\"?>\n<!-- header -->\n<KMIP> # TIME 0 <RequestMessage>\n\
                    <BatchCount type=\"Integer\" value=\"1\"/></RequestMessage>\n# TIME\n 1\n\
                    # [Client-B] will result in\n 0018 0019\n<ResponseMessage/></KMIP>\n</KMIP>\n";
        let messages = document_from_str(text, &mut RefusePlaceholders).unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[1], Ttlv::structure(tags::RESPONSE_MESSAGE, vec![]));
        let test_case = "<KmipTestCase><RequestMessage/></KmipTestCase>";
        assert_eq!(document_from_str(test_case, &mut RefusePlaceholders).unwrap().len(), 1);
        let doc = to_document_string(&messages);
        assert!(doc.starts_with("<KMIP>\n\n<RequestMessage>\n"), "{doc}");
        assert_eq!(document_from_str(&doc, &mut RefusePlaceholders).unwrap(), messages);
    }

    #[test]
    fn placeholders_are_resolved_and_recorded() {
        let text = r#"<KMIP><ResponseMessage>
              <TimeStamp type="DateTime" value="$NOW-60"/>
              <UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_3"/>
            </ResponseMessage></KMIP>"#;
        let err = document_from_str(text, &mut RefusePlaceholders).unwrap_err();
        assert!(err.message.contains("$NOW-60"), "{err}");
        assert!(err.location.starts_with("line 2, ResponseMessage/TimeStamp"), "{err}");
        let err = document_from_str(text, &mut NowPlaceholders::at(1000)).unwrap_err();
        assert!(err.message.contains("$UNIQUE_IDENTIFIER_3"), "{err}");
        assert!(err.location.starts_with("line 3,"), "{err}");

        let mut resolver = |name: &str, item_type: ItemType, _tag: Tag| match item_type {
            ItemType::DateTime => Ok(Value::DateTime(text::now_offset(name).unwrap_or(0))),
            ItemType::TextString => Ok(Value::text("uid-3")),
            other => Err(format!("no {other}")),
        };
        let bound = document_from_str_bound(text, &mut resolver).unwrap();
        assert_eq!(bound.len(), 1);
        let names: Vec<_> =
            bound[0].bindings.iter().map(|b| (b.path.clone(), b.name.as_str())).collect();
        assert_eq!(names, [(vec![0], "$NOW-60"), (vec![1], "$UNIQUE_IDENTIFIER_3")]);
        assert_eq!(bound[0].message.children()[0].value, Value::DateTime(-60));

        let mut wrong_type = |_: &str, _: ItemType, _: Tag| Ok(Value::Integer(1));
        let err = document_from_str(text, &mut wrong_type).unwrap_err();
        assert!(err.message.contains("bound to a Integer"), "{err}");
    }

    #[test]
    fn hostile_input_gives_located_errors() {
        let cases = [
            ("", "no element"),
            ("<BatchCount", "malformed XML"),
            ("<RequestMessage><BatchCount type=\"Integer\" value=\"1\"/>", "never closed"),
            ("<RequestMessage></ResponseMessage>", "does not match"),
            ("<RequestMessage/><RequestMessage/>", "second top-level element"),
            ("</KMIP>", "no opening tag"),
            ("<Bogus/>", "unknown element <Bogus>"),
            (r#"<BatchCount type="Integr" value="1"/>"#, "unknown type"),
            (r#"<BatchCount value="1"/>"#, "without a type"),
            (r#"<BatchCount type="Integer"/>"#, "needs a value"),
            (r#"<BatchCount type="Integer" value="2147483648"/>"#, "not an Integer"),
            (r#"<BatchCount type="Integer" value="0x123456789"/>"#, "not an Integer"),
            (r#"<BatchCount type="Integer" value="one"/>"#, "not an Integer"),
            (r#"<IterationCount type="LongInteger" value="9223372036854775808"/>"#, "LongInteger"),
            (r#"<LeaseTime type="Interval" value="-1"/>"#, "not an Interval"),
            (r#"<KeyMaterial type="ByteString" value="abc"/>"#, "hex"),
            (r#"<KeyMaterial type="ByteString" value="zz"/>"#, "hex"),
            (r#"<Modulus type="BigInteger" value=""/>"#, "empty BigInteger"),
            (r#"<Sensitive type="Boolean" value="yes"/>"#, "true or false"),
            (r#"<ActivationDate type="DateTime" value="2012-13-01T00:00:00Z"/>"#, "ISO 8601"),
            (r#"<ObjectType type="Enumeration" value="Nope"/>"#, "not a Object Type value"),
            (r#"<BatchCount type="Integer" value="1"><BatchCount/></BatchCount>"#, "cannot hold"),
            (r#"<BatchItem type="Structure" value="1"/>"#, "not a value attribute"),
            (r#"<BatchItem colour="red"/>"#, "unexpected attribute colour"),
            ("<BatchItem>text</BatchItem>", "unexpected text"),
            ("<KMIP><RequestMessage>junk</RequestMessage></KMIP>", "unexpected text"),
            ("junk<RequestMessage/>", "unexpected text"),
            ("<BatchItem><![CDATA[x]]></BatchItem>", "character data"),
            ("<!DOCTYPE x [<!ENTITY a \"b\">]><BatchItem/>", "DOCTYPE"),
            (r#"<BatchItem a="1" a="2"/>"#, "malformed attribute"),
            (r#"<NameValue type="TextString" value="&bogus;"/>"#, "bad attribute"),
            (r#"<NameValue type="TextString" value="&#0;"/>"#, "bad attribute"),
            ("<KMIP><RequestMessage/><RequestMessage/></KMIP>", "expected one message"),
        ];
        for (text, expected) in cases {
            let err = read(text).unwrap_err();
            assert!(err.message.contains(expected), "{text}: {err}");
            assert!(!err.location.is_empty(), "{text}: {err}");
        }
        let deep = "<BatchItem>".repeat(MAX_DEPTH + 1);
        assert!(read(&deep).unwrap_err().message.contains("nested deeper"));
    }

    #[test]
    fn errors_point_at_the_line_and_element() {
        let text = "<RequestMessage>\n  <BatchItem>\n    <Operation type=\"Enumeration\" value=\"Frobnicate\"/>\n  </BatchItem>\n</RequestMessage>\n";
        let err = read(text).unwrap_err();
        assert_eq!(err.location, "line 3, RequestMessage/BatchItem/Operation");
    }

    #[test]
    fn control_characters_round_trip() {
        round_trip(&one(tags::NAME_VALUE, Value::text("tab\tcr\rbell\u{7}")));
    }
}
