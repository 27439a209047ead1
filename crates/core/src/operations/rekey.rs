//! Re-key (KMIP 1.4 §4.4) and Re-key Key Pair (§4.5): a replacement key
//! (pair) with the attributes of the existing one and new material.
//!
//! - The replacement gets a new Unique Identifier, Initial Date and Last
//!   Change Date now, fresh material (same algorithm, length, curve), a new
//!   Digest; Destroy/Compromise dates, Revocation Reason, archive status and
//!   the existing key's Links are not carried over.
//! - Names move to the replacement: the existing key loses its Name
//!   attributes (KMIP 1.4 Table 173/178), so a Locate by name finds the
//!   current key.
//! - Dates (Offset rules): without Offset the Activation, Process Start,
//!   Protect Stop and Deactivation Dates are copied; with an Offset the new
//!   Activation Date is Initial Date + Offset and the other three keep their
//!   distance to it (`date₂ = activation₂ + date₁ − activation₁`). The new
//!   key's state follows from its dates (Pre-Active when it has none).
//! - Usage Limits restart at their total.
//! - The Template-Attribute(s) of the request override copied attributes.
//! - Links: Replacement Object Link on the existing key → new key, Replaced
//!   Object Link on the new key → existing key (both keys of a pair), and the
//!   new pair is linked private ⇄ public. The existing keys' state is not
//!   changed: their own dates decide.

use keyward_crypto::keygen;
use keyward_crypto::policy::KeySpec;
use keyward_kmip::attributes::{AttributeValue, TemplateAttribute, UsageLimits};
use keyward_kmip::enums::{KeyFormatType, LinkType, ObjectType, State};
use keyward_kmip::objects::{KeyBlock, KeyMaterial, Object, SymmetricKey};
use keyward_kmip::operations::{
    ReKeyKeyPairRequest, ReKeyKeyPairResponse, ReKeyRequest, ReKeyResponse,
};
use keyward_kmip::{Bytes, DateTime, Interval};
use keyward_store::MaterialChange;

use super::archive::{ARCHIVED, is_archived};
use super::create_key_pair::{PairKind, attach_pair, generate, link, split_templates};
use super::required_id;
use super::template::attach_material;
use crate::Error;
use crate::algorithms;
use crate::attributes::{Attributes, canonical_name, rule};
use crate::kms::Ctx;
use crate::lifecycle::LifecycleState;
use crate::object::ManagedObject;

/// Attributes a replacement never inherits: the server sets them anew, or
/// they describe the existing key's history.
const NOT_INHERITED: &[&str] = &[
    "Unique Identifier",
    "Initial Date",
    "Last Change Date",
    "State",
    "Digest",
    "Destroy Date",
    "Compromise Occurrence Date",
    "Compromise Date",
    "Revocation Reason",
    "Archive Date",
    "Link",
    "Fresh",
    "Key Value Present",
    "Always Sensitive",
    "Never Extractable",
    "Original Creation Date",
    "Activation Date",
    "Process Start Date",
    "Protect Stop Date",
    "Deactivation Date",
    ARCHIVED,
];

pub(crate) async fn rekey(
    ctx: &mut Ctx<'_>,
    request: ReKeyRequest,
) -> Result<ReKeyResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let mut existing = ctx.load(&id, false).await?;
    if is_archived(&existing) {
        return Err(Error::Archived(id));
    }
    if existing.object_type != ObjectType::SymmetricKey {
        return Err(Error::InvalidField(format!(
            "Re-key replaces symmetric keys; {id} is a {:?} (use Re-key Key Pair)",
            existing.object_type
        )));
    }
    let mut replacement = successor(
        ctx,
        &existing,
        request.offset,
        [request.template_attribute.unwrap_or_default()],
    )?;
    let algorithm = match replacement.attributes.get("Cryptographic Algorithm") {
        Some(AttributeValue::CryptographicAlgorithm(a)) => *a,
        _ => return Err(Error::MissingData(format!("the Cryptographic Algorithm of {id}"))),
    };
    let bits = match replacement.attributes.get("Cryptographic Length") {
        Some(AttributeValue::CryptographicLength(l)) => usize::try_from(*l)
            .map_err(|_| Error::InvalidField(format!("Cryptographic Length {l} is negative")))?,
        _ => return Err(Error::MissingData(format!("the Cryptographic Length of {id}"))),
    };
    let engine = algorithms::symmetric(algorithm)?;
    ctx.kms.config().algorithms.check_generate(&KeySpec::Symmetric { algorithm: engine, bits })?;
    let key = keygen::symmetric(engine, bits)?;
    let block = KeyBlock::new(
        KeyFormatType::Raw,
        KeyMaterial::Bytes(Bytes(key.into_material())),
        Some(algorithm),
        i32::try_from(bits).ok(),
    );
    attach_material(
        &mut replacement,
        Object::SymmetricKey(SymmetricKey { key_block: block }),
        true,
    );
    link(&mut replacement, LinkType::ReplacedObjectLink, &existing.id);
    retire(ctx, &mut existing, &replacement.id);
    ctx.insert(&replacement);
    Ok(ReKeyResponse { unique_identifier: replacement.id, template_attribute: None })
}

