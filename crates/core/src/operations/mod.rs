//! The operations: one file per operation (or small family), one dispatch.
//!
//! Each operation is an `async fn run(ctx, request) -> Result<response>` that
//! loads what it needs through the context, decides, and queues its writes on
//! the context; [`crate::Kms::execute`] has already checked IAM and commits the
//! writes with the audit record.

pub(crate) mod archive;
mod attributes;
mod check;
mod create;
mod create_key_pair;
mod crypto;
mod derive;
mod get;
mod import_export;
mod lease;
mod lifecycle;
mod locate;
mod query;
mod register;
mod rekey;
mod split;
mod template;

use keyward_kmip::operations::{RequestPayload as Req, ResponsePayload as Resp};

use crate::Error;
use crate::kms::{BatchContext, Ctx};

/// Runs the operation of `request`.
///
/// Each operation's future is boxed: unboxed, this function's future is as
/// large as the largest operation's (several KiB), and every call — a Get
/// too — would copy that much as the future moves into place.
pub(crate) async fn run(ctx: &mut Ctx<'_>, request: Req) -> Result<Resp, Error> {
    Ok(match request {
        Req::Create(r) => Box::pin(create::create(ctx, r)).await?.into(),
        Req::Register(r) => Box::pin(register::register(ctx, r)).await?.into(),
        Req::Get(r) => Box::pin(get::get(ctx, r)).await?.into(),
        Req::GetAttributes(r) => Box::pin(attributes::get_attributes(ctx, r)).await?.into(),
        Req::GetAttributeList(r) => Box::pin(attributes::get_attribute_list(ctx, r)).await?.into(),
        Req::AddAttribute(r) => Box::pin(attributes::add_attribute(ctx, r)).await?.into(),
        Req::ModifyAttribute(r) => Box::pin(attributes::modify_attribute(ctx, r)).await?.into(),
        Req::DeleteAttribute(r) => Box::pin(attributes::delete_attribute(ctx, r)).await?.into(),
        Req::Activate(r) => Box::pin(lifecycle::activate(ctx, r)).await?.into(),
        Req::Revoke(r) => Box::pin(lifecycle::revoke(ctx, r)).await?.into(),
        Req::Destroy(r) => Box::pin(lifecycle::destroy(ctx, r)).await?.into(),
        Req::Locate(r) => Box::pin(locate::locate(ctx, r)).await?.into(),
        Req::Query(r) => query::query(ctx, r)?.into(),
        Req::CreateKeyPair(r) => Box::pin(create_key_pair::create_key_pair(ctx, r)).await?.into(),
        Req::ReKey(r) => Box::pin(rekey::rekey(ctx, r)).await?.into(),
        Req::ReKeyKeyPair(r) => Box::pin(rekey::rekey_key_pair(ctx, r)).await?.into(),
        Req::Archive(r) => Box::pin(archive::archive(ctx, r)).await?.into(),
        Req::Recover(r) => Box::pin(archive::recover(ctx, r)).await?.into(),
        Req::Check(r) => Box::pin(check::check(ctx, r)).await?.into(),
        Req::Export(r) => Box::pin(import_export::export(ctx, r)).await?.into(),
        Req::Import(r) => Box::pin(import_export::import(ctx, r)).await?.into(),
        Req::Encrypt(r) => Box::pin(crypto::encrypt(ctx, r)).await?.into(),
        Req::Decrypt(r) => Box::pin(crypto::decrypt(ctx, r)).await?.into(),
        Req::Sign(r) => Box::pin(crypto::sign(ctx, r)).await?.into(),
        Req::SignatureVerify(r) => Box::pin(crypto::signature_verify(ctx, r)).await?.into(),
        Req::Mac(r) => Box::pin(crypto::mac(ctx, r)).await?.into(),
        Req::MacVerify(r) => Box::pin(crypto::mac_verify(ctx, r)).await?.into(),
        Req::Hash(r) => crypto::hash(ctx, r)?.into(),
        Req::RngRetrieve(r) => crypto::rng_retrieve(r)?.into(),
        Req::RngSeed(r) => crypto::rng_seed(r)?.into(),
        Req::DeriveKey(r) => Box::pin(derive::derive_key(ctx, r)).await?.into(),
        Req::CreateSplitKey(r) => Box::pin(split::create_split_key(ctx, r)).await?.into(),
        Req::JoinSplitKey(r) => Box::pin(split::join_split_key(ctx, r)).await?.into(),
        Req::ObtainLease(r) => Box::pin(lease::obtain_lease(ctx, r)).await?.into(),
        Req::GetUsageAllocation(r) => Box::pin(lease::get_usage_allocation(ctx, r)).await?.into(),
        other => {
            return Err(Error::OperationNotSupported(format!(
                "{:?} is not supported by this server",
                other.operation()
            )));
        }
    })
}

