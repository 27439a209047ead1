"""Every KMIP 1.x protocol version PyKMIP speaks (1.0 to 1.4): Discover
Versions, Query, and a create / get / get attributes / destroy round trip in
each version's encoding."""

import os
import unittest

from kmip.core import enums
from kmip.core.messages.contents import ProtocolVersion
from kmip.pie import objects

import keyward_pykmip
from keyward_pykmip import KmipTestCase


class VersionTests(KmipTestCase):

    def test_tls_is_1_2_or_newer_with_forward_secrecy(self):
        sock = self.client.proxy.socket
        self.assertIn(sock.version(), ("TLSv1.2", "TLSv1.3"))
        cipher, _protocol, _bits = sock.cipher()
        if sock.version() == "TLSv1.2":
            self.assertTrue(cipher.startswith("ECDHE-"), cipher)
        # The server certificate was verified against the server CA.
        self.assertIsNotNone(sock.getpeercert())

    def test_discover_versions(self):
        proxy = self.client.proxy
        result = proxy.discover_versions()
        self.assertResultSuccess(result)
        self.assertEqual(
            [(v.major, v.minor) for v in result.protocol_versions],
            [(1, 4), (1, 3), (1, 2), (1, 1), (1, 0)])
        result = proxy.discover_versions(protocol_versions=[
            ProtocolVersion(2, 0), ProtocolVersion(1, 2)])
        self.assertResultSuccess(result)
        self.assertEqual(
            [(v.major, v.minor) for v in result.protocol_versions], [(1, 2)])

    def test_query(self):
        result = self.client.proxy.query(query_functions=[
            enums.QueryFunction.QUERY_OPERATIONS,
            enums.QueryFunction.QUERY_OBJECTS,
            enums.QueryFunction.QUERY_SERVER_INFORMATION,
        ])
        self.assertResultSuccess(result)
        operations = [enums.Operation(o.value) for o in result.operations]
        for operation in (
            enums.Operation.CREATE, enums.Operation.CREATE_KEY_PAIR,
            enums.Operation.REGISTER, enums.Operation.LOCATE,
            enums.Operation.GET, enums.Operation.GET_ATTRIBUTES,
            enums.Operation.ADD_ATTRIBUTE, enums.Operation.MODIFY_ATTRIBUTE,
            enums.Operation.DELETE_ATTRIBUTE, enums.Operation.ACTIVATE,
            enums.Operation.REVOKE, enums.Operation.DESTROY,
            enums.Operation.ENCRYPT, enums.Operation.DECRYPT,
            enums.Operation.SIGN, enums.Operation.SIGNATURE_VERIFY,
            enums.Operation.MAC, enums.Operation.DERIVE_KEY,
        ):
            self.assertIn(operation, operations)
        object_types = [enums.ObjectType(o.value) for o in result.object_types]
        for object_type in (
            enums.ObjectType.SYMMETRIC_KEY, enums.ObjectType.PUBLIC_KEY,
            enums.ObjectType.PRIVATE_KEY, enums.ObjectType.CERTIFICATE,
            enums.ObjectType.SECRET_DATA, enums.ObjectType.OPAQUE_DATA,
            enums.ObjectType.SPLIT_KEY,
        ):
            self.assertIn(object_type, object_types)
        self.assertEqual(result.vendor_identification, "Keyward")

    def test_each_version_round_trips_a_key(self):
        for version in ("1.0", "1.1", "1.2", "1.3", "1.4"):
            with self.subTest(version=version):
                client = keyward_pykmip.pie(version)
                client.open()
                try:
                    value = os.urandom(32)
                    uid = client.register(objects.SymmetricKey(
                        enums.CryptographicAlgorithm.AES, 256, value,
                        name="v" + version))
                    created = client.create(
                        enums.CryptographicAlgorithm.AES, 128)
                    self.assertEqual(client.get(uid).value, value)
                    self.assertEqual(len(client.get(created).value), 16)
                    got_uid, attrs = client.get_attributes(
                        uid, ["State", "Cryptographic Length"])
                    self.assertEqual(got_uid, uid)
                    by_name = {a.attribute_name.value: a.attribute_value.value
                               for a in attrs}
                    self.assertEqual(by_name["State"], enums.State.PRE_ACTIVE)
                    self.assertEqual(by_name["Cryptographic Length"], 256)
                    client.destroy(uid)
                    got_uid, attrs = client.get_attributes(uid, ["State"])
                    self.assertEqual(attrs[0].attribute_value.value,
                                     enums.State.DESTROYED)
                finally:
                    client.close()


if __name__ == "__main__":
    unittest.main()
