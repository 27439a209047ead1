//! Key wrapping with another managed key of the domain (KMIP 1.4 §2.1.5,
//! §2.1.6): wrap a key for Get and Export, unwrap a key registered wrapped.
//!
//! - Wrapping Method Encrypt only (MAC/sign and the combined methods are
//!   refused as not supported).
//! - With an AES key: RFC 3394 AES-KW for Block Cipher Mode NIST Key Wrap
//!   (the default), RFC 5649 AES-KWP for AES Key Wrap Padding. A key value
//!   that is not a multiple of 8 bytes, or shorter than 16, cannot go through
//!   AES-KW: it is wrapped with AES-KWP and the response's Key Wrapping Data
//!   says so (Block Cipher Mode AES Key Wrap Padding).
//! - With an RSA public key (or the public half of a private key): RSA-OAEP,
//!   hash SHA-256 unless the Cryptographic Parameters name another (MGF1
//!   uses the same hash); the response's Key Wrapping Data carries the
//!   parameters used.
//! - Encoding Option No Encoding wraps the Key Material byte string; TTLV
//!   Encoding wraps the TTLV encoding of the Key Value structure (with the
//!   attributes named in the specification). Without an Encoding Option,
//!   byte-string material is wrapped without encoding (as the OASIS test
//!   cases TC-141/TC-142 expect) and transparent structures TTLV-encoded.
//! - The wrapping key must be usable to protect (Active, before its Protect
//!   Stop Date) with Wrap Key in its Cryptographic Usage Mask; unwrapping
//!   needs a key usable to process, with Unwrap Key.

use keyward_crypto::hash::HashAlgorithm;
use keyward_crypto::keywrap::{AesKek, KeyWrapAlgorithm};
use keyward_crypto::policy::{KeySpec, Usage};
use keyward_crypto::rsa::{RsaEncryptionScheme, RsaPrivateKey, RsaPublicKey};
use keyward_kmip::Bytes;
use keyward_kmip::attributes::{AttributeValue, CryptographicParameters};
use keyward_kmip::enums::{
    BlockCipherMode, CryptographicAlgorithm, CryptographicUsageMask, EncodingOption,
    HashingAlgorithm, KeyFormatType, LinkType, ObjectType, PaddingMethod, WrappingMethod,
};
use keyward_kmip::objects::{
    EncryptionKeyInformation, KeyBlock, KeyMaterial, KeyValue, KeyWrappingData,
    KeyWrappingSpecification, Object,
};
use keyward_ttlv::{Limits, binary};
use zeroize::Zeroizing;

use super::convert::with_key_block;
use super::{UsableKey, usable_key};
use crate::Error;
use crate::kms::Ctx;
use crate::lifecycle::Purpose;
use crate::object::ManagedObject;

/// True if the object's key value is stored wrapped.
pub fn is_wrapped(object: &Object) -> bool {
    object.key_block().is_some_and(|b| {
        b.key_wrapping_data.is_some() || matches!(b.key_value, Some(KeyValue::Wrapped(_)))
    })
}

