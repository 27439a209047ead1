//! Sealing: key material is never stored in the clear.
//!
//! Two layers, both AES-256-GCM with a random 96-bit nonce per seal:
//!
//! * each KMS domain has a 256-bit **data key** ([`DataKey`]); an object's material
//!   is sealed under it with the domain id and object id bound in as associated
//!   data, so a sealed blob moved to another row or domain no longer opens;
//! * the data key is **wrapped** by the deployment's [`MasterKey`] (with the
//!   domain id as associated data) and only the wrapped form is stored.
//!
//! The deployment's own secrets (its CAs' and server certificate's private keys)
//! are sealed the same way: each named server secret has a data key of its own,
//! wrapped by the master key, and its value is sealed under that key with the
//! name bound in.
//!
//! Master keys come from a file ([`FileMasterKey`], 32 raw bytes, created `0600`)
//! or an environment variable ([`EnvMasterKey`], base64 or hex). A PKCS#11 HSM can
//! implement [`MasterKey`] later: the trait only wraps and unwraps data keys.
//! Rotating the master key re-wraps every data key and touches no object.
//!
//! Plaintext key buffers are zeroized on drop and no key byte appears in a
//! `Debug` output or an error.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use base64::Engine as _;
use thiserror::Error;
use zeroize::{Zeroize, Zeroizing};

/// Length of every key handled here (AES-256).
pub const KEY_LEN: usize = 32;
const TAG_LEN: usize = 16;
/// Format byte that starts every sealed blob and wrapped key.
const FORMAT_V1: u8 = 1;

/// Sealing and key-source failures. None of them carries key bytes.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SealError {
    /// The ciphertext did not authenticate: wrong key, or altered or misplaced data.
    #[error(
        "cannot open {what}: wrong master key, or the stored data was altered or moved (authentication failed)"
    )]
    Authentication {
        /// What was being opened ("domain key", "object material", ...).
        what: &'static str,
    },
    /// The stored blob is not in a known format.
    #[error("{what} is not a recognised sealed blob ({len} bytes)")]
    Format {
        /// What was being opened.
        what: &'static str,
        /// Its length.
        len: usize,
    },
    /// The master key file cannot be used.
    #[error("master key file {path}: {reason}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// Why, as a sentence.
        reason: String,
    },
    /// The master key environment variable cannot be used.
    #[error("master key variable {var}: {reason}")]
    KeyEnv {
        /// The variable's name.
        var: String,
        /// Why, as a sentence.
        reason: String,
    },
    /// The system random generator or the cipher failed.
    #[error("cryptographic failure: {0}")]
    Crypto(&'static str),
}

/// A 256-bit AES key in memory, wiped on drop, never printed.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; KEY_LEN]>);

impl DataKey {
    /// A fresh random key from the system generator.
    pub fn generate() -> Result<Self, SealError> {
        let mut k = Zeroizing::new([0u8; KEY_LEN]);
        aws_lc_rs::rand::fill(k.as_mut()).map_err(|_| SealError::Crypto("random generator"))?;
        Ok(Self(k))
    }

    /// Takes a key from bytes; fails unless there are exactly 32.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        let arr: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(Self(Zeroizing::new(arr)))
    }

    /// The key bytes (handle with care: copy them only into zeroizing buffers).
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// AES-256-GCM seal of `plain`: `FORMAT_V1 || nonce || ciphertext || tag`.
fn gcm_seal_with(k: &RandomizedNonceKey, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, SealError> {
    // Encrypt in a zeroizing buffer: until sealing completes it holds plaintext.
    let mut buf = Zeroizing::new(Vec::with_capacity(plain.len() + TAG_LEN));
    buf.extend_from_slice(plain);
    let nonce = k
        .seal_in_place_append_tag(Aad::from(aad), &mut *buf)
        .map_err(|_| SealError::Crypto("AES-GCM seal"))?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + buf.len());
    out.push(FORMAT_V1);
    out.extend_from_slice(nonce.as_ref());
    out.extend_from_slice(&buf);
    Ok(out)
}

