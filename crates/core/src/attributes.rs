//! A managed object's attributes and the rules of KMIP 1.4 §3 on who may set,
//! change and delete them.
//!
//! Instances of an attribute keep the index the server gave them when they
//! were added; an index never changes when other instances come and go (§2.1.1).
//! Single-instance attributes always have index 0.

use std::borrow::Cow;
use std::sync::Arc;

use keyward_kmip::attributes::{Attribute, AttributeValue, is_custom_name};
use keyward_ttlv::spec;

use crate::Error;

/// What a client may do with an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The client may give it when creating or registering an object, or add it later.
    pub client_sets: bool,
    /// The client may change it with Modify Attribute (subject to state conditions
    /// checked by the caller).
    pub client_modifies: bool,
    /// The client may delete it with Delete Attribute.
    pub client_deletes: bool,
    /// Several instances may exist.
    pub multi_instance: bool,
}

/// The rule for an attribute, by name (custom `x-` attributes belong to the
/// client, `y-` ones to the server, unknown names are refused).
pub fn rule(name: &str) -> Option<Rule> {
    if name.starts_with("x-") {
        return Some(Rule {
            client_sets: true,
            client_modifies: true,
            client_deletes: true,
            multi_instance: true,
        });
    }
    if name.starts_with("y-") {
        return Some(Rule {
            client_sets: false,
            client_modifies: false,
            client_deletes: false,
            multi_instance: true,
        });
    }
    let def = spec::attribute(name)?;
    let (client_sets, client_modifies, client_deletes) = match def.name {
        "Name"
        | "Cryptographic Parameters"
        | "Usage Limits"
        | "Object Group"
        | "Link"
        | "Application Specific Information"
        | "Contact Information"
        | "Alternative Name"
        | "Key Value Location"
        | "PKCS#12 Friendly Name"
        | "Description"
        | "Comment" => (true, true, true),
        "Activation Date" | "Process Start Date" | "Protect Stop Date" | "Deactivation Date"
        | "Sensitive" | "Extractable" => (true, true, false),
        "Cryptographic Algorithm"
        | "Cryptographic Length"
        | "Cryptographic Domain Parameters"
        | "Cryptographic Usage Mask"
        | "Operation Policy Name"
        | "Fresh"
        | "Original Creation Date"
        | "Random Number Generator"
        | "State" => (true, false, false),
        _ => (false, false, false),
    };
    Some(Rule { client_sets, client_modifies, client_deletes, multi_instance: def.multi_instance })
}

/// The canonical name of an attribute: the specification's spelling for a
/// standard attribute (whatever spacing the client used), the name as given
/// for custom ones.
pub fn canonical_name(name: &str) -> String {
    canonical(name).into_owned()
}

/// [`canonical_name`], borrowed: the specification's spelling of a standard
/// attribute's name, or the name itself.
fn canonical(name: &str) -> Cow<'_, str> {
    if is_custom_name(name) {
        return Cow::Borrowed(name);
    }
    match spec::attribute(name) {
        Some(def) => Cow::Borrowed(def.name),
        None => Cow::Borrowed(name),
    }
}

/// Whether `name` is spaced as the specification spells attribute names
/// (single spaces between words, none around). Only a name that is not can
/// differ from its canonical spelling (see [`canonical_name`]), so a
/// canonically spaced name is looked up as it is, without a table search.
///
/// One pass over the bytes, as it runs on every attribute lookup. A name with
/// a byte outside ASCII answers false: it might hold a Unicode space, and the
/// table search that follows handles it.
fn is_spaced_canonically(name: &str) -> bool {
    let mut after_space = true;
    for &byte in name.as_bytes() {
        match byte {
            b' ' if after_space => return false,
            b' ' => after_space = true,
            _ if byte.is_ascii_whitespace() || !byte.is_ascii() => return false,
            _ => after_space = false,
        }
    }
    !after_space
}

/// An object's attributes, each instance with its index.
///
/// The instances are shared copy-on-write: cloning an object (as the object
/// cache does on every hit) costs one reference count, and only the first
/// change makes a copy of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes {
    items: Arc<Vec<Attribute>>,
}

impl Attributes {
    /// Attributes from stored instances (their indices as stored).
    pub fn from_stored(items: Vec<Attribute>) -> Self {
        Self { items: Arc::new(items) }
    }

