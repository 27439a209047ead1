//! Which mandatory test case belongs to which KMIP server profile, and which
//! profiles Keyward claims.
//!
//! The table covers every file of `kmip-testcases/1.4/mandatory`,
//! `1.3/mandatory` and `1.0-1.2` (paths below are relative to
//! `kmip-testcases/`); a test checks that each is listed exactly once, in a
//! profile or in [`EXCLUDED`] with its reason.
//!
//! * 1.3 and 1.4: the profile is the file's prefix (`SKLC-M-2-14.xml` →
//!   Symmetric Key Lifecycle). `CS-BC-M-4-12-3DES-13` and the GCM files are
//!   Basic Cryptographic, `CS-AC-M-3-ECC-13` and the OAEP files Advanced
//!   Cryptographic. The `-O-` files of the mandatory folders are optional.
//! * 1.0–1.2: `profiles-v1.0/mandatory` holds the 1.0 profile documents'
//!   tests (SKLC, SKFF, AKLC, OMOS), each for protocol 1.0, 1.1 and 1.2.
//!   `ovh-kmip-go` repeats those (excluded as duplicates) and adds the SASED,
//!   TL and CS-BC profile tests and the **KMIP Test Cases** (`TC_*`).
//! * The KMIP 1.x Profiles publish no Baseline Server XML. Keyward's
//!   Baseline claim is tested by the Test Cases that use only Baseline
//!   operations, messages and attributes, plus the Create and Register of the
//!   lifecycle profiles: basic functionality (TC-311..315), revocation
//!   (TC-41), import (TC-61), message extensions (TC-71, 72), Query (TC-121,
//!   122), object groups (TC-151..153), Discover Versions (TC-161), attribute
//!   handling (TC-171) and digests (TC-181, 182). The asymmetric Test Cases
//!   with RSA keys only (TC-81, 82, 131) go with Asymmetric Key Lifecycle.
//!   The other Test Cases need operations or objects of no claimed profile
//!   (the Complete Server's), and are listed as groups of their own.
//!
//! A claimed profile is tested by running its files in order against one
//! server (`SASED-M-3` finds what `SASED-M-2` stored, `TL-M-3` what `TL-M-2`
//! created).

/// Whether Keyward claims a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Claimed: its test cases are part of Keyward's conformance test.
    Claimed,
    /// Not claimed, and why.
    NotClaimed(&'static str),
}

/// A server profile (or a group of KMIP Test Cases) and its mandatory test cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Its short name, the test-case file prefix (`"SKLC"`).
    pub id: &'static str,
    /// Its name in the KMIP Profiles (`"Symmetric Key Lifecycle Server"`).
    pub name: &'static str,
    /// Whether Keyward claims it.
    pub claim: Claim,
    /// Its test cases, relative to `kmip-testcases/`.
    pub files: &'static [&'static str],
}

/// Files of the covered folders that are no profile's mandatory test case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Excluded {
    /// Why they are not run.
    pub reason: &'static str,
    /// The files, relative to `kmip-testcases/`.
    pub files: &'static [&'static str],
}

/// The profile `file` (relative to `kmip-testcases/`) belongs to.
pub fn profile_of(file: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.files.contains(&file))
}

/// The test cases of the claimed profiles, relative to `kmip-testcases/`,
/// sorted (the order they must run in).
pub fn claimed_files() -> Vec<&'static str> {
    let mut files: Vec<&'static str> = PROFILES
        .iter()
        .filter(|p| p.claim == Claim::Claimed)
        .flat_map(|p| p.files.iter().copied())
        .collect();
    files.sort_unstable();
    files
}

