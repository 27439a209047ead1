//! Issue the CAs, the server certificate and access certificates, then parse them back with
//! x509-parser and x509-cert and check every field.
#![allow(clippy::unwrap_used)] // tests: a failure should panic

mod common;

use std::net::IpAddr;

use common::{Pki, cn, parse, signed_by};
use der::Decode;
use der::asn1::Utf8StringRef;
use keyward_pki::access::{
    AccessCertificateRequest, DOMAIN_UPN_PREFIX, KeyType, UPN_OID, issue_with_new_key,
};
use keyward_pki::ca::{
    CertificateAuthority, DEFAULT_CA_VALIDITY_DAYS, SERVER_CA_NAME, USERS_CA_NAME,
};
use keyward_pki::identity::{DomainSource, PeerIdentity};
use keyward_pki::server_cert::{
    DEFAULT_SERVER_CERT_VALIDITY_DAYS, ServerCertificate, ServerCertificateRequest,
};
use keyward_pki::{Error, Validity, pem, tls};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;
use x509_parser::extensions::{GeneralName as PGeneralName, ParsedExtension};
use x509_parser::oid_registry::{OID_EC_P256, OID_NIST_EC_P384};

const SECS_PER_DAY: i64 = 86_400;

fn curve_of(cert: &x509_parser::certificate::X509Certificate<'_>) -> String {
    cert.public_key().algorithm.parameters.as_ref().unwrap().as_oid().unwrap().to_id_string()
}

#[test]
fn ca_has_the_fields_of_a_root() {
    let ca = CertificateAuthority::create(USERS_CA_NAME).unwrap();
    let cert = parse(ca.certificate_der());

    assert_eq!(cn(cert.subject()), USERS_CA_NAME);
    assert_eq!(cert.subject(), cert.issuer(), "self-signed");
    assert!(cert.verify_signature(None).is_ok());
    assert_eq!(curve_of(&cert), OID_EC_P256.to_id_string());

    let bc = cert.basic_constraints().unwrap().unwrap();
    assert!(bc.critical && bc.value.ca);
    let ku = cert.key_usage().unwrap().unwrap();
    assert!(ku.critical);
    assert!(ku.value.key_cert_sign() && ku.value.crl_sign());
    assert!(!ku.value.digital_signature());

    let serial = cert.raw_serial();
    assert_eq!(serial.len(), 16);
    assert!(serial[0] & 0x80 == 0 && serial[0] != 0, "positive, full length");

    let v = cert.validity();
    let secs = (v.not_after.to_datetime() - v.not_before.to_datetime()).whole_seconds();
    assert_eq!(secs, i64::from(DEFAULT_CA_VALIDITY_DAYS) * SECS_PER_DAY);
    assert!(v.not_before.to_datetime() <= OffsetDateTime::now_utc());
    assert_eq!(ca.validity().not_after(), v.not_after.to_datetime());

    // Two CAs never share a serial.
    let other = CertificateAuthority::create(USERS_CA_NAME).unwrap();
    assert_ne!(parse(other.certificate_der()).raw_serial(), serial);
}

