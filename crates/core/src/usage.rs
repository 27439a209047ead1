//! The one place deciding whether a key may be used, and for how much.
//!
//! Every cryptographic operation (Encrypt, Decrypt, Sign, Signature Verify,
//! MAC, MAC Verify, Derive Key, …) asks [`prepare`] for its key, which in
//! this order:
//!
//! 1. reads the object's attributes (never cached);
//! 2. checks the **lifecycle**: the state (settled to now by its dates) must
//!    allow the use's [`Purpose`] — protecting needs Active, processing
//!    Active, Deactivated or Compromised — and the Process Start / Protect
//!    Stop dates must allow it ([`crate::lifecycle::LifecycleState::check_use`];
//!    CS-BC-M-14 and CS-AC-M-8 expect Permission Denied);
//! 3. checks the **Cryptographic Usage Mask**: the bit of the use must be
//!    set. A key without a mask may not be used at all (secure by default;
//!    give keys a mask when creating or registering them);
//! 4. checks and consumes the **Usage Limits** of uses that protect data
//!    (KMIP 1.4 §3.21): a Byte limit counts the bytes of input, an Object
//!    limit counts operations; the remaining count is written back with the
//!    operation (compare-and-swap on the object's version, so concurrent uses
//!    never overspend), and an operation that would exceed it is refused with
//!    Permission Denied (CS-BC-M-7). A limit without a count starts at its
//!    total. A failed operation commits nothing, so it consumes nothing;
//! 5. hands back the parsed key from the [`crate::key_cache`].
//!
//! The algorithm policy is checked by [`check_policy`] once the operation
//! knows the mode or scheme it will use.
//!
//! **Leases** (Obtain Lease, KMIP 1.4 §4.17) concern clients that hold a key
//! and use it themselves: the server tells them for how long they may. The
//! server's own uses of a key are governed by the rules above, not by a
//! lease. Obtain Lease is refused when the object could not be used to
//! protect data now (not Active, or past its Protect Stop Date); the Lease
//! Time is the object's Lease Time attribute, set to [`DEFAULT_LEASE_SECONDS`]
//! on first request when absent. Get Usage Allocation (§4.18) reserves part
//! of an Object-unit Usage Limits count for a client in the same way.

use std::sync::Arc;

use keyward_crypto::policy::{KeySpec, Usage};
use keyward_kmip::attributes::{AttributeValue, UsageLimits};
use keyward_kmip::enums::{CryptographicUsageMask, UsageLimitsUnit};
use keyward_store::MaterialChange;

use crate::Error;
use crate::algorithms;
use crate::key_cache::CachedKey;
use crate::keys::{self, UsableKey};
use crate::kms::Ctx;
use crate::lifecycle::Purpose;
use crate::object::ManagedObject;

/// The Lease Time granted when an object has none, in seconds.
pub const DEFAULT_LEASE_SECONDS: u32 = 3600;

/// What an operation does with a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyUse {
    /// Encrypt.
    Encrypt,
    /// Decrypt.
    Decrypt,
    /// Sign.
    Sign,
    /// Signature Verify.
    Verify,
    /// MAC.
    MacGenerate,
    /// MAC Verify.
    MacVerify,
    /// Wrap another key.
    WrapKey,
    /// Unwrap a key.
    UnwrapKey,
    /// Derive Key from this base object.
    DeriveKey,
}

impl KeyUse {
    /// The Cryptographic Usage Mask bit the use needs.
    pub fn mask_bit(self) -> CryptographicUsageMask {
        match self {
            Self::Encrypt => CryptographicUsageMask::ENCRYPT,
            Self::Decrypt => CryptographicUsageMask::DECRYPT,
            Self::Sign => CryptographicUsageMask::SIGN,
            Self::Verify => CryptographicUsageMask::VERIFY,
            Self::MacGenerate => CryptographicUsageMask::MAC_GENERATE,
            Self::MacVerify => CryptographicUsageMask::MAC_VERIFY,
            Self::WrapKey => CryptographicUsageMask::WRAP_KEY,
            Self::UnwrapKey => CryptographicUsageMask::UNWRAP_KEY,
            Self::DeriveKey => CryptographicUsageMask::DERIVE_KEY,
        }
    }

