"""Cryptographic operations through PyKMIP: encrypt/decrypt, sign/verify,
MAC and derive key. Results are checked against the Python ``cryptography``
library wherever the key material can be read back, so a server that merely
round-trips its own output would not pass.

PyKMIP limits met here:
- ProxyKmipClient.encrypt/decrypt drop the Authenticated Encryption Tag, so
  AES-GCM goes through KMIPProxy.send_request_payload with PyKMIP's own
  Encrypt/Decrypt payload classes, which do carry the tag (KMIP 1.4).
- PyKMIP has no MAC Verify operation (neither client offers it): the MAC is
  checked against a local HMAC instead.
"""

import hashlib
import hmac
import os
import unittest

from cryptography.hazmat.primitives import hashes, padding as sym_padding
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives import serialization
from kmip.core import enums
from kmip.core.attributes import CryptographicParameters
from kmip.core.messages import payloads

from keyward_pykmip import KmipTestCase

U = enums.CryptographicUsageMask


class CryptoTests(KmipTestCase):

    def active_key(self, algorithm, length, masks):
        uid = self.client.create(
            algorithm, length, cryptographic_usage_mask=masks)
        self.client.activate(uid)
        return uid, self.client.get(uid).value

    # Encrypt / Decrypt --------------------------------------------------

    def test_aes_cbc_pkcs5_with_a_client_iv_matches_a_local_cipher(self):
        uid, key = self.active_key(
            enums.CryptographicAlgorithm.AES, 256, [U.ENCRYPT, U.DECRYPT])
        params = {
            "cryptographic_algorithm": enums.CryptographicAlgorithm.AES,
            "block_cipher_mode": enums.BlockCipherMode.CBC,
            "padding_method": enums.PaddingMethod.PKCS5,
        }
        iv = os.urandom(16)
        plaintext = b"PyKMIP meets Keyward over mutual TLS."
        ciphertext, returned_iv = self.client.encrypt(
            plaintext, uid, cryptographic_parameters=params,
            iv_counter_nonce=iv)
        self.assertIsNone(returned_iv, "a client IV is not echoed")

        padder = sym_padding.PKCS7(128).padder()
        padded = padder.update(plaintext) + padder.finalize()
        local = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        self.assertEqual(ciphertext, local.update(padded) + local.finalize())

        decrypted = self.client.decrypt(
            ciphertext, uid, cryptographic_parameters=params,
            iv_counter_nonce=iv)
        self.assertEqual(decrypted, plaintext)

    def test_aes_cbc_with_a_server_random_iv_round_trips(self):
        uid, key = self.active_key(
            enums.CryptographicAlgorithm.AES, 128, [U.ENCRYPT, U.DECRYPT])
        params = {
            "cryptographic_algorithm": enums.CryptographicAlgorithm.AES,
            "block_cipher_mode": enums.BlockCipherMode.CBC,
            "padding_method": enums.PaddingMethod.PKCS5,
            "random_iv": True,
        }
        plaintext = os.urandom(100)
        ciphertext, iv = self.client.encrypt(
            plaintext, uid, cryptographic_parameters=params)
        self.assertEqual(len(iv), 16)
        local = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        unpadder = sym_padding.PKCS7(128).unpadder()
        self.assertEqual(
            unpadder.update(local.update(ciphertext) + local.finalize())
            + unpadder.finalize(),
            plaintext)
        del params["random_iv"]
        self.assertEqual(
            self.client.decrypt(ciphertext, uid,
                                cryptographic_parameters=params,
                                iv_counter_nonce=iv),
            plaintext)

    def test_aes_gcm_with_additional_data_and_tag(self):
        uid, key = self.active_key(
            enums.CryptographicAlgorithm.AES, 256, [U.ENCRYPT, U.DECRYPT])
        params = CryptographicParameters(
            cryptographic_algorithm=enums.CryptographicAlgorithm.AES,
            block_cipher_mode=enums.BlockCipherMode.GCM,
            tag_length=16)
        nonce = os.urandom(12)
        aad = b"header"
        plaintext = b"authenticated and encrypted"
        proxy = self.client.proxy
        encrypted = proxy.send_request_payload(
            enums.Operation.ENCRYPT,
            payloads.EncryptRequestPayload(
                unique_identifier=uid, cryptographic_parameters=params,
                data=plaintext, iv_counter_nonce=nonce,
                auth_additional_data=aad))
        self.assertEqual(encrypted.unique_identifier, uid)
        self.assertEqual(len(encrypted.auth_tag), 16)
        local = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
        local.authenticate_additional_data(aad)
        self.assertEqual(encrypted.data, local.update(plaintext)
                         + local.finalize())
        self.assertEqual(encrypted.auth_tag, local.tag)

        decrypted = proxy.send_request_payload(
            enums.Operation.DECRYPT,
            payloads.DecryptRequestPayload(
                unique_identifier=uid, cryptographic_parameters=params,
                data=encrypted.data, iv_counter_nonce=nonce,
                auth_additional_data=aad, auth_tag=encrypted.auth_tag))
        self.assertEqual(decrypted.data, plaintext)

        bad_tag = bytes([encrypted.auth_tag[0] ^ 1]) + encrypted.auth_tag[1:]
        with self.assertKmipFailure(enums.ResultReason.CRYPTOGRAPHIC_FAILURE):
            proxy.send_request_payload(
                enums.Operation.DECRYPT,
                payloads.DecryptRequestPayload(
                    unique_identifier=uid, cryptographic_parameters=params,
                    data=encrypted.data, iv_counter_nonce=nonce,
                    auth_additional_data=aad, auth_tag=bad_tag))

    def test_rsa_oaep_encrypt_decrypt(self):
        public_uid, private_uid = self.client.create_key_pair(
            enums.CryptographicAlgorithm.RSA, 2048,
            public_usage_mask=[U.ENCRYPT], private_usage_mask=[U.DECRYPT])
        self.client.activate(public_uid)
        self.client.activate(private_uid)
        params = {
            "cryptographic_algorithm": enums.CryptographicAlgorithm.RSA,
            "padding_method": enums.PaddingMethod.OAEP,
            "hashing_algorithm": enums.HashingAlgorithm.SHA_256,
        }
        plaintext = os.urandom(32)
        ciphertext, _ = self.client.encrypt(
            plaintext, public_uid, cryptographic_parameters=params)
        self.assertEqual(len(ciphertext), 256)
        self.assertEqual(
            self.client.decrypt(ciphertext, private_uid,
                                cryptographic_parameters=params),
            plaintext)

    # Sign / Verify ------------------------------------------------------

    def test_rsa_sign_and_verify(self):
        public_uid, private_uid = self.client.create_key_pair(
            enums.CryptographicAlgorithm.RSA, 2048,
            public_usage_mask=[U.VERIFY], private_usage_mask=[U.SIGN])
        self.client.activate(public_uid)
        self.client.activate(private_uid)
        params = {
            "cryptographic_algorithm": enums.CryptographicAlgorithm.RSA,
            "padding_method": enums.PaddingMethod.PKCS1v15,
            "hashing_algorithm": enums.HashingAlgorithm.SHA_256,
        }
        message = b"signed by the server, checked by everyone"
        signature = self.client.sign(
            message, private_uid, cryptographic_parameters=params)
        self.assertEqual(len(signature), 256)

        # An independent check with the public key read back.
        public = serialization.load_der_public_key(
            _spki_or_pkcs1(self.client.get(public_uid)))
        public.verify(signature, message, rsa_padding.PKCS1v15(),
                      hashes.SHA256())

        self.assertEqual(
            self.client.signature_verify(
                message, signature, public_uid,
                cryptographic_parameters=params),
            enums.ValidityIndicator.VALID)
        self.assertEqual(
            self.client.signature_verify(
                message + b"!", signature, public_uid,
                cryptographic_parameters=params),
            enums.ValidityIndicator.INVALID)

    def test_ecdsa_sign_and_verify(self):
        # PyKMIP's create_key_pair cannot name a curve: P-256 comes from the
        # length.
        public_uid, private_uid = self.client.create_key_pair(
            enums.CryptographicAlgorithm.ECDSA, 256,
            public_usage_mask=[U.VERIFY], private_usage_mask=[U.SIGN])
        self.client.activate(public_uid)
        self.client.activate(private_uid)
        params = {
            "cryptographic_algorithm": enums.CryptographicAlgorithm.ECDSA,
            "hashing_algorithm": enums.HashingAlgorithm.SHA_256,
        }
        message = b"elliptic"
        signature = self.client.sign(
            message, private_uid, cryptographic_parameters=params)
        self.assertEqual(
            self.client.signature_verify(
                message, signature, public_uid,
                cryptographic_parameters=params),
            enums.ValidityIndicator.VALID)
        self.assertEqual(
            self.client.signature_verify(
                b"elliptik", signature, public_uid,
                cryptographic_parameters=params),
            enums.ValidityIndicator.INVALID)

    # MAC ----------------------------------------------------------------

    def test_hmac_sha256_matches_a_local_hmac(self):
        uid, key = self.active_key(
            enums.CryptographicAlgorithm.HMAC_SHA256, 256,
            [U.MAC_GENERATE, U.MAC_VERIFY])
        data = b"message to authenticate"
        got_uid, mac = self.client.mac(
            data, uid, algorithm=enums.CryptographicAlgorithm.HMAC_SHA256)
        self.assertEqual(got_uid, uid)
        self.assertEqual(mac, hmac.new(key, data, hashlib.sha256).digest())

    def test_mac_refused_without_the_usage_mask(self):
        uid, _ = self.active_key(
            enums.CryptographicAlgorithm.HMAC_SHA256, 256, [U.ENCRYPT])
        with self.assertKmipFailure(enums.ResultReason.PERMISSION_DENIED):
            self.client.mac(
                b"x", uid, algorithm=enums.CryptographicAlgorithm.HMAC_SHA256)

    # Derive Key ---------------------------------------------------------

    def test_derive_key_pbkdf2_from_secret_data(self):
        from kmip.pie import objects
        password = b"a password to stretch"
        base = self.client.register(objects.SecretData(
            password, enums.SecretDataType.PASSWORD, masks=[U.DERIVE_KEY]))
        self.client.activate(base)
        salt = os.urandom(16)
        derived = self.client.derive_key(
            enums.ObjectType.SYMMETRIC_KEY, [base],
            enums.DerivationMethod.PBKDF2,
            {
                "cryptographic_parameters": {
                    "hashing_algorithm": enums.HashingAlgorithm.SHA_256,
                },
                "salt": salt,
                "iteration_count": 1000,
            },
            cryptographic_algorithm=enums.CryptographicAlgorithm.AES,
            cryptographic_length=256)
        key = self.client.get(derived)
        self.assertEqual(key.cryptographic_algorithm,
                         enums.CryptographicAlgorithm.AES)
        self.assertEqual(
            key.value,
            hashlib.pbkdf2_hmac("sha256", password, salt, 1000, 32))

    def test_derive_key_hmac_from_a_symmetric_key(self):
        base, base_key = self.active_key(
            enums.CryptographicAlgorithm.HMAC_SHA256, 256, [U.DERIVE_KEY])
        data = b"context for derivation"
        derived = self.client.derive_key(
            enums.ObjectType.SYMMETRIC_KEY, [base],
            enums.DerivationMethod.HMAC,
            {
                "cryptographic_parameters": {
                    "hashing_algorithm": enums.HashingAlgorithm.SHA_256,
                },
                "derivation_data": data,
            },
            cryptographic_algorithm=enums.CryptographicAlgorithm.AES,
            cryptographic_length=128)
        self.assertEqual(
            self.client.get(derived).value,
            hmac.new(base_key, data, hashlib.sha256).digest()[:16])


def _spki_or_pkcs1(public_key):
    """DER SubjectPublicKeyInfo for a pie PublicKey in X.509 or PKCS#1."""
    if public_key.key_format_type == enums.KeyFormatType.X_509:
        return public_key.value
    from cryptography.hazmat.primitives.serialization import (
        load_der_public_key)  # noqa: F401
    import base64
    pem = (b"-----BEGIN RSA PUBLIC KEY-----\n"
           + base64.encodebytes(public_key.value)
           + b"-----END RSA PUBLIC KEY-----\n")
    key = serialization.load_pem_public_key(pem)
    return key.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


if __name__ == "__main__":
    unittest.main()