fn gcm_open(
    k: &RandomizedNonceKey,
    aad: &[u8],
    sealed: &[u8],
    what: &'static str,
) -> Result<Zeroizing<Vec<u8>>, SealError> {
    if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != FORMAT_V1 {
        return Err(SealError::Format { what, len: sealed.len() });
    }
    let nonce = Nonce::try_assume_unique_for_key(&sealed[1..1 + NONCE_LEN])
        .map_err(|_| SealError::Format { what, len: sealed.len() })?;
    let mut buf = Zeroizing::new(sealed[1 + NONCE_LEN..].to_vec());
    let plain_len = k
        .open_in_place(nonce, Aad::from(aad), &mut buf)
        .map_err(|_| SealError::Authentication { what })?
        .len();
    buf.truncate(plain_len);
    Ok(buf)
}

/// A source of the master key: wraps and unwraps domain data keys.
///
/// Implementations: [`StaticMasterKey`] (the bytes in memory, which [`FileMasterKey`]
/// and [`EnvMasterKey`] load), and later a PKCS#11 HSM whose key never leaves the
/// device. `context` is bound into the wrap as associated data (the store passes
/// the domain id), so a wrapped key copied to another domain does not unwrap.
pub trait MasterKey: Send + Sync + fmt::Debug {
    /// Wraps a data key.
    fn wrap(&self, context: &[u8], key: &DataKey) -> Result<Vec<u8>, SealError>;
    /// Unwraps a data key; fails with [`SealError::Authentication`] under the wrong master key.
    fn unwrap(&self, context: &[u8], wrapped: &[u8]) -> Result<DataKey, SealError>;
    /// A human-readable description of the source (a path, a variable name), never key bytes.
    fn describe(&self) -> String;
}

const WRAP_AAD_PREFIX: &[u8] = b"keyward/data-key/v1\0";

/// A master key held in memory (AES-256-GCM key wrap).
pub struct StaticMasterKey {
    key: RandomizedNonceKey,
    source: String,
}

impl StaticMasterKey {
    /// A master key from 32 bytes; `source` describes where it came from (for messages).
    pub fn new(key: &DataKey, source: impl Into<String>) -> Result<Self, SealError> {
        let key = RandomizedNonceKey::new(&AES_256_GCM, key.expose())
            .map_err(|_| SealError::Crypto("master key"))?;
        Ok(Self { key, source: source.into() })
    }

    /// A fresh random master key (tests, or a first start that stores it elsewhere).
    pub fn generate() -> Result<Self, SealError> {
        Self::new(&DataKey::generate()?, "generated in memory")
    }
}

impl fmt::Debug for StaticMasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticMasterKey").field("source", &self.source).finish_non_exhaustive()
    }
}

fn wrap_aad(context: &[u8]) -> Vec<u8> {
    let mut aad = WRAP_AAD_PREFIX.to_vec();
    aad.extend_from_slice(context);
    aad
}

impl MasterKey for StaticMasterKey {
    fn wrap(&self, context: &[u8], key: &DataKey) -> Result<Vec<u8>, SealError> {
        gcm_seal_with(&self.key, &wrap_aad(context), key.expose())
    }

    fn unwrap(&self, context: &[u8], wrapped: &[u8]) -> Result<DataKey, SealError> {
        let plain = gcm_open(&self.key, &wrap_aad(context), wrapped, "domain key")?;
        DataKey::from_slice(&plain)
            .ok_or(SealError::Format { what: "domain key", len: plain.len() })
    }

    fn describe(&self) -> String {
        self.source.clone()
    }
}

/// The master key in a file of exactly 32 raw bytes.
///
/// [`FileMasterKey::open_or_create`] creates the file with mode `0600` on first
/// start and refuses a file that its group or other users can read or write.
#[derive(Debug)]
pub struct FileMasterKey;

