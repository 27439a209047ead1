//! The KMIP 1.4 name tables: tags, enumerations, masks and attributes.
//!
//! Generated from the specification's tables by `scripts/gen-kmip-tables.py`;
//! the lookups here are what the text encodings and diagnostics use to show
//! every value by name.

#[rustfmt::skip]
mod generated;

pub use generated::tags;

use crate::{ItemType, Tag, Version};

/// A tag of the KMIP 1.4 tag table.
#[derive(Debug)]
pub struct TagDef {
    /// The tag value.
    pub tag: Tag,
    /// The name as printed in the specification ("IV/Counter/Nonce").
    pub name: &'static str,
    /// The XML element name ("IVCounterNonce").
    pub xml: &'static str,
    /// First KMIP version defining the tag (major, minor).
    pub since: (u8, u8),
    /// The item types the specification gives the tag (empty where it varies).
    pub types: &'static [ItemType],
}

/// An enumeration or mask table.
#[derive(Debug)]
pub struct EnumDef {
    /// The table's name ("Object Type", "Cryptographic Usage Mask").
    pub name: &'static str,
    /// Its values, sorted by value.
    pub values: &'static [EnumValueDef],
}

/// One value of an enumeration or one bit of a mask.
#[derive(Debug)]
pub struct EnumValueDef {
    /// The numeric value (or bit).
    pub value: u32,
    /// The name as printed in the specification.
    pub name: &'static str,
    /// The XML name.
    pub xml: &'static str,
    /// Other spellings accepted when reading XML.
    pub xml_alt: &'static [&'static str],
    /// First KMIP version defining the value (major, minor).
    pub since: (u8, u8),
}

/// How the value of an attribute is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeValueKind {
    /// A plain value of the given type.
    Plain(ItemType),
    /// An Enumeration from the table at this index of the enumeration tables.
    Enumeration(usize),
    /// An Integer bit mask from the table at this index of the mask tables.
    Mask(usize),
    /// Any type (custom attributes).
    Any,
}

/// An attribute of KMIP 1.4 §3.
#[derive(Debug)]
pub struct AttributeDef {
    /// The attribute name ("Cryptographic Usage Mask").
    pub name: &'static str,
    /// The attribute's tag.
    pub tag: Tag,
    /// How its value is typed.
    pub kind: AttributeValueKind,
    /// Whether several instances may exist.
    pub multi_instance: bool,
    /// First KMIP version defining the attribute (major, minor).
    pub since: (u8, u8),
}

impl TagDef {
    /// The first version defining this tag.
    pub fn since(&self) -> Version {
        Version::new(self.since.0, self.since.1)
    }
}

impl EnumDef {
    /// The value with this numeric value.
    pub fn by_value(&self, value: u32) -> Option<&'static EnumValueDef> {
        self.values.binary_search_by_key(&value, |v| v.value).ok().map(|i| &self.values[i])
    }

    /// The value with this XML name (or an accepted alternative spelling).
    pub fn by_xml(&self, xml: &str) -> Option<&'static EnumValueDef> {
        self.values.iter().find(|v| v.xml == xml || v.xml_alt.contains(&xml))
    }
}

impl AttributeDef {
    /// The first version defining this attribute.
    pub fn since(&self) -> Version {
        Version::new(self.since.0, self.since.1)
    }
}

/// The definition of a tag, if KMIP 1.4 defines it.
pub fn tag_def(tag: Tag) -> Option<&'static TagDef> {
    generated::TAGS.binary_search_by_key(&tag, |d| d.tag).ok().map(|i| &generated::TAGS[i])
}

/// The tag with this XML element name.
pub fn tag_by_xml(name: &str) -> Option<&'static TagDef> {
    generated::TAGS_BY_XML
        .binary_search_by(|(xml, _)| (*xml).cmp(name))
        .ok()
        .map(|i| &generated::TAGS[generated::TAGS_BY_XML[i].1])
}

/// All tag definitions, sorted by tag.
pub fn all_tags() -> &'static [TagDef] {
    generated::TAGS
}

/// All enumeration tables.
pub fn all_enums() -> &'static [EnumDef] {
    generated::ENUMS
}

/// All mask tables.
pub fn all_masks() -> &'static [EnumDef] {
    generated::MASKS
}

/// All attribute definitions, sorted by name.
pub fn all_attributes() -> &'static [AttributeDef] {
    generated::ATTRIBUTES
}

/// The enumeration table carried by a tag (e.g. Object Type for 0x420057).
pub fn enum_for_tag(tag: Tag) -> Option<&'static EnumDef> {
    lookup(generated::ENUM_TAGS, tag).map(|i| &generated::ENUMS[i])
}

/// The mask table carried by a tag (Cryptographic Usage Mask, Storage Status Mask).
pub fn mask_for_tag(tag: Tag) -> Option<&'static EnumDef> {
    lookup(generated::MASK_TAGS, tag).map(|i| &generated::MASKS[i])
}

/// The enumeration table with this index (see [`AttributeValueKind`]).
pub fn enum_table(index: usize) -> Option<&'static EnumDef> {
    generated::ENUMS.get(index)
}

/// The mask table with this index (see [`AttributeValueKind`]).
pub fn mask_table(index: usize) -> Option<&'static EnumDef> {
    generated::MASKS.get(index)
}

fn lookup(table: &[(Tag, usize)], tag: Tag) -> Option<usize> {
    table.binary_search_by_key(&tag, |(t, _)| *t).ok().map(|i| table[i].1)
}