#[test]
fn ca_exports_and_imports() {
    let pki = Pki::new();
    let cert = pki.server_ca.certificate_der().to_vec();
    let key = pki.server_ca.private_key_pkcs8_der();

    let again = CertificateAuthority::from_der(&cert, &key).unwrap();
    assert_eq!(again.certificate_der().as_ref(), cert.as_slice());
    assert_eq!(again.common_name(), SERVER_CA_NAME);
    assert_eq!(again.validity(), pki.server_ca.validity());
    let from_pem = CertificateAuthority::from_pem(&pki.server_ca.certificate_pem(), &key).unwrap();
    assert_eq!(from_pem.fingerprints(), pki.server_ca.fingerprints());

    // A certificate issued by the reloaded CA chains to the original certificate.
    let server = ServerCertificate::issue(&again, &ServerCertificateRequest::local(None)).unwrap();
    assert!(signed_by(server.certificate_der(), &cert));
    let parsed = parse(server.certificate_der());
    let aki = parsed
        .iter_extensions()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(a) => a.key_identifier.clone(),
            _ => None,
        })
        .unwrap();
    let ski = parse(&cert)
        .iter_extensions()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0.to_vec()),
            _ => None,
        })
        .unwrap();
    assert_eq!(aki.0, ski.as_slice(), "AKI of the leaf is the SKI of the CA");

    // The other CA's key does not fit this certificate.
    let wrong_key = pki.users_ca.private_key_pkcs8_der();
    assert!(matches!(
        CertificateAuthority::from_der(&cert, &wrong_key),
        Err(Error::InvalidKey { .. })
    ));
    // A leaf is not a CA.
    assert!(matches!(
        CertificateAuthority::from_der(server.certificate_der(), server.private_key_pkcs8_der()),
        Err(Error::InvalidCertificate { .. })
    ));
    assert!(matches!(
        CertificateAuthority::from_der(b"garbage", &key),
        Err(Error::Malformed { .. })
    ));
    assert!(matches!(CertificateAuthority::from_pem("garbage", &key), Err(Error::NotPem { .. })));
    assert!(matches!(
        CertificateAuthority::from_der(&cert, b"not a key"),
        Err(Error::InvalidKey { .. })
    ));
    assert!(matches!(CertificateAuthority::create("  "), Err(Error::InvalidRequest(_))));
}

/// A deployment made when CAs were ECDSA P-384 keeps its roots: they load, and what they issue
/// chains to them.
#[test]
fn ca_made_with_p384_still_loads_and_issues() {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let mut params = rcgen::CertificateParams::default();
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, USERS_CA_NAME);
    params.distinguished_name = dn;
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
    let cert = params.self_signed(&key).unwrap();

    let ca = CertificateAuthority::from_der(cert.der(), &key.serialize_der()).unwrap();
    assert_eq!(curve_of(&parse(ca.certificate_der())), OID_NIST_EC_P384.to_id_string());
    let request = AccessCertificateRequest::new(Uuid::new_v4(), Uuid::new_v4());
    let issued = issue_with_new_key(&ca, &request).unwrap();
    assert!(signed_by(issued.certificate().certificate_der(), ca.certificate_der()));
    assert_eq!(issued.certificate().key_type(), KeyType::EcP256);
}

#[test]
fn debug_output_hides_private_keys() {
    let pki = Pki::new();
    let issued = issue_with_new_key(
        &pki.users_ca,
        &AccessCertificateRequest::new(Uuid::new_v4(), Uuid::new_v4()),
    )
    .unwrap();
    let key_pem = issued.private_key_pem().to_string();
    let key_body = key_pem.lines().nth(1).unwrap().to_string();
    for debug in [format!("{:?}", pki.users_ca), format!("{:?}", pki.server), format!("{issued:?}")]
    {
        assert!(debug.contains("[redacted]"), "{debug}");
        assert!(!debug.contains(&key_body));
        assert!(!debug.contains("PRIVATE KEY"));
    }
}