impl FileMasterKey {
    /// Loads the key from `path`, creating it (random, mode `0600`) if it does not exist.
    pub fn open_or_create(path: &Path) -> Result<StaticMasterKey, SealError> {
        let err = |reason: String| SealError::KeyFile { path: path.to_owned(), reason };
        match std::fs::symlink_metadata(path) {
            Ok(_) => Self::open(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = DataKey::generate()?;
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    opts.mode(0o600);
                }
                let mut f = opts.open(path).map_err(|e| err(format!("cannot create it: {e}")))?;
                f.write_all(key.expose()).map_err(|e| err(format!("cannot write it: {e}")))?;
                f.sync_all().map_err(|e| err(format!("cannot sync it: {e}")))?;
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    // Make the new directory entry durable too (best effort on odd filesystems).
                    if let Ok(d) = std::fs::File::open(dir) {
                        let _ = d.sync_all();
                    }
                }
                StaticMasterKey::new(&key, format!("file {}", path.display()))
            }
            Err(e) => Err(err(format!("cannot inspect it: {e}"))),
        }
    }

    /// Loads the key from an existing file (no creation).
    pub fn open(path: &Path) -> Result<StaticMasterKey, SealError> {
        let err = |reason: String| SealError::KeyFile { path: path.to_owned(), reason };
        let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read it: {e}")))?;
        if !meta.is_file() {
            return Err(err("is not a regular file".into()));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(err(format!(
                    "is accessible by other users (mode {mode:o}); run `chmod 600` on it"
                )));
            }
        }
        let bytes =
            Zeroizing::new(std::fs::read(path).map_err(|e| err(format!("cannot read it: {e}")))?);
        let key = DataKey::from_slice(&bytes).ok_or_else(|| {
            err(format!("must hold exactly {KEY_LEN} raw bytes, found {}", bytes.len()))
        })?;
        StaticMasterKey::new(&key, format!("file {}", path.display()))
    }
}

/// The master key in an environment variable, as base64 (standard alphabet) or 64 hex digits.
#[derive(Debug)]
pub struct EnvMasterKey;

impl EnvMasterKey {
    /// Reads and decodes the variable `var`.
    pub fn from_env(var: &str) -> Result<StaticMasterKey, SealError> {
        let err =
            |reason: &str| SealError::KeyEnv { var: var.to_owned(), reason: reason.to_owned() };
        let value = Zeroizing::new(std::env::var(var).map_err(|_| err("is not set or not UTF-8"))?);
        let key = Self::decode(value.trim())
            .ok_or_else(|| err("must hold a 32-byte key as base64 or as 64 hex digits"))?;
        StaticMasterKey::new(&key, format!("environment variable {var}"))
    }

    /// Decodes a 32-byte key from 64 hex digits or base64.
    pub fn decode(text: &str) -> Option<DataKey> {
        let mut bytes = if text.len() == 2 * KEY_LEN && text.bytes().all(|b| b.is_ascii_hexdigit())
        {
            hex::decode(text).ok()?
        } else {
            base64::engine::general_purpose::STANDARD.decode(text).ok()?
        };
        let key = DataKey::from_slice(&bytes);
        bytes.zeroize();
        key
    }
}

const OBJECT_AAD_PREFIX: &[u8] = b"keyward/object/v1\0";

/// A domain's data key, unwrapped and ready to seal object material.
pub struct DomainKey {
    key: RandomizedNonceKey,
}

impl fmt::Debug for DomainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DomainKey(<redacted>)")
    }
}

fn object_aad(domain: &str, object: &str) -> Vec<u8> {
    let mut aad = OBJECT_AAD_PREFIX.to_vec();
    aad.extend_from_slice(&(domain.len() as u64).to_be_bytes());
    aad.extend_from_slice(domain.as_bytes());
    aad.extend_from_slice(object.as_bytes());
    aad
}

impl DomainKey {
    /// Prepares a data key for sealing.
    pub fn new(key: &DataKey) -> Result<Self, SealError> {
        let key = RandomizedNonceKey::new(&AES_256_GCM, key.expose())
            .map_err(|_| SealError::Crypto("domain key"))?;
        Ok(Self { key })
    }

    /// Seals an object's material, binding the domain and object ids.
    pub fn seal(&self, domain: &str, object: &str, plain: &[u8]) -> Result<Vec<u8>, SealError> {
        gcm_seal_with(&self.key, &object_aad(domain, object), plain)
    }

