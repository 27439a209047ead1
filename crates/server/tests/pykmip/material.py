"""Key and certificate material the tests register, made fresh each run."""

import base64
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID


def rsa_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def pkcs1_public(key):
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1)


def pkcs8_private(key):
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())


def self_signed_certificate(common_name="pykmip test"):
    """A self-signed P-256 certificate (DER) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER), key


def load_rsa_private(der):
    """An RSA private key from PKCS#8 or PKCS#1 DER."""
    try:
        return serialization.load_der_private_key(der, None)
    except ValueError:
        pem = (b"-----BEGIN RSA PRIVATE KEY-----\n"
               + base64.encodebytes(der)
               + b"-----END RSA PRIVATE KEY-----\n")
        return serialization.load_pem_private_key(pem, None)