/// The key (plaintext) `object` wrapped as `spec` asks. `attributes` are the
/// wrapped object's attributes, for those the specification names.
pub(crate) async fn wrap(
    ctx: &mut Ctx<'_>,
    object: &Object,
    attributes: &crate::attributes::Attributes,
    spec: &KeyWrappingSpecification,
) -> Result<Object, Error> {
    if spec.wrapping_method != WrappingMethod::Encrypt {
        return Err(Error::FeatureNotSupported(format!(
            "Wrapping Method {:?}; only Encrypt is supported",
            spec.wrapping_method
        )));
    }
    if spec.mac_signature_key_information.is_some() {
        return Err(Error::FeatureNotSupported(
            "MAC/Signature Key Information in a Key Wrapping Specification".into(),
        ));
    }
    let info = spec.encryption_key_information.as_ref().ok_or_else(|| {
        Error::MissingData("Encryption Key Information in the Key Wrapping Specification".into())
    })?;
    let block = object.key_block().ok_or_else(|| {
        Error::FeatureNotSupported(format!("wrapping a {:?}", object.object_type()))
    })?;
    let material = block.key_material().ok_or_else(|| {
        Error::KeyValueNotPresent("the key to wrap has no plaintext value".into())
    })?;

    let encoding = match spec.encoding_option {
        Some(EncodingOption::NoEncoding) => EncodingOption::NoEncoding,
        Some(EncodingOption::TTLVEncoding) => EncodingOption::TTLVEncoding,
        Some(other) => {
            return Err(Error::FeatureNotSupported(format!("Encoding Option {other:?}")));
        }
        None if matches!(material, KeyMaterial::Bytes(_)) => EncodingOption::NoEncoding,
        None => EncodingOption::TTLVEncoding,
    };
    let plaintext: Zeroizing<Vec<u8>> = match (encoding, material) {
        (EncodingOption::NoEncoding, KeyMaterial::Bytes(bytes)) => {
            Zeroizing::new(bytes.as_slice().to_vec())
        }
        (EncodingOption::NoEncoding, _) => {
            return Err(Error::InvalidField(format!(
                "No Encoding wraps byte-string key material, and {:?} is a structure; \
                 ask for TTLV Encoding or a byte-string Key Format Type",
                block.key_format_type
            )));
        }
        _ => {
            let wanted: Vec<String> =
                spec.attribute_names.iter().map(|n| crate::attributes::canonical_name(n)).collect();
            let bound = attributes
                .iter()
                .filter(|a| wanted.contains(&crate::attributes::canonical_name(&a.name)))
                .map(crate::attributes::for_client)
                .collect();
            let value = KeyValue::Plain { key_material: material.clone(), attributes: bound };
            Zeroizing::new(binary::encode(&value.into_ttlv()))
        }
    };

    let kek = load_wrapping_key(ctx, &info.unique_identifier, Purpose::Protect).await?;
    let params = info
        .cryptographic_parameters
        .clone()
        .or_else(|| default_parameters(&kek.attributes))
        .unwrap_or_default();
    let (wrapped, used) = encrypt_key(ctx, &kek, &params, &plaintext)?;

    let mut new_block = KeyBlock {
        key_format_type: block.key_format_type,
        key_compression_type: block.key_compression_type,
        key_value: Some(KeyValue::Wrapped(Bytes::new(wrapped))),
        cryptographic_algorithm: block.cryptographic_algorithm,
        cryptographic_length: block.cryptographic_length,
        key_wrapping_data: None,
    };
    new_block.key_wrapping_data = Some(Box::new(KeyWrappingData {
        wrapping_method: WrappingMethod::Encrypt,
        encryption_key_information: Some(EncryptionKeyInformation {
            unique_identifier: info.unique_identifier.clone(),
            cryptographic_parameters: Some(used),
        }),
        mac_signature_key_information: None,
        mac_signature: None,
        iv_counter_nonce: None,
        encoding_option: spec.encoding_option,
    }));
    Ok(with_key_block(object, new_block))
}