    /// Opens an object's material sealed by [`DomainKey::seal`] for the same ids.
    pub fn open(
        &self,
        domain: &str,
        object: &str,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, SealError> {
        gcm_open(&self.key, &object_aad(domain, object), sealed, "object material")
    }
}

const SECRET_WRAP_CONTEXT: &[u8] = b"\0keyward/server-secret\0";
const SECRET_AAD_PREFIX: &[u8] = b"keyward/server-secret/v1\0";

fn secret_context(name: &str) -> Vec<u8> {
    let mut context = SECRET_WRAP_CONTEXT.to_vec();
    context.extend_from_slice(name.as_bytes());
    context
}

fn secret_aad(name: &str) -> Vec<u8> {
    let mut aad = SECRET_AAD_PREFIX.to_vec();
    aad.extend_from_slice(name.as_bytes());
    aad
}

/// Seals a named server secret: a fresh data key of its own, wrapped by the master key
/// (bound to the name), and the plaintext sealed under that data key (bound to the name).
/// Returns `(wrapped data key, sealed value)`.
///
/// The wrap context starts with a NUL byte, which no domain id holds, so a wrapped server
/// secret key can never be mistaken for a domain's data key.
pub(crate) fn seal_server_secret(
    master: &dyn MasterKey,
    name: &str,
    plain: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), SealError> {
    let data_key = DataKey::generate()?;
    let wrapped = master.wrap(&secret_context(name), &data_key)?;
    let key = RandomizedNonceKey::new(&AES_256_GCM, data_key.expose())
        .map_err(|_| SealError::Crypto("server secret key"))?;
    Ok((wrapped, gcm_seal_with(&key, &secret_aad(name), plain)?))
}

/// Opens a server secret sealed by [`seal_server_secret`] under the same name.
pub(crate) fn open_server_secret(
    master: &dyn MasterKey,
    name: &str,
    wrapped: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, SealError> {
    let data_key = master.unwrap(&secret_context(name), wrapped).map_err(|e| match e {
        SealError::Authentication { .. } => SealError::Authentication { what: "server secret key" },
        other => other,
    })?;
    let key = RandomizedNonceKey::new(&AES_256_GCM, data_key.expose())
        .map_err(|_| SealError::Crypto("server secret key"))?;
    gcm_open(&key, &secret_aad(name), sealed, "server secret")
}

/// Re-wraps a server secret's data key from `old` to `new` (master key rotation).
pub(crate) fn rewrap_server_secret(
    old: &dyn MasterKey,
    new: &dyn MasterKey,
    name: &str,
    wrapped: &[u8],
) -> Result<Vec<u8>, SealError> {
    let context = secret_context(name);
    let data_key = old.unwrap(&context, wrapped)?;
    new.wrap(&context, &data_key)
}

/// The master-key check value: a constant sealed under the master key, so that
/// opening a store with the wrong master key fails at once with a clear error.
pub(crate) fn make_check(master: &dyn MasterKey) -> Result<Vec<u8>, SealError> {
    master.wrap(CHECK_CONTEXT, &check_key())
}

/// Whether `check` was made by [`make_check`] under this master key.
pub(crate) fn verify_check(master: &dyn MasterKey, check: &[u8]) -> Result<(), SealError> {
    let k = master.unwrap(CHECK_CONTEXT, check).map_err(|e| match e {
        SealError::Authentication { .. } => SealError::Authentication { what: "master key check" },
        other => other,
    })?;
    if k.expose() == check_key().expose() {
        Ok(())
    } else {
        Err(SealError::Authentication { what: "master key check" })
    }
}

const CHECK_CONTEXT: &[u8] = b"keyward/master-key-check";

fn check_key() -> DataKey {
    DataKey(Zeroizing::new([0x4b; KEY_LEN]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_key_round_trip_and_binding() {
        let dk = DomainKey::new(&DataKey::generate().unwrap()).unwrap();
        let sealed = dk.seal("d1", "o1", b"secret bytes").unwrap();
        assert_eq!(&**dk.open("d1", "o1", &sealed).unwrap(), b"secret bytes");
        assert!(matches!(dk.open("d1", "o2", &sealed), Err(SealError::Authentication { .. })));
        assert!(matches!(dk.open("d2", "o1", &sealed), Err(SealError::Authentication { .. })));
        // Two seals of the same bytes differ (random nonce).
        assert_ne!(sealed, dk.seal("d1", "o1", b"secret bytes").unwrap());
        let mut bad = sealed.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(dk.open("d1", "o1", &bad).is_err());
        assert!(matches!(dk.open("d1", "o1", &[1, 2, 3]), Err(SealError::Format { .. })));
    }

    #[test]
    fn wrong_master_key_is_a_clear_error() {
        let a = StaticMasterKey::generate().unwrap();
        let b = StaticMasterKey::generate().unwrap();
        let dk = DataKey::generate().unwrap();
        let w = a.wrap(b"dom", &dk).unwrap();
        assert_eq!(a.unwrap(b"dom", &w).unwrap().expose(), dk.expose());
        let e = b.unwrap(b"dom", &w).unwrap_err();
        assert!(e.to_string().contains("wrong master key"), "{e}");
        assert!(a.unwrap(b"other", &w).is_err());
        let check = make_check(&a).unwrap();
        verify_check(&a, &check).unwrap();
        assert!(verify_check(&b, &check).is_err());
    }

    #[test]
    fn server_secrets_are_bound_to_their_name_and_rewrap() {
        let a = StaticMasterKey::generate().unwrap();
        let b = StaticMasterKey::generate().unwrap();
        let (wrapped, sealed) = seal_server_secret(&a, "users-ca", b"ca key").unwrap();
        assert_eq!(&**open_server_secret(&a, "users-ca", &wrapped, &sealed).unwrap(), b"ca key");
        assert!(open_server_secret(&a, "server-ca", &wrapped, &sealed).is_err());
        assert!(open_server_secret(&b, "users-ca", &wrapped, &sealed).is_err());
        // Not a domain key either.
        assert!(a.unwrap(b"users-ca", &wrapped).is_err());
        let rewrapped = rewrap_server_secret(&a, &b, "users-ca", &wrapped).unwrap();
        assert_eq!(&**open_server_secret(&b, "users-ca", &rewrapped, &sealed).unwrap(), b"ca key");
    }

    #[test]
    fn debug_output_has_no_key_bytes() {
        let k = DataKey::from_slice(&[0xAB; 32]).unwrap();
        let s = format!("{k:?} {:?}", StaticMasterKey::new(&k, "test").unwrap());
        assert!(!s.to_lowercase().contains("ab, ab") && !s.contains("171"), "{s}");
    }

    #[test]
    fn env_key_decodes_hex_and_base64() {
        let hex_text = "00".repeat(31) + "ff";
        assert_eq!(EnvMasterKey::decode(&hex_text).unwrap().expose()[31], 0xff);
        let b64 = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        assert_eq!(EnvMasterKey::decode(&b64).unwrap().expose(), &[7u8; 32]);
        assert!(EnvMasterKey::decode("abcd").is_none());
        assert!(
            EnvMasterKey::decode(&base64::engine::general_purpose::STANDARD.encode([7u8; 31]))
                .is_none()
        );
    }

    #[test]
    fn key_file_is_created_0600_and_permissive_files_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("master.key");
        let k1 = FileMasterKey::open_or_create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read(&path).unwrap().len(), 32);
        // Reopening gives the same key.
        let k2 = FileMasterKey::open_or_create(&path).unwrap();
        let w = k1.wrap(b"x", &DataKey::generate().unwrap()).unwrap();
        k2.unwrap(b"x", &w).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = FileMasterKey::open(&path).unwrap_err();
        assert!(e.to_string().contains("chmod 600"), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::write(&path, [1u8; 10]).unwrap();
        assert!(FileMasterKey::open(&path).unwrap_err().to_string().contains("exactly 32"));
    }
}
