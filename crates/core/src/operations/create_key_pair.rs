//! Create Key Pair (KMIP 1.4 §4.2): a private and a public key generated
//! together, linked both ways and written in one transaction.
//!
//! - Algorithms: RSA 2048/3072/4096 (Cryptographic Length); EC P-256/P-384/
//!   P-521 as Cryptographic Algorithm EC, ECDSA or ECDH with the curve from
//!   Cryptographic Domain Parameters (Recommended Curve) or the Cryptographic
//!   Length 256/384/521 (both given must agree); Ed25519 as the vendor
//!   extension [`convert::ED25519`] (KMIP 1.x has no Ed25519 value).
//! - Templates: the private (public) key's attributes are the common
//!   template's, overridden by the private (public) template's for
//!   single-instance attributes; multi-instance ones (Name, Object Group,
//!   `x-` …) from both are kept.
//! - Usage mask: if only the common template gives one, it is split — the
//!   public key keeps Verify, Encrypt, Wrap Key and the shared bits, the
//!   private key keeps Sign, Decrypt, Unwrap Key and the shared bits (Derive
//!   Key, Key Agreement, Export, …); see [`split_mask`].
//! - Stored formats: RSA private and public keys as PKCS#1 (what the KMIP
//!   asymmetric profile's test cases, vSphere and Veeam expect); EC and
//!   Ed25519 private keys as PKCS#8, public keys as X.509 SubjectPublicKeyInfo.
//!   Get converts to any other supported format on request.

use keyward_crypto::ecdsa::{Curve, EcPrivateKey};
use keyward_crypto::eddsa::Ed25519PrivateKey;
use keyward_crypto::formats::PrivateKeyComponents;
use keyward_crypto::policy::KeySpec;
use keyward_crypto::rsa::{RsaBits, RsaPrivateKey};
use keyward_kmip::attributes::{
    Attribute, AttributeValue, CryptographicDomainParameters, Link, TemplateAttribute,
};
use keyward_kmip::enums::{
    CryptographicAlgorithm, CryptographicUsageMask, KeyFormatType, LinkType, ObjectType,
};
use keyward_kmip::objects::{KeyBlock, KeyMaterial, Object, PrivateKey, PublicKey};
use keyward_kmip::operations::{CreateKeyPairRequest, CreateKeyPairResponse};

use super::template::{attach_material, expand_templates, new_object};
use crate::Error;
use crate::attributes::{Attributes, canonical_name, rule};
use crate::keys::{self, convert};
use crate::kms::Ctx;
use crate::object::ManagedObject;

pub(crate) async fn create_key_pair(
    ctx: &mut Ctx<'_>,
    request: CreateKeyPairRequest,
) -> Result<CreateKeyPairResponse, Error> {
    let common =
        expand_templates(ctx, request.common_template_attribute.unwrap_or_default()).await?;
    let private = request.private_key_template_attribute.unwrap_or_default();
    let public = request.public_key_template_attribute.unwrap_or_default();
    let (private_template, public_template) = split_templates(
        &common,
        expand_templates(ctx, private).await?,
        expand_templates(ctx, public).await?,
    );
    let mut private = new_object(ctx, ObjectType::PrivateKey, [private_template])?;
    let mut public = new_object(ctx, ObjectType::PublicKey, [public_template])?;
    let kind = PairKind::from_attributes(&private.attributes)?;
    if PairKind::from_attributes(&public.attributes)? != kind {
        return Err(Error::InvalidField(
            "the private and public key templates ask for different key types".into(),
        ));
    }
    let key = generate(ctx, kind)?;
    attach_pair(&mut private, &mut public, kind, &key)?;
    ctx.insert(&private);
    ctx.insert(&public);
    Ok(CreateKeyPairResponse {
        private_key_unique_identifier: private.id,
        public_key_unique_identifier: public.id,
        private_key_template_attribute: None,
        public_key_template_attribute: None,
    })
}

/// The kind of key pair to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PairKind {
    /// RSA with a modulus size.
    Rsa(RsaBits),
    /// EC on a curve, under a KMIP algorithm name (EC, ECDSA, ECDH, ECMQV).
    Ec(Curve, CryptographicAlgorithm),
    /// Ed25519.
    Ed25519,
}

