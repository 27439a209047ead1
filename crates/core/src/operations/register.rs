//! Register (KMIP 1.4 §4.3): an object supplied by the client.

use keyward_kmip::attributes::{Attribute, AttributeValue};
use keyward_kmip::enums::ObjectType;
use keyward_kmip::operations::{RegisterRequest, RegisterResponse};

use super::template::{attach_material, new_object};
use crate::Error;
use crate::kms::Ctx;

pub(crate) async fn register(
    ctx: &mut Ctx<'_>,
    request: RegisterRequest,
) -> Result<RegisterResponse, Error> {
    let object_type = request.object_type();
    if object_type == ObjectType::Template {
        return Err(Error::FeatureNotSupported(
            "Template objects (deprecated since KMIP 1.3) are not supported".into(),
        ));
    }
    let mut object = new_object(ctx, object_type, [request.template_attribute])?;
    if let Some(block) = request.object.key_block() {
        // The key block's algorithm and length describe the key: they become
        // its attributes unless the client gave them.
        if let Some(algorithm) = block.cryptographic_algorithm
            && object.attributes.get("Cryptographic Algorithm").is_none()
        {
            object
                .attributes
                .push(Attribute::new(AttributeValue::CryptographicAlgorithm(algorithm)));
        }
        if let Some(length) = block.cryptographic_length
            && object.attributes.get("Cryptographic Length").is_none()
        {
            object.attributes.push(Attribute::new(AttributeValue::CryptographicLength(length)));
        }
    }
    attach_material(&mut object, request.object, false);
    ctx.insert(&object);
    Ok(RegisterResponse { unique_identifier: object.id, template_attribute: None })
}