/// The plaintext form of a key stored wrapped, unwrapped with its wrapping
/// key from the caller's domain. A key that is not wrapped is returned as is.
pub(crate) async fn unwrap(ctx: &mut Ctx<'_>, object: &Object) -> Result<Unwrapped, Error> {
    if !is_wrapped(object) {
        return Ok(Unwrapped { object: object.clone(), clear_allowed: true });
    }
    let block = object.key_block().ok_or_else(|| Error::Crypto("no key block".into()))?;
    let data = block.key_wrapping_data.as_ref().ok_or_else(|| {
        Error::InvalidField("a wrapped Key Value without Key Wrapping Data".into())
    })?;
    if data.wrapping_method != WrappingMethod::Encrypt
        || data.mac_signature_key_information.is_some()
    {
        return Err(Error::FeatureNotSupported(format!(
            "unwrapping a key wrapped with {:?} (only Encrypt is supported)",
            data.wrapping_method
        )));
    }
    let info = data.encryption_key_information.as_ref().ok_or_else(|| {
        Error::MissingData("the Key Wrapping Data has no Encryption Key Information".into())
    })?;
    let Some(KeyValue::Wrapped(wrapped)) = &block.key_value else {
        return Err(Error::KeyValueNotPresent("the wrapped key has no Key Value".into()));
    };
    let named = ctx.load(&info.unique_identifier, false).await?;
    let kek = if named.object_type == ObjectType::PublicKey {
        // The public key named is used too: IAM checks it as well as the
        // private key (which load_wrapping_key checks).
        ctx.authorize_object(&info.unique_identifier).await?;
        // An RSA-wrapped key names the public key; its private key unwraps.
        let private = named.attributes.all("Link").find_map(|a| match &a.value {
            AttributeValue::Link(l) if l.link_type == LinkType::PrivateKeyLink => {
                Some(l.linked_object_identifier.clone())
            }
            _ => None,
        });
        let private = private.ok_or_else(|| {
            Error::KeyValueNotPresent(format!(
                "the wrapping key {} is a public key with no linked private key to unwrap with",
                info.unique_identifier
            ))
        })?;
        load_wrapping_key(ctx, &private, Purpose::Process).await?
    } else {
        load_wrapping_key(ctx, &info.unique_identifier, Purpose::Process).await?
    };
    let params = info
        .cryptographic_parameters
        .clone()
        .or_else(|| default_parameters(&kek.attributes))
        .unwrap_or_default();
    let plaintext = decrypt_key(ctx, &kek, &params, wrapped.as_slice())?;

    let ttlv = match data.encoding_option {
        Some(EncodingOption::TTLVEncoding) => true,
        Some(EncodingOption::NoEncoding) => false,
        Some(other) => {
            return Err(Error::FeatureNotSupported(format!("Encoding Option {other:?}")));
        }
        None => !is_byte_format(block.key_format_type),
    };
    let key_material = if ttlv {
        let limits = Limits { max_message_size: 1 << 20, max_depth: 8, max_items: 1 << 12 };
        let item = binary::decode(&plaintext, &limits)
            .map_err(|_| Error::Crypto("the unwrapped Key Value is not valid TTLV".into()))?;
        match KeyValue::decode(block.key_format_type, item) {
            Ok(KeyValue::Plain { key_material, .. }) => key_material,
            _ => return Err(Error::Crypto("the unwrapped Key Value is not a key value".into())),
        }
    } else {
        if !is_byte_format(block.key_format_type) {
            return Err(Error::InvalidField(format!(
                "{:?} material cannot be wrapped without encoding",
                block.key_format_type
            )));
        }
        KeyMaterial::Bytes(Bytes(plaintext))
    };
    let plain = KeyBlock::new(
        block.key_format_type,
        key_material,
        block.cryptographic_algorithm,
        block.cryptographic_length,
    );
    Ok(Unwrapped {
        object: with_key_block(object, plain),
        clear_allowed: may_leave_in_the_clear(&kek.attributes),
    })
}

/// A key unwrapped inside the server.
pub(crate) struct Unwrapped {
    /// The key, in the clear.
    pub object: Object,
    /// Whether the key that unwrapped it may itself leave the server in the
    /// clear. When it may not, neither may what it unwrapped: otherwise a key
    /// wrapped by it, registered or imported and then asked for unwrapped,
    /// would come back in the clear although it never could have (a Sensitive
    /// key, say, got wrapped and registered again as a new object).
    pub clear_allowed: bool,
}

/// Whether an object with these attributes may be returned in the clear:
/// neither Sensitive nor made non-Extractable.
pub(crate) fn may_leave_in_the_clear(attributes: &crate::attributes::Attributes) -> bool {
    let sensitive = matches!(attributes.get("Sensitive"), Some(AttributeValue::Sensitive(true)));
    let extractable =
        !matches!(attributes.get("Extractable"), Some(AttributeValue::Extractable(false)));
    !sensitive && extractable
}

fn is_byte_format(format: KeyFormatType) -> bool {
    use KeyFormatType as F;
    matches!(
        format,
        F::Raw | F::Opaque | F::PKCS1 | F::PKCS8 | F::X509 | F::ECPrivateKey | F::PKCS12
    ) || matches!(format, F::Extension(_))
}

/// The wrapping key's own Cryptographic Parameters, used when the request
/// names none (TC-141: the KEK registered with Block Cipher Mode NIST Key Wrap).
fn default_parameters(
    attributes: &crate::attributes::Attributes,
) -> Option<CryptographicParameters> {
    match attributes.get("Cryptographic Parameters") {
        Some(AttributeValue::CryptographicParameters(p)) => Some(p.clone()),
        _ => None,
    }
}