#[test]
fn server_certificate_fields() {
    let pki = Pki::new();
    let request = ServerCertificateRequest::local(Some("kms01"))
        .with_name("kms.example.com")
        .unwrap()
        .with_name("192.0.2.7")
        .unwrap();
    let server = ServerCertificate::issue(&pki.server_ca, &request).unwrap();
    let cert = parse(server.certificate_der());

    assert_eq!(cn(cert.issuer()), SERVER_CA_NAME);
    assert_eq!(cn(cert.subject()), "localhost");
    assert!(signed_by(server.certificate_der(), pki.server_ca.certificate_der()));
    assert!(!signed_by(server.certificate_der(), pki.users_ca.certificate_der()));
    assert_eq!(curve_of(&cert), OID_EC_P256.to_id_string());

    let san = cert.subject_alternative_name().unwrap().unwrap();
    let mut dns = Vec::new();
    let mut ips = Vec::new();
    for name in &san.value.general_names {
        match name {
            PGeneralName::DNSName(d) => dns.push(d.to_string()),
            PGeneralName::IPAddress(ip) => ips.push(match ip.len() {
                4 => IpAddr::from(<[u8; 4]>::try_from(*ip).unwrap()),
                _ => IpAddr::from(<[u8; 16]>::try_from(*ip).unwrap()),
            }),
            other => panic!("unexpected SAN {other:?}"),
        }
    }
    assert_eq!(dns, ["localhost", "kms01", "kms.example.com"]);
    let ips: Vec<String> = ips.iter().map(ToString::to_string).collect();
    assert_eq!(ips, ["127.0.0.1", "::1", "192.0.2.7"]);

    let eku = cert.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.server_auth && !eku.client_auth && eku.other.is_empty());
    let bc = cert.basic_constraints().unwrap().unwrap();
    assert!(!bc.value.ca);
    assert!(cert.key_usage().unwrap().unwrap().value.digital_signature());

    let v = cert.validity();
    let secs = (v.not_after.to_datetime() - v.not_before.to_datetime()).whole_seconds();
    assert_eq!(secs, i64::from(DEFAULT_SERVER_CERT_VALIDITY_DAYS) * SECS_PER_DAY);

    // Fingerprints: colon-separated uppercase hex, 20 and 32 bytes, stable.
    let f = server.fingerprints();
    for (hex, len) in [(&f.sha1, 20), (&f.sha256, 32)] {
        let parts: Vec<&str> = hex.split(':').collect();
        assert_eq!(parts.len(), len);
        assert!(
            parts.iter().all(|p| p.len() == 2
                && p.chars().all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c)))
        );
    }
    assert_eq!(f, keyward_pki::fingerprints(server.certificate_der()));

    // Stored and loaded back; a key that is not its own is refused.
    let again =
        ServerCertificate::from_der(server.certificate_der(), server.private_key_pkcs8_der())
            .unwrap();
    assert_eq!(again.fingerprints(), f);
    assert!(matches!(
        ServerCertificate::from_der(server.certificate_der(), pki.server.private_key_pkcs8_der()),
        Err(Error::InvalidKey { .. })
    ));
    assert!(server.certificate_pem().starts_with("-----BEGIN CERTIFICATE-----"));
}

#[test]
fn server_certificate_refuses_bad_requests() {
    let pki = Pki::new();
    assert!(matches!(
        ServerCertificate::issue(&pki.server_ca, &ServerCertificateRequest::default()),
        Err(Error::InvalidRequest(_))
    ));
    let bad = ServerCertificateRequest { dns_names: vec!["bad name".into()], ..Default::default() };
    assert!(matches!(
        ServerCertificate::issue(&pki.server_ca, &bad),
        Err(Error::InvalidRequest(_))
    ));
    let too_long = ServerCertificateRequest {
        validity: Some(Validity::days_from_now(30 * 365).unwrap()),
        ..ServerCertificateRequest::local(None)
    };
    let err = ServerCertificate::issue(&pki.server_ca, &too_long).unwrap_err();
    assert!(matches!(err, Error::InvalidValidity(_)));
    assert!(err.to_string().contains(SERVER_CA_NAME), "{err}");
}

