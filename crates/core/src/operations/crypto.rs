//! The cryptographic services of KMIP 1.4 §4.29–§4.37: Encrypt, Decrypt,
//! Sign, Signature Verify, MAC, MAC Verify, Hash, RNG Retrieve and RNG Seed.
//!
//! Every keyed operation gets its key from [`usage::prepare`] (state, dates,
//! usage mask, usage limits, parsed-key cache), then checks the algorithm
//! policy for the exact mode or scheme it will run. Cryptographic Parameters
//! are taken field by field from the request, else from the key's
//! Cryptographic Parameters attribute, else the defaults listed in
//! [`crate::algorithms`].
//!
//! IVs: a client IV/Counter/Nonce is used as given and not echoed; without
//! one (or with Random IV) the server draws a random IV (96 bits for GCM, 128
//! for CBC and CTR) and returns it. ECB takes none.
//!
//! Result Reasons follow the OASIS 1.4 test cases: a missing IV (or GCM tag)
//! on Decrypt is Invalid Message (CS-BC-M-11..13); a GCM tag length outside
//! 12–16 bytes is General Failure (CS-BC-M-GCM-1); a tag, padding or RSA
//! decryption check that fails is Cryptographic Failure; a wrong signature or
//! MAC is not an error but Validity Indicator Invalid (CS-AC-M-2).
//!
//! Known limits of the engine, reported as Feature Not Supported:
//! multi-part (streaming) operations (Init/Final Indicator, Correlation
//! Value); AES-GCM IVs other than 96 bits; RSA-OAEP with an MGF1 hash that
//! differs from the OAEP hash or with a label (P Source); ECDSA with a hash
//! other than the curve's.
//!
//! RSA-PSS honours Salt Length. Without one, Sign uses a salt as long as the
//! hash (FIPS 186-5), and Signature Verify accepts that length or the
//! maximum (OpenSSL's default when signing, which the CS-AC-M-2 signature
//! uses); any other salt length must be named to verify.

use keyward_crypto::CryptoError;
use keyward_crypto::ecdsa::SignatureFormat;
use keyward_crypto::hash;
use keyward_crypto::mac::MacKey;
use keyward_crypto::policy::Usage;
use keyward_crypto::rng;
use keyward_crypto::rsa::{PssSalt, RsaPublicKey, RsaSignatureScheme, SignatureHash};
use keyward_crypto::symmetric::{GCM_NONCE_LEN, SymmetricMode};
use keyward_kmip::Bytes;
use keyward_kmip::attributes::{AttributeValue, CryptographicParameters};
use keyward_kmip::enums::{BlockCipherMode, CryptographicAlgorithm, ValidityIndicator};
use keyward_kmip::operations::*;

use super::required_id;
use crate::Error;
use crate::algorithms::{self, SignatureKind, SignerFamily};
use crate::keys::UsableKey;
use crate::kms::Ctx;
use crate::object::ManagedObject;
use crate::usage::{self, KeyUse};

/// The most bytes one RNG Retrieve returns.
pub const RNG_RETRIEVE_MAX: i32 = 64 * 1024;

/// The core's view of an engine error met while using a key: what the
/// client sent is wrong (Invalid Field), not implemented (Feature Not
/// Supported), or a check failed (Cryptographic Failure).
pub(crate) fn engine_error(error: CryptoError) -> Error {
    use CryptoError as C;
    let message = error.to_string();
    match error {
        C::InvalidTagLength { .. } => Error::General(message),
        C::InvalidIvLength { .. }
        | C::NotBlockAligned { .. }
        | C::InputTooLong { .. }
        | C::InputTooShort { .. }
        | C::InvalidParameter { .. }
        | C::InvalidKeyLength { .. }
        | C::WrongKeyType(_)
        | C::MalformedKey { .. } => Error::InvalidField(message),
        C::Unsupported(_) => Error::FeatureNotSupported(message),
        C::Policy(p) => Error::from(p),
        _ => Error::Crypto(message),
    }
}

/// Refuses the multi-part forms (KMIP 1.3 streaming) this server does not keep state for.
fn single_part(
    init: Option<bool>,
    last: Option<bool>,
    correlation: &Option<Bytes>,
) -> Result<(), Error> {
    if correlation.is_some() || init.unwrap_or(false) != last.unwrap_or(false) {
        return Err(Error::FeatureNotSupported(
            "multi-part operations (Init/Final Indicator, Correlation Value); \
             send the whole data in one request"
                .into(),
        ));
    }
    Ok(())
}