/// The definition of an attribute by name. Runs of whitespace compare as one
/// space (the 1.0 profile test cases write "Activation   Date").
pub fn attribute(name: &str) -> Option<&'static AttributeDef> {
    let attrs = generated::ATTRIBUTES;
    if let Ok(i) = attrs.binary_search_by(|a| a.name.cmp(name)) {
        return Some(&attrs[i]);
    }
    let normalized = name.split_whitespace().collect::<Vec<_>>().join(" ");
    attrs.binary_search_by(|a| a.name.cmp(normalized.as_str())).ok().map(|i| &attrs[i])
}

/// The definition of an attribute by its tag (each KMIP 1.4 attribute has a
/// tag of its own, unique among attributes).
pub fn attribute_by_tag(tag: Tag) -> Option<&'static AttributeDef> {
    static BY_TAG: std::sync::OnceLock<Vec<(Tag, usize)>> = std::sync::OnceLock::new();
    let table = BY_TAG.get_or_init(|| {
        let mut table: Vec<(Tag, usize)> =
            generated::ATTRIBUTES.iter().enumerate().map(|(i, a)| (a.tag, i)).collect();
        table.sort_unstable();
        table
    });
    lookup(table, tag).map(|i| &generated::ATTRIBUTES[i])
}

/// The name of an enumeration value as the XML encoding writes it: the XML
/// name when known, otherwise `0x` and 8 hex digits.
pub fn enum_value_name(table: &EnumDef, value: u32) -> String {
    match table.by_value(value) {
        Some(v) => v.xml.to_owned(),
        None => format!("0x{value:08X}"),
    }
}

/// Parses an enumeration value written by name or as `0x…` hex.
pub fn parse_enum_value(table: Option<&EnumDef>, text: &str) -> Option<u32> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return u32::from_str_radix(hex, 16).ok();
    }
    table.and_then(|t| t.by_xml(text)).map(|v| v.value)
}

/// Writes a mask as its bit names joined by `separator`, with any unnamed bits
/// as one trailing `0x…` hex token. Zero is written as `0x00000000`.
pub fn mask_to_names(table: &EnumDef, bits: u32, separator: &str) -> String {
    let mut parts = Vec::new();
    let mut rest = bits;
    for v in table.values {
        if v.value != 0 && bits & v.value == v.value {
            parts.push(v.xml.to_owned());
            rest &= !v.value;
        }
    }
    if rest != 0 || parts.is_empty() {
        parts.push(format!("0x{rest:08X}"));
    }
    parts.join(separator)
}

/// Parses a mask written as names and/or `0x…` hex tokens separated by any of
/// the characters in `separators` (a space for XML, `|` for JSON).
pub fn parse_mask(table: &EnumDef, text: &str, separators: &[char]) -> Option<u32> {
    let mut bits = 0u32;
    let mut any = false;
    for token in text.split(|c: char| separators.contains(&c)).filter(|t| !t.is_empty()) {
        bits |= parse_enum_value(Some(table), token)?;
        any = true;
    }
    any.then_some(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_complete() {
        assert_eq!(all_tags().len(), 292);
        assert!(all_tags().windows(2).all(|w| w[0].tag < w[1].tag));
        assert_eq!(all_enums().iter().map(|e| e.values.len()).sum::<usize>(), 608);
        assert_eq!(all_attributes().len(), 51);
    }

    #[test]
    fn lookups_by_name_and_value() {
        assert_eq!(tag_by_xml("IVCounterNonce").map(|d| d.tag), Some(tags::IV_COUNTER_NONCE));
        assert_eq!(tags::UNIQUE_IDENTIFIER.xml_name(), Some("UniqueIdentifier"));
        let object_type = enum_for_tag(tags::OBJECT_TYPE).unwrap();
        assert_eq!(enum_value_name(object_type, 2), "SymmetricKey");
        assert_eq!(parse_enum_value(Some(object_type), "SymmetricKey"), Some(2));
        assert_eq!(parse_enum_value(Some(object_type), "0x80000001"), Some(0x8000_0001));
        let hashing = enum_for_tag(tags::MASK_GENERATOR_HASHING_ALGORITHM).unwrap();
        assert_eq!(hashing.name, "Hashing Algorithm");
    }

    #[test]
    fn masks_by_name() {
        let usage = mask_for_tag(tags::CRYPTOGRAPHIC_USAGE_MASK).unwrap();
        assert_eq!(mask_to_names(usage, 12, " "), "Encrypt Decrypt");
        assert_eq!(parse_mask(usage, "Encrypt Decrypt", &[' ']), Some(12));
        assert_eq!(parse_mask(usage, "Sign|0x00100000", &['|']), Some(0x0010_0001));
        assert_eq!(mask_to_names(usage, 0x0010_0001, "|"), "Sign|0x00100000");
    }

    #[test]
    fn attributes_by_tag() {
        for a in generated::ATTRIBUTES {
            assert_eq!(attribute_by_tag(a.tag).map(|d| d.name), Some(a.name));
        }
        assert_eq!(
            attribute_by_tag(Tag(0x420028)).map(|d| d.name),
            Some("Cryptographic Algorithm")
        );
        assert!(attribute_by_tag(Tag(0x420008)).is_none());
    }

    #[test]
    fn attributes_by_name_with_loose_spacing() {
        let a = attribute("Cryptographic   Usage Mask").unwrap();
        assert_eq!(a.kind, AttributeValueKind::Mask(0));
        assert!(attribute("Name").unwrap().multi_instance);
        assert!(attribute("x-custom").is_none());
    }
}
