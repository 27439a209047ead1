//! Who is asking: the authenticated caller every operation carries.

use crate::iam::IdentityUrn;

/// The door a request came through; it names the IAM actions checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Door {
    /// KMIP over mutual TLS: actions `okms:kmip:<operation>`.
    Kmip,
    /// The REST data plane: actions `okms:apikms:<resource>/<verb>`.
    Rest,
    /// The operator's tools working on the store directly (`keyward admin`).
    Admin,
}

/// An authenticated caller, bound to one KMS domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The domain (okmsId) the caller's credential belongs to.
    pub domain: String,
    /// The access credential's id, if the caller presented one.
    pub credential: Option<String>,
    /// The identity URNs the credential maps to.
    pub identities: Vec<IdentityUrn>,
    /// The door the request came through.
    pub door: Door,
}

impl Caller {
    /// A caller of `domain` through `door` with these identities.
    pub fn new(domain: impl Into<String>, door: Door, identities: Vec<IdentityUrn>) -> Self {
        Self { domain: domain.into(), credential: None, identities, door }
    }

    /// The same caller, holding credential `id`.
    pub fn with_credential(mut self, id: impl Into<String>) -> Self {
        self.credential = Some(id.into());
        self
    }
}