pub(crate) async fn rekey_key_pair(
    ctx: &mut Ctx<'_>,
    request: ReKeyKeyPairRequest,
) -> Result<ReKeyKeyPairResponse, Error> {
    let id = required_id(request.private_key_unique_identifier)?;
    let mut old_private = ctx.load(&id, false).await?;
    if is_archived(&old_private) {
        return Err(Error::Archived(id));
    }
    if old_private.object_type != ObjectType::PrivateKey {
        return Err(Error::InvalidField(format!(
            "Re-key Key Pair takes a private key; {id} is a {:?}",
            old_private.object_type
        )));
    }
    let public_id = linked(&old_private, LinkType::PublicKeyLink).ok_or_else(|| {
        Error::InvalidField(format!("private key {id} has no Public Key Link to re-key with"))
    })?;
    ctx.authorize_object(&public_id).await?;
    let mut old_public = ctx.load(&public_id, false).await?;

    let common = request.common_template_attribute.unwrap_or_default();
    let (private_template, public_template) = split_templates(
        &common,
        request.private_key_template_attribute.unwrap_or_default(),
        request.public_key_template_attribute.unwrap_or_default(),
    );
    let mut private = successor(ctx, &old_private, request.offset, [private_template])?;
    let mut public = successor(ctx, &old_public, request.offset, [public_template])?;
    let kind = PairKind::from_attributes(&private.attributes)?;
    let key = generate(ctx, kind)?;
    attach_pair(&mut private, &mut public, kind, &key)?;
    link(&mut private, LinkType::ReplacedObjectLink, &old_private.id);
    link(&mut public, LinkType::ReplacedObjectLink, &old_public.id);
    retire(ctx, &mut old_private, &private.id);
    retire(ctx, &mut old_public, &public.id);
    ctx.insert(&private);
    ctx.insert(&public);
    Ok(ReKeyKeyPairResponse {
        private_key_unique_identifier: private.id,
        public_key_unique_identifier: public.id,
        private_key_template_attribute: None,
        public_key_template_attribute: None,
    })
}

/// The object `existing` links to with `link_type`, if any.
pub(crate) fn linked(existing: &ManagedObject, link_type: LinkType) -> Option<String> {
    existing.attributes.all("Link").find_map(|a| match &a.value {
        AttributeValue::Link(l) if l.link_type == link_type => {
            Some(l.linked_object_identifier.clone())
        }
        _ => None,
    })
}

/// Marks `existing` as replaced by `replacement`: Replacement Object Link,
/// names moved away, Last Change Date. Its state is left to its dates.
fn retire(ctx: &mut Ctx<'_>, existing: &mut ManagedObject, replacement: &str) {
    link(existing, LinkType::ReplacementObjectLink, replacement);
    existing.attributes.remove_all("Name");
    ctx.record_change(existing, MaterialChange::Keep);
}

/// A new object (no material yet) with `existing`'s attributes, the dates
/// shifted per the Offset rules, and the templates applied.
fn successor(
    ctx: &Ctx<'_>,
    existing: &ManagedObject,
    offset: Option<Interval>,
    templates: impl IntoIterator<Item = TemplateAttribute>,
) -> Result<ManagedObject, Error> {
    let now = ctx.now;
    let mut attributes = Attributes::default();
    for attribute in existing.attributes.iter() {
        let name = canonical_name(&attribute.name);
        if NOT_INHERITED.contains(&name.as_str()) {
            continue;
        }
        let mut attribute = attribute.clone();
        if let AttributeValue::UsageLimits(limits) = &attribute.value {
            attribute.value = AttributeValue::UsageLimits(UsageLimits {
                count: limits.count.map(|_| limits.total),
                ..limits.clone()
            });
        }
        attributes.push(attribute);
    }
    let id = ctx.new_id();
    attributes.set(AttributeValue::UniqueIdentifier(id.clone()));
    attributes.set(AttributeValue::InitialDate(DateTime(now)));
    attributes.set(AttributeValue::LastChangeDate(DateTime(now)));
    attributes.set(AttributeValue::OriginalCreationDate(DateTime(now)));

    let old = existing.dates();
    let shift: Box<dyn Fn(i64) -> i64> = match (offset, old.activation) {
        (Some(offset), Some(activation)) => {
            let new_activation = now.saturating_add(i64::from(offset.0));
            Box::new(move |d| new_activation.saturating_add(d.saturating_sub(activation)))
        }
        _ => Box::new(|d| d),
    };
    let activation = match offset {
        Some(offset) => Some(now.saturating_add(i64::from(offset.0))),
        None => old.activation,
    };
    if let Some(d) = activation {
        attributes.set(AttributeValue::ActivationDate(DateTime(d)));
    }
    if let Some(d) = old.process_start {
        attributes.set(AttributeValue::ProcessStartDate(DateTime(shift(d))));
    }
    if let Some(d) = old.protect_stop {
        attributes.set(AttributeValue::ProtectStopDate(DateTime(shift(d))));
    }
    if let Some(d) = old.deactivation {
        attributes.set(AttributeValue::DeactivationDate(DateTime(shift(d))));
    }

    for template in templates {
        if !template.names.is_empty() {
            return Err(Error::FeatureNotSupported(
                "Template objects (deprecated since KMIP 1.3) are not supported; \
                 send the attributes themselves"
                    .into(),
            ));
        }
        for attribute in template.attributes {
            let name = canonical_name(&attribute.name);
            if matches!(attribute.value, AttributeValue::State(State::PreActive)) {
                continue;
            }
            if matches!(attribute.value, AttributeValue::ObjectType(t) if t == existing.object_type)
            {
                continue;
            }
            let multi = rule(&name).is_some_and(|r| r.multi_instance);
            if !multi {
                // The request's value replaces the inherited one.
                attributes.remove_all(&name);
            }
            attributes.client_add(attribute)?;
        }
    }
    let mut object = ManagedObject {
        id,
        object_type: existing.object_type,
        state: LifecycleState::PreActive,
        attributes,
        material: None,
        has_material: false,
        version: 0,
    };
    object.set_state(LifecycleState::PreActive);
    object.settle(now);
    Ok(object)
}
