//! What every new object gets: the client's Template-Attribute, checked
//! against the rules, then the attributes the server sets (KMIP 1.4 §3).

use keyward_crypto::hash::{HashAlgorithm, digest};
use keyward_kmip::attributes::{Attribute, AttributeValue, Digest, TemplateAttribute};
use keyward_kmip::enums::{HashingAlgorithm, KeyFormatType, ObjectType, State};
use keyward_kmip::objects::{KeyMaterial, Object};
use keyward_kmip::{Bytes, DateTime};

use keyward_kmip::enums::KmipEnum;
use keyward_store::{LocateQuery, Page};

use crate::Error;
use crate::attributes::{Attributes, canonical_name, rule};
use crate::kms::Ctx;
use crate::lifecycle::LifecycleState;
use crate::object::{ManagedObject, index_value};

/// Replaces the Template names of a Template-Attribute (KMIP 1.4 §2.1.8) by
/// the attributes of the Template objects they name, in the caller's domain.
/// An attribute given explicitly wins over a template's attribute of the
/// same name.
///
/// # Errors
/// [`Error::NotFound`] when no Template object has the name.
pub(crate) async fn expand_templates(
    ctx: &mut Ctx<'_>,
    mut template: TemplateAttribute,
) -> Result<TemplateAttribute, Error> {
    if template.names.is_empty() {
        return Ok(template);
    }
    let mut inherited: Vec<Attribute> = Vec::new();
    for name in std::mem::take(&mut template.names) {
        let query = LocateQuery {
            filters: vec![("Name".to_owned(), index_value(&AttributeValue::Name(name.clone())))],
            states: Vec::new(),
            object_types: vec![ObjectType::Template.to_u32()],
            page: Page { offset: 0, limit: 1 },
        };
        let id =
            ctx.locate(&query).await?.into_iter().next().ok_or_else(|| {
                Error::NotFound(format!("no Template object named {:?}", name.value))
            })?;
        let object = ctx.load(&id, true).await?;
        match object.material {
            Some(Object::Template(stored)) => inherited.extend(stored.attributes),
            _ => return Err(Error::NotFound(format!("no Template object named {:?}", name.value))),
        }
    }
    let explicit: Vec<String> =
        template.attributes.iter().map(|a| canonical_name(&a.name)).collect();
    // A single-instance attribute given explicitly replaces the template's;
    // the instances of a multi-instance one add up, the template's first.
    inherited.retain(|a| {
        let name = canonical_name(&a.name);
        !explicit.contains(&name) || rule(&name).is_some_and(|r| r.multi_instance)
    });
    inherited.iter_mut().for_each(|a| a.index = None);
    inherited.append(&mut template.attributes);
    template.attributes = inherited;
    Ok(template)
}

/// A new object of `object_type` with the client's attributes applied.
///
/// Refuses Template names (expand them first with [`expand_templates`]),
/// server-set attributes, and duplicate single-instance ones. A `State` of Active asks
/// for the object to be active at once (as OVHcloud's KMS accepts); Pre-Active
/// is the default.
pub(crate) fn new_object(
    ctx: &Ctx<'_>,
    object_type: ObjectType,
    templates: impl IntoIterator<Item = TemplateAttribute>,
) -> Result<ManagedObject, Error> {
    let mut attributes = Attributes::default();
    let mut activate_now = false;
    for template in templates {
        if !template.names.is_empty() {
            return Err(Error::FeatureNotSupported(
                "Template names are not taken by this operation; send the attributes themselves"
                    .into(),
            ));
        }
        for attribute in template.attributes {
            match &attribute.value {
                AttributeValue::State(State::Active) => activate_now = true,
                AttributeValue::State(State::PreActive) => {}
                AttributeValue::State(other) => {
                    return Err(Error::InvalidField(format!(
                        "a new object can only be Pre-Active or Active, not {other:?}"
                    )));
                }
                AttributeValue::ObjectType(t) if *t == object_type => {}
                AttributeValue::ObjectType(t) => {
                    return Err(Error::InvalidField(format!(
                        "Object Type {t:?} in the template does not match {object_type:?}"
                    )));
                }
                _ => {
                    attributes.client_add(attribute)?;
                }
            }
        }
    }
    let id = ctx.new_id();
    let mut object = ManagedObject {
        id: id.clone(),
        object_type,
        state: LifecycleState::PreActive,
        attributes,
        material: None,
        has_material: false,
        version: 0,
    };
    let now = DateTime(ctx.now);
    let attrs = &mut object.attributes;
    attrs.set(AttributeValue::UniqueIdentifier(id));
    attrs.set(AttributeValue::ObjectType(object_type));
    attrs.set(AttributeValue::InitialDate(now));
    attrs.set(AttributeValue::LastChangeDate(now));
    if attrs.get("Original Creation Date").is_none() {
        attrs.set(AttributeValue::OriginalCreationDate(now));
    }
    if activate_now && attrs.get("Activation Date").is_none() {
        attrs.set(AttributeValue::ActivationDate(now));
    }
    object.set_state(LifecycleState::PreActive);
    object.settle(ctx.now);
    Ok(object)
}