// Generated from the file names of kmip-testcases/ (see the module docs); edit by hand.
/// Every profile (and group of KMIP Test Cases) with its mandatory test cases.
pub const PROFILES: &[Profile] = &[
    Profile {
        id: "BL",
        name: "Baseline Server (through the KMIP 1.0-1.2 Test Cases)",
        claim: Claim::Claimed,
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/TC_121_10_Query_Maximum_Response_Size.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_311_10_Create_Destroy.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_312_10_Register_Create_Get_attributes_Destroy.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_313_10_Create_Locate_Get_Destroy.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_314_10_Dual_Client_Test_Case_ID_Placeholder_linked_Locate_Get_Batch.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_315_10_Register_Destroy_Secret_Data.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_41_10_Revoke_Scenario.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_61_10_Import_of_a_Third_party_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_71_10_Unrecognized_Message_Extension_with_Criticality_Indicator_False.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_72_10_Unrecognized_Message_Extension_with_Criticality_Indicator_True.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_121_11_Query_Maximum_Response_Size.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_122_11_Query_Vendor_Extensions.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_151_11_Locate_a_Fresh_Object_from_the_Default_Group.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_152_11_Client_side_Group_Management.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_153_11_Default_Object_Group_Member.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_161_11_Discover_Versions.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_171_11_Handling_of_Attributes_and_Attribute_Index_Values.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_181_11_Digests_of_Symmetric_Keys.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_182_11_Digests_of_RSA_Private_Keys.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_311_11_Create_Destroy.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_312_11_Register_Create_Get_attributes_Destroy.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_313_11_Create_Locate_Get_Destroy.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_314_11_Dual_Client_Test_Case_ID_Placeholder_linked_Locate_Get_Batch.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_315_11_Register_Destroy_Secret_Data.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_41_11_Revoke_Scenario.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_61_11_Import_of_a_Third_party_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_71_11_Unrecognized_Message_Extension_with_Criticality_Indicator_False.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_72_11_Unrecognized_Message_Extension_with_Criticality_Indicator_True.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_121_12_Query_Maximum_Response_Size.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_122_12_Query_Vendor_Extensions.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_151_12_Locate_a_Fresh_Object_from_the_Default_Group.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_152_12_Client_side_Group_Management.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_153_12_Default_Object_Group_Member.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_161_12_Discover_Versions.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_171_12_Handling_of_Attributes_and_Attribute_Index_Values.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_181_12_Digests_of_Symmetric_Keys.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_182_12_Digests_of_RSA_Private_Keys.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_311_12_Create_Destroy.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_312_12_Register_Create_Get_attributes_Destroy.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_313_12_Create_Locate_Get_Destroy.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_314_12_Dual_Client_Test_Case_ID_Placeholder_linked_Locate_Get_Batch.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_315_12_Register_Destroy_Secret_Data.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_41_12_Revoke_Scenario.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_61_12_Import_of_a_Third_party_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_71_12_Unrecognized_Message_Extension_with_Criticality_Indicator_False.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_72_12_Unrecognized_Message_Extension_with_Criticality_Indicator_True.xml",
        ],
    },
    Profile {
        id: "SKLC",
        name: "Symmetric Key Lifecycle Server",
        claim: Claim::Claimed,
        files: &[
            "1.0-1.2/profiles-v1.0/mandatory/SKLC-M-1-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKLC-M-1-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKLC-M-1-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKLC-M-2-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKLC-M-2-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKLC-M-2-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKLC-M-3-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKLC-M-3-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKLC-M-3-12.xml",
            "1.3/mandatory/SKLC-M-1-13.xml",
            "1.3/mandatory/SKLC-M-2-13.xml",
            "1.3/mandatory/SKLC-M-3-13.xml",
            "1.4/mandatory/SKLC-M-1-14.xml",
            "1.4/mandatory/SKLC-M-2-14.xml",
            "1.4/mandatory/SKLC-M-3-14.xml",
        ],
    },
    Profile {
        id: "AKLC",
        name: "Asymmetric Key Lifecycle Server",
        claim: Claim::Claimed,
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/TC_131_10_Register_an_Asymmetric_Key_Pair_in_PKCS1_Format.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_81_10_Create_a_Key_Pair.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_82_10_Register_Both_Halves_of_a_Key_Pair.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_131_11_Register_an_Asymmetric_Key_Pair_in_PKCS1_Format.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_81_11_Create_a_Key_Pair.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_82_11_Register_Both_Halves_of_a_Key_Pair.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_131_12_Register_an_Asymmetric_Key_Pair_in_PKCS1_Format.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_81_12_Create_a_Key_Pair.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_82_12_Register_Both_Halves_of_a_Key_Pair.xml",
            "1.0-1.2/profiles-v1.0/mandatory/AKLC-M-1-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/AKLC-M-1-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/AKLC-M-1-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/AKLC-M-2-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/AKLC-M-2-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/AKLC-M-2-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/AKLC-M-3-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/AKLC-M-3-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/AKLC-M-3-12.xml",
            "1.3/mandatory/AKLC-M-1-13.xml",
            "1.3/mandatory/AKLC-M-2-13.xml",
            "1.3/mandatory/AKLC-M-3-13.xml",
            "1.4/mandatory/AKLC-M-1-14.xml",
            "1.4/mandatory/AKLC-M-2-14.xml",
            "1.4/mandatory/AKLC-M-3-14.xml",
        ],
    },
    Profile {
        id: "CS-BC",
        name: "Basic Cryptographic Server",
        claim: Claim::Claimed,
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-1-12_Encrypt_with_New_Symmetric_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-10-12_Encrypt_and_Decrypt_with_Known_Symmetric_Key_and_PKCS5_Padding_and_CBC.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-11-12_Encrypt_and_Decrypt_with_Known_Symmetric_Key_and_PKCS5_Padding_and_CBC_and_IV.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-12-12_Encrypt_and_Decrypt_with_Known_Symmetric_Key_and_PKCS5_Padding_and_CBC_and_IV.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-13-12_Encrypt_and_Decrypt_with_Known_Symmetric_Key_and_PKCS5_Padding_and_CBC_and_Random_IV.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-2-12_Decrypt_with_New_Symmetric_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-3-12_Encrypt_and_Decrypt_with_New_Symmetric_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-4-12_Encrypt_with_Known_Symmetric_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-5-12_Decrypt_with_Known_Symmetric_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-6-12_Encrypt_and_Decrypt_with_Known_Symmetric_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-7-12_Encrypt_with_Known_Symmetric_Key_with_Usage_Limits.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-8-12_Encrypt_and_Decrypt_with_Known_Symmetric_Key_and_PKCS5_Padding.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS-BC-M-9-12_Encrypt_and_Decrypt_with_Known_Symmetric_Key_and_PKCS5_Padding.xml",
            "1.3/mandatory/CS-BC-M-1-13.xml",
            "1.3/mandatory/CS-BC-M-10-13.xml",
            "1.3/mandatory/CS-BC-M-11-13.xml",
            "1.3/mandatory/CS-BC-M-12-13.xml",
            "1.3/mandatory/CS-BC-M-13-13.xml",
            "1.3/mandatory/CS-BC-M-14-13.xml",
            "1.3/mandatory/CS-BC-M-2-13.xml",
            "1.3/mandatory/CS-BC-M-3-13.xml",
            "1.3/mandatory/CS-BC-M-4-12-3DES-13.xml",
            "1.3/mandatory/CS-BC-M-4-13.xml",
            "1.3/mandatory/CS-BC-M-5-13.xml",
            "1.3/mandatory/CS-BC-M-6-13.xml",
            "1.3/mandatory/CS-BC-M-7-13.xml",
            "1.3/mandatory/CS-BC-M-8-13.xml",
            "1.3/mandatory/CS-BC-M-9-13.xml",
            "1.4/mandatory/CS-BC-M-1-14.xml",
            "1.4/mandatory/CS-BC-M-10-14.xml",
            "1.4/mandatory/CS-BC-M-11-14.xml",
            "1.4/mandatory/CS-BC-M-12-14.xml",
            "1.4/mandatory/CS-BC-M-13-14.xml",
            "1.4/mandatory/CS-BC-M-14-14.xml",
            "1.4/mandatory/CS-BC-M-2-14.xml",
            "1.4/mandatory/CS-BC-M-3-14.xml",
            "1.4/mandatory/CS-BC-M-4-14.xml",
            "1.4/mandatory/CS-BC-M-5-14.xml",
            "1.4/mandatory/CS-BC-M-6-14.xml",
            "1.4/mandatory/CS-BC-M-7-14.xml",
            "1.4/mandatory/CS-BC-M-8-14.xml",
            "1.4/mandatory/CS-BC-M-9-14.xml",
            "1.4/mandatory/CS-BC-M-GCM-1-14.xml",
            "1.4/mandatory/CS-BC-M-GCM-2-14.xml",
            "1.4/mandatory/CS-BC-M-GCM-3-14.xml",
        ],
    },
    Profile {
        id: "CS-AC",
        name: "Advanced Cryptographic Server",
        claim: Claim::Claimed,
        files: &[
            "1.3/mandatory/CS-AC-M-1-13.xml",
            "1.3/mandatory/CS-AC-M-2-13.xml",
            "1.3/mandatory/CS-AC-M-3-13.xml",
            "1.3/mandatory/CS-AC-M-3-ECC-13.xml",
            "1.3/mandatory/CS-AC-M-4-13.xml",
            "1.3/mandatory/CS-AC-M-5-13.xml",
            "1.3/mandatory/CS-AC-M-6-13.xml",
            "1.3/mandatory/CS-AC-M-7-13.xml",
            "1.3/mandatory/CS-AC-M-8-13.xml",
            "1.4/mandatory/CS-AC-M-1-14.xml",
            "1.4/mandatory/CS-AC-M-2-14.xml",
            "1.4/mandatory/CS-AC-M-3-14.xml",
            "1.4/mandatory/CS-AC-M-4-14.xml",
            "1.4/mandatory/CS-AC-M-5-14.xml",
            "1.4/mandatory/CS-AC-M-6-14.xml",
            "1.4/mandatory/CS-AC-M-7-14.xml",
            "1.4/mandatory/CS-AC-M-8-14.xml",
            "1.4/mandatory/CS-AC-M-OAEP-1-14.xml",
            "1.4/mandatory/CS-AC-M-OAEP-10-14.xml",
            "1.4/mandatory/CS-AC-M-OAEP-2-14.xml",
            "1.4/mandatory/CS-AC-M-OAEP-3-14.xml",
            "1.4/mandatory/CS-AC-M-OAEP-4-14.xml",
            "1.4/mandatory/CS-AC-M-OAEP-5-14.xml",
            "1.4/mandatory/CS-AC-M-OAEP-6-14.xml",
            "1.4/mandatory/CS-AC-M-OAEP-7-14.xml",
            "1.4/mandatory/CS-AC-M-OAEP-8-14.xml",
            "1.4/mandatory/CS-AC-M-OAEP-9-14.xml",
        ],
    },
    Profile {
        id: "CS-RNG",
        name: "RNG Cryptographic Server",
        claim: Claim::Claimed,
        files: &["1.3/mandatory/CS-RNG-M-1-13.xml", "1.4/mandatory/CS-RNG-M-1-14.xml"],
    },
    Profile {
        id: "OMOS",
        name: "Opaque Managed Object Store Server",
        claim: Claim::Claimed,
        files: &[
            "1.0-1.2/profiles-v1.0/mandatory/OMOS-M-1-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/OMOS-M-1-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/OMOS-M-1-12.xml",
            "1.3/mandatory/OMOS-M-1-13.xml",
            "1.4/mandatory/OMOS-M-1-14.xml",
        ],
    },
    Profile {
        id: "SASED",
        name: "Storage Array with Self-Encrypting Drives Server",
        claim: Claim::Claimed,
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/SASED_M_1_10_storage_array_config.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SASED_M_2_10_storage_array_register.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SASED_M_3_10_storage_array_retrieve.xml",
            "1.3/mandatory/SASED-M-1-13.xml",
            "1.3/mandatory/SASED-M-2-13.xml",
            "1.3/mandatory/SASED-M-3-13.xml",
            "1.4/mandatory/SASED-M-1-14.xml",
            "1.4/mandatory/SASED-M-2-14.xml",
            "1.4/mandatory/SASED-M-3-14.xml",
        ],
    },
    Profile {
        id: "TL",
        name: "Tape Library Server",
        claim: Claim::Claimed,
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/TL_M_1_10_tape_library_config.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TL_M_2_10_tape_write_new_key.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TL_M_3_10_tape_read.xml",
            "1.3/mandatory/TL-M-1-13.xml",
            "1.3/mandatory/TL-M-2-13.xml",
            "1.3/mandatory/TL-M-3-13.xml",
            "1.4/mandatory/TL-M-1-14.xml",
            "1.4/mandatory/TL-M-2-14.xml",
            "1.4/mandatory/TL-M-3-14.xml",
        ],
    },
    Profile {
        id: "AX",
        name: "AES XTS Server",
        claim: Claim::Claimed,
        files: &["1.4/mandatory/AX-M-1-14.xml", "1.4/mandatory/AX-M-2-14.xml"],
    },
    Profile {
        id: "SUITEB_128",
        name: "Suite B minLOS_128 Server",
        claim: Claim::Claimed,
        files: &["1.3/mandatory/SUITEB_128-M-1-13.xml", "1.4/mandatory/SUITEB_128-M-1-14.xml"],
    },
    Profile {
        id: "SUITEB_192",
        name: "Suite B minLOS_192 Server",
        claim: Claim::Claimed,
        files: &["1.3/mandatory/SUITEB_192-M-1-13.xml", "1.4/mandatory/SUITEB_192-M-1-14.xml"],
    },
    Profile {
        id: "SKFF",
        name: "Symmetric Key Foundry for FIPS 140 Server",
        claim: Claim::NotClaimed(
            "a FIPS 140 claim needs a validated module and its certificate; Keyward makes none",
        ),
        files: &[
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-1-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-1-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-1-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-10-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-10-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-10-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-11-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-11-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-11-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-12-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-12-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-12-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-2-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-2-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-2-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-3-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-3-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-3-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-4-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-4-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-4-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-5-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-5-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-5-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-6-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-6-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-6-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-7-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-7-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-7-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-8-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-8-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-8-12.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-9-10.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-9-11.xml",
            "1.0-1.2/profiles-v1.0/mandatory/SKFF-M-9-12.xml",
            "1.3/mandatory/SKFF-M-1-13.xml",
            "1.3/mandatory/SKFF-M-10-13.xml",
            "1.3/mandatory/SKFF-M-11-13.xml",
            "1.3/mandatory/SKFF-M-12-13.xml",
            "1.3/mandatory/SKFF-M-2-13.xml",
            "1.3/mandatory/SKFF-M-3-13.xml",
            "1.3/mandatory/SKFF-M-4-13.xml",
            "1.3/mandatory/SKFF-M-5-13.xml",
            "1.3/mandatory/SKFF-M-6-13.xml",
            "1.3/mandatory/SKFF-M-7-13.xml",
            "1.3/mandatory/SKFF-M-8-13.xml",
            "1.3/mandatory/SKFF-M-9-13.xml",
            "1.4/mandatory/SKFF-M-1-14.xml",
            "1.4/mandatory/SKFF-M-10-14.xml",
            "1.4/mandatory/SKFF-M-11-14.xml",
            "1.4/mandatory/SKFF-M-12-14.xml",
            "1.4/mandatory/SKFF-M-2-14.xml",
            "1.4/mandatory/SKFF-M-3-14.xml",
            "1.4/mandatory/SKFF-M-4-14.xml",
            "1.4/mandatory/SKFF-M-5-14.xml",
            "1.4/mandatory/SKFF-M-6-14.xml",
            "1.4/mandatory/SKFF-M-7-14.xml",
            "1.4/mandatory/SKFF-M-8-14.xml",
            "1.4/mandatory/SKFF-M-9-14.xml",
        ],
    },
    Profile {
        id: "MSGENC",
        name: "HTTPS, JSON and XML Server",
        claim: Claim::NotClaimed(
            "these tests must go over HTTPS with TTLV, JSON or XML bodies; Keyward serves KMIP as binary TTLV over TLS only",
        ),
        files: &[
            "1.3/mandatory/MSGENC-HTTPS-M-1-13.xml",
            "1.3/mandatory/MSGENC-JSON-M-1-13.xml",
            "1.3/mandatory/MSGENC-XML-M-1-13.xml",
            "1.4/mandatory/MSGENC-HTTPS-M-1-14.xml",
            "1.4/mandatory/MSGENC-JSON-M-1-14.xml",
            "1.4/mandatory/MSGENC-XML-M-1-14.xml",
        ],
    },
    Profile {
        id: "TC-ASYNC",
        name: "KMIP Test Cases: asynchronous operations (TC-32)",
        claim: Claim::NotClaimed(
            "beyond the claimed profiles: Asynchronous Indicator with Operation Pending (Complete Server)",
        ),
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/TC_32_10_Asynchronous_Locate.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_32_11_Asynchronous_Locate.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_32_12_Asynchronous_Locate.xml",
        ],
    },
    Profile {
        id: "TC-USAGE",
        name: "KMIP Test Cases: usage allocation (TC-51)",
        claim: Claim::NotClaimed(
            "beyond the claimed profiles: Get Usage Allocation (Complete Server)",
        ),
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/TC_51_10_Get_Usage_Allocation_Scenario.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_51_11_Get_Usage_Allocation_Scenario.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_51_12_Get_Usage_Allocation_Scenario.xml",
        ],
    },
    Profile {
        id: "TC-REKEY",
        name: "KMIP Test Cases: re-key and leases (TC-91..95, TC-133)",
        claim: Claim::NotClaimed(
            "beyond the claimed profiles: Re-key, Re-key Key Pair, Obtain Lease (Complete Server)",
        ),
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/TC_91_10_Create_a_Key_Re_key.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_92_10_Existing_Key_Expired_Re_key_with_Same_Life_cycle.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_93_10_Existing_Key_Compromised_Re_key_with_Same_Life_cycle.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_94_10_Create_Key_Re_key_with_New_Life_cycle.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_95_10_Obtain_Lease_for_Expired_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_133_11_Create_Re_key_Key_Pair.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_91_11_Create_a_Key_Re_key.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_92_11_Existing_Key_Expired_Re_key_with_Same_Life_cycle.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_93_11_Existing_Key_Compromised_Re_key_with_Same_Life_cycle.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_94_11_Create_Key_Re_key_with_New_Life_cycle.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_95_11_Obtain_Lease_for_Expired_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_133_12_Create_Re_key_Key_Pair.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_91_12_Create_a_Key_Re_key.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_92_12_Existing_Key_Expired_Re_key_with_Same_Life_cycle.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_93_12_Existing_Key_Compromised_Re_key_with_Same_Life_cycle.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_94_12_Create_Key_Re_key_with_New_Life_cycle.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_95_12_Obtain_Lease_for_Expired_Key.xml",
        ],
    },
    Profile {
        id: "TC-ARCHIVE",
        name: "KMIP Test Cases: archival (TC-101)",
        claim: Claim::NotClaimed(
            "beyond the claimed profiles: Archive and Recover (Complete Server)",
        ),
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/TC_101_10_Create_a_Key_Archive_and_Recover_it.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_101_11_Create_a_Key_Archive_and_Recover_it.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_101_12_Create_a_Key_Archive_and_Recover_it.xml",
        ],
    },
    Profile {
        id: "TC-POLICY",
        name: "KMIP Test Cases: access control (TC-111, TC-112)",
        claim: Claim::NotClaimed(
            "beyond the claimed profiles: Credential and Operation Policy Name access control (Complete Server)",
        ),
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/TC_111_10_Credential_Operation_Policy_Destroy_Date.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_111_11_Credential_Operation_Policy_Destroy_Date.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_112_11_Device_Credential_Operation_Policy_Destroy_Date.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_111_12_Credential_Operation_Policy_Destroy_Date.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_112_12_Device_Credential_Operation_Policy_Destroy_Date.xml",
        ],
    },
    Profile {
        id: "TC-CERT",
        name: "KMIP Test Cases: certificates (TC-132, TC-134)",
        claim: Claim::NotClaimed(
            "beyond the claimed profiles: Certificate objects, Certify and Re-certify (Complete Server)",
        ),
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/TC_132_10_Register_an_Asymmetric_Key_Pair_and_a_Corresponding_X509_Certificate.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_134_10_Register_Key_Pair_Certify_and_Re_certify_Public_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_132_11_Register_an_Asymmetric_Key_Pair_and_a_Corresponding_X509_Certificate.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_134_11_Register_Key_Pair_Certify_and_Re_certify_Public_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_132_12_Register_an_Asymmetric_Key_Pair_and_a_Corresponding_X509_Certificate.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_134_12_Register_Key_Pair_Certify_and_Re_certify_Public_Key.xml",
        ],
    },
    Profile {
        id: "TC-WRAP",
        name: "KMIP Test Cases: key wrapping (TC-141, TC-142)",
        claim: Claim::NotClaimed(
            "beyond the claimed profiles: Key Wrapping Specification on Get (Complete Server)",
        ),
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.1/TC_141_11_Key_Wrapping_using_AES_Key_Wrap_and_No_Encoding.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_142_11_Key_Wrapping_using_AES_Key_Wrap_with_Attributes.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_141_12_Key_Wrapping_using_AES_Key_Wrap_and_No_Encoding.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_142_12_Key_Wrapping_using_AES_Key_Wrap_with_Attributes.xml",
        ],
    },
    Profile {
        id: "TC-ECC",
        name: "KMIP Test Cases: EC keys (TC-ECC-1..3)",
        claim: Claim::NotClaimed(
            "beyond the claimed profiles: EC key pairs and ECDSA certificates (Complete Server)",
        ),
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/TC_ECC_1_10_Register_an_ECC_Key_Pair.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_ECC_2_10_Register_an_ECC_Key_Pair_in_PKCS8_Format.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_ECC_2_10_Register_an_ECC_Key_Pair_in_PKCS8_Format_Unencrypted.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_ECC_3_10_Register_an_ECC_Key_Pair_and_ECDSA_Certificate.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_ECC_1_11_Register_an_ECC_Key_Pair.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_ECC_2_11_Register_an_ECC_Key_Pair_in_PKCS8_Format.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_ECC_3_11_Register_an_ECC_Key_Pair_and_ECDSA_Certificate.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_ECC_1_12_Register_an_ECC_Key_Pair.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_ECC_2_12_Register_an_ECC_Key_Pair_in_PKCS8_Format.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_ECC_3_12_Register_an_ECC_Key_Pair_and_ECDSA_Certificate.xml",
        ],
    },
    Profile {
        id: "TC-MDO",
        name: "KMIP Test Cases: key value location (TC-MDO-1..3)",
        claim: Claim::NotClaimed(
            "beyond the claimed profiles: objects without key value, Key Value Location (Complete Server)",
        ),
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.2/TC_MDO_1_12_Register_MDO_Key.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_MDO_2_12_Locate_MDO_keys_by_Key_Value_Present.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_MDO_3_12_Register_MDO_Key_using_PKCS11_URI.xml",
        ],
    },
    Profile {
        id: "TC-PGP",
        name: "KMIP Test Cases: PGP keys (TC-PGP-1)",
        claim: Claim::NotClaimed("beyond the claimed profiles: PGP Key objects (Complete Server)"),
        files: &["1.0-1.2/ovh-kmip-go/v1.2/TC_PGP_1_12_Register_PGP_Key_RSA.xml"],
    },
    Profile {
        id: "TC-SJ",
        name: "KMIP Test Cases: split keys (TC-SJ-1..4)",
        claim: Claim::NotClaimed(
            "beyond the claimed profiles: Create Split Key and Join Split Key (Complete Server)",
        ),
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.2/TC_SJ_1_12_Create_and_SplitJoin.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_SJ_2_12_Register_and_Split_Join.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_SJ_3_12_Join_Split_Keys.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_SJ_4_12_Register_and_Split_Join_with_XOR.xml",
        ],
    },
    Profile {
        id: "TC-NP",
        name: "KMIP Test Cases: Put and Notify (TC-NP-1, TC-NP-2)",
        claim: Claim::NotClaimed(
            "server-to-client operations: the files script messages the server sends, which a client-side runner cannot replay",
        ),
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/TC_NP_1_10_Put.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/TC_NP_2_10_Notify_Put.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_NP_1_11_Put.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/TC_NP_2_11_Notify_Put.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_NP_1_12_Put.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC_NP_2_12_Notify_Put.xml",
        ],
    },
];

