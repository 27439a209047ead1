//! The KMIP XML encoding (KMIP Additional Message Encodings v1.0, §5).
