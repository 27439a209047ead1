"""Attribute operations through PyKMIP: Add / Modify / Delete Attribute, Get
Attributes and Get Attribute List, in KMIP 1.x encoding.

PyKMIP limits met here:
- PyKMIP has no Add Attribute payload (its payload factory raises
  NotImplementedError for the operation). KMIP 1.x gives Add Attribute the
  same request and response layout as Modify Attribute (Unique Identifier,
  Attribute), so the test defines Add Attribute payloads as subclasses of
  PyKMIP's Modify Attribute payloads and teaches PyKMIP's response factory to
  read them. The bytes on the wire are PyKMIP's own encoding.
- ProxyKmipClient.modify_attribute/delete_attribute take the 1.x fields
  (``attribute``; ``attribute_name``/``attribute_index``) and return the
  server's Attribute, which is checked.
"""

import unittest
import uuid

from kmip.core import enums
from kmip.core import objects as cobjects
from kmip.core import primitives
from kmip.core.factories import attributes as attribute_factories
from kmip.core.factories.payloads import response as response_factories
from kmip.core.messages import payloads

from keyward_pykmip import KmipTestCase

ATTRIBUTES = attribute_factories.AttributeFactory()
R = enums.ResultReason


class AddAttributeRequestPayload(payloads.ModifyAttributeRequestPayload):
    """KMIP 1.x Add Attribute request: Unique Identifier, Attribute."""


class AddAttributeResponsePayload(payloads.ModifyAttributeResponsePayload):
    """KMIP 1.x Add Attribute response: Unique Identifier, Attribute."""


response_factories.ResponsePayloadFactory._create_add_attribute_payload = (
    lambda self: AddAttributeResponsePayload())


def custom(name, text):
    """A text custom attribute (``x-...``)."""
    return cobjects.Attribute(
        attribute_name=cobjects.Attribute.AttributeName(name),
        attribute_value=primitives.TextString(
            text, tag=enums.Tags.ATTRIBUTE_VALUE))


def unique(prefix):
    return "{}-{}".format(prefix, uuid.uuid4())