    /// All instances, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = &Attribute> {
        self.items.iter()
    }

    /// Consumes the collection.
    pub fn into_vec(self) -> Vec<Attribute> {
        Arc::unwrap_or_clone(self.items)
    }

    /// The instances, for a change (copied first if shared).
    fn items_mut(&mut self) -> &mut Vec<Attribute> {
        Arc::make_mut(&mut self.items)
    }

    /// The instances of `name` (canonical comparison; stored names are
    /// always canonical, see [`Attributes::push`]).
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Attribute> + 'a {
        let name = if is_spaced_canonically(name) { Cow::Borrowed(name) } else { canonical(name) };
        self.items.iter().filter(move |a| a.name == name)
    }

    /// The value of the instance of `name` with index 0 (or the only one).
    pub fn get(&self, name: &str) -> Option<&AttributeValue> {
        let first = |name: &str| {
            self.items
                .iter()
                .find(|a| a.name == name && a.index.unwrap_or(0) == 0)
                .map(|a| &a.value)
        };
        if is_spaced_canonically(name) {
            // The core's own lookups, on every operation: no table search.
            first(name)
        } else {
            first(&canonical(name))
        }
    }

    /// Sets a single-instance attribute (server side, no rule check), replacing
    /// any existing value.
    pub fn set(&mut self, value: AttributeValue) {
        let mut attribute = Attribute::new(value);
        attribute.index = Some(0);
        let mut slots = self.items.iter().enumerate().filter(|(_, a)| a.name == attribute.name);
        match slots.next().map(|(i, _)| i) {
            Some(first) => {
                if slots.next().is_some() {
                    let name = attribute.name.clone();
                    let mut seen = 0;
                    self.items_mut().retain(|a| {
                        a.name != name || {
                            seen += 1;
                            seen == 1
                        }
                    });
                }
                self.items_mut()[first] = attribute;
            }
            None => self.items_mut().push(attribute),
        }
    }

    /// Removes every instance of `name` (server side, no rule check).
    pub fn remove_all(&mut self, name: &str) {
        let name = canonical(name);
        if self.items.iter().any(|a| a.name == name) {
            self.items_mut().retain(|a| a.name != name);
        }
    }

    /// Adds an instance (server side, no rule check): a multi-instance
    /// attribute gets the next free index, a single-instance one replaces its
    /// value. Returns the stored attribute.
    pub fn push(&mut self, mut attribute: Attribute) -> Attribute {
        attribute.name = canonical_name(&attribute.name);
        let multi = rule(&attribute.name).is_some_and(|r| r.multi_instance);
        if multi {
            let next = self.all(&attribute.name).filter_map(|a| a.index).max().map_or(0, |i| i + 1);
            attribute.index = Some(next);
        } else {
            self.remove_all(&attribute.name);
            attribute.index = Some(0);
        }
        self.items_mut().push(attribute.clone());
        attribute
    }

    /// Adds an attribute on a client's behalf (Add Attribute, or a template at
    /// creation): refuses server-managed attributes and a second instance of a
    /// single-instance one.
    pub fn client_add(&mut self, attribute: Attribute) -> Result<Attribute, Error> {
        let rule = client_rule(&attribute.name)?;
        if !rule.client_sets {
            return Err(Error::Denied(format!("{} is set by the server only", attribute.name)));
        }
        if !rule.multi_instance && self.all(&attribute.name).next().is_some() {
            return Err(Error::AttributeExists(attribute.name));
        }
        Ok(self.push(attribute))
    }

    /// Replaces the instance `index` (default 0) of an attribute on a
    /// client's behalf (Modify Attribute). State conditions (e.g. dates only
    /// while Pre-Active) are the caller's to check first.
    pub fn client_modify(&mut self, attribute: Attribute) -> Result<Attribute, Error> {
        let rule = client_rule(&attribute.name)?;
        if !rule.client_modifies {
            return Err(Error::Denied(format!(
                "{} cannot be modified by a client",
                attribute.name
            )));
        }
        let name = canonical_name(&attribute.name);
        let index = attribute.index.unwrap_or(0);
        if self.all(&name).next().is_none() {
            return Err(Error::AttributeAbsent(name));
        }
        let slot = self
            .items_mut()
            .iter_mut()
            .find(|a| canonical(&a.name) == name && a.index.unwrap_or(0) == index)
            .ok_or_else(|| Error::NoSuchInstance { name: name.clone(), index })?;
        slot.value = attribute.value;
        Ok(slot.clone())
    }

    /// Deletes the instance `index` (default 0) of an attribute on a client's
    /// behalf (Delete Attribute) and returns it.
    pub fn client_delete(&mut self, name: &str, index: Option<i32>) -> Result<Attribute, Error> {
        let rule = client_rule(name)?;
        if !rule.client_deletes {
            return Err(Error::Denied(format!("{name} cannot be deleted by a client")));
        }
        let wanted = canonical_name(name);
        let index = index.unwrap_or(0);
        let position = self
            .items
            .iter()
            .position(|a| canonical(&a.name) == wanted && a.index.unwrap_or(0) == index)
            .ok_or(Error::NoSuchInstance { name: wanted, index })?;
        Ok(self.items_mut().remove(position))
    }
}

fn client_rule(name: &str) -> Result<Rule, Error> {
    rule(name).ok_or_else(|| Error::InvalidField(format!("unknown attribute {name:?}")))
}

/// The attribute as a client sees it: the index is omitted when it is 0.
pub fn for_client(attribute: &Attribute) -> Attribute {
    let mut out = attribute.clone();
    if out.index == Some(0) {
        out.index = None;
    }
    out
}