fn required_data(data: Option<Bytes>, what: &str) -> Result<Bytes, Error> {
    data.ok_or_else(|| Error::MissingData(what.to_owned()))
}

/// The parameters for an operation with `object` (see the module documentation).
fn parameters(
    object: &ManagedObject,
    request: Option<CryptographicParameters>,
) -> CryptographicParameters {
    let key = match object.attributes.get("Cryptographic Parameters") {
        Some(AttributeValue::CryptographicParameters(p)) => Some(p),
        _ => None,
    };
    algorithms::merge_parameters(request, key)
}

/// Checks that a symmetric key is an AES key (or bytes of no stated algorithm).
fn require_aes(algorithm: Option<CryptographicAlgorithm>, operation: &str) -> Result<(), Error> {
    match algorithm {
        None | Some(CryptographicAlgorithm::AES) => Ok(()),
        Some(other) => Err(Error::FeatureNotSupported(format!(
            "{operation} with a {other:?} key; symmetric encryption is AES only"
        ))),
    }
}

fn bytes(v: Vec<u8>) -> Bytes {
    Bytes::new(v)
}

fn gcm_iv_supported(iv: &[u8]) -> Result<(), Error> {
    if iv.len() != GCM_NONCE_LEN {
        return Err(Error::FeatureNotSupported(format!(
            "AES-GCM with a {}-byte IV; this server takes 12-byte (96-bit) IVs",
            iv.len()
        )));
    }
    Ok(())
}

// ------------------------------------------------------------------ Encrypt

pub(crate) async fn encrypt(
    ctx: &mut Ctx<'_>,
    request: EncryptRequest,
) -> Result<EncryptResponse, Error> {
    single_part(request.init_indicator, request.final_indicator, &request.correlation_value)?;
    let id = required_id(request.unique_identifier)?;
    let data = required_data(request.data, "Data")?;
    let used = usage::prepare(ctx, &id, KeyUse::Encrypt, data.as_slice().len()).await?;
    let params = parameters(&used.object, request.cryptographic_parameters);
    let mut response = EncryptResponse {
        unique_identifier: id,
        data: None,
        iv_counter_nonce: None,
        correlation_value: None,
        authenticated_encryption_tag: None,
    };
    let key = &used.key.key;
    match key {
        UsableKey::Symmetric { algorithm, .. } => {
            require_aes(*algorithm, "Encrypt")?;
            let mode = algorithms::cipher_mode(&params)?;
            usage::check_policy(ctx, key, &Usage::Cipher(mode))?;
            let gcm = matches!(mode, SymmetricMode::Gcm { .. });
            let aad = request.authenticated_encryption_additional_data;
            if aad.is_some() && !gcm {
                return Err(Error::InvalidField(format!(
                    "{} takes no Authenticated Encryption Additional Data",
                    mode.name()
                )));
            }
            let iv = request.iv_counter_nonce;
            match (&iv, mode) {
                (Some(_), SymmetricMode::Ecb(_)) => {
                    return Err(Error::InvalidField("AES-ECB takes no IV".into()));
                }
                (Some(_), _) if params.random_iv == Some(true) => {
                    return Err(Error::InvalidField(
                        "an IV/Counter/Nonce was given although Random IV asks the server for one"
                            .into(),
                    ));
                }
                (Some(v), SymmetricMode::Gcm { .. }) => gcm_iv_supported(v.as_slice())?,
                (None, SymmetricMode::Ecb(_)) => {}
                (None, _) => {
                    let bits = if gcm { 96 } else { 128 };
                    if params.iv_length.is_some_and(|l| l != bits) {
                        return Err(Error::FeatureNotSupported(format!(
                            "a generated {} IV of {} bits; this server generates {bits}-bit IVs",
                            mode.name(),
                            params.iv_length.unwrap_or_default()
                        )));
                    }
                }
                (Some(_), _) => {}
            }
            let aes = used.key.aes().map_err(engine_error)?;
            let out = aes
                .encrypt(
                    mode,
                    iv.as_ref().map(Bytes::as_slice),
                    aad.as_ref().map_or(&[][..], Bytes::as_slice),
                    data.as_slice(),
                )
                .map_err(engine_error)?;
            if iv.is_none() && !out.iv.is_empty() {
                response.iv_counter_nonce = Some(bytes(out.iv));
            }
            if gcm {
                response.authenticated_encryption_tag = Some(bytes(out.tag));
            }
            response.data = Some(bytes(out.ciphertext));
        }
        UsableKey::RsaPublic(k) => response.data = Some(rsa_encrypt(ctx, key, k, &params, &data)?),
        UsableKey::RsaPrivate(k) => {
            response.data = Some(rsa_encrypt(ctx, key, k.public_key(), &params, &data)?);
        }
        _ => {
            return Err(Error::InvalidField(
                "Encrypt needs an AES key or an RSA public key".into(),
            ));
        }
    }
    Ok(response)
}

