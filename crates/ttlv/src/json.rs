//! The KMIP JSON encoding (KMIP Additional Message Encodings v1.0, §4).