/// Loads a wrapping key of the domain and checks it may be used for `purpose`
/// with the matching usage bit (Wrap Key to protect, Unwrap Key to process).
async fn load_wrapping_key(
    ctx: &mut Ctx<'_>,
    id: &str,
    purpose: Purpose,
) -> Result<ManagedObject, Error> {
    ctx.authorize_object(id).await?;
    let key = ctx.load(id, true).await.map_err(|e| match e {
        Error::NotFound(_) => {
            Error::NotFound(format!("{id} (the wrapping key named in Encryption Key Information)"))
        }
        other => other,
    })?;
    if crate::operations::archive::is_archived(&key) {
        return Err(Error::Archived(id.to_owned()));
    }
    key.state_at(ctx.now).check_use(purpose, &key.dates(), ctx.now)?;
    let (bit, name) = match purpose {
        Purpose::Protect => (CryptographicUsageMask::WRAP_KEY, "Wrap Key"),
        Purpose::Process => (CryptographicUsageMask::UNWRAP_KEY, "Unwrap Key"),
    };
    let mask = match key.attributes.get("Cryptographic Usage Mask") {
        Some(AttributeValue::CryptographicUsageMask(m)) => m.0,
        _ => 0,
    };
    if mask & bit.0 == 0 {
        return Err(Error::Denied(format!(
            "key {id} cannot wrap or unwrap keys: its Cryptographic Usage Mask lacks {name}"
        )));
    }
    if key.material.is_none() {
        return Err(Error::KeyValueNotPresent(id.to_owned()));
    }
    Ok(key)
}

fn kek_material(key: &ManagedObject) -> Result<UsableKey, Error> {
    let material =
        key.material.as_ref().ok_or_else(|| Error::KeyValueNotPresent(key.id.clone()))?;
    if is_wrapped(material) {
        return Err(Error::FeatureNotSupported(format!(
            "wrapping with key {}, which is itself stored wrapped",
            key.id
        )));
    }
    usable_key(material)
}

fn aes_algorithm(
    params: &CryptographicParameters,
    plaintext_len: Option<usize>,
) -> Result<(KeyWrapAlgorithm, BlockCipherMode), Error> {
    match params.block_cipher_mode {
        None | Some(BlockCipherMode::NISTKeyWrap) => match plaintext_len {
            Some(n) if n % 8 != 0 || n < 16 => {
                Ok((KeyWrapAlgorithm::AesKwp, BlockCipherMode::AESKeyWrapPadding))
            }
            _ => Ok((KeyWrapAlgorithm::AesKw, BlockCipherMode::NISTKeyWrap)),
        },
        Some(BlockCipherMode::AESKeyWrapPadding) => {
            Ok((KeyWrapAlgorithm::AesKwp, BlockCipherMode::AESKeyWrapPadding))
        }
        Some(other) => Err(Error::FeatureNotSupported(format!(
            "wrapping with Block Cipher Mode {other:?}; use NIST Key Wrap or AES Key Wrap Padding"
        ))),
    }
}

fn oaep_scheme(
    params: &CryptographicParameters,
) -> Result<(RsaEncryptionScheme, HashingAlgorithm), Error> {
    match params.padding_method {
        None | Some(PaddingMethod::OAEP) => {}
        Some(other) => {
            return Err(Error::FeatureNotSupported(format!(
                "wrapping with RSA padding {other:?}; only OAEP is supported"
            )));
        }
    }
    let kmip_hash = params.hashing_algorithm.unwrap_or(HashingAlgorithm::SHA256);
    let hash = hash_algorithm(kmip_hash)?;
    let mgf1 = match params.mask_generator_hashing_algorithm {
        Some(h) => hash_algorithm(h)?,
        None => hash,
    };
    Ok((RsaEncryptionScheme::oaep(hash, mgf1)?, kmip_hash))
}

fn hash_algorithm(h: HashingAlgorithm) -> Result<HashAlgorithm, Error> {
    Ok(match h {
        HashingAlgorithm::SHA1 => HashAlgorithm::Sha1,
        HashingAlgorithm::SHA224 => HashAlgorithm::Sha224,
        HashingAlgorithm::SHA256 => HashAlgorithm::Sha256,
        HashingAlgorithm::SHA384 => HashAlgorithm::Sha384,
        HashingAlgorithm::SHA512 => HashAlgorithm::Sha512,
        other => {
            return Err(Error::FeatureNotSupported(format!("RSA-OAEP with hash {other:?}")));
        }
    })
}