class AttributeTests(KmipTestCase):

    def setUp(self):
        super().setUp()
        self.uid = self.client.create(
            enums.CryptographicAlgorithm.AES, 128, name=unique("attrs"))

    def add(self, attribute, uid=None):
        response = self.client.proxy.send_request_payload(
            enums.Operation.ADD_ATTRIBUTE,
            AddAttributeRequestPayload(
                unique_identifier=uid or self.uid, attribute=attribute))
        self.assertEqual(response.unique_identifier, uid or self.uid)
        return response.attribute

    def values(self, name):
        return [
            v.value if hasattr(v, "value") else v
            for v in self.attributes(self.uid, [name]).get(name, [])
        ]

    def test_contact_information_added_modified_deleted(self):
        added = self.add(ATTRIBUTES.create_attribute(
            enums.AttributeType.CONTACT_INFORMATION, "alice@example.com"))
        self.assertEqual(added.attribute_name.value, "Contact Information")
        self.assertEqual(added.attribute_value.value, "alice@example.com")
        self.assertEqual(self.values("Contact Information"),
                         ["alice@example.com"])
        self.assertIn("Contact Information",
                      self.client.get_attribute_list(self.uid))

        uid, modified = self.client.modify_attribute(
            unique_identifier=self.uid,
            attribute=ATTRIBUTES.create_attribute(
                enums.AttributeType.CONTACT_INFORMATION, "bob@example.com"))
        self.assertEqual(uid, self.uid)
        self.assertEqual(modified.attribute_value.value, "bob@example.com")
        self.assertEqual(self.values("Contact Information"),
                         ["bob@example.com"])

        uid, deleted = self.client.delete_attribute(
            unique_identifier=self.uid,
            attribute_name="Contact Information", attribute_index=0)
        self.assertEqual(uid, self.uid)
        self.assertEqual(deleted.attribute_value.value, "bob@example.com")
        self.assertEqual(self.values("Contact Information"), [])
        self.assertNotIn("Contact Information",
                         self.client.get_attribute_list(self.uid))

    def test_a_second_name_is_added_located_modified_and_deleted(self):
        second = unique("second-name")
        self.add(ATTRIBUTES.create_attribute(enums.AttributeType.NAME,
                                             second))
        names = [n.name_value.value for n in self.values("Name")]
        self.assertEqual(len(names), 2)
        self.assertIn(second, names)
        index = names.index(second)
        found = self.client.locate(attributes=[
            ATTRIBUTES.create_attribute(enums.AttributeType.NAME, second)])
        self.assertEqual(found, [self.uid])

        renamed = unique("renamed")
        self.client.modify_attribute(
            unique_identifier=self.uid,
            attribute=ATTRIBUTES.create_attribute(
                enums.AttributeType.NAME, renamed, index=index))
        names = [n.name_value.value for n in self.values("Name")]
        self.assertIn(renamed, names)
        self.assertNotIn(second, names)

        self.client.delete_attribute(
            unique_identifier=self.uid,
            attribute_name="Name", attribute_index=names.index(renamed))
        names = [n.name_value.value for n in self.values("Name")]
        self.assertEqual(len(names), 1)
        self.assertNotIn(renamed, names)

    def test_custom_attributes(self):
        self.add(custom("x-purpose", "backup"))
        self.add(custom("x-purpose", "archive"))
        self.assertEqual(sorted(self.values("x-purpose")),
                         ["archive", "backup"])
        found = self.client.locate(attributes=[custom("x-purpose",
                                                      "archive")])
        self.assertEqual(found, [self.uid])
        self.client.modify_attribute(
            unique_identifier=self.uid,
            attribute=cobjects.Attribute(
                attribute_name=cobjects.Attribute.AttributeName("x-purpose"),
                attribute_index=cobjects.Attribute.AttributeIndex(1),
                attribute_value=primitives.TextString(
                    "escrow", tag=enums.Tags.ATTRIBUTE_VALUE)))
        self.assertEqual(sorted(self.values("x-purpose")),
                         ["backup", "escrow"])
        self.client.delete_attribute(
            unique_identifier=self.uid,
            attribute_name="x-purpose", attribute_index=0)
        self.assertEqual(self.values("x-purpose"), ["escrow"])

    def test_object_group_and_usage_mask(self):
        self.add(ATTRIBUTES.create_attribute(
            enums.AttributeType.OBJECT_GROUP, "pykmip-group"))
        self.assertEqual(self.values("Object Group"), ["pykmip-group"])
        found = self.client.locate(attributes=[ATTRIBUTES.create_attribute(
            enums.AttributeType.OBJECT_GROUP, "pykmip-group")])
        self.assertEqual(found, [self.uid])

    def test_refusals(self):
        # KMIP 1.4 §11 (Add/Modify/Delete Attribute error tables).
        with self.assertKmipFailure(R.ITEM_NOT_FOUND):
            self.add(ATTRIBUTES.create_attribute(
                enums.AttributeType.CONTACT_INFORMATION, "x"),
                uid=str(uuid.uuid4()))
        with self.assertKmipFailure(R.INVALID_FIELD):
            self.add(ATTRIBUTES.create_attribute(
                enums.AttributeType.OBJECT_GROUP, "g", index=1))
        # A single-valued attribute the object already has: Illegal Operation.
        self.add(ATTRIBUTES.create_attribute(
            enums.AttributeType.CONTACT_INFORMATION, "first"))
        with self.assertKmipFailure(R.ILLEGAL_OPERATION):
            self.add(ATTRIBUTES.create_attribute(
                enums.AttributeType.CONTACT_INFORMATION, "second"))
        # Modify of an attribute the object lacks: Invalid Field; of an
        # instance index it lacks: Item Not Found.
        with self.assertKmipFailure(R.INVALID_FIELD):
            self.client.modify_attribute(
                unique_identifier=self.uid,
                attribute=ATTRIBUTES.create_attribute(
                    enums.AttributeType.OBJECT_GROUP, "absent"))
        with self.assertKmipFailure(R.ITEM_NOT_FOUND):
            self.client.modify_attribute(
                unique_identifier=self.uid,
                attribute=ATTRIBUTES.create_attribute(
                    enums.AttributeType.NAME, "no-such-instance", index=5))
        with self.assertKmipFailure(R.PERMISSION_DENIED):
            # Read-only: set by the server.
            self.add(ATTRIBUTES.create_attribute(
                enums.AttributeType.INITIAL_DATE, 1))
        with self.assertKmipFailure(R.PERMISSION_DENIED):
            self.client.modify_attribute(
                unique_identifier=self.uid,
                attribute=ATTRIBUTES.create_attribute(
                    enums.AttributeType.CRYPTOGRAPHIC_LENGTH, 256))
        with self.assertKmipFailure(R.PERMISSION_DENIED):
            self.client.delete_attribute(
                unique_identifier=self.uid,
                attribute_name="Object Type", attribute_index=0)
        # Delete of an attribute the object does not have: Item Not Found.
        with self.assertKmipFailure(R.ITEM_NOT_FOUND):
            self.client.delete_attribute(
                unique_identifier=self.uid,
                attribute_name="Description", attribute_index=0)


if __name__ == "__main__":
    unittest.main()