    /// Whether the use protects data or processes protected data.
    pub fn purpose(self) -> Purpose {
        match self {
            Self::Encrypt | Self::Sign | Self::MacGenerate | Self::WrapKey | Self::DeriveKey => {
                Purpose::Protect
            }
            Self::Decrypt | Self::Verify | Self::MacVerify | Self::UnwrapKey => Purpose::Process,
        }
    }

    /// The name of the mask bit, as KMIP spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Encrypt => "Encrypt",
            Self::Decrypt => "Decrypt",
            Self::Sign => "Sign",
            Self::Verify => "Verify",
            Self::MacGenerate => "MAC Generate",
            Self::MacVerify => "MAC Verify",
            Self::WrapKey => "Wrap Key",
            Self::UnwrapKey => "Unwrap Key",
            Self::DeriveKey => "Derive Key",
        }
    }
}

/// Checks the state and dates of `object` for a use with `purpose` at `now`.
pub fn check_lifecycle(object: &ManagedObject, purpose: Purpose, now: i64) -> Result<(), Error> {
    object.state_at(now).check_use(purpose, &object.dates(), now).map_err(Error::from)
}

/// Checks that the object's Cryptographic Usage Mask allows `use_`.
pub fn check_mask(object: &ManagedObject, use_: KeyUse) -> Result<(), Error> {
    match object.attributes.get("Cryptographic Usage Mask") {
        Some(AttributeValue::CryptographicUsageMask(mask)) => {
            if mask.0 & use_.mask_bit().0 == 0 {
                return Err(Error::Denied(format!(
                    "the Cryptographic Usage Mask of {} does not allow {} (bit 0x{:X} is not set)",
                    object.id,
                    use_.name(),
                    use_.mask_bit().0
                )));
            }
            Ok(())
        }
        _ => Err(Error::Denied(format!(
            "{} has no Cryptographic Usage Mask, so it may not be used to {}",
            object.id,
            use_.name()
        ))),
    }
}

/// The Usage Limits of the object, if any, with the count filled in.
pub fn usage_limits(object: &ManagedObject) -> Option<UsageLimits> {
    match object.attributes.get("Usage Limits") {
        Some(AttributeValue::UsageLimits(limits)) => {
            let mut limits = limits.clone();
            limits.count = Some(limits.count.unwrap_or(limits.total));
            Some(limits)
        }
        _ => None,
    }
}

/// Spends `bytes` (Byte unit) or one operation (Object unit) from `limits`;
/// the limits after the use, or the refusal.
pub fn consume(limits: &UsageLimits, bytes: usize) -> Result<UsageLimits, Error> {
    let amount = match limits.unit {
        UsageLimitsUnit::Byte => i64::try_from(bytes).unwrap_or(i64::MAX),
        UsageLimitsUnit::Object => 1,
        UsageLimitsUnit::Extension(v) => {
            return Err(Error::Denied(format!(
                "the object's Usage Limits use unit 0x{v:08X}, which this server cannot count"
            )));
        }
    };
    spend(limits, amount)
}

fn spend(limits: &UsageLimits, amount: i64) -> Result<UsageLimits, Error> {
    let left = limits.count.unwrap_or(limits.total);
    if amount > left {
        let unit = match limits.unit {
            UsageLimitsUnit::Byte => "bytes",
            _ => "uses",
        };
        return Err(Error::Denied(format!(
            "the object's Usage Limits are exhausted: {left} {unit} left of {}, {amount} asked",
            limits.total
        )));
    }
    Ok(UsageLimits { total: limits.total, count: Some(left - amount), unit: limits.unit })
}

/// The whole decision for `use_` of `object` over `bytes` of input at `now`:
/// lifecycle, mask, then limits. Returns the Usage Limits to write back when
/// the use consumed some.
pub fn check(
    object: &ManagedObject,
    use_: KeyUse,
    bytes: usize,
    now: i64,
) -> Result<Option<UsageLimits>, Error> {
    check_lifecycle(object, use_.purpose(), now)?;
    check_mask(object, use_)?;
    if use_.purpose() != Purpose::Protect {
        return Ok(None);
    }
    usage_limits(object).map(|limits| consume(&limits, bytes)).transpose()
}