fn symmetric_kek(
    key: &ManagedObject,
    material: &Zeroizing<Vec<u8>>,
    algorithm: Option<CryptographicAlgorithm>,
) -> Result<AesKek, Error> {
    if algorithm.is_some_and(|a| a != CryptographicAlgorithm::AES) {
        return Err(Error::InvalidField(format!(
            "key {} is a {algorithm:?} key; AES keys and RSA keys wrap keys",
            key.id
        )));
    }
    Ok(AesKek::new(material)?)
}

/// Wraps `plaintext` with `key`; returns the wrapped bytes and the
/// Cryptographic Parameters actually used.
fn encrypt_key(
    ctx: &Ctx<'_>,
    key: &ManagedObject,
    params: &CryptographicParameters,
    plaintext: &[u8],
) -> Result<(Vec<u8>, CryptographicParameters), Error> {
    let policy = &ctx.kms.config().algorithms;
    match kek_material(key)? {
        UsableKey::Symmetric { material, algorithm } => {
            let kek = symmetric_kek(key, &material, algorithm)?;
            let (algorithm, mode) = aes_algorithm(params, Some(plaintext.len()))?;
            let spec = KeySpec::Symmetric {
                algorithm: keyward_crypto::keygen::SymmetricAlgorithm::Aes,
                bits: kek.bits(),
            };
            policy.check_use(Some(&spec), &Usage::KeyWrap(algorithm))?;
            let used = CryptographicParameters { block_cipher_mode: Some(mode), ..params.clone() };
            Ok((kek.wrap(algorithm, plaintext)?, used))
        }
        UsableKey::RsaPublic(public) => rsa_encrypt(ctx, &public, params, plaintext),
        UsableKey::RsaPrivate(private) => rsa_encrypt(ctx, private.public_key(), params, plaintext),
        _ => Err(Error::InvalidField(format!(
            "key {} cannot wrap keys: use an AES key or an RSA public key",
            key.id
        ))),
    }
}

fn rsa_encrypt(
    ctx: &Ctx<'_>,
    public: &RsaPublicKey,
    params: &CryptographicParameters,
    plaintext: &[u8],
) -> Result<(Vec<u8>, CryptographicParameters), Error> {
    let (scheme, hash) = oaep_scheme(params)?;
    let spec = KeySpec::Rsa { bits: public.bits() };
    ctx.kms.config().algorithms.check_use(Some(&spec), &Usage::RsaEncryption(scheme))?;
    if plaintext.len() > public.max_plaintext_len(scheme) {
        return Err(Error::InvalidField(format!(
            "the key value ({} bytes) is too long for RSA-OAEP with a {}-bit key; \
             wrap it with an AES key",
            plaintext.len(),
            public.bits()
        )));
    }
    let used = CryptographicParameters {
        padding_method: Some(PaddingMethod::OAEP),
        hashing_algorithm: Some(hash),
        cryptographic_algorithm: params
            .cryptographic_algorithm
            .or(Some(CryptographicAlgorithm::RSA)),
        ..params.clone()
    };
    Ok((public.encrypt(scheme, plaintext)?, used))
}

fn decrypt_key(
    ctx: &Ctx<'_>,
    key: &ManagedObject,
    params: &CryptographicParameters,
    wrapped: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let policy = &ctx.kms.config().algorithms;
    match kek_material(key)? {
        UsableKey::Symmetric { material, algorithm } => {
            let kek = symmetric_kek(key, &material, algorithm)?;
            let (algorithm, _) = aes_algorithm(params, None)?;
            let spec = KeySpec::Symmetric {
                algorithm: keyward_crypto::keygen::SymmetricAlgorithm::Aes,
                bits: kek.bits(),
            };
            policy.check_use(Some(&spec), &Usage::KeyWrap(algorithm))?;
            Ok(kek.unwrap(algorithm, wrapped)?)
        }
        UsableKey::RsaPrivate(private) => rsa_decrypt(ctx, &private, params, wrapped),
        _ => Err(Error::InvalidField(format!(
            "key {} cannot unwrap keys: use an AES key or an RSA private key",
            key.id
        ))),
    }
}

fn rsa_decrypt(
    ctx: &Ctx<'_>,
    private: &RsaPrivateKey,
    params: &CryptographicParameters,
    wrapped: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let (scheme, _) = oaep_scheme(params)?;
    let spec = KeySpec::Rsa { bits: private.bits() };
    ctx.kms.config().algorithms.check_use(Some(&spec), &Usage::RsaEncryption(scheme))?;
    Ok(private.decrypt(scheme, wrapped)?)
}
