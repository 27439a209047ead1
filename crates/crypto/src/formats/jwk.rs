//! JSON Web Keys (RFC 7517), with the key types of RFC 7518 (`oct`, `RSA`,
//! `EC`) and RFC 8037 (`OKP`, Ed25519).
//!
//! Base64url is decoded and encoded in constant time (`base64ct`). A [`Jwk`]
//! holding private members wipes them on drop and hides them from `Debug`.
//!
//! ```
//! use keyward_crypto::formats::jwk::{Jwk, JwkKey};
//! let jwk = Jwk::from_json(r#"{"kty":"oct","k":"AAECAwQFBgcICQoLDA0ODw"}"#).unwrap();
//! match jwk.to_key().unwrap() {
//!     JwkKey::Symmetric(k) => assert_eq!(k.len(), 16),
//!     _ => unreachable!(),
//! }
//! ```

use base64ct::{Base64UrlUnpadded, Encoding};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::{
    EcPrivateComponents, EcPublicComponents, Ed25519PrivateComponents, PrivateKeyComponents,
    PublicKeyComponents, RsaPrivateComponents, RsaPublicComponents, ct_eq, left_pad, strip_zeros,
};
use crate::ecdsa::Curve;
use crate::error::{CryptoError, Result};

/// A JSON Web Key. Unknown members are ignored on input; `==` compares the
/// private members in constant time.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Jwk {
    /// Key type: `oct`, `RSA`, `EC` or `OKP`.
    pub kty: String,
    /// Key id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Intended algorithm, e.g. `RS256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// Public key use: `sig` or `enc`.
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    /// Permitted operations, e.g. `["sign", "verify"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_ops: Option<Vec<String>>,
    /// Curve (`EC`: `P-256`, `P-384`, `P-521`; `OKP`: `Ed25519`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// EC x coordinate, or OKP public key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// EC y coordinate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// RSA modulus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// RSA public exponent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    /// Private: RSA private exponent, EC scalar, or OKP seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<String>,
    /// Private: RSA first prime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<String>,
    /// Private: RSA second prime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Private: RSA d mod (p − 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dp: Option<String>,
    /// Private: RSA d mod (q − 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dq: Option<String>,
    /// Private: RSA q⁻¹ mod p.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qi: Option<String>,
    /// Private: symmetric key bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<String>,
}

impl Drop for Jwk {
    fn drop(&mut self) {
        for s in [
            &mut self.d,
            &mut self.p,
            &mut self.q,
            &mut self.dp,
            &mut self.dq,
            &mut self.qi,
            &mut self.k,
        ]
        .into_iter()
        .flatten()
        {
            s.zeroize();
        }
    }
}

impl PartialEq for Jwk {
    fn eq(&self, o: &Self) -> bool {
        let secret = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => ct_eq(a.as_bytes(), b.as_bytes()),
            (None, None) => true,
            _ => false,
        };
        (self.kty == o.kty)
            & (self.kid == o.kid)
            & (self.alg == o.alg)
            & (self.use_ == o.use_)
            & (self.key_ops == o.key_ops)
            & (self.crv == o.crv)
            & (self.x == o.x)
            & (self.y == o.y)
            & (self.n == o.n)
            & (self.e == o.e)
            & secret(&self.d, &o.d)
            & secret(&self.p, &o.p)
            & secret(&self.q, &o.q)
            & secret(&self.dp, &o.dp)
            & secret(&self.dq, &o.dq)
            & secret(&self.qi, &o.qi)
            & secret(&self.k, &o.k)
    }
}

impl Eq for Jwk {}

impl core::fmt::Debug for Jwk {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Jwk")
            .field("kty", &self.kty)
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("crv", &self.crv)
            .field("private", &self.is_private())
            .finish_non_exhaustive()
    }
}

/// What a JWK holds, decoded. `==` compares secrets in constant time.
#[derive(Debug, Clone)]
pub enum JwkKey {
    /// `oct`: symmetric key bytes (secret).
    Symmetric(Zeroizing<Vec<u8>>),
    /// A private key.
    Private(PrivateKeyComponents),
    /// A public key.
    Public(PublicKeyComponents),
}