fn rsa_encrypt(
    ctx: &Ctx<'_>,
    key: &UsableKey,
    public: &RsaPublicKey,
    params: &CryptographicParameters,
    data: &Bytes,
) -> Result<Bytes, Error> {
    let scheme = algorithms::rsa_encryption(params)?;
    usage::check_policy(ctx, key, &Usage::RsaEncryption(scheme))?;
    Ok(bytes(public.encrypt(scheme, data.as_slice()).map_err(engine_error)?))
}

// ------------------------------------------------------------------ Decrypt

pub(crate) async fn decrypt(
    ctx: &mut Ctx<'_>,
    request: DecryptRequest,
) -> Result<DecryptResponse, Error> {
    single_part(request.init_indicator, request.final_indicator, &request.correlation_value)?;
    let id = required_id(request.unique_identifier)?;
    let data = required_data(request.data, "Data")?;
    let used = usage::prepare(ctx, &id, KeyUse::Decrypt, data.as_slice().len()).await?;
    let params = parameters(&used.object, request.cryptographic_parameters);
    let key = &used.key.key;
    let plaintext = match key {
        UsableKey::Symmetric { algorithm, .. } => {
            require_aes(*algorithm, "Decrypt")?;
            let mode = algorithms::cipher_mode(&params)?;
            usage::check_policy(ctx, key, &Usage::Cipher(mode))?;
            let aad = request.authenticated_encryption_additional_data;
            let aad = aad.as_ref().map_or(&[][..], Bytes::as_slice);
            let iv = request.iv_counter_nonce;
            let iv = match (&iv, mode) {
                (_, SymmetricMode::Ecb(_)) => {
                    if iv.is_some() {
                        return Err(Error::InvalidField("AES-ECB takes no IV".into()));
                    }
                    None
                }
                (Some(v), _) => Some(v.as_slice()),
                (None, _) => {
                    return Err(Error::InvalidMessage(format!(
                        "missing IV/Counter/Nonce: {} decryption needs the one used to encrypt",
                        mode.name()
                    )));
                }
            };
            let aes = used.key.aes().map_err(engine_error)?;
            match mode {
                SymmetricMode::Gcm { .. } => {
                    let tag = request.authenticated_encryption_tag.ok_or_else(|| {
                        Error::InvalidMessage(
                            "missing Authenticated Encryption Tag: AES-GCM decryption needs it"
                                .into(),
                        )
                    })?;
                    if params
                        .tag_length
                        .is_some_and(|n| usize::try_from(n).ok() != Some(tag.as_slice().len()))
                    {
                        return Err(Error::InvalidField(format!(
                            "the tag is {} bytes but Tag Length says {}",
                            tag.as_slice().len(),
                            params.tag_length.unwrap_or_default()
                        )));
                    }
                    let iv = iv.unwrap_or_default();
                    gcm_iv_supported(iv)?;
                    aes.gcm_decrypt(iv, aad, data.as_slice(), tag.as_slice())
                        .map_err(engine_error)?
                }
                _ => {
                    if !aad.is_empty() {
                        return Err(Error::InvalidField(format!(
                            "{} takes no Authenticated Encryption Additional Data",
                            mode.name()
                        )));
                    }
                    aes.decrypt(mode, iv, &[], data.as_slice(), None).map_err(engine_error)?
                }
            }
        }
        UsableKey::RsaPrivate(k) => {
            let scheme = algorithms::rsa_encryption(&params)?;
            usage::check_policy(ctx, key, &Usage::RsaEncryption(scheme))?;
            k.decrypt(scheme, data.as_slice()).map_err(engine_error)?
        }
        _ => {
            return Err(Error::InvalidField(
                "Decrypt needs an AES key or an RSA private key".into(),
            ));
        }
    };
    Ok(DecryptResponse {
        unique_identifier: used.object.id,
        data: Some(Bytes(plaintext)),
        correlation_value: None,
    })
}

// --------------------------------------------------------- Sign and Verify

/// The data or digest to sign or verify, and how many bytes it counts for.
enum Message {
    Data(Bytes),
    Digest(Bytes),
}