/// Files under the covered folders that belong to no profile, with why.
pub const EXCLUDED: &[Excluded] = &[
    Excluded {
        reason: "an optional (O) test case, not a mandatory one",
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/AKLC_O_1_10_AsymmetricKey-4.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/OMOS_O_1_10_big_opaque_object.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_O_1_10_SymmetricKeyOptional_1.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_O_2_10_SymmetricKeyOptional_2.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_O_3_10_SymmetricKeyOptional_3.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_O_4_10_SymmetricKeyOptional_4.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_O_5_10_SymmetricKeyOptional_5.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_O_6_10_SymmetricKeyOptional_6.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKLC_O_1_10-SymmetricKeysLifecycle_1.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/AKLC_O_1_11_AsymmetricKey_1.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_O_1_11_SymmetricKeyOptional_1.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_O_2_11_SymmetricKeyOptional_2.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_O_3_11_SymmetricKeyOptional_3.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_O_4_11_SymmetricKeyOptional_4.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_O_5_11_SymmetricKeyOptional_5.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_O_6_11_SymmetricKeyOptional_6.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKLC_O_1_11_SymmetricKeyLifecycle_1.xml",
            "1.0-1.2/profiles-v1.0/optional/AKLC-O-1-10.xml",
            "1.0-1.2/profiles-v1.0/optional/AKLC-O-1-11.xml",
            "1.0-1.2/profiles-v1.0/optional/AKLC-O-1-12.xml",
            "1.0-1.2/profiles-v1.0/optional/OMOS-O-1-10.xml",
            "1.0-1.2/profiles-v1.0/optional/OMOS-O-1-11.xml",
            "1.0-1.2/profiles-v1.0/optional/OMOS-O-1-12.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-1-10.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-1-11.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-1-12.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-2-10.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-2-11.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-2-12.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-3-10.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-3-11.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-3-12.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-4-10.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-4-11.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-4-12.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-5-10.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-5-11.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-5-12.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-6-10.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-6-11.xml",
            "1.0-1.2/profiles-v1.0/optional/SKFF-O-6-12.xml",
            "1.0-1.2/profiles-v1.0/optional/SKLC-O-1-10.xml",
            "1.0-1.2/profiles-v1.0/optional/SKLC-O-1-11.xml",
            "1.0-1.2/profiles-v1.0/optional/SKLC-O-1-12.xml",
            "1.3/mandatory/AKLC-O-1-13.xml",
            "1.3/mandatory/CS-RNG-O-1-13.xml",
            "1.3/mandatory/CS-RNG-O-2-13.xml",
            "1.3/mandatory/CS-RNG-O-3-13.xml",
            "1.3/mandatory/CS-RNG-O-4-13.xml",
            "1.3/mandatory/OMOS-O-1-13.xml",
            "1.3/mandatory/SKLC-O-1-13.xml",
        ],
    },
    Excluded {
        reason: "the same test case as the profiles-v1.0/mandatory file of the same number (the ovh-kmip-go copy of it)",
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.0/AKLC_M_1_10_AsymmetricKey_1.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/AKLC_M_2_10_AsymmetricKey-2.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/AKLC_M_3_10_AsymmetricKey-3.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/OMOS_M_1_10_small_opaque_object.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_M_10_10_SymmetricKeyFoundryAdvanced_10.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_M_11_10_SymmetricKeyFoundryAdvanced_11.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_M_12_10_SymmetricKeyFoundryAdvanced_12.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_M_1_10_SymmetricKeyFoundryBasic_1.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_M_2_10_SymmetricKeyFoundryBasic_2.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_M_3_10_SymmetricKeyFoundryBasic_3.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_M_4_10_SymmetricKeyFoundryBasic_4.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_M_5_10_SymmetricKeyFoundryIntermediate_5.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_M_6_10_SymmetricKeyFoundryIntermediate_6.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_M_7_10_SymmetricKeyFoundryIntermediate_7.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_M_8_10_SymmetricKeyFoundryIntermediate_8.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKFF_M_9_10_SymmetricKeyFoundryAdvanced_9.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKLC_M_1_10_SymmetricKeyLifecycle_1.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKLC_M_2_10_SymmetricKeyLifecycle_2.xml",
            "1.0-1.2/ovh-kmip-go/v1.0/SKLC_M_3_10_SymmetricKeyLifecycle_3.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/AKLC_M_1_11_AsymmetricKey_1.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/AKLC_M_2_11_AsymmetricKey_2.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/AKLC_M_3_11_AsymmetricKey_3.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_M_10_11_SymmetricKeyFoundryAdvanced_10.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_M_11_11_SymmetricKeyFoundryAdvanced_11.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_M_12_11_SymmetricKeyFoundryAdvanced_12.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_M_1_11_SymmetricKeyFoundryBasic_1.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_M_2_11_SymmetricKeyFoundryBasic_2.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_M_3_11_SymmetricKeyFoundryBasic_3.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_M_4_11_SymmetricKeyFoundryBasic_4.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_M_5_11_SymmetricKeyFoundryIntermediate_5.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_M_6_11_SymmetricKeyFoundryIntermediate_6.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_M_7_11_SymmetricKeyFoundryIntermediate_7.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_M_8_11_SymmetricKeyFoundryIntermediate_8.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKFF_M_9_11_SymmetricKeyFoundryAdvanced_9.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKLC_M_1_11_SymmetricKeyLifecycle_1.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKLC_M_2_11_SymmetricKeyLifecycle_2.xml",
            "1.0-1.2/ovh-kmip-go/v1.1/SKLC_M_3_11_SymmetricKeyLifecycle_3.xml",
        ],
    },
    Excluded {
        reason: "not an OASIS test case: third-party XML the shared README calls non-normative",
        files: &[
            "1.0-1.2/ovh-kmip-go/v1.2/CS_BC_M_14_12_Encrypt_and_Decrypt_with_Known_Symmetric_Key_Date_Checks.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/CS_BC_M_7_12_Encrypt_with_All_Fields.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC-311-10-CREATE-DESTROY.xml",
            "1.0-1.2/ovh-kmip-go/v1.2/TC-SK-CREATE-ENCRYPT-DECRYPT-DESTROY.xml",
        ],
    },
];

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::{Path, PathBuf};

    use super::*;

    fn testcases() -> PathBuf {
        let shared = match std::env::var_os("KEYWARD_SHARED_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        };
        shared.join("kmip-testcases")
    }

    #[test]
    fn every_mandatory_file_is_listed_exactly_once() {
        let root = testcases();
        let inputs = ["1.0-1.2", "1.3/mandatory", "1.4/mandatory"].map(|folder| root.join(folder));
        let files = crate::expand_inputs(&inputs).expect("the shared test cases");
        let mut listed: HashMap<&str, usize> = HashMap::new();
        let all =
            PROFILES.iter().flat_map(|p| p.files).chain(EXCLUDED.iter().flat_map(|e| e.files));
        for file in all {
            *listed.entry(file).or_default() += 1;
        }
        for file in &files {
            let relative = file.strip_prefix(&root).expect("under root").to_str().expect("UTF-8");
            assert_eq!(listed.remove(relative), Some(1), "{relative} must be listed exactly once");
        }
        assert!(listed.is_empty(), "listed but missing: {:?}", listed.keys());
        assert_eq!(files.len(), 411);
    }

    #[test]
    fn claims() {
        assert_eq!(profile_of("1.4/mandatory/SKLC-M-2-14.xml").map(|p| p.id), Some("SKLC"));
        assert!(matches!(
            profile_of("1.4/mandatory/MSGENC-XML-M-1-14.xml").map(|p| p.claim),
            Some(Claim::NotClaimed(_))
        ));
        let claimed = claimed_files();
        assert!(claimed.is_sorted());
        assert!(claimed.contains(&"1.0-1.2/ovh-kmip-go/v1.2/TC_161_12_Discover_Versions.xml"));
    }
}
