//! Register (KMIP 1.4 §4.3): an object supplied by the client.
//!
//! Nothing broken is stored: a key's material must parse for its object type
//! and Key Format Type, and a certificate must be DER X.509; otherwise the
//! request fails with Invalid Field and the store is untouched.
//!
//! - Keys: Cryptographic Algorithm and Length are read from the material
//!   (RSA modulus, EC curve, Ed25519, symmetric byte length) and set when the
//!   client gave none; when given — in the attributes or the key block — they
//!   must agree with the material. EC keys also get Cryptographic Domain
//!   Parameters (Recommended Curve). The algorithm policy's register rule
//!   applies.
//! - A key block registered wrapped (Key Wrapping Data) is stored as given:
//!   its material cannot be checked; it is unwrapped when used or asked for in
//!   the clear, if its wrapping key is in the domain.
//! - A key block without a Key Value is stored with Key Value Present false.
//! - Certificates (X.509): Certificate Type, Certificate Length, X.509
//!   Certificate Identifier / Subject / Issuer (DER names, serial), Digital
//!   Signature Algorithm (RSA PKCS#1 v1.5, RSA-PSS and ECDSA with SHA-1/2
//!   digests), and the subject key's Cryptographic Algorithm and Length.
//!   Subject/Issuer Alternative Names are not extracted yet.

use keyward_kmip::Bytes;
use keyward_kmip::attributes::{
    Attribute, AttributeValue, CryptographicDomainParameters, X509CertificateIdentifier,
    X509CertificateIssuer, X509CertificateSubject,
};
use keyward_kmip::enums::{CertificateType, CryptographicAlgorithm, DigitalSignatureAlgorithm};
use keyward_kmip::objects::Object;
use keyward_kmip::operations::{RegisterRequest, RegisterResponse};

use super::template::{attach_material, expand_templates, new_object};
use crate::Error;
use crate::attributes::canonical_name;
use crate::keys::convert::{self, KeyFacts};
use crate::keys::wrap;
use crate::kms::Ctx;
use crate::object::ManagedObject;

pub(crate) async fn register(
    ctx: &mut Ctx<'_>,
    request: RegisterRequest,
) -> Result<RegisterResponse, Error> {
    let object_type = request.object_type();
    let mut template = expand_templates(ctx, request.template_attribute).await?;
    let mut request_object = request.object;
    if let Object::Template(content) = &mut request_object {
        // A Name inside a Template's content (as KMIP 1.0 clients send it)
        // names the Template itself; it is not handed down to what uses it.
        let (names, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut content.attributes)
            .into_iter()
            .partition(|a| canonical_name(&a.name) == "Name");
        content.attributes = rest;
        template.attributes.extend(names);
    }
    let mut object = new_object(ctx, object_type, [template])?;
    describe_material(ctx, &mut object, &request_object)?;
    let key_value_absent = request_object.key_block().is_some_and(|b| b.key_value.is_none());
    attach_material(&mut object, request_object, false);
    if key_value_absent {
        object.attributes.set(AttributeValue::KeyValuePresent(false));
    }
    ctx.insert(&object);
    Ok(RegisterResponse { unique_identifier: object.id, template_attribute: None })
}

