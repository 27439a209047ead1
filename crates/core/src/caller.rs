//! Who is asking: the authenticated caller every operation carries.

use std::sync::Arc;

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
    identities: Vec<IdentityUrn>,
    /// The same URNs as text, rendered once and shared by every audit record
    /// of the caller.
    rendered: Arc<[String]>,
    /// The door the request came through.
    pub door: Door,
}

impl Caller {
    /// A caller of `domain` through `door` with these identities.
    pub fn new(domain: impl Into<String>, door: Door, identities: Vec<IdentityUrn>) -> Self {
        let rendered = identities.iter().map(IdentityUrn::to_string).collect();
        Self { domain: domain.into(), credential: None, identities, rendered, door }
    }

    /// The identity URNs the credential maps to.
    pub fn identities(&self) -> &[IdentityUrn] {
        &self.identities
    }

    /// The identity URNs as text, as audit records name them.
    pub fn identity_names(&self) -> &Arc<[String]> {
        &self.rendered
    }

    /// The same caller, holding credential `id`.
    pub fn with_credential(mut self, id: impl Into<String>) -> Self {
        self.credential = Some(id.into());
        self
    }
}