/// Checks every field of an access certificate; returns the parsed identity.
fn assert_access_shape(
    der: &[u8],
    users_ca: &CertificateAuthority,
    credential: Uuid,
    domain: Uuid,
    validity: (OffsetDateTime, u32),
) -> PeerIdentity {
    let cert = parse(der);
    // Serial == credential UUID as a positive integer.
    let serial = cert.raw_serial();
    let significant: Vec<u8> = serial.iter().copied().skip_while(|b| *b == 0).collect();
    let uuid_bytes: Vec<u8> =
        credential.as_bytes().iter().copied().skip_while(|b| *b == 0).collect();
    assert_eq!(significant, uuid_bytes);
    assert!(serial[0] & 0x80 == 0, "serial must be positive");
    if credential.as_bytes()[0] & 0x80 != 0 {
        assert_eq!(serial.len(), 17);
        assert_eq!(serial[0], 0, "leading 0x00 when the top bit is set");
    }
    assert_eq!(cert.serial, num_bigint_from(credential));

    // Subject CN = domain id; issuer = the users CA.
    assert_eq!(cn(cert.subject()), domain.to_string());
    assert_eq!(cn(cert.issuer()), users_ca.common_name());
    assert!(signed_by(der, users_ca.certificate_der()));

    // Extensions: exactly a critical SAN and a non-critical EKU clientAuth.
    let exts = cert.extensions();
    assert_eq!(exts.len(), 2, "{exts:?}");
    let eku = cert.extended_key_usage().unwrap().unwrap();
    assert!(!eku.critical);
    assert!(eku.value.client_auth && !eku.value.server_auth && eku.value.other.is_empty());
    assert!(cert.basic_constraints().unwrap().is_none());
    assert!(cert.key_usage().unwrap().is_none());

    // SAN, read with x509-cert: critical, one otherName UPN = "okms.domain:<domain>".
    let typed = x509_cert::Certificate::from_der(der).unwrap();
    let (critical, san) =
        typed.tbs_certificate().get_extension::<SubjectAltName>().unwrap().unwrap();
    assert!(critical, "SubjectAltName must be critical");
    assert_eq!(san.0.len(), 1);
    let GeneralName::OtherName(other) = &san.0[0] else { panic!("not an otherName: {san:?}") };
    assert_eq!(other.type_id, UPN_OID);
    assert_eq!(other.type_id.to_string(), "1.3.6.1.4.1.311.20.2.3");
    let value = other.value.decode_as::<Utf8StringRef<'_>>().unwrap();
    assert_eq!(value.as_str(), format!("{DOMAIN_UPN_PREFIX}{domain}"));

    // Validity.
    let (not_before, days) = validity;
    let v = cert.validity();
    assert_eq!(v.not_before.to_datetime(), not_before);
    assert_eq!(v.not_after.to_datetime() - v.not_before.to_datetime(), Duration::days(days.into()));

    let identity = PeerIdentity::from_der(der).unwrap();
    assert_eq!(identity.credential_id, credential);
    assert_eq!(identity.domain_id, domain);
    assert_eq!(identity.domain_source, DomainSource::SubjectAltName);
    assert_eq!(identity.not_before, not_before);
    assert_eq!(identity.not_after, not_before + Duration::days(days.into()));
    identity
}

fn num_bigint_from(id: Uuid) -> x509_parser::num_bigint::BigUint {
    x509_parser::num_bigint::BigUint::from_bytes_be(id.as_bytes())
}