/// Checks `material` and sets the attributes it implies on `object`
/// (shared by Register and Import).
pub(crate) fn describe_material(
    ctx: &Ctx<'_>,
    object: &mut ManagedObject,
    material: &Object,
) -> Result<(), Error> {
    if let Object::Certificate(cert) = material {
        return describe_certificate(
            object,
            cert.certificate_type,
            cert.certificate_value.as_slice(),
        );
    }
    let Some(block) = material.key_block() else {
        return Ok(());
    };
    let given = match object.attributes.get("Cryptographic Algorithm") {
        Some(AttributeValue::CryptographicAlgorithm(a)) => Some(*a),
        _ => None,
    };
    if let (Some(a), Some(b)) = (given, block.cryptographic_algorithm)
        && a != b
    {
        return Err(Error::InvalidField(format!(
            "the Cryptographic Algorithm attribute ({a:?}) and the key block's ({b:?}) differ"
        )));
    }
    let declared = given.or(block.cryptographic_algorithm);
    let mut from_material = false;
    let mut facts = if wrap::is_wrapped(material) || block.key_value.is_none() {
        // Nothing to read: keep what the client says.
        KeyFacts {
            algorithm: declared,
            length: block.cryptographic_length,
            curve: None,
            spec: None,
        }
    } else if matches!(material, Object::SplitKey(_) | Object::PgpKey(_)) {
        KeyFacts {
            algorithm: declared,
            length: block.cryptographic_length,
            curve: None,
            spec: None,
        }
    } else if matches!(material, Object::SecretData(_)) && declared.is_none() {
        // Passwords, seeds: any bytes.
        KeyFacts { algorithm: None, length: None, curve: None, spec: None }
    } else {
        from_material = true;
        convert::facts(material, declared)?
    };

    if let Some(length) = facts.length {
        for (what, claimed) in [
            ("Cryptographic Length attribute", object.attributes.get("Cryptographic Length")),
            (
                "key block's Cryptographic Length",
                block.cryptographic_length.map(AttributeValue::CryptographicLength).as_ref(),
            ),
        ] {
            if let Some(AttributeValue::CryptographicLength(claimed)) = claimed
                && *claimed != length
                && from_material
                && !is_des_effective_length(declared, *claimed, length)
            {
                return Err(Error::InvalidField(format!(
                    "the {what} ({claimed}) does not match the key material ({length} bits)"
                )));
            }
        }
        if let Some(claimed) = block.cryptographic_length
            && is_des_effective_length(declared, claimed, length)
        {
            facts.length = Some(claimed);
        }
    }
    if let Some(spec) = &facts.spec {
        ctx.kms.config().algorithms.check_register(spec)?;
    }
    let attrs = &mut object.attributes;
    if let Some(algorithm) = facts.algorithm
        && attrs.get("Cryptographic Algorithm").is_none()
    {
        attrs.push(Attribute::new(AttributeValue::CryptographicAlgorithm(algorithm)));
    }
    if let Some(length) = facts.length
        && attrs.get("Cryptographic Length").is_none()
    {
        attrs.push(Attribute::new(AttributeValue::CryptographicLength(length)));
    }
    if let Some(curve) = facts.curve {
        match attrs.get("Cryptographic Domain Parameters") {
            None => {
                attrs.push(Attribute::new(AttributeValue::CryptographicDomainParameters(
                    CryptographicDomainParameters { qlength: None, recommended_curve: Some(curve) },
                )));
            }
            Some(AttributeValue::CryptographicDomainParameters(p))
                if p.recommended_curve.is_some_and(|c| c != curve) =>
            {
                return Err(Error::InvalidField(format!(
                    "the Recommended Curve {:?} does not match the key's curve {curve:?}",
                    p.recommended_curve
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

fn describe_certificate(
    object: &mut ManagedObject,
    certificate_type: CertificateType,
    der: &[u8],
) -> Result<(), Error> {
    use der::{Decode, Encode};
    if certificate_type != CertificateType::X509 {
        return Err(Error::FeatureNotSupported(format!(
            "Certificate Type {certificate_type:?}; X.509 certificates are supported"
        )));
    }
    let cert = x509_cert::Certificate::from_der(der).map_err(|e| {
        Error::InvalidField(format!("the Certificate Value is not a DER X.509 certificate: {e}"))
    })?;
    let tbs = cert.tbs_certificate();
    let encode = |what: &str, r: der::Result<Vec<u8>>| {
        r.map_err(|e| Error::InvalidField(format!("the certificate's {what}: {e}")))
    };
    let issuer = encode("issuer", tbs.issuer().to_der())?;
    let subject = encode("subject", tbs.subject().to_der())?;
    let serial = tbs.serial_number().as_bytes().to_vec();
    let spki = encode("public key", tbs.subject_public_key_info().to_der())?;
    let key = keyward_crypto::formats::PublicKeyComponents::from_spki(&spki).ok();
    let signature = signature_algorithm(&cert.signature_algorithm().oid.to_string());

    let attrs = &mut object.attributes;
    attrs.set(AttributeValue::CertificateType(CertificateType::X509));
    attrs.set(AttributeValue::CertificateLength(i32::try_from(der.len()).unwrap_or(i32::MAX)));
    attrs.set(AttributeValue::X509CertificateIdentifier(X509CertificateIdentifier {
        issuer_distinguished_name: Bytes::new(issuer.clone()),
        certificate_serial_number: Bytes::new(serial),
    }));
    attrs.set(AttributeValue::X509CertificateSubject(X509CertificateSubject {
        subject_distinguished_name: Bytes::new(subject),
        subject_alternative_names: Vec::new(),
    }));
    attrs.set(AttributeValue::X509CertificateIssuer(X509CertificateIssuer {
        issuer_distinguished_name: Bytes::new(issuer),
        issuer_alternative_names: Vec::new(),
    }));
    if let Some(signature) = signature {
        attrs.set(AttributeValue::DigitalSignatureAlgorithm(signature));
    }
    if let Some(key) = key {
        use keyward_crypto::formats::PublicKeyComponents as K;
        use keyward_kmip::enums::CryptographicAlgorithm as A;
        let (algorithm, bits) = match &key {
            K::Rsa(c) => (A::RSA, c.bits()),
            K::Ec(c) => (A::EC, c.curve.bits()),
            K::Ed25519(_) => (convert::ED25519, 256),
        };
        if attrs.get("Cryptographic Algorithm").is_none() {
            attrs.push(Attribute::new(AttributeValue::CryptographicAlgorithm(algorithm)));
        }
        if attrs.get("Cryptographic Length").is_none()
            && let Ok(bits) = i32::try_from(bits)
        {
            attrs.push(Attribute::new(AttributeValue::CryptographicLength(bits)));
        }
    }
    Ok(())
}

/// The KMIP Digital Signature Algorithm of a certificate signature OID.
fn signature_algorithm(oid: &str) -> Option<DigitalSignatureAlgorithm> {
    use DigitalSignatureAlgorithm as D;
    Some(match oid {
        "1.2.840.113549.1.1.5" => D::SHA1WithRSAEncryptionPKCS1V1_5,
        "1.2.840.113549.1.1.14" => D::SHA224WithRSAEncryptionPKCS1V1_5,
        "1.2.840.113549.1.1.11" => D::SHA256WithRSAEncryptionPKCS1V1_5,
        "1.2.840.113549.1.1.12" => D::SHA384WithRSAEncryptionPKCS1V1_5,
        "1.2.840.113549.1.1.13" => D::SHA512WithRSAEncryptionPKCS1V1_5,
        "1.2.840.113549.1.1.10" => D::RSASSAPSSPKCS1V2_1,
        "1.2.840.10045.4.1" => D::ECDSAWithSHA1,
        "1.2.840.10045.4.3.1" => D::ECDSAWithSHA224,
        "1.2.840.10045.4.3.2" => D::ECDSAWithSHA256,
        "1.2.840.10045.4.3.3" => D::ECDSAWithSHA384,
        "1.2.840.10045.4.3.4" => D::ECDSAWithSHA512,
        _ => return None,
    })
}

/// DES and 3DES keys are stored with parity bits: KMIP states their length as
/// the effective one (56, 112, 168 bits for 64, 128, 192 bits of material).
fn is_des_effective_length(
    algorithm: Option<CryptographicAlgorithm>,
    claimed: i32,
    material_bits: i32,
) -> bool {
    matches!(algorithm, Some(CryptographicAlgorithm::DES | CryptographicAlgorithm::DES3))
        && claimed * 8 == material_bits * 7
}
