"""The key lifecycle through PyKMIP (KMIP 1.4 §3.22 states, §4.19–§4.21
operations), with the refusals a client meets along it.

KMIP 1.x has no Wrong Key Lifecycle State reason (it arrived in 2.0): an
operation the object's state forbids is Permission Denied (KMIP 1.4 §11).
A destroyed object keeps its attributes but not its key material, so Get
answers Key Value Not Present.
"""

import os
import unittest
import uuid

from kmip.core import enums
from kmip.core.factories import attributes as attribute_factories

from keyward_pykmip import KmipTestCase

R = enums.ResultReason
S = enums.State
U = enums.CryptographicUsageMask
ATTRIBUTES = attribute_factories.AttributeFactory()
CBC = {
    "cryptographic_algorithm": enums.CryptographicAlgorithm.AES,
    "block_cipher_mode": enums.BlockCipherMode.CBC,
    "padding_method": enums.PaddingMethod.PKCS5,
}


class LifecycleTests(KmipTestCase):

    def new_key(self):
        return self.client.create(
            enums.CryptographicAlgorithm.AES, 256,
            name="lifecycle-{}".format(uuid.uuid4()),
            cryptographic_usage_mask=[U.ENCRYPT, U.DECRYPT])

    def test_destroy_is_refused_while_active(self):
        uid = self.new_key()
        self.client.activate(uid)
        with self.assertKmipFailure(R.PERMISSION_DENIED):
            self.client.destroy(uid)
        # Nothing changed: still active, still usable.
        self.assertEqual(self.state(uid), S.ACTIVE)
        self.assertEqual(len(self.client.get(uid).value), 32)
        self.client.encrypt(b"still works", uid,
                            cryptographic_parameters=CBC,
                            iv_counter_nonce=os.urandom(16))

    def test_get_of_a_destroyed_key_is_refused(self):
        uid = self.new_key()
        self.client.destroy(uid)  # Pre-Active keys may be destroyed.
        self.assertEqual(self.state(uid), S.DESTROYED)
        with self.assertKmipFailure(R.KEY_VALUE_NOT_PRESENT):
            self.client.get(uid)
        attrs = self.attributes(uid, ["Destroy Date", "State"])
        self.assertGreater(attrs["Destroy Date"][0].value, 0)
        with self.assertKmipFailure(R.PERMISSION_DENIED):
            self.client.activate(uid)
        with self.assertKmipFailure(R.PERMISSION_DENIED):
            self.client.destroy(uid)

    def test_a_pre_active_key_cannot_encrypt(self):
        uid = self.new_key()
        with self.assertKmipFailure(R.PERMISSION_DENIED):
            self.client.encrypt(b"too early", uid,
                                cryptographic_parameters=CBC,
                                iv_counter_nonce=os.urandom(16))

    def test_a_deactivated_key_decrypts_but_no_longer_encrypts(self):
        uid = self.new_key()
        self.client.activate(uid)
        iv = os.urandom(16)
        ciphertext, _ = self.client.encrypt(
            b"before revocation", uid, cryptographic_parameters=CBC,
            iv_counter_nonce=iv)
        self.client.revoke(enums.RevocationReasonCode.SUPERSEDED, uid)
        self.assertEqual(self.state(uid), S.DEACTIVATED)
        attrs = self.attributes(uid, ["Deactivation Date"])
        self.assertGreater(attrs["Deactivation Date"][0].value, 0)
        # PyKMIP 0.11 cannot decode a Revocation Reason attribute value (its
        # attribute value factory raises NotImplementedError): presence only.
        self.assertIn("Revocation Reason",
                      self.client.get_attribute_list(uid))
        with self.assertKmipFailure(R.PERMISSION_DENIED):
            self.client.encrypt(b"too late", uid,
                                cryptographic_parameters=CBC,
                                iv_counter_nonce=os.urandom(16))
        self.assertEqual(
            self.client.decrypt(ciphertext, uid,
                                cryptographic_parameters=CBC,
                                iv_counter_nonce=iv),
            b"before revocation")
        with self.assertKmipFailure(R.PERMISSION_DENIED):
            self.client.activate(uid)
        self.client.destroy(uid)
        self.assertEqual(self.state(uid), S.DESTROYED)

    def test_compromise_then_destroy(self):
        uid = self.new_key()
        self.client.activate(uid)
        self.client.revoke(enums.RevocationReasonCode.KEY_COMPROMISE, uid,
                           compromise_occurrence_date=1_600_000_000)
        self.assertEqual(self.state(uid), S.COMPROMISED)
        attrs = self.attributes(uid, ["Compromise Occurrence Date",
                                      "Compromise Date"])
        self.assertEqual(attrs["Compromise Occurrence Date"][0].value,
                         1_600_000_000)
        self.assertGreater(attrs["Compromise Date"][0].value, 0)
        self.client.destroy(uid)
        self.assertEqual(self.state(uid), S.DESTROYED_COMPROMISED)
        with self.assertKmipFailure(R.KEY_VALUE_NOT_PRESENT):
            self.client.get(uid)

    def test_activation_twice_is_refused(self):
        uid = self.new_key()
        self.client.activate(uid)
        with self.assertKmipFailure(R.PERMISSION_DENIED):
            self.client.activate(uid)

    def test_unknown_identifiers_are_item_not_found(self):
        missing = str(uuid.uuid4())
        for call in (
            lambda: self.client.get(missing),
            lambda: self.client.get_attributes(missing),
            lambda: self.client.activate(missing),
            lambda: self.client.revoke(
                enums.RevocationReasonCode.UNSPECIFIED, missing),
            lambda: self.client.destroy(missing),
        ):
            with self.assertKmipFailure(R.ITEM_NOT_FOUND):
                call()

    def test_located_by_state(self):
        active = self.new_key()
        self.client.activate(active)
        pre_active = self.new_key()
        found = self.client.locate(attributes=[ATTRIBUTES.create_attribute(
            enums.AttributeType.STATE, S.ACTIVE)])
        self.assertIn(active, found)
        self.assertNotIn(pre_active, found)


if __name__ == "__main__":
    unittest.main()
