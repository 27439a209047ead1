//! Access certificates from CSRs: accepted keys, refused keys, tampered and garbage requests.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod common;

use common::{Pki, cn, parse, signed_by};
use keyward_pki::access::{
    AccessCertificateRequest, KeyType, issue_from_csr_der, issue_from_csr_pem,
};
use keyward_pki::identity::PeerIdentity;
use keyward_pki::{Error, pem};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384, PKCS_ED25519,
    PKCS_RSA_SHA256, RsaKeySize, SanType, SignatureAlgorithm,
};
use uuid::Uuid;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A CSR that asks for a lot: another subject, SANs, server EKU, CA rights.
fn greedy_csr(key: &KeyPair) -> String {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "i-want-to-be-someone-else");
    params.distinguished_name = dn;
    params.subject_alt_names = vec![SanType::DnsName("evil.example".try_into().unwrap())];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.serialize_request(key).unwrap().pem().unwrap()
}

fn request() -> AccessCertificateRequest {
    AccessCertificateRequest::new(Uuid::new_v4(), Uuid::new_v4())
}

/// Signs `csr_pem` and checks the certificate is the CA's shape, not the CSR's wishes.
fn assert_issued(pki: &Pki, csr_pem: &str, expected: KeyType) {
    let req = request();
    let cert = issue_from_csr_pem(&pki.users_ca, &req, csr_pem).unwrap();
    assert_eq!(cert.key_type(), expected);
    let der = cert.certificate_der();
    let parsed = parse(der);

    // The certified key is the CSR's.
    let csr_der = pem::csr_from_pem(csr_pem.as_bytes()).unwrap();
    let (_, csr) = <x509_parser::certification_request::X509CertificationRequest<'_> as x509_parser::prelude::FromDer<'_, _>>::from_der(csr_der.as_ref()).unwrap();
    assert_eq!(parsed.public_key().raw, csr.certification_request_info.subject_pki.raw);

    // Everything else is the CA's choice.
    assert_eq!(cn(parsed.subject()), req.domain_id.to_string());
    assert!(parsed.basic_constraints().unwrap().is_none());
    assert!(parsed.key_usage().unwrap().is_none());
    let eku = parsed.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.client_auth && !eku.server_auth);
    let san = parsed.subject_alternative_name().unwrap().unwrap();
    assert!(san.critical);
    assert_eq!(san.value.general_names.len(), 1);
    assert!(signed_by(der, pki.users_ca.certificate_der()));
    let id = PeerIdentity::from_der(der).unwrap();
    assert_eq!((id.credential_id, id.domain_id), (req.credential_id, req.domain_id));
}

#[test]
fn rsa_2048_csr_is_accepted() {
    let pki = Pki::new();
    let key = KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048).unwrap();
    let csr = greedy_csr(&key);
    assert_issued(&pki, &csr, KeyType::Rsa { bits: 2048 });
    let cert = issue_from_csr_pem(&pki.users_ca, &request(), &csr).unwrap();
    assert_eq!(cert.key_type().certificate_type(), "RSA");
}