impl PairKind {
    /// Reads the kind from an object's attributes (algorithm, length, curve).
    pub(crate) fn from_attributes(attrs: &Attributes) -> Result<Self, Error> {
        let algorithm = match attrs.get("Cryptographic Algorithm") {
            Some(AttributeValue::CryptographicAlgorithm(a)) => *a,
            _ => return Err(Error::MissingData("Cryptographic Algorithm".into())),
        };
        let length = match attrs.get("Cryptographic Length") {
            Some(AttributeValue::CryptographicLength(l)) => Some(*l),
            _ => None,
        };
        let curve = match attrs.get("Cryptographic Domain Parameters") {
            Some(AttributeValue::CryptographicDomainParameters(p)) => p.recommended_curve,
            _ => None,
        };
        if algorithm == CryptographicAlgorithm::RSA {
            let bits = length.ok_or_else(|| {
                Error::MissingData("Cryptographic Length (2048, 3072 or 4096 for RSA)".into())
            })?;
            let bits = usize::try_from(bits)
                .ok()
                .and_then(|b| RsaBits::from_bits(b).ok())
                .ok_or_else(|| {
                    Error::InvalidField(format!(
                        "RSA key pairs are 2048, 3072 or 4096 bits, not {bits}"
                    ))
                })?;
            return Ok(Self::Rsa(bits));
        }
        if convert::is_ec_algorithm(algorithm) && algorithm != CryptographicAlgorithm::ECMQV {
            let by_length = match length {
                None => None,
                Some(256) => Some(Curve::P256),
                Some(384) => Some(Curve::P384),
                Some(521) => Some(Curve::P521),
                Some(other) => {
                    return Err(Error::InvalidField(format!(
                        "EC key pairs are 256 (P-256), 384 (P-384) or 521 (P-521) bits, not {other}"
                    )));
                }
            };
            let by_curve = curve.map(keys::curve).transpose()?;
            let curve = match (by_curve, by_length) {
                (Some(c), Some(l)) if c != l => {
                    return Err(Error::InvalidField(format!(
                        "the Recommended Curve {} and the Cryptographic Length {} disagree",
                        c.name(),
                        l.bits()
                    )));
                }
                (Some(c), _) | (None, Some(c)) => c,
                (None, None) => {
                    return Err(Error::MissingData(
                        "the curve: Cryptographic Domain Parameters (Recommended Curve) or \
                         Cryptographic Length 256/384/521"
                            .into(),
                    ));
                }
            };
            return Ok(Self::Ec(curve, algorithm));
        }
        if algorithm == convert::ED25519 {
            if length.is_some_and(|l| l != 256) {
                return Err(Error::InvalidField("Ed25519 keys are 256 bits".into()));
            }
            return Ok(Self::Ed25519);
        }
        Err(Error::InvalidField(format!(
            "Create Key Pair makes RSA, EC (P-256/384/521) and Ed25519 (algorithm 0x80000038) \
             keys, not {algorithm:?}"
        )))
    }

    fn spec(self) -> KeySpec {
        match self {
            Self::Rsa(bits) => KeySpec::Rsa { bits: bits.bits() },
            Self::Ec(curve, _) => KeySpec::Ec(curve),
            Self::Ed25519 => KeySpec::Ed25519,
        }
    }

    fn algorithm(self) -> CryptographicAlgorithm {
        match self {
            Self::Rsa(_) => CryptographicAlgorithm::RSA,
            Self::Ec(_, algorithm) => algorithm,
            Self::Ed25519 => convert::ED25519,
        }
    }

    fn length(self) -> i32 {
        match self {
            Self::Rsa(bits) => i32::try_from(bits.bits()).unwrap_or(i32::MAX),
            Self::Ec(curve, _) => i32::try_from(curve.bits()).unwrap_or(i32::MAX),
            Self::Ed25519 => 256,
        }
    }
}

/// Checks the policy and generates a key pair.
pub(crate) fn generate(ctx: &Ctx<'_>, kind: PairKind) -> Result<PrivateKeyComponents, Error> {
    ctx.kms.config().algorithms.check_generate(&kind.spec())?;
    Ok(match kind {
        PairKind::Rsa(bits) => {
            PrivateKeyComponents::Rsa(RsaPrivateKey::generate(bits)?.components()?)
        }
        PairKind::Ec(curve, _) => {
            PrivateKeyComponents::Ec(EcPrivateKey::generate(curve)?.components()?)
        }
        PairKind::Ed25519 => {
            PrivateKeyComponents::Ed25519(Ed25519PrivateKey::generate()?.components()?)
        }
    })
}

