//! Which mandatory test case belongs to which KMIP server profile, and which
//! profiles Keyward claims.