#[test]
fn ec_and_ed25519_csrs_are_accepted() {
    let pki = Pki::new();
    let cases: [(&'static SignatureAlgorithm, KeyType); 3] = [
        (&PKCS_ECDSA_P256_SHA256, KeyType::EcP256),
        (&PKCS_ECDSA_P384_SHA384, KeyType::EcP384),
        (&PKCS_ED25519, KeyType::Ed25519),
    ];
    for (alg, expected) in cases {
        let key = KeyPair::generate_for(alg).unwrap();
        assert_issued(&pki, &greedy_csr(&key), expected);
    }
}

#[test]
fn openssl_csrs_are_accepted() {
    let pki = Pki::new();
    assert_issued(&pki, &fixture("p521.csr"), KeyType::EcP521);
    assert_issued(&pki, &fixture("rsa-pss.csr"), KeyType::Rsa { bits: 3072 });
    // Asks for CA rights, keyCertSign and serverAuth plus a private non-critical extension:
    // all ignored, and the certificate is an ordinary client certificate.
    assert_issued(&pki, &fixture("ca-asking.csr"), KeyType::EcP256);
}

#[test]
fn rsa_1024_csr_is_refused_as_weak() {
    let pki = Pki::new();
    let err = issue_from_csr_pem(&pki.users_ca, &request(), &fixture("weak.csr")).unwrap_err();
    assert!(
        matches!(err, Error::WeakKey { algorithm: "RSA", bits: 1024, minimum: 2048 }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("weak key") && message.contains("1024"), "{message}");
    assert!(message.contains("2048"), "{message}");
}

#[test]
fn weak_and_unsupported_keys_are_refused() {
    let pki = Pki::new();
    let err = issue_from_csr_pem(&pki.users_ca, &request(), &fixture("p192.csr")).unwrap_err();
    assert!(matches!(err, Error::WeakKey { algorithm: "EC", bits: 192, .. }), "{err:?}");

    for (file, mention) in [
        ("secp256k1.csr", "secp256k1"),
        ("ed448.csr", "1.3.101.113"),
        ("dsa.csr", "1.2.840.10040.4.1"),
    ] {
        let err = issue_from_csr_pem(&pki.users_ca, &request(), &fixture(file)).unwrap_err();
        assert!(matches!(err, Error::UnsupportedKeyType { .. }), "{file}: {err:?}");
        assert!(err.to_string().contains(mention), "{file}: {err}");
    }

    let err = issue_from_csr_pem(&pki.users_ca, &request(), &fixture("sha1.csr")).unwrap_err();
    assert!(matches!(err, Error::UnsupportedSignatureAlgorithm { .. }), "{err:?}");
    assert!(err.to_string().contains("1.2.840.113549.1.1.5"), "{err}");
}

#[test]
fn critical_unknown_extension_is_refused_and_named() {
    let pki = Pki::new();
    let err =
        issue_from_csr_pem(&pki.users_ca, &request(), &fixture("critical-ext.csr")).unwrap_err();
    assert!(matches!(err, Error::UnsupportedCsrExtension { .. }), "{err:?}");
    assert!(err.to_string().contains("1.3.6.1.4.1.55555.1"), "{err}");
}

#[test]
fn tampered_csr_is_refused() {
    let pki = Pki::new();
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "honest-client");
    params.distinguished_name = dn;
    let der = params.serialize_request(&key).unwrap().der().to_vec();
    issue_from_csr_der(&pki.users_ca, &request(), &der).unwrap();

    // A flipped bit in the signature value (its last byte).
    let mut bad_signature = der.clone();
    *bad_signature.last_mut().unwrap() ^= 0x01;
    let err = issue_from_csr_der(&pki.users_ca, &request(), &bad_signature).unwrap_err();
    assert!(matches!(err, Error::CsrSignatureInvalid), "{err:?}");
    assert!(err.to_string().contains("does not verify"));

    // The signed content changed after signing ("honest" -> "hOnest").
    let mut bad_body = der.clone();
    let at = bad_body.windows(6).position(|w| w == b"honest").unwrap();
    bad_body[at + 1] = b'O';
    let err = issue_from_csr_der(&pki.users_ca, &request(), &bad_body).unwrap_err();
    assert!(matches!(err, Error::CsrSignatureInvalid), "{err:?}");

    // The same through PEM.
    let pem = der::pem::encode_string("CERTIFICATE REQUEST", der::pem::LineEnding::LF, &bad_body)
        .unwrap();
    assert!(matches!(
        issue_from_csr_pem(&pki.users_ca, &request(), &pem),
        Err(Error::CsrSignatureInvalid)
    ));
}

#[test]
fn garbage_is_refused() {
    let pki = Pki::new();
    for input in [
        "",
        "hello",
        "-----BEGIN CERTIFICATE REQUEST-----\n%%%%\n-----END CERTIFICATE REQUEST-----\n",
    ] {
        let err = issue_from_csr_pem(&pki.users_ca, &request(), input).unwrap_err();
        assert!(matches!(err, Error::NotPem { what: "CSR", .. }), "{input:?}: {err:?}");
        assert!(err.to_string().contains("BEGIN CERTIFICATE REQUEST"), "{err}");
    }
    // A certificate is not a CSR.
    let err =
        issue_from_csr_pem(&pki.users_ca, &request(), &pki.server.certificate_pem()).unwrap_err();
    assert!(matches!(err, Error::NotPem { .. }), "{err:?}");
    // Valid PEM around bytes that are not a CSR.
    let pem = der::pem::encode_string(
        "CERTIFICATE REQUEST",
        der::pem::LineEnding::LF,
        b"\x30\x03\x02\x01\x01",
    )
    .unwrap();
    let err = issue_from_csr_pem(&pki.users_ca, &request(), &pem).unwrap_err();
    assert!(matches!(err, Error::Malformed { what: "CSR", .. }), "{err:?}");
}

#[test]
fn csr_request_still_checks_validity_and_ids() {
    let pki = Pki::new();
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let csr = greedy_csr(&key);
    let err =
        issue_from_csr_pem(&pki.users_ca, &request().with_validity_days(0), &csr).unwrap_err();
    assert!(matches!(err, Error::InvalidValidity(_)));
    let nil = AccessCertificateRequest::new(Uuid::nil(), Uuid::new_v4());
    assert!(matches!(issue_from_csr_pem(&pki.users_ca, &nil, &csr), Err(Error::InvalidRequest(_))));
}
