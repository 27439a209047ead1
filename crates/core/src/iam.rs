//! Identity and access management: identity URNs, policies, and the one
//! decision every operation passes through before anything happens.
//!
//! Identities are OVHcloud-style URNs (`urn:v1:eu:identity:account:xx1111-ovh`,
//! `…:user:xx1111-ovh/john.smith`, `…:group:xx1111-ovh/my_group`). A policy
//! grants or denies actions (`okms:kmip:get`, `okms:apikms:serviceKey/encrypt`,
//! with `*` wildcards) on resources (`urn:v1:eu:resource:okms:<domain>/…`) to
//! identities. The decision is deny by default; an explicit deny wins over any
//! allow; the owning account's root identity is not bound by policies.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Longest URN accepted, in bytes.
pub const MAX_URN_LEN: usize = 512;

/// The kind of an identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IdentityKind {
    /// The account itself: its root identity.
    Account,
    /// A user of the account.
    User,
    /// A group of the account.
    Group,
}

/// A parsed identity URN.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdentityUrn {
    /// The region group (`eu`, `ca`, `us`, …).
    pub region: String,
    /// Account, user or group.
    pub kind: IdentityKind,
    /// The account name (NIC handle), e.g. `xx1111-ovh`.
    pub account: String,
    /// The user login or group name; `None` for an account.
    pub name: Option<String>,
}

/// Why a URN does not parse.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum UrnError {
    /// The text is not of the form `urn:v1:<region>:identity:<kind>:<account>[/<name>]`.
    #[error(
        "{0:?} is not an identity URN; expected urn:v1:<region>:identity:account:<account>, \
         …:user:<account>/<login> or …:group:<account>/<group>"
    )]
    Malformed(String),
    /// The text is longer than [`MAX_URN_LEN`].
    #[error("identity URN longer than {MAX_URN_LEN} bytes")]
    TooLong,
}

fn valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@' | b'+'))
}

impl FromStr for IdentityUrn {
    type Err = UrnError;

    fn from_str(text: &str) -> Result<Self, UrnError> {
        if text.len() > MAX_URN_LEN {
            return Err(UrnError::TooLong);
        }
        let malformed = || UrnError::Malformed(text.to_owned());
        let parts: Vec<&str> = text.split(':').collect();
        let [urn, v1, region, identity, kind, rest] = parts[..] else {
            return Err(malformed());
        };
        if urn != "urn" || v1 != "v1" || identity != "identity" || !valid_segment(region) {
            return Err(malformed());
        }
        let kind = match kind {
            "account" => IdentityKind::Account,
            "user" => IdentityKind::User,
            "group" => IdentityKind::Group,
            _ => return Err(malformed()),
        };
        let (account, name) = match rest.split_once('/') {
            Some((account, name)) => (account, Some(name)),
            None => (rest, None),
        };
        let name_ok = match (kind, name) {
            (IdentityKind::Account, None) => true,
            (IdentityKind::User | IdentityKind::Group, Some(n)) => valid_segment(n),
            _ => false,
        };
        if !valid_segment(account) || !name_ok {
            return Err(malformed());
        }
        Ok(Self {
            region: region.to_owned(),
            kind,
            account: account.to_owned(),
            name: name.map(str::to_owned),
        })
    }
}

impl fmt::Display for IdentityUrn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            IdentityKind::Account => "account",
            IdentityKind::User => "user",
            IdentityKind::Group => "group",
        };
        write!(f, "urn:v1:{}:identity:{kind}:{}", self.region, self.account)?;
        if let Some(name) = &self.name {
            write!(f, "/{name}")?;
        }
        Ok(())
    }
}

impl IdentityUrn {
    /// The root identity of an account.
    pub fn account_root(region: &str, account: &str) -> Self {
        Self {
            region: region.to_owned(),
            kind: IdentityKind::Account,
            account: account.to_owned(),
            name: None,
        }
    }

    /// True when this is the root identity of `account`.
    pub fn is_root_of(&self, account: &str) -> bool {
        self.kind == IdentityKind::Account && self.account == account
    }
}

/// The resource URN of a KMS domain: `urn:v1:<region>:resource:okms:<domain id>`.
pub fn domain_resource(region: &str, domain_id: &str) -> String {
    format!("urn:v1:{region}:resource:okms:{domain_id}")
}

/// The resource URN of a KMIP object of a domain.
pub fn kmip_object_resource(region: &str, domain_id: &str, object_id: &str) -> String {
    format!("{}/kmip/{object_id}", domain_resource(region, domain_id))
}

/// The resource URN of a REST service key of a domain.
pub fn service_key_resource(region: &str, domain_id: &str, key_id: &str) -> String {
    format!("{}/serviceKey/{key_id}", domain_resource(region, domain_id))
}

/// An IAM policy: who (identities) may or may not do what (actions) on which
/// resources. Action and resource patterns may contain `*`, matching any run
/// of characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// The policy's id.
    pub id: String,
    /// A name for people.
    pub name: String,
    /// Identity URNs the policy applies to (exact URNs).
    pub identities: Vec<String>,
    /// Resource URN patterns the policy applies to.
    pub resources: Vec<String>,
    /// Action patterns granted.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Action patterns removed from `allow` (not granted, but not denied either).
    #[serde(default)]
    pub except: Vec<String>,
    /// Action patterns explicitly denied, whatever other policies allow.
    #[serde(default)]
    pub deny: Vec<String>,
}