#[test]
fn access_certificate_with_generated_key() {
    let pki = Pki::new();
    // Top bit set (DER needs a leading zero), a leading zero byte, and an ordinary one.
    for credential in [
        Uuid::parse_str("f18b5e0d-75b8-40a3-9b0e-1234567890ab").unwrap(),
        Uuid::parse_str("0018b5e0-75b8-40a3-9b0e-1234567890ab").unwrap(),
        Uuid::new_v4(),
    ] {
        let domain = Uuid::new_v4();
        let not_before = datetime!(2030-03-04 05:06:07 UTC);
        let request = AccessCertificateRequest::new(credential, domain).with_not_before(not_before);
        let issued = issue_with_new_key(&pki.users_ca, &request).unwrap();
        let cert = issued.certificate();
        assert_eq!(cert.credential_id(), credential);
        assert_eq!(cert.domain_id(), domain);
        assert_eq!(cert.key_type(), KeyType::EcP256);
        assert_eq!(cert.key_type().certificate_type(), "ECDSA");
        assert!(!signed_by(cert.certificate_der(), pki.server_ca.certificate_der()));
        assert_access_shape(
            cert.certificate_der(),
            &pki.users_ca,
            credential,
            domain,
            (not_before, 365),
        );
        assert_eq!(curve_of(&parse(cert.certificate_der())), OID_EC_P256.to_id_string());

        // The private key is a SEC1 "EC PRIVATE KEY" PEM matching the certificate.
        let key_pem = issued.private_key_pem();
        assert!(key_pem.starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
        assert!(key_pem.trim_end().ends_with("-----END EC PRIVATE KEY-----"));
        let key = pem::private_key_from_pem(key_pem.as_bytes()).unwrap();
        assert!(matches!(*key, rustls_pki_types::PrivateKeyDer::Sec1(_)));
        tls::certified_key(vec![cert.certificate_der().clone()], &key).unwrap();
        // ...and no other certificate's.
        assert!(matches!(
            tls::certified_key(vec![pki.server.certificate_der().clone()], &key),
            Err(Error::InvalidKey { .. })
        ));
    }
}

#[test]
fn access_certificate_validity_defaults_and_limits() {
    let pki = Pki::new();
    let before = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let request = AccessCertificateRequest::new(Uuid::new_v4(), Uuid::new_v4());
    let issued = issue_with_new_key(&pki.users_ca, &request).unwrap();
    let v = issued.certificate().validity();
    let after = OffsetDateTime::now_utc();
    assert!(v.not_before() >= before && v.not_before() <= after, "notBefore is now");
    assert_eq!(v.not_after() - v.not_before(), Duration::days(365));

    let short = issue_with_new_key(&pki.users_ca, &request.with_validity_days(7)).unwrap();
    assert_eq!(
        short.certificate().validity().not_after() - short.certificate().validity().not_before(),
        Duration::days(7)
    );

    for bad in [request.with_validity_days(0), request.with_validity_days(100 * 365)] {
        let err = issue_with_new_key(&pki.users_ca, &bad).unwrap_err();
        assert!(matches!(err, Error::InvalidValidity(_)), "{err}");
    }
    let nil = AccessCertificateRequest::new(Uuid::nil(), Uuid::new_v4());
    assert!(matches!(issue_with_new_key(&pki.users_ca, &nil), Err(Error::InvalidRequest(_))));
}

#[test]
fn identity_falls_back_to_common_name_and_rejects_certificates_naming_no_domain() {
    use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, SerialNumber};
    let credential = Uuid::new_v4();
    let domain = Uuid::new_v4();
    let key = KeyPair::generate().unwrap();
    let make = |cn: Option<&str>, serial: &[u8]| {
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        if let Some(cn) = cn {
            dn.push(DnType::CommonName, cn);
        }
        params.distinguished_name = dn;
        params.serial_number = Some(SerialNumber::from_slice(serial));
        params.self_signed(&key).unwrap().der().to_vec()
    };

    let cn_only = make(Some(&domain.to_string()), credential.as_bytes());
    let id = PeerIdentity::from_der(&cn_only).unwrap();
    assert_eq!((id.credential_id, id.domain_id), (credential, domain));
    assert_eq!(id.domain_source, DomainSource::CommonName);
    assert!(id.is_valid_at(OffsetDateTime::now_utc()));

    let neither = make(None, credential.as_bytes());
    assert!(matches!(PeerIdentity::from_der(&neither), Err(Error::NoDomain)));

    let not_uuid = make(Some("example.com"), credential.as_bytes());
    let err = PeerIdentity::from_der(&not_uuid).unwrap_err();
    assert!(matches!(err, Error::InvalidDomainId(_)));
    assert!(err.to_string().contains("example.com"));

    let long_serial = make(Some(&domain.to_string()), &[0x11; 20]);
    assert!(matches!(PeerIdentity::from_der(&long_serial), Err(Error::SerialNotCredentialId)));

    assert!(matches!(PeerIdentity::from_der(b"junk"), Err(Error::Malformed { .. })));
    assert!(matches!(PeerIdentity::from_peer_certificates(None), Err(Error::NoPeerCertificate)));
    assert!(matches!(
        PeerIdentity::from_peer_certificates(Some(&[])),
        Err(Error::NoPeerCertificate)
    ));
}
