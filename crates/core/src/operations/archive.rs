//! Archive and Recover (KMIP 1.4 §4.22, §4.23).
//!
//! Keyward keeps archived objects where they are; "archival storage" is a
//! status. Archive sets the Archive Date and the server attribute
//! [`ARCHIVED`] (a Boolean, indexed, so that Locate's Storage Status Mask can
//! select archived or on-line objects from the index); Recover removes both.
//! While archived, an object answers Object Archived to Get, Export and any
//! use of its key ([`is_archived`] is the one test); its attributes stay
//! readable.

use keyward_kmip::DateTime;
use keyward_kmip::attributes::{Attribute, AttributeValue};
use keyward_kmip::operations::{ArchiveRequest, ArchiveResponse, RecoverRequest, RecoverResponse};
use keyward_store::MaterialChange;
use keyward_ttlv::Value;

use super::required_id;
use crate::Error;
use crate::kms::Ctx;
use crate::object::{ManagedObject, index_value};

/// The server attribute marking an archived object (value: Boolean true).
pub(crate) const ARCHIVED: &str = "y-keyward-archived";

/// True if the object is in archival storage. Every use of an object's key
/// material (Get, Export, wrapping, cryptographic operations) refuses an
/// archived object with [`Error::Archived`].
pub(crate) fn is_archived(object: &ManagedObject) -> bool {
    object.attributes.all(ARCHIVED).next().is_some()
}

/// The Locate filter (name, index value) selecting archived objects.
pub(crate) fn archived_filter() -> (String, String) {
    (ARCHIVED.to_owned(), index_value(&AttributeValue::Custom(Value::Boolean(true))))
}

pub(crate) async fn archive(
    ctx: &mut Ctx<'_>,
    request: ArchiveRequest,
) -> Result<ArchiveResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let mut object = ctx.load(&id, false).await?;
    if !is_archived(&object) {
        let now = DateTime(ctx.now);
        object.attributes.set(AttributeValue::ArchiveDate(now));
        object.attributes.push(Attribute::custom(ARCHIVED, Value::Boolean(true)));
        ctx.record_change(&mut object, MaterialChange::Keep);
    }
    Ok(ArchiveResponse::new(id))
}

pub(crate) async fn recover(
    ctx: &mut Ctx<'_>,
    request: RecoverRequest,
) -> Result<RecoverResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let mut object = ctx.load(&id, false).await?;
    if is_archived(&object) {
        object.attributes.remove_all(ARCHIVED);
        object.attributes.remove_all("Archive Date");
        ctx.record_change(&mut object, MaterialChange::Keep);
    }
    Ok(RecoverResponse::new(id))
}
