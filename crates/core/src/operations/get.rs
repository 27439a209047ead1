//! Get (KMIP 1.4 §4.11): an object's material, as stored.

use keyward_kmip::attributes::AttributeValue;
use keyward_kmip::operations::{GetRequest, GetResponse};

use super::required_id;
use crate::Error;
use crate::kms::Ctx;

pub(crate) async fn get(ctx: &mut Ctx<'_>, request: GetRequest) -> Result<GetResponse, Error> {
    let id = required_id(request.unique_identifier)?;
    let object = ctx.load(&id, true).await?;
    if object.state.is_destroyed() {
        return Err(Error::KeyValueNotPresent(id));
    }
    if request.key_wrapping_specification.is_some() {
        return Err(Error::FeatureNotSupported("returning a key wrapped".into()));
    }
    let material = object.material.ok_or_else(|| Error::KeyValueNotPresent(id.clone()))?;
    if let Some(format) = request.key_format_type {
        let stored = material.key_block().map(|b| b.key_format_type);
        if stored.is_some_and(|f| f != format) {
            return Err(Error::KeyFormatNotSupported(format!(
                "{format:?} for this object (it is stored as {:?})",
                stored
            )));
        }
    }
    let sensitive =
        matches!(object.attributes.get("Sensitive"), Some(AttributeValue::Sensitive(true)));
    let extractable =
        !matches!(object.attributes.get("Extractable"), Some(AttributeValue::Extractable(false)));
    if material.key_block().is_some() && (sensitive || !extractable) {
        return Err(Error::NotExtractable(id));
    }
    Ok(GetResponse { unique_identifier: id, object: material })
}