/// A key authorised for one use, with its parsed form.
#[derive(Debug)]
pub(crate) struct KeyInUse {
    /// The object, attributes as read (and Usage Limits as spent).
    pub object: ManagedObject,
    /// The parsed key.
    pub key: Arc<CachedKey>,
}

/// Loads object `id`, authorises `use_` over `bytes` of input (queuing the
/// Usage Limits write-back on the context), and returns its parsed key from
/// the cache (parsing it on a miss).
pub(crate) async fn prepare(
    ctx: &mut Ctx<'_>,
    id: &str,
    use_: KeyUse,
    bytes: usize,
) -> Result<KeyInUse, Error> {
    let mut object = ctx.load(id, false).await?;
    if let Some(limits) = check(&object, use_, bytes, ctx.now)? {
        object.attributes.set(AttributeValue::UsageLimits(limits));
        ctx.update(&object, MaterialChange::Keep);
    }
    let key = parsed_key(ctx, &object).await?;
    Ok(KeyInUse { object, key })
}

/// The parsed key of an object already loaded (and authorised) without its material.
pub(crate) async fn parsed_key(
    ctx: &mut Ctx<'_>,
    object: &ManagedObject,
) -> Result<Arc<CachedKey>, Error> {
    let cache = ctx.kms.key_cache();
    if let Some(key) = cache.get(&ctx.domain.id, &object.id, object.version) {
        return Ok(key);
    }
    if !object.has_material {
        return Err(Error::KeyValueNotPresent(object.id.clone()));
    }
    let loaded = ctx.load(&object.id, true).await?;
    let material =
        loaded.material.as_ref().ok_or_else(|| Error::KeyValueNotPresent(object.id.clone()))?;
    let parsed = CachedKey::new(keys::usable_key(material)?);
    Ok(ctx.kms.key_cache().insert(&ctx.domain.id, &loaded.id, loaded.version, parsed))
}

/// The algorithm policy's view of a parsed key (`None` for bytes of no
/// known algorithm, e.g. Secret Data).
pub fn key_spec(key: &UsableKey) -> Result<Option<KeySpec>, Error> {
    Ok(Some(match key {
        UsableKey::Symmetric { material, algorithm } => match algorithm {
            Some(a) => KeySpec::Symmetric {
                algorithm: algorithms::symmetric(*a)?,
                bits: material.len() * 8,
            },
            None => return Ok(None),
        },
        UsableKey::RsaPrivate(k) => KeySpec::Rsa { bits: k.bits() },
        UsableKey::RsaPublic(k) => KeySpec::Rsa { bits: k.bits() },
        UsableKey::EcPrivate(k) => KeySpec::Ec(k.curve()),
        UsableKey::EcPublic(k) => KeySpec::Ec(k.curve()),
        UsableKey::Ed25519Private(_) | UsableKey::Ed25519Public(_) => KeySpec::Ed25519,
    }))
}

/// Checks the configured algorithm policy for `usage` with `key`.
pub(crate) fn check_policy(ctx: &Ctx<'_>, key: &UsableKey, usage: &Usage) -> Result<(), Error> {
    let spec = key_spec(key)?;
    ctx.kms.config().algorithms.check_use(spec.as_ref(), usage)?;
    Ok(())
}

/// The Lease Time of an object, after checking it may be leased now.
/// Returns the lease and whether the object needs its Lease Time attribute set.
pub fn lease(object: &ManagedObject, now: i64) -> Result<(u32, bool), Error> {
    check_lifecycle(object, Purpose::Protect, now)?;
    match object.attributes.get("Lease Time") {
        Some(AttributeValue::LeaseTime(t)) => Ok((t.0, false)),
        _ => Ok((DEFAULT_LEASE_SECONDS, true)),
    }
}

/// Reserves `count` uses of an object for a client (Get Usage Allocation):
/// the Usage Limits after the reservation.
pub fn allocate(object: &ManagedObject, count: i64, now: i64) -> Result<UsageLimits, Error> {
    if count <= 0 {
        return Err(Error::InvalidField(format!(
            "Usage Limits Count must be positive, not {count}"
        )));
    }
    check_lifecycle(object, Purpose::Protect, now)?;
    let limits = usage_limits(object).ok_or_else(|| {
        Error::Denied(format!("{} has no Usage Limits to allocate from", object.id))
    })?;
    if limits.unit != UsageLimitsUnit::Object {
        return Err(Error::InvalidField(
            "Get Usage Allocation applies to Usage Limits counted in Objects".into(),
        ));
    }
    spend(&limits, count)
}