/// Gives a new object its material and the attributes derived from it:
/// Digest (SHA-256 of the key material as stored), Fresh (true until the
/// object is first served), Key Value Present, and the sensitivity flags
/// (`generated`: the server made the material, so it was never exposed).
pub(crate) fn attach_material(object: &mut ManagedObject, material: Object, generated: bool) {
    let attrs = &mut object.attributes;
    if let Some((format, bytes)) = digest_input(&material) {
        attrs.remove_all("Digest");
        attrs.push(Attribute::new(AttributeValue::Digest(Digest {
            hashing_algorithm: HashingAlgorithm::SHA256,
            digest_value: Some(Bytes::new(digest(HashAlgorithm::Sha256, &bytes))),
            key_format_type: format,
        })));
    }
    attrs.set(AttributeValue::Fresh(true));
    if matches!(
        object.object_type,
        ObjectType::SymmetricKey
            | ObjectType::PrivateKey
            | ObjectType::SplitKey
            | ObjectType::SecretData
    ) {
        attrs.set(AttributeValue::KeyValuePresent(true));
    }
    let sensitive = matches!(attrs.get("Sensitive"), Some(AttributeValue::Sensitive(true)));
    let extractable = !matches!(attrs.get("Extractable"), Some(AttributeValue::Extractable(false)));
    if attrs.get("Sensitive").is_none() {
        attrs.set(AttributeValue::Sensitive(false));
    }
    if attrs.get("Extractable").is_none() {
        attrs.set(AttributeValue::Extractable(true));
    }
    // A generated key has always been what it is now; a registered one may have
    // been exposed before, so the "always/never" flags only hold when generated.
    if generated {
        // KMIP 1.4 §3.44: the generator behind server-made material.
        attrs.set(AttributeValue::RandomNumberGenerator(super::query::rng()));
    }
    attrs.set(AttributeValue::AlwaysSensitive(generated && sensitive));
    attrs.set(AttributeValue::NeverExtractable(generated && !extractable));
    object.material = Some(material);
    object.has_material = true;
}

/// What the Digest is computed over: the key material bytes (or the
/// encoding of a transparent structure), with their Key Format Type.
fn digest_input(object: &Object) -> Option<(Option<KeyFormatType>, Vec<u8>)> {
    if let Some(block) = object.key_block() {
        return match block.key_material() {
            Some(KeyMaterial::Bytes(bytes)) => {
                Some((Some(block.key_format_type), bytes.as_slice().to_vec()))
            }
            Some(other) => {
                Some((Some(block.key_format_type), keyward_ttlv::binary::encode(&other.to_ttlv())))
            }
            None => None,
        };
    }
    match object {
        Object::Certificate(c) => Some((None, c.certificate_value.as_slice().to_vec())),
        Object::OpaqueObject(o) => Some((None, o.opaque_data_value.as_slice().to_vec())),
        _ => None,
    }
}