impl Message {
    fn new(data: Option<Bytes>, digest: Option<Bytes>) -> Result<Self, Error> {
        match (data, digest) {
            (Some(d), None) => Ok(Self::Data(d)),
            (None, Some(d)) => Ok(Self::Digest(d)),
            (Some(_), Some(_)) => {
                Err(Error::InvalidField("give either Data or Digested Data, not both".into()))
            }
            (None, None) => Err(Error::MissingData("Data or Digested Data".into())),
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Data(b) | Self::Digest(b) => b.as_slice().len(),
        }
    }
}

fn family(key: &UsableKey) -> Option<SignerFamily> {
    Some(match key {
        UsableKey::RsaPrivate(_) | UsableKey::RsaPublic(_) => SignerFamily::Rsa,
        UsableKey::EcPrivate(k) => SignerFamily::Ecdsa(k.curve().hash()),
        UsableKey::EcPublic(k) => SignerFamily::Ecdsa(k.curve().hash()),
        UsableKey::Ed25519Private(_) | UsableKey::Ed25519Public(_) => SignerFamily::Ed25519,
        UsableKey::Symmetric { .. } => return None,
    })
}

fn signature_usage(key: &UsableKey, kind: SignatureKind) -> Usage {
    match (kind, key) {
        (SignatureKind::Rsa(s), _) => Usage::RsaSignature(s),
        (SignatureKind::Ecdsa(_), UsableKey::EcPrivate(k)) => Usage::Ecdsa(k.curve()),
        (SignatureKind::Ecdsa(_), UsableKey::EcPublic(k)) => Usage::Ecdsa(k.curve()),
        _ => Usage::Ed25519,
    }
}

/// The Salt Length the parameters name for PSS with `hash`, if any.
fn pss_salt(
    params: &CryptographicParameters,
    hash: SignatureHash,
) -> Result<Option<PssSalt>, Error> {
    let Some(n) = params.salt_length else { return Ok(None) };
    if usize::try_from(n).ok() == Some(hash.hash().output_len()) {
        return Ok(Some(PssSalt::Digest));
    }
    u16::try_from(n)
        .map(|n| Some(PssSalt::Bytes(n)))
        .map_err(|_| Error::InvalidField(format!("Salt Length {n} is out of range")))
}

fn no_prehash() -> Error {
    Error::FeatureNotSupported("Digested Data with Ed25519 (pure EdDSA signs the message)".into())
}

pub(crate) async fn sign(ctx: &mut Ctx<'_>, request: SignRequest) -> Result<SignResponse, Error> {
    single_part(request.init_indicator, request.final_indicator, &request.correlation_value)?;
    let id = required_id(request.unique_identifier)?;
    let message = Message::new(request.data, request.digested_data)?;
    let used = usage::prepare(ctx, &id, KeyUse::Sign, message.len()).await?;
    let params = parameters(&used.object, request.cryptographic_parameters);
    let key = &used.key.key;
    let family = family(key)
        .ok_or_else(|| Error::InvalidField("Sign needs an asymmetric private key".into()))?;
    let kind = algorithms::signature(&params, family)?;
    usage::check_policy(ctx, key, &signature_usage(key, kind))?;
    let signature = match (key, kind, &message) {
        (UsableKey::RsaPrivate(k), SignatureKind::Rsa(RsaSignatureScheme::Pss(h)), m) => {
            let salt = pss_salt(&params, h)?.unwrap_or(PssSalt::Digest);
            let (bytes, prehashed) = match m {
                Message::Data(d) => (d.as_slice(), false),
                Message::Digest(d) => (d.as_slice(), true),
            };
            k.sign_pss(h, salt, bytes, prehashed)
        }
        (UsableKey::RsaPrivate(k), SignatureKind::Rsa(s), Message::Data(d)) => {
            k.sign(s, d.as_slice())
        }
        (UsableKey::RsaPrivate(k), SignatureKind::Rsa(s), Message::Digest(d)) => {
            k.sign_digest(s, d.as_slice())
        }
        (UsableKey::EcPrivate(k), _, Message::Data(d)) => {
            k.sign(d.as_slice(), SignatureFormat::Der)
        }
        (UsableKey::EcPrivate(k), _, Message::Digest(d)) => {
            k.sign_digest(d.as_slice(), SignatureFormat::Der)
        }
        (UsableKey::Ed25519Private(k), _, Message::Data(d)) => Ok(k.sign(d.as_slice())),
        (UsableKey::Ed25519Private(_), _, Message::Digest(_)) => return Err(no_prehash()),
        _ => {
            return Err(Error::InvalidField(
                "Sign needs a private key; verify with its public key".into(),
            ));
        }
    }
    .map_err(engine_error)?;
    Ok(SignResponse {
        unique_identifier: used.object.id,
        signature_data: Some(bytes(signature)),
        correlation_value: None,
    })
}