#[cfg(test)]
mod tests {
    use keyward_kmip::attributes::Name;
    use keyward_kmip::enums::{CryptographicAlgorithm, NameType};
    use keyward_ttlv::Value;

    use super::*;

    fn name(text: &str) -> Attribute {
        Attribute::new(AttributeValue::Name(Name {
            value: text.into(),
            name_type: NameType::UninterpretedTextString,
        }))
    }

    #[test]
    fn multi_instance_indices_are_stable() {
        let mut attrs = Attributes::default();
        assert_eq!(attrs.client_add(name("a")).unwrap().index, Some(0));
        assert_eq!(attrs.client_add(name("b")).unwrap().index, Some(1));
        attrs.client_delete("Name", Some(0)).unwrap();
        assert_eq!(attrs.client_add(name("c")).unwrap().index, Some(2));
        let names: Vec<_> = attrs.all("Name").map(|a| a.index).collect();
        assert_eq!(names, [Some(1), Some(2)]);
        assert!(matches!(
            attrs.client_delete("Name", Some(7)),
            Err(Error::NoSuchInstance { index: 7, .. })
        ));
    }

    #[test]
    fn lookups_accept_any_spacing_of_a_standard_name() {
        let mut attrs = Attributes::default();
        attrs.push(Attribute::new(AttributeValue::CryptographicAlgorithm(
            CryptographicAlgorithm::AES,
        )));
        attrs.client_add(name("a")).unwrap();
        for spelling in
            ["Cryptographic Algorithm", "Cryptographic  Algorithm", " Cryptographic\tAlgorithm "]
        {
            assert!(
                matches!(attrs.get(spelling), Some(AttributeValue::CryptographicAlgorithm(_))),
                "{spelling:?}"
            );
        }
        assert_eq!(attrs.all(" Name").count(), 1);
        assert!(attrs.get("Cryptographic Length").is_none());
        assert!(attrs.get("x-absent").is_none());
    }

    #[test]
    fn only_single_spaced_ascii_names_skip_the_table_search() {
        for spaced in ["State", "Cryptographic Algorithm", "x-a b", "PKCS#12 Friendly Name"] {
            assert!(is_spaced_canonically(spaced), "{spaced:?}");
        }
        for other in [
            "",
            " ",
            " State",
            "State ",
            "Cryptographic  Algorithm",
            "Cryptographic\tAlgorithm",
            "Cryptographic\u{a0}Algorithm",
            "Cryptographic\nAlgorithm",
            "État",
        ] {
            assert!(!is_spaced_canonically(other), "{other:?}");
        }
        // A no-break space is whitespace to the table search, so the name is found.
        let mut attrs = Attributes::default();
        attrs.push(Attribute::new(AttributeValue::State(keyward_kmip::enums::State::Active)));
        assert!(attrs.get("State\u{a0}").is_some());
    }

    #[test]
    fn server_managed_attributes_are_refused() {
        let mut attrs = Attributes::default();
        let state = Attribute::new(AttributeValue::UniqueIdentifier("x".into()));
        assert!(matches!(attrs.client_add(state), Err(Error::Denied(_))));
        attrs.push(Attribute::new(AttributeValue::CryptographicAlgorithm(
            CryptographicAlgorithm::AES,
        )));
        let change =
            Attribute::new(AttributeValue::CryptographicAlgorithm(CryptographicAlgorithm::RSA));
        assert!(matches!(attrs.client_modify(change), Err(Error::Denied(_))));
        assert!(matches!(
            attrs.client_delete("Cryptographic Algorithm", None),
            Err(Error::Denied(_))
        ));
    }

    #[test]
    fn custom_attributes_belong_to_their_side() {
        let mut attrs = Attributes::default();
        attrs.client_add(Attribute::custom("x-team", Value::text("blue"))).unwrap();
        attrs.client_add(Attribute::custom("x-team", Value::Integer(3))).unwrap();
        assert_eq!(attrs.all("x-team").count(), 2);
        assert!(attrs.client_add(Attribute::custom("y-server", Value::Boolean(true))).is_err());
        assert!(attrs.client_add(Attribute::custom("unknown", Value::Boolean(true))).is_err());
    }

    #[test]
    fn modify_replaces_the_indexed_instance_and_names_are_canonical() {
        let mut attrs = Attributes::default();
        attrs.client_add(name("a")).unwrap();
        attrs.client_add(name("b")).unwrap();
        let mut change = name("B");
        change.index = Some(1);
        attrs.client_modify(change).unwrap();
        let values: Vec<_> = attrs
            .all("Name")
            .map(|a| match &a.value {
                AttributeValue::Name(n) => n.value.clone(),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(values, ["a", "B"]);
        assert_eq!(canonical_name("Cryptographic   Algorithm"), "Cryptographic Algorithm");
    }
}