/// The outcome of an authorisation, with what decided it (for the audit log).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// The caller is the owning account's root identity.
    AllowedAsRoot,
    /// Allowed by this policy.
    AllowedBy(String),
    /// Denied explicitly by this policy.
    DeniedBy(String),
    /// No policy allows it (deny by default).
    NotAllowed,
}

impl Decision {
    /// True when the action may go ahead.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::AllowedAsRoot | Decision::AllowedBy(_))
    }
}

/// Matches `text` against `pattern`, where `*` matches any run of characters
/// (including none). Iterative, linear in practice, no recursion.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            backtrack = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((star, matched)) = backtrack {
            pi = star + 1;
            ti = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == b'*')
}

/// Decides whether callers with `identities`, in a domain owned by
/// `owner_account`, may perform `action` on `resource`.
pub fn authorize(
    identities: &[IdentityUrn],
    owner_account: &str,
    policies: &[Policy],
    action: &str,
    resource: &str,
) -> Decision {
    if identities.iter().any(|i| i.is_root_of(owner_account)) {
        return Decision::AllowedAsRoot;
    }
    let names: Vec<String> = identities.iter().map(ToString::to_string).collect();
    let applicable = policies.iter().filter(|p| {
        p.identities.iter().any(|i| names.contains(i))
            && p.resources.iter().any(|r| glob_match(r, resource))
    });
    let mut allowed_by = None;
    for policy in applicable {
        if policy.deny.iter().any(|a| glob_match(a, action)) {
            return Decision::DeniedBy(policy.id.clone());
        }
        if allowed_by.is_none()
            && policy.allow.iter().any(|a| glob_match(a, action))
            && !policy.except.iter().any(|a| glob_match(a, action))
        {
            allowed_by = Some(policy.id.clone());
        }
    }
    allowed_by.map_or(Decision::NotAllowed, Decision::AllowedBy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urn(s: &str) -> IdentityUrn {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_identity_urns() {
        for text in [
            "urn:v1:eu:identity:account:xx1111-ovh",
            "urn:v1:eu:identity:user:xx1111-ovh/john.smith",
            "urn:v1:ca:identity:group:xx1111-ovh/my_group",
        ] {
            assert_eq!(urn(text).to_string(), text);
        }
        let user = urn("urn:v1:eu:identity:user:xx1111-ovh/john.smith");
        assert_eq!(user.kind, IdentityKind::User);
        assert_eq!(user.name.as_deref(), Some("john.smith"));
    }

    #[test]
    fn rejects_malformed_urns() {
        for bad in [
            "",
            "urn:v1:eu:identity:account:",
            "urn:v1:eu:identity:user:xx1111-ovh",
            "urn:v1:eu:identity:account:xx1111-ovh/extra",
            "urn:v2:eu:identity:account:xx",
            "urn:v1:eu:resource:okms:abc",
            "urn:v1:eu:identity:robot:xx",
            "urn:v1:eu:identity:user:xx/a b",
            "urn:v1:eu:identity:user:xx/a:b",
        ] {
            assert!(bad.parse::<IdentityUrn>().is_err(), "{bad:?} parsed");
        }
        let long = format!("urn:v1:eu:identity:account:{}", "a".repeat(600));
        assert_eq!(long.parse::<IdentityUrn>(), Err(UrnError::TooLong));
    }

    #[test]
    fn globs() {
        assert!(glob_match("okms:kmip:*", "okms:kmip:get"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXbYY"));
        assert!(glob_match("okms:kmip:get", "okms:kmip:get"));
        assert!(!glob_match("okms:kmip:get", "okms:kmip:getAttributes"));
    }

    fn policy(id: &str, allow: &[&str], except: &[&str], deny: &[&str]) -> Policy {
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect();
        Policy {
            id: id.into(),
            name: id.into(),
            identities: vec!["urn:v1:eu:identity:user:acme/alice".into()],
            resources: vec!["urn:v1:eu:resource:okms:d1*".into()],
            allow: v(allow),
            except: v(except),
            deny: v(deny),
        }
    }

    #[test]
    fn deny_by_default_root_bypass_and_explicit_deny_wins() {
        let alice = [urn("urn:v1:eu:identity:user:acme/alice")];
        let root = [urn("urn:v1:eu:identity:account:acme")];
        let obj = "urn:v1:eu:resource:okms:d1/kmip/k1";
        assert_eq!(authorize(&alice, "acme", &[], "okms:kmip:get", obj), Decision::NotAllowed);
        assert_eq!(authorize(&root, "acme", &[], "okms:kmip:get", obj), Decision::AllowedAsRoot);
        let other_root = [urn("urn:v1:eu:identity:account:other")];
        assert!(!authorize(&other_root, "acme", &[], "okms:kmip:get", obj).is_allowed());

        let policies = [
            policy("p1", &["okms:kmip:*"], &["okms:kmip:destroy"], &[]),
            policy("p2", &[], &[], &["okms:kmip:revoke"]),
        ];
        assert_eq!(
            authorize(&alice, "acme", &policies, "okms:kmip:get", obj),
            Decision::AllowedBy("p1".into())
        );
        assert_eq!(
            authorize(&alice, "acme", &policies, "okms:kmip:destroy", obj),
            Decision::NotAllowed
        );
        assert_eq!(
            authorize(&alice, "acme", &policies, "okms:kmip:revoke", obj),
            Decision::DeniedBy("p2".into())
        );
        let elsewhere = "urn:v1:eu:resource:okms:other/kmip/k1";
        assert_eq!(
            authorize(&alice, "acme", &policies, "okms:kmip:get", elsewhere),
            Decision::NotAllowed
        );
    }
}