pub(crate) async fn signature_verify(
    ctx: &mut Ctx<'_>,
    request: SignatureVerifyRequest,
) -> Result<SignatureVerifyResponse, Error> {
    single_part(request.init_indicator, request.final_indicator, &request.correlation_value)?;
    let id = required_id(request.unique_identifier)?;
    let message = Message::new(request.data, request.digested_data)?;
    let signature = required_data(request.signature_data, "Signature Data")?;
    let used = usage::prepare(ctx, &id, KeyUse::Verify, message.len()).await?;
    let params = parameters(&used.object, request.cryptographic_parameters);
    let key = &used.key.key;
    let family = family(key)
        .ok_or_else(|| Error::InvalidField("Signature Verify needs an asymmetric key".into()))?;
    let kind = algorithms::signature(&params, family)?;
    usage::check_policy(ctx, key, &signature_usage(key, kind))?;
    let sig = signature.as_slice();
    let rsa = match key {
        UsableKey::RsaPublic(k) => Some(k),
        UsableKey::RsaPrivate(k) => Some(k.public_key()),
        _ => None,
    };
    let ec = match key {
        UsableKey::EcPublic(k) => Some(k),
        UsableKey::EcPrivate(k) => Some(k.public_key()),
        _ => None,
    };
    let ed = match key {
        UsableKey::Ed25519Public(k) => Some(k),
        UsableKey::Ed25519Private(k) => Some(k.public_key()),
        _ => None,
    };
    let outcome = match (kind, &message) {
        (SignatureKind::Rsa(RsaSignatureScheme::Pss(h)), m) => {
            let (bytes, prehashed) = match m {
                Message::Data(d) => (d.as_slice(), false),
                Message::Digest(d) => (d.as_slice(), true),
            };
            let salts = match pss_salt(&params, h)? {
                Some(salt) => vec![salt],
                None => vec![PssSalt::Digest, PssSalt::Max],
            };
            rsa.map(|k| {
                salts
                    .iter()
                    .map(|salt| k.verify_pss(h, *salt, bytes, prehashed, sig))
                    .find(Result::is_ok)
                    .unwrap_or(Err(CryptoError::InvalidSignature))
            })
        }
        (SignatureKind::Rsa(s), Message::Data(d)) => rsa.map(|k| k.verify(s, d.as_slice(), sig)),
        (SignatureKind::Rsa(s), Message::Digest(d)) => {
            rsa.map(|k| k.verify_digest(s, d.as_slice(), sig))
        }
        (SignatureKind::Ecdsa(_), Message::Data(d)) => {
            ec.map(|k| k.verify(d.as_slice(), sig, SignatureFormat::Der))
        }
        (SignatureKind::Ecdsa(_), Message::Digest(d)) => {
            ec.map(|k| k.verify_digest(d.as_slice(), sig, SignatureFormat::Der))
        }
        (SignatureKind::Ed25519, Message::Data(d)) => ed.map(|k| k.verify(d.as_slice(), sig)),
        (SignatureKind::Ed25519, Message::Digest(_)) => return Err(no_prehash()),
    }
    .ok_or_else(|| Error::Crypto("the key does not match the signature algorithm".into()))?;
    let validity = match outcome {
        Ok(()) => ValidityIndicator::Valid,
        Err(CryptoError::InvalidSignature) => ValidityIndicator::Invalid,
        Err(other) => return Err(engine_error(other)),
    };
    Ok(SignatureVerifyResponse {
        unique_identifier: used.object.id,
        validity_indicator: Some(validity),
        data: None,
        correlation_value: None,
    })
}

// ---------------------------------------------------------------------- MAC