impl PartialEq for JwkKey {
    fn eq(&self, o: &Self) -> bool {
        match (self, o) {
            (Self::Symmetric(a), Self::Symmetric(b)) => ct_eq(a, b),
            (Self::Private(a), Self::Private(b)) => a == b,
            (Self::Public(a), Self::Public(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for JwkKey {}

fn b64(v: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(v)
}

fn unb64(name: &'static str, v: &str) -> Result<Zeroizing<Vec<u8>>> {
    Base64UrlUnpadded::decode_vec(v).map(Zeroizing::new).map_err(|_| CryptoError::MalformedKey {
        format: "JWK",
        reason: match name {
            "k" => "member \"k\" is not unpadded base64url",
            "n" => "member \"n\" is not unpadded base64url",
            "e" => "member \"e\" is not unpadded base64url",
            "d" => "member \"d\" is not unpadded base64url",
            "x" => "member \"x\" is not unpadded base64url",
            "y" => "member \"y\" is not unpadded base64url",
            _ => "an RSA private member (p, q, dp, dq, qi) is not unpadded base64url",
        },
    })
}

fn member<'a>(v: &'a Option<String>, reason: &'static str) -> Result<&'a str> {
    v.as_deref().ok_or(CryptoError::MalformedKey { format: "JWK", reason })
}

impl Jwk {
    /// Parses JSON text.
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|_| CryptoError::MalformedKey {
            format: "JWK",
            reason: "not a JSON object with string members as RFC 7517 describes",
        })
    }

    /// Serialises to JSON (in a buffer wiped on drop, as it may hold private members).
    pub fn to_json(&self) -> Result<Zeroizing<String>> {
        let mut buf = Zeroizing::new(Vec::with_capacity(self.size_hint()));
        serde_json::to_writer(&mut *buf, self)
            .map_err(|_| CryptoError::Internal("JWK encoding"))?;
        let s = core::str::from_utf8(&buf).map_err(|_| CryptoError::Internal("JWK encoding"))?;
        Ok(Zeroizing::new(s.to_owned()))
    }

    fn size_hint(&self) -> usize {
        let fields = [
            &self.kid, &self.alg, &self.use_, &self.crv, &self.x, &self.y, &self.n, &self.e,
            &self.d, &self.p, &self.q, &self.dp, &self.dq, &self.qi, &self.k,
        ];
        let ops: usize = self.key_ops.iter().flatten().map(|s| s.len() + 4).sum();
        256 + self.kty.len()
            + ops
            + fields.iter().map(|f| f.as_ref().map_or(0, |s| s.len() + 8)).sum::<usize>()
    }

    /// True if the JWK carries private members.
    pub fn is_private(&self) -> bool {
        self.d.is_some() || self.k.is_some()
    }

    /// A symmetric key (`kty: oct`).
    pub fn from_symmetric(key: &[u8]) -> Self {
        let mut jwk = Self::of_type("oct");
        jwk.k = Some(b64(key));
        jwk
    }

    /// A public key.
    pub fn from_public(key: &PublicKeyComponents) -> Result<Self> {
        Ok(match key {
            PublicKeyComponents::Rsa(c) => {
                let mut jwk = Self::of_type("RSA");
                jwk.n = Some(b64(strip_zeros(&c.n)));
                jwk.e = Some(b64(strip_zeros(&c.e)));
                jwk
            }
            PublicKeyComponents::Ec(c) => {
                let (x, y) = c.coordinates()?;
                let mut jwk = Self::of_type("EC");
                jwk.crv = Some(c.curve.name().into());
                jwk.x = Some(b64(x));
                jwk.y = Some(b64(y));
                jwk
            }
            PublicKeyComponents::Ed25519(pk) => {
                let mut jwk = Self::of_type("OKP");
                jwk.crv = Some("Ed25519".into());
                jwk.x = Some(b64(pk));
                jwk
            }
        })
    }

    /// A private key (with its public members).
    pub fn from_private(key: &PrivateKeyComponents) -> Result<Self> {
        let mut jwk = Self::from_public(&key.public())?;
        match key {
            PrivateKeyComponents::Rsa(c) => {
                jwk.d = Some(b64(strip_zeros(&c.d)));
                jwk.p = Some(b64(strip_zeros(&c.p)));
                jwk.q = Some(b64(strip_zeros(&c.q)));
                jwk.dp = Some(b64(strip_zeros(&c.dp)));
                jwk.dq = Some(b64(strip_zeros(&c.dq)));
                jwk.qi = Some(b64(strip_zeros(&c.qinv)));
            }
            PrivateKeyComponents::Ec(c) => {
                jwk.d = Some(b64(&left_pad(&c.d, c.curve.field_len(), "EC private scalar")?));
            }
            PrivateKeyComponents::Ed25519(c) => jwk.d = Some(b64(&c.seed[..])),
        }
        Ok(jwk)
    }

    /// The same key without its private members (the public view).
    pub fn to_public(&self) -> Self {
        let mut jwk = Self::of_type(&self.kty);
        jwk.kid.clone_from(&self.kid);
        jwk.alg.clone_from(&self.alg);
        jwk.use_.clone_from(&self.use_);
        jwk.key_ops.clone_from(&self.key_ops);
        jwk.crv.clone_from(&self.crv);
        jwk.x.clone_from(&self.x);
        jwk.y.clone_from(&self.y);
        jwk.n.clone_from(&self.n);
        jwk.e.clone_from(&self.e);
        jwk
    }

    fn of_type(kty: &str) -> Self {
        let mut jwk = Self::default();
        jwk.kty = kty.to_owned();
        jwk
    }

    /// Decodes and checks the key the JWK holds.
    pub fn to_key(&self) -> Result<JwkKey> {
        match self.kty.as_str() {
            "oct" => {
                let k = unb64("k", member(&self.k, "an oct JWK needs member \"k\"")?)?;
                if k.is_empty() {
                    return Err(CryptoError::MalformedKey {
                        format: "JWK",
                        reason: "member \"k\" is empty",
                    });
                }
                Ok(JwkKey::Symmetric(k))
            }
            "RSA" => self.rsa(),
            "EC" => self.ec(),
            "OKP" => self.okp(),
            _ => Err(CryptoError::Unsupported("JWK key types other than oct, RSA, EC and OKP")),
        }
    }

    fn rsa(&self) -> Result<JwkKey> {
        let n = unb64("n", member(&self.n, "an RSA JWK needs member \"n\"")?)?;
        let e = unb64("e", member(&self.e, "an RSA JWK needs member \"e\"")?)?;
        let public =
            RsaPublicComponents { n: strip_zeros(&n).to_vec(), e: strip_zeros(&e).to_vec() };
        let Some(d) = &self.d else {
            return Ok(JwkKey::Public(PublicKeyComponents::Rsa(public)));
        };
        let need = "an RSA private JWK needs all of d, p, q, dp, dq and qi (multi-prime keys are not supported)";
        if self.p.is_none()
            || self.q.is_none()
            || self.dp.is_none()
            || self.dq.is_none()
            || self.qi.is_none()
        {
            return Err(CryptoError::MalformedKey { format: "JWK", reason: need });
        }
        let get = |v: &Option<String>| -> Result<Zeroizing<Vec<u8>>> {
            let raw = unb64("p", member(v, need)?)?;
            Ok(Zeroizing::new(strip_zeros(&raw).to_vec()))
        };
        let d = unb64("d", d)?;
        Ok(JwkKey::Private(PrivateKeyComponents::Rsa(RsaPrivateComponents {
            n: public.n,
            e: public.e,
            d: Zeroizing::new(strip_zeros(&d).to_vec()),
            p: get(&self.p)?,
            q: get(&self.q)?,
            dp: get(&self.dp)?,
            dq: get(&self.dq)?,
            qinv: get(&self.qi)?,
        })))
    }

    fn ec(&self) -> Result<JwkKey> {
        let curve = Curve::from_name(member(&self.crv, "an EC JWK needs member \"crv\"")?)?;
        let x = unb64("x", member(&self.x, "an EC JWK needs member \"x\"")?)?;
        let y = unb64("y", member(&self.y, "an EC JWK needs member \"y\"")?)?;
        let public = EcPublicComponents::from_coordinates(curve, &x, &y)?;
        let Some(d) = &self.d else {
            return Ok(JwkKey::Public(PublicKeyComponents::Ec(public)));
        };
        let d = unb64("d", d)?;
        if d.len() != curve.field_len() {
            return Err(CryptoError::MalformedKey {
                format: "JWK",
                reason: "member \"d\" must be exactly the curve's field length (RFC 7518 §6.2.2.1)",
            });
        }
        let c = EcPrivateComponents { curve, d, q: public.q };
        crate::ecdsa::EcPrivateKey::from_components(&c)?;
        Ok(JwkKey::Private(PrivateKeyComponents::Ec(c)))
    }

    fn okp(&self) -> Result<JwkKey> {
        if member(&self.crv, "an OKP JWK needs member \"crv\"")? != "Ed25519" {
            return Err(CryptoError::Unsupported("OKP curves other than Ed25519"));
        }
        let x = unb64("x", member(&self.x, "an OKP JWK needs member \"x\"")?)?;
        let public: [u8; 32] = x[..].try_into().map_err(|_| CryptoError::MalformedKey {
            format: "JWK",
            reason: "an Ed25519 \"x\" is 32 bytes",
        })?;
        let Some(d) = &self.d else {
            return Ok(JwkKey::Public(PublicKeyComponents::Ed25519(public)));
        };
        let d = unb64("d", d)?;
        let comps = Ed25519PrivateComponents::from_seed(&d)?;
        if comps.public != public {
            return Err(CryptoError::MalformedKey {
                format: "JWK",
                reason: "the Ed25519 \"x\" does not match the private key \"d\"",
            });
        }
        Ok(JwkKey::Private(PrivateKeyComponents::Ed25519(comps)))
    }
}
