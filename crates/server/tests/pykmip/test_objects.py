"""Managed objects through PyKMIP's ProxyKmipClient: create / register / get /
locate / get attributes / activate / revoke / destroy of symmetric keys, key
pairs, certificates, secret data, opaque objects and split keys."""

import os
import unittest
import uuid

from kmip.core import enums
from kmip.core.factories import attributes as attribute_factories
from kmip.pie import objects

import keyward_pykmip
import material
from keyward_pykmip import KmipTestCase

MASK_ENC_DEC = [
    enums.CryptographicUsageMask.ENCRYPT,
    enums.CryptographicUsageMask.DECRYPT,
]

ATTRIBUTES = attribute_factories.AttributeFactory()


def unique(prefix):
    return "{}-{}".format(prefix, uuid.uuid4())


class ManagedObjectTests(KmipTestCase):

    def locate_by_name(self, name):
        return self.client.locate(attributes=[
            ATTRIBUTES.create_attribute(enums.AttributeType.NAME, name)])

    def full_lifecycle(self, uid):
        """Activate, revoke and destroy ``uid``, checking each state."""
        self.assertEqual(self.state(uid), enums.State.PRE_ACTIVE)
        self.client.activate(uid)
        self.assertEqual(self.state(uid), enums.State.ACTIVE)
        self.client.revoke(
            enums.RevocationReasonCode.CESSATION_OF_OPERATION, uid,
            revocation_message="retired by the PyKMIP test")
        self.assertEqual(self.state(uid), enums.State.DEACTIVATED)
        self.client.destroy(uid)
        self.assertEqual(self.state(uid), enums.State.DESTROYED)

    def assert_common(self, uid, object_type, name):
        attrs = self.attributes(uid, [
            "Unique Identifier", "Object Type", "Name", "State",
            "Initial Date"])
        self.assertEqual(attrs["Unique Identifier"][0].value, uid)
        self.assertEqual(attrs["Object Type"][0].value, object_type)
        self.assertIn(name, [n.name_value.value for n in attrs["Name"]])
        self.assertGreater(attrs["Initial Date"][0].value, 0)
        self.assertEqual(self.locate_by_name(name), [uid])

    # Symmetric keys -----------------------------------------------------

    def test_symmetric_key_created(self):
        name = unique("sym-created")
        uid = self.client.create(
            enums.CryptographicAlgorithm.AES, 256, name=name,
            cryptographic_usage_mask=MASK_ENC_DEC)
        key = self.client.get(uid)
        self.assertIsInstance(key, objects.SymmetricKey)
        self.assertEqual(key.cryptographic_algorithm,
                         enums.CryptographicAlgorithm.AES)
        self.assertEqual(key.cryptographic_length, 256)
        self.assertEqual(len(key.value), 32)
        self.assert_common(uid, enums.ObjectType.SYMMETRIC_KEY, name)
        attrs = self.attributes(uid, [
            "Cryptographic Algorithm", "Cryptographic Length",
            "Cryptographic Usage Mask"])
        self.assertEqual(attrs["Cryptographic Algorithm"][0].value,
                         enums.CryptographicAlgorithm.AES)
        self.assertEqual(attrs["Cryptographic Length"][0].value, 256)
        self.assertEqual(
            attrs["Cryptographic Usage Mask"][0].value,
            enums.CryptographicUsageMask.ENCRYPT.value
            | enums.CryptographicUsageMask.DECRYPT.value)
        self.full_lifecycle(uid)

    def test_symmetric_key_registered_round_trips(self):
        name = unique("sym-registered")
        value = os.urandom(16)
        uid = self.client.register(objects.SymmetricKey(
            enums.CryptographicAlgorithm.AES, 128, value,
            masks=MASK_ENC_DEC, name=name))
        key = self.client.get(uid)
        self.assertIsInstance(key, objects.SymmetricKey)
        self.assertEqual(key.value, value)
        self.assertEqual(key.cryptographic_length, 128)
        self.assert_common(uid, enums.ObjectType.SYMMETRIC_KEY, name)
        self.full_lifecycle(uid)

    # Key pairs ----------------------------------------------------------

    def test_rsa_key_pair_created(self):
        public_name, private_name = unique("rsa-pub"), unique("rsa-priv")
        public_uid, private_uid = self.client.create_key_pair(
            enums.CryptographicAlgorithm.RSA, 2048,
            public_name=public_name,
            public_usage_mask=[enums.CryptographicUsageMask.VERIFY],
            private_name=private_name,
            private_usage_mask=[enums.CryptographicUsageMask.SIGN])
        self.assertNotEqual(public_uid, private_uid)
        public = self.client.get(public_uid)
        private = self.client.get(private_uid)
        self.assertIsInstance(public, objects.PublicKey)
        self.assertIsInstance(private, objects.PrivateKey)
        for key in (public, private):
            self.assertEqual(key.cryptographic_algorithm,
                             enums.CryptographicAlgorithm.RSA)
            self.assertEqual(key.cryptographic_length, 2048)
        self.assert_common(public_uid, enums.ObjectType.PUBLIC_KEY,
                           public_name)
        self.assert_common(private_uid, enums.ObjectType.PRIVATE_KEY,
                           private_name)
        # The two halves are linked to each other. PyKMIP 0.11 cannot decode
        # a Link attribute value (its attribute value factory raises
        # NotImplementedError for Link), so only its presence is checked.
        self.assertIn("Link", self.client.get_attribute_list(private_uid))
        self.assertIn("Link", self.client.get_attribute_list(public_uid))
        self.full_lifecycle(private_uid)
        self.full_lifecycle(public_uid)

    def test_rsa_key_pair_registered_round_trips(self):
        rsa_key = material.rsa_key()
        public_der = material.pkcs1_public(rsa_key)
        private_der = material.pkcs8_private(rsa_key)
        public_name, private_name = unique("rsa-reg-pub"), unique("rsa-reg-priv")
        public_uid = self.client.register(objects.PublicKey(
            enums.CryptographicAlgorithm.RSA, 2048, public_der,
            enums.KeyFormatType.PKCS_1,
            masks=[enums.CryptographicUsageMask.VERIFY], name=public_name))
        private_uid = self.client.register(objects.PrivateKey(
            enums.CryptographicAlgorithm.RSA, 2048, private_der,
            enums.KeyFormatType.PKCS_8,
            masks=[enums.CryptographicUsageMask.SIGN], name=private_name))
        public = self.client.get(public_uid)
        self.assertEqual(public.key_format_type, enums.KeyFormatType.PKCS_1)
        self.assertEqual(public.value, public_der)
        private = self.client.get(private_uid)
        # The server may answer in PKCS#1 or PKCS#8: compare the key itself.
        self.assertIn(private.key_format_type,
                      (enums.KeyFormatType.PKCS_1, enums.KeyFormatType.PKCS_8))
        loaded = material.load_rsa_private(private.value)
        self.assertEqual(loaded.private_numbers(), rsa_key.private_numbers())
        self.assert_common(public_uid, enums.ObjectType.PUBLIC_KEY,
                           public_name)
        self.assert_common(private_uid, enums.ObjectType.PRIVATE_KEY,
                           private_name)
        self.full_lifecycle(private_uid)
        self.full_lifecycle(public_uid)

    # Certificates -------------------------------------------------------

    def test_certificate_registered_round_trips(self):
        name = unique("cert")
        der, _key = material.self_signed_certificate()
        uid = self.client.register(objects.X509Certificate(
            der, masks=[enums.CryptographicUsageMask.VERIFY], name=name))
        cert = self.client.get(uid)
        self.assertIsInstance(cert, objects.X509Certificate)
        self.assertEqual(cert.value, der)
        self.assert_common(uid, enums.ObjectType.CERTIFICATE, name)
        attrs = self.attributes(uid, ["Certificate Type"])
        self.assertEqual(attrs["Certificate Type"][0].value,
                         enums.CertificateType.X_509)
        self.full_lifecycle(uid)

    # Secret data --------------------------------------------------------

    def test_secret_data_registered_round_trips(self):
        name = unique("secret")
        value = b"correct horse battery staple"
        uid = self.client.register(objects.SecretData(
            value, enums.SecretDataType.PASSWORD,
            masks=[enums.CryptographicUsageMask.DERIVE_KEY], name=name))
        secret = self.client.get(uid)
        self.assertIsInstance(secret, objects.SecretData)
        self.assertEqual(secret.value, value)
        self.assertEqual(secret.data_type, enums.SecretDataType.PASSWORD)
        self.assert_common(uid, enums.ObjectType.SECRET_DATA, name)
        self.full_lifecycle(uid)

    # Opaque objects -----------------------------------------------------

    def test_opaque_object_registered_round_trips(self):
        name = unique("opaque")
        value = os.urandom(48)
        uid = self.client.register(objects.OpaqueObject(
            value, enums.OpaqueDataType.NONE, name=name))
        opaque = self.client.get(uid)
        self.assertIsInstance(opaque, objects.OpaqueObject)
        self.assertEqual(opaque.value, value)
        self.assertEqual(opaque.opaque_type, enums.OpaqueDataType.NONE)
        self.assert_common(uid, enums.ObjectType.OPAQUE_DATA, name)
        self.full_lifecycle(uid)

    # Split keys ---------------------------------------------------------

    def test_split_key_registered_round_trips(self):
        name = unique("split")
        value = os.urandom(16)
        uid = self.client.register(objects.SplitKey(
            cryptographic_algorithm=enums.CryptographicAlgorithm.AES,
            cryptographic_length=128,
            key_value=value,
            cryptographic_usage_masks=MASK_ENC_DEC,
            name=name,
            split_key_parts=3,
            key_part_identifier=2,
            split_key_threshold=2,
            split_key_method=enums.SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8))
        part = self.client.get(uid)
        self.assertIsInstance(part, objects.SplitKey)
        self.assertEqual(part.value, value)
        self.assertEqual(part.split_key_parts, 3)
        self.assertEqual(part.key_part_identifier, 2)
        self.assertEqual(part.split_key_threshold, 2)
        self.assertEqual(part.split_key_method,
                         enums.SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8)
        self.assert_common(uid, enums.ObjectType.SPLIT_KEY, name)
        self.full_lifecycle(uid)

    def test_get_attributes_without_names_returns_every_attribute(self):
        # PyKMIP 0.11 cannot decode every KMIP 1.2+ attribute: a Get
        # Attributes without names in 1.4 fails in PyKMIP's decoder on the
        # server's (valid) Key Value Present ("Unrecognized attribute type:
        # AttributeType.KEY_VALUE_PRESENT"). A KMIP 1.1 client gets only the
        # attributes 1.1 defines, all of which PyKMIP reads.
        name = unique("all-attributes")
        uid = self.client.create(
            enums.CryptographicAlgorithm.AES, 256, name=name,
            cryptographic_usage_mask=MASK_ENC_DEC)
        client = keyward_pykmip.pie("1.1")
        client.open()
        self.addCleanup(client.close)
        got_uid, attrs = client.get_attributes(uid)
        self.assertEqual(got_uid, uid)
        names = {a.attribute_name.value for a in attrs}
        for expected in ("Unique Identifier", "Object Type", "Name", "State",
                         "Cryptographic Algorithm", "Cryptographic Length",
                         "Cryptographic Usage Mask", "Initial Date"):
            self.assertIn(expected, names)
        self.assertNotIn("Key Value Present", names)  # KMIP 1.2
        self.assertEqual(names, set(client.get_attribute_list(uid)))

    # Locate across types ------------------------------------------------

    def test_locate_by_object_type_and_algorithm(self):
        uid = self.client.create(
            enums.CryptographicAlgorithm.AES, 192, name=unique("locate"))
        found = self.client.locate(attributes=[
            ATTRIBUTES.create_attribute(
                enums.AttributeType.OBJECT_TYPE,
                enums.ObjectType.SYMMETRIC_KEY),
            ATTRIBUTES.create_attribute(
                enums.AttributeType.CRYPTOGRAPHIC_LENGTH, 192),
        ])
        self.assertIn(uid, found)
        self.assertEqual(self.locate_by_name(unique("nothing")), [])
        self.assertLessEqual(len(self.client.locate(maximum_items=1)), 1)


if __name__ == "__main__":
    unittest.main()