/// Gives a new pair its material, its algorithm attributes and the links
/// between them.
pub(crate) fn attach_pair(
    private: &mut ManagedObject,
    public: &mut ManagedObject,
    kind: PairKind,
    key: &PrivateKeyComponents,
) -> Result<(), Error> {
    let (private_format, private_material) = convert::stored_private(key)?;
    let (public_format, public_material) = convert::stored_public(&key.public())?;
    for object in [&mut *private, &mut *public] {
        let attrs = &mut object.attributes;
        attrs.set(AttributeValue::CryptographicAlgorithm(kind.algorithm()));
        attrs.set(AttributeValue::CryptographicLength(kind.length()));
        if let PairKind::Ec(curve, _) = kind {
            attrs.set(AttributeValue::CryptographicDomainParameters(
                CryptographicDomainParameters {
                    qlength: None,
                    recommended_curve: Some(keys::recommended_curve(curve)),
                },
            ));
        }
    }
    link(private, LinkType::PublicKeyLink, &public.id);
    link(public, LinkType::PrivateKeyLink, &private.id);
    attach_material(
        private,
        Object::PrivateKey(PrivateKey { key_block: block(private_format, private_material, kind) }),
        true,
    );
    attach_material(
        public,
        Object::PublicKey(PublicKey { key_block: block(public_format, public_material, kind) }),
        true,
    );
    Ok(())
}

fn block(format: KeyFormatType, material: KeyMaterial, kind: PairKind) -> KeyBlock {
    KeyBlock::new(format, material, Some(kind.algorithm()), Some(kind.length()))
}

/// Adds a Link of `link_type` to `target`.
pub(crate) fn link(object: &mut ManagedObject, link_type: LinkType, target: &str) {
    object.attributes.push(Attribute::new(AttributeValue::Link(Link {
        link_type,
        linked_object_identifier: target.to_owned(),
    })));
}

/// The usage bits only a public key uses.
const PUBLIC_ONLY: u32 = CryptographicUsageMask::VERIFY.0
    | CryptographicUsageMask::ENCRYPT.0
    | CryptographicUsageMask::WRAP_KEY.0
    | CryptographicUsageMask::MAC_VERIFY.0
    | CryptographicUsageMask::VALIDATE_CRYPTOGRAM.0
    | CryptographicUsageMask::TRANSLATE_ENCRYPT.0
    | CryptographicUsageMask::TRANSLATE_WRAP.0;

/// The usage bits only a private key uses.
const PRIVATE_ONLY: u32 = CryptographicUsageMask::SIGN.0
    | CryptographicUsageMask::DECRYPT.0
    | CryptographicUsageMask::UNWRAP_KEY.0
    | CryptographicUsageMask::MAC_GENERATE.0
    | CryptographicUsageMask::CONTENT_COMMITMENT_NON_REPUDIATION.0
    | CryptographicUsageMask::CERTIFICATE_SIGN.0
    | CryptographicUsageMask::CRL_SIGN.0
    | CryptographicUsageMask::GENERATE_CRYPTOGRAM.0
    | CryptographicUsageMask::TRANSLATE_DECRYPT.0
    | CryptographicUsageMask::TRANSLATE_UNWRAP.0;

/// A common usage mask split between the private and the public key.
pub(crate) fn split_mask(mask: u32) -> (u32, u32) {
    (mask & !PUBLIC_ONLY, mask & !PRIVATE_ONLY)
}

/// The private and public templates with the common one merged in: a
/// specific template's single-instance attribute overrides the common one;
/// multi-instance attributes from both are kept; a common usage mask alone is
/// split with [`split_mask`].
pub(crate) fn split_templates(
    common: &TemplateAttribute,
    private: TemplateAttribute,
    public: TemplateAttribute,
) -> (TemplateAttribute, TemplateAttribute) {
    let merge = |mut specific: TemplateAttribute, private_side: bool| {
        let has = |t: &TemplateAttribute, name: &str| {
            t.attributes.iter().any(|a| canonical_name(&a.name) == name)
        };
        let mut merged = Vec::with_capacity(common.attributes.len() + specific.attributes.len());
        for attribute in &common.attributes {
            let name = canonical_name(&attribute.name);
            let multi = rule(&name).is_some_and(|r| r.multi_instance);
            if !multi && has(&specific, &name) {
                continue;
            }
            let mut attribute = attribute.clone();
            if let AttributeValue::CryptographicUsageMask(mask) = &attribute.value {
                let (private_mask, public_mask) = split_mask(mask.0);
                let split = if private_side { private_mask } else { public_mask };
                attribute.value =
                    AttributeValue::CryptographicUsageMask(CryptographicUsageMask(split));
            }
            merged.push(attribute);
        }
        merged.append(&mut specific.attributes);
        specific.attributes = merged;
        specific.names.extend(common.names.iter().cloned());
        specific
    };
    (merge(private, true), merge(public, false))
}