/// Declares which request payloads name their object in an optional
/// `unique_identifier` (the others name none, or several).
macro_rules! with_unique_identifier {
    ($macro:ident) => {
        $macro!(
            Get,
            GetAttributes,
            GetAttributeList,
            AddAttribute,
            ModifyAttribute,
            DeleteAttribute,
            Activate,
            Revoke,
            Destroy,
            Archive,
            Recover,
            ObtainLease,
            GetUsageAllocation,
            Check,
            Certify,
            ReCertify,
            ReKey,
            Encrypt,
            Decrypt,
            Sign,
            SignatureVerify,
            Mac,
            MacVerify,
            Export
        )
    };
}

/// Fills in a missing Unique Identifier from the ID Placeholder (KMIP 1.4 §6.15).
pub(crate) fn resolve_placeholder(request: &mut Req, batch: &BatchContext) -> Result<(), Error> {
    macro_rules! fill {
        ($($variant:ident),*) => {
            match request {
                $( Req::$variant(r) => fill_one(&mut r.unique_identifier, batch), )*
                Req::ReKeyKeyPair(r) => fill_one(&mut r.private_key_unique_identifier, batch),
                // Without an identifier (and no placeholder), Create Split Key makes a new key.
                Req::CreateSplitKey(r) => {
                    if r.unique_identifier.is_none() {
                        r.unique_identifier = batch.id_placeholder.clone();
                    }
                    Ok(())
                }
                _ => Ok(()),
            }
        };
    }
    with_unique_identifier!(fill)
}

fn fill_one(id: &mut Option<String>, batch: &BatchContext) -> Result<(), Error> {
    if id.is_none() {
        *id = Some(batch.id_placeholder.clone().ok_or_else(|| {
            Error::MissingData(
                "no Unique Identifier given and no earlier batch item to take it from".into(),
            )
        })?);
    }
    Ok(())
}

/// The object a request is about, once its placeholder is resolved.
pub(crate) fn target(request: &Req) -> Option<&str> {
    macro_rules! pick {
        ($($variant:ident),*) => {
            match request {
                $( Req::$variant(r) => r.unique_identifier.as_deref(), )*
                Req::ReKeyKeyPair(r) => r.private_key_unique_identifier.as_deref(),
                Req::CreateSplitKey(r) => r.unique_identifier.as_deref(),
                _ => None,
            }
        };
    }
    with_unique_identifier!(pick)
}

/// The Unique Identifier a response carries, which becomes the next ID Placeholder.
pub(crate) fn response_id(response: &Resp) -> Option<String> {
    let id = match response {
        Resp::Create(r) => &r.unique_identifier,
        Resp::Register(r) => &r.unique_identifier,
        Resp::Get(r) => &r.unique_identifier,
        Resp::GetAttributes(r) => &r.unique_identifier,
        Resp::GetAttributeList(r) => &r.unique_identifier,
        Resp::AddAttribute(r) => &r.unique_identifier,
        Resp::ModifyAttribute(r) => &r.unique_identifier,
        Resp::DeleteAttribute(r) => &r.unique_identifier,
        Resp::Activate(r) => &r.unique_identifier,
        Resp::Revoke(r) => &r.unique_identifier,
        Resp::Destroy(r) => &r.unique_identifier,
        Resp::Archive(r) => &r.unique_identifier,
        Resp::Recover(r) => &r.unique_identifier,
        Resp::ReKey(r) => &r.unique_identifier,
        Resp::DeriveKey(r) => &r.unique_identifier,
        Resp::JoinSplitKey(r) => &r.unique_identifier,
        Resp::CreateKeyPair(r) => &r.private_key_unique_identifier,
        Resp::ReKeyKeyPair(r) => &r.private_key_unique_identifier,
        Resp::Check(r) => &r.unique_identifier,
        Resp::Export(r) => &r.unique_identifier,
        Resp::Import(r) => &r.unique_identifier,
        Resp::Locate(r) if r.unique_identifiers.len() == 1 => &r.unique_identifiers[0],
        _ => return None,
    };
    Some(id.clone())
}

/// The Unique Identifier of a request whose placeholder was resolved.
pub(crate) fn required_id(id: Option<String>) -> Result<String, Error> {
    id.ok_or_else(|| Error::MissingData("Unique Identifier".into()))
}
