"""Shared set-up of the PyKMIP interoperability tests.

The Rust harness (crates/server/tests/pykmip.rs) starts a Keyward server and
passes where it listens and the client credential's PEM files through the
environment:

    KEYWARD_KMIP_HOST, KEYWARD_KMIP_PORT   the server's loopback address
    KEYWARD_KMIP_CERT, KEYWARD_KMIP_KEY    the client certificate and key
    KEYWARD_KMIP_CA                        the server CA (trust anchor)

TLS: PyKMIP builds ``ssl.SSLContext(ssl_version)`` and wraps the socket
without a server name. ``PROTOCOL_TLS_CLIENT`` would turn on host name
checking and fail for want of one, so the tests use ``PROTOCOL_TLS`` (any
TLS version the two ends share; here TLS 1.3 or 1.2 with an ECDHE-ECDSA suite
against the server's P-256 certificate). The server certificate is still
verified against the server CA (PyKMIP's default ``CERT_REQUIRED``).
"""

import contextlib
import os
import unittest
import warnings

from kmip.core import enums
from kmip.core import exceptions as core_exceptions
from kmip.pie import client as pie_client
from kmip.pie import exceptions as pie_exceptions
from kmip.services import kmip_client

# PROTOCOL_TLS is deprecated in favour of PROTOCOL_TLS_CLIENT, which PyKMIP
# cannot use (see above); the warning is noise here.
warnings.filterwarnings("ignore", category=DeprecationWarning, module="kmip")
warnings.filterwarnings("ignore", category=DeprecationWarning, module="ssl")

SSL_VERSION = "PROTOCOL_TLS"

VERSIONS = {
    "1.0": enums.KMIPVersion.KMIP_1_0,
    "1.1": enums.KMIPVersion.KMIP_1_1,
    "1.2": enums.KMIPVersion.KMIP_1_2,
    "1.3": enums.KMIPVersion.KMIP_1_3,
    "1.4": enums.KMIPVersion.KMIP_1_4,
}


def _env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(
            "{} is not set: run these tests through `cargo test -p "
            "keyward-server --test pykmip` (scripts/test), which starts the "
            "server and sets it".format(name))
    return value


def connection_settings():
    """The keyword arguments both PyKMIP clients take to reach the server."""
    return dict(
        hostname=_env("KEYWARD_KMIP_HOST"),
        port=int(_env("KEYWARD_KMIP_PORT")),
        cert=_env("KEYWARD_KMIP_CERT"),
        key=_env("KEYWARD_KMIP_KEY"),
        ca=_env("KEYWARD_KMIP_CA"),
        ssl_version=SSL_VERSION,
    )


def pie(version="1.4"):
    """A ProxyKmipClient (not yet open) speaking KMIP ``version``."""
    return pie_client.ProxyKmipClient(
        kmip_version=VERSIONS[version], **connection_settings())


def proxy(version="1.4"):
    """A lower-level KMIPProxy (not yet open) speaking KMIP ``version``."""
    s = connection_settings()
    return kmip_client.KMIPProxy(
        host=s["hostname"],
        port=s["port"],
        certfile=s["cert"],
        keyfile=s["key"],
        ca_certs=s["ca"],
        ssl_version=s["ssl_version"],
        kmip_version=VERSIONS[version],
    )


class KmipTestCase(unittest.TestCase):
    """A test with an open ProxyKmipClient as ``self.client`` (KMIP 1.4)."""

    kmip_version = "1.4"

    def setUp(self):
        self.client = pie(self.kmip_version)
        self.client.open()
        self.addCleanup(self.client.close)

    @contextlib.contextmanager
    def assertKmipFailure(self, reason):
        """Asserts that the block fails with Result Reason ``reason`` (any
        reason when ``reason`` is None).

        The pie client raises KmipOperationFailure, the lower-level proxy
        OperationFailure; both carry the reason.
        """
        try:
            yield
        except pie_exceptions.KmipOperationFailure as e:
            self.assertEqual(e.status, enums.ResultStatus.OPERATION_FAILED)
            if reason is not None:
                self.assertEqual(e.reason, reason, str(e))
        except core_exceptions.OperationFailure as e:
            self.assertEqual(e.status, enums.ResultStatus.OPERATION_FAILED)
            if reason is not None:
                self.assertEqual(e.reason, reason, str(e))
        else:
            self.fail("expected the operation to fail with {}".format(reason))

    def assertResultFailure(self, result, reason):
        """Asserts that a KMIPProxy result object failed with ``reason``."""
        self.assertEqual(
            result.result_status.value, enums.ResultStatus.OPERATION_FAILED)
        self.assertEqual(
            result.result_reason.value, reason,
            result.result_message.value if result.result_message else None)

    def assertResultSuccess(self, result):
        message = result.result_message.value if result.result_message else ""
        self.assertEqual(
            result.result_status.value, enums.ResultStatus.SUCCESS,
            "{}: {}".format(
                result.result_reason.value if result.result_reason else "",
                message))

    def attributes(self, uid, names=None):
        """Get Attributes as a dict name -> [values] (values unwrapped)."""
        got_uid, attrs = self.client.get_attributes(uid, names)
        self.assertEqual(got_uid, uid)
        out = {}
        for a in attrs:
            out.setdefault(a.attribute_name.value, []).append(
                a.attribute_value)
        return out

    def state(self, uid):
        values = self.attributes(uid, ["State"])["State"]
        self.assertEqual(len(values), 1)
        return values[0].value