#[cfg(test)]
mod tests {
    use keyward_kmip::DateTime;
    use keyward_kmip::enums::ObjectType;

    use super::*;
    use crate::attributes::Attributes;
    use crate::lifecycle::LifecycleState;

    fn object(mask: Option<u32>, limits: Option<UsageLimits>) -> ManagedObject {
        let mut attributes = Attributes::default();
        if let Some(m) = mask {
            attributes.set(AttributeValue::CryptographicUsageMask(CryptographicUsageMask(m)));
        }
        if let Some(l) = limits {
            attributes.set(AttributeValue::UsageLimits(l));
        }
        ManagedObject {
            id: "k".into(),
            object_type: ObjectType::SymmetricKey,
            state: LifecycleState::Active,
            attributes,
            material: None,
            has_material: true,
            version: 1,
        }
    }

    const ENC_DEC: u32 = 4 | 8;

    #[test]
    fn the_mask_bit_of_the_use_must_be_set() {
        let o = object(Some(ENC_DEC), None);
        assert!(check(&o, KeyUse::Encrypt, 1, 0).unwrap().is_none());
        assert!(check(&o, KeyUse::Decrypt, 1, 0).is_ok());
        let err = check(&o, KeyUse::Sign, 1, 0).unwrap_err();
        assert!(err.to_string().contains("does not allow Sign"), "{err}");
        assert!(matches!(check(&object(None, None), KeyUse::Encrypt, 1, 0), Err(Error::Denied(_))));
    }

    #[test]
    fn byte_limits_count_input_and_only_protecting_uses_spend() {
        let limits = UsageLimits { total: 16, count: None, unit: UsageLimitsUnit::Byte };
        let mut o = object(Some(ENC_DEC), Some(limits));
        let after = check(&o, KeyUse::Encrypt, 16, 0).unwrap().unwrap();
        assert_eq!(after.count, Some(0));
        o.attributes.set(AttributeValue::UsageLimits(after));
        assert!(matches!(check(&o, KeyUse::Encrypt, 16, 0), Err(Error::Denied(_))));
        assert!(matches!(check(&o, KeyUse::Encrypt, 1, 0), Err(Error::Denied(_))));
        assert!(check(&o, KeyUse::Decrypt, 1000, 0).unwrap().is_none());
    }

    #[test]
    fn object_limits_count_operations_and_allocations() {
        let limits = UsageLimits { total: 3, count: None, unit: UsageLimitsUnit::Object };
        let o = object(Some(ENC_DEC), Some(limits));
        assert_eq!(check(&o, KeyUse::Encrypt, 1 << 20, 0).unwrap().unwrap().count, Some(2));
        assert_eq!(allocate(&o, 3, 0).unwrap().count, Some(0));
        assert!(matches!(allocate(&o, 4, 0), Err(Error::Denied(_))));
        assert!(matches!(allocate(&o, 0, 0), Err(Error::InvalidField(_))));
    }

    #[test]
    fn dates_gate_uses() {
        let mut o = object(Some(ENC_DEC), None);
        o.attributes.set(AttributeValue::ProtectStopDate(DateTime(100)));
        o.attributes.set(AttributeValue::ProcessStartDate(DateTime(200)));
        assert!(check(&o, KeyUse::Encrypt, 1, 99).is_ok());
        assert_eq!(
            check(&o, KeyUse::Encrypt, 1, 100).unwrap_err().reason(),
            keyward_kmip::enums::ResultReason::PermissionDenied
        );
        assert!(check(&o, KeyUse::Decrypt, 1, 199).is_err());
        assert!(check(&o, KeyUse::Decrypt, 1, 200).is_ok());
        assert!(lease(&o, 100).is_err());
        assert_eq!(lease(&o, 50).unwrap(), (DEFAULT_LEASE_SECONDS, true));
    }
}