fn mac_key(
    ctx: &Ctx<'_>,
    used: &usage::KeyInUse,
    request: Option<CryptographicParameters>,
) -> Result<MacKey, Error> {
    let params = parameters(&used.object, request);
    let UsableKey::Symmetric { material, algorithm } = &used.key.key else {
        return Err(Error::InvalidField("MAC needs a symmetric key".into()));
    };
    let from_params = params.cryptographic_algorithm.and_then(algorithms::mac);
    let cmac = params.block_cipher_mode == Some(BlockCipherMode::CMAC)
        && matches!(algorithm, None | Some(CryptographicAlgorithm::AES));
    let mac = from_params
        .or_else(|| algorithm.and_then(algorithms::mac))
        .or(cmac.then_some(keyward_crypto::mac::MacAlgorithm::CmacAes))
        .ok_or_else(|| {
            Error::InvalidField(
                "no MAC algorithm: give the key an HMAC algorithm, or Cryptographic Parameters \
                 with an HMAC Cryptographic Algorithm (or Block Cipher Mode CMAC for AES)"
                    .into(),
            )
        })?;
    usage::check_policy(ctx, &used.key.key, &Usage::Mac(mac))?;
    MacKey::new(mac, material).map_err(engine_error)
}

pub(crate) async fn mac(ctx: &mut Ctx<'_>, request: MacRequest) -> Result<MacResponse, Error> {
    single_part(request.init_indicator, request.final_indicator, &request.correlation_value)?;
    let id = required_id(request.unique_identifier)?;
    let data = required_data(request.data, "Data")?;
    let used = usage::prepare(ctx, &id, KeyUse::MacGenerate, data.as_slice().len()).await?;
    let key = mac_key(ctx, &used, request.cryptographic_parameters)?;
    let tag = key.sign(data.as_slice()).map_err(engine_error)?;
    Ok(MacResponse {
        unique_identifier: used.object.id,
        mac_data: Some(bytes(tag)),
        correlation_value: None,
    })
}

pub(crate) async fn mac_verify(
    ctx: &mut Ctx<'_>,
    request: MacVerifyRequest,
) -> Result<MacVerifyResponse, Error> {
    single_part(request.init_indicator, request.final_indicator, &request.correlation_value)?;
    let id = required_id(request.unique_identifier)?;
    let data = required_data(request.data, "Data")?;
    let tag = required_data(request.mac_data, "MAC Data")?;
    let used = usage::prepare(ctx, &id, KeyUse::MacVerify, data.as_slice().len()).await?;
    let key = mac_key(ctx, &used, request.cryptographic_parameters)?;
    // The engine compares in constant time.
    let validity = match key.verify(data.as_slice(), tag.as_slice()) {
        Ok(()) => ValidityIndicator::Valid,
        Err(CryptoError::InvalidMac) => ValidityIndicator::Invalid,
        Err(other) => return Err(engine_error(other)),
    };
    Ok(MacVerifyResponse {
        unique_identifier: used.object.id,
        validity_indicator: Some(validity),
        correlation_value: None,
    })
}

// ------------------------------------------------------------- Hash and RNG

pub(crate) fn hash(ctx: &Ctx<'_>, request: HashRequest) -> Result<HashResponse, Error> {
    single_part(request.init_indicator, request.final_indicator, &request.correlation_value)?;
    let algorithm = request.cryptographic_parameters.hashing_algorithm.ok_or_else(|| {
        Error::MissingData("the Hashing Algorithm of the Cryptographic Parameters".into())
    })?;
    let algorithm = algorithms::hash(algorithm)?;
    ctx.kms.config().algorithms.check_use(None, &Usage::Hash(algorithm))?;
    let data = required_data(request.data, "Data")?;
    Ok(HashResponse {
        data: Some(bytes(hash::digest(algorithm, data.as_slice()))),
        correlation_value: None,
    })
}

pub(crate) fn rng_retrieve(request: RngRetrieveRequest) -> Result<RngRetrieveResponse, Error> {
    let len = request.data_length;
    if !(1..=RNG_RETRIEVE_MAX).contains(&len) {
        return Err(Error::InvalidField(format!(
            "Data Length {len}: RNG Retrieve returns 1 to {RNG_RETRIEVE_MAX} bytes"
        )));
    }
    let random =
        rng::random_bytes(usize::try_from(len).unwrap_or_default()).map_err(engine_error)?;
    Ok(RngRetrieveResponse { data: Bytes(random) })
}

/// RNG Seed: the engine never mixes caller entropy into its generator (see
/// [`keyward_crypto::rng`]), so the answer is Success with Data Length 0,
/// as CS-RNG-O-3 expects of such a server.
pub(crate) fn rng_seed(request: RngSeedRequest) -> Result<RngSeedResponse, Error> {
    let used = rng::seed(request.data.as_slice()).accepted_len();
    Ok(RngSeedResponse { data_length: i32::try_from(used).unwrap_or(0) })
}
