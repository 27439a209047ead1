//! Every OASIS KMIP 1.0–1.4 XML test case through the codecs.
//!
//! For each message of each `*.xml` file under `kmip-testcases/1.0-1.2`,
//! `1.3` and `1.4/mandatory` of the shared directory (`$KEYWARD_SHARED_DIR`,
//! or `<workspace root>/../shared`):
//!
//! 1. XML → TTLV, placeholders bound to deterministic values;
//! 2. TTLV → binary → TTLV, which must be identical;
//! 3. TTLV → XML, which must equal the original element for element (name,
//!    `tag`, `type` and `value` attributes, children), modulo formatting, with
//!    the values of placeholders free and these documented rules:
//!    * **mask spelling**: a mask written by bit names compares as the set of
//!      its names (the 1.0 profile files write `"Decrypt   Encrypt"`, with runs
//!      of spaces and in any order; the writer puts one space, in bit order);
//!    * **hex case**: Byte String and Big Integer hex compares case-blind (a
//!      few files use upper case; the writer uses the lower case most use);
//!    * **alternative spelling**: an enumeration name the spec tables record as
//!      an `xml_alt` spelling equals its canonical name (TC-132/134 write
//!      `SHA_256WithRSAEncryption`, the KMIP 2.0 name, where 1.4 says
//!      `SHA_256WithRSAEncryptionPKCS_1V1_5`);
//! 4. the placeholders recorded are exactly those written in the file, and
//!    two bindings of the same message match each other modulo placeholders;
//! 5. TTLV → JSON → TTLV, which must be identical.
//!
//! Nothing is skipped: a missing shared directory or a changed file count
//! fails the test.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use keyward_ttlv::text::{self, BoundMessage, RefusePlaceholders};
use keyward_ttlv::xml::{self, Element};
use keyward_ttlv::{ItemType, Limits, Tag, Ttlv, Value, binary, json, spec};

/// The folders covered, relative to the shared directory.
const FOLDERS: [&str; 3] =
    ["kmip-testcases/1.0-1.2", "kmip-testcases/1.3", "kmip-testcases/1.4/mandatory"];

/// How many files those folders hold.
const EXPECTED_FILES: usize = 418;

/// How many messages those files hold.
const EXPECTED_MESSAGES: usize = 5486;

fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("KEYWARD_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    assert!(
        dir.join("kmip-testcases").is_dir(),
        "the shared directory {} has no kmip-testcases/: set KEYWARD_SHARED_DIR to the folder \
         holding kmip-testcases/ (normally <workspace root>/../shared)",
        dir.display()
    );
    dir
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            xml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "xml") {
            out.push(path);
        }
    }
}

/// Binds placeholders to values that depend only on the name and `seed`.
fn deterministic(seed: i64) -> impl FnMut(&str, ItemType, Tag) -> Result<Value, String> {
    move |name, item_type, _tag| {
        Ok(match item_type {
            ItemType::DateTime => {
                Value::DateTime(1_400_000_000 + seed + text::now_offset(name).unwrap_or(0))
            }
            ItemType::TextString => Value::text(format!("bound {name} {seed}")),
            ItemType::ByteString => Value::bytes(format!("{name} {seed}").into_bytes()),
            ItemType::Integer => Value::Integer(i32::try_from(seed).unwrap_or(0)),
            ItemType::Enumeration => Value::Enumeration(u32::try_from(seed).unwrap_or(0)),
            other => return Err(format!("no deterministic {other} for {name}")),
        })
    }
}

#[derive(Default)]
struct Counts {
    files: usize,
    messages: usize,
    placeholders: usize,
    elements: usize,
    /// Values equal only by the mask spelling rule.
    mask_spelling: usize,
    /// Values equal only by the hex case rule.
    hex_case: usize,
    /// Values equal only by the alternative spelling rule.
    alternative_spelling: usize,
}

#[test]
fn every_test_case_round_trips_through_binary_xml_and_json() {
    let shared = shared_dir();
    let mut files = Vec::new();
    for folder in FOLDERS {
        let dir = shared.join(folder);
        assert!(dir.is_dir(), "{} is missing", dir.display());
        xml_files(&dir, &mut files);
    }
    files.sort();

    let mut counts = Counts::default();
    let mut failures = Vec::new();
    for file in &files {
        let name = file.strip_prefix(&shared).unwrap_or(file).display().to_string();
        match check_file(file, &mut counts) {
            Ok(()) => counts.files += 1,
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }

    let summary = format!(
        "{} of {} files, {} messages, {} elements, {} placeholders round-tripped; values equal \
         by rule: {} mask spellings, {} hex cases, {} alternative enumeration spellings",
        counts.files,
        files.len(),
        counts.messages,
        counts.elements,
        counts.placeholders,
        counts.mask_spelling,
        counts.hex_case,
        counts.alternative_spelling
    );
    eprintln!("{summary}");
    assert!(failures.is_empty(), "{summary}; {} failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(files.len(), EXPECTED_FILES, "{summary}: the shared test cases changed");
    assert_eq!(counts.messages, EXPECTED_MESSAGES, "{summary}: messages were lost or added");
}

fn check_file(file: &Path, counts: &mut Counts) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    let elements = xml::parse_elements(&text).map_err(|e| e.to_string())?;
    let first =
        xml::document_from_str_bound(&text, &mut deterministic(0)).map_err(|e| e.to_string())?;
    let second =
        xml::document_from_str_bound(&text, &mut deterministic(1)).map_err(|e| e.to_string())?;
    if elements.is_empty() || elements.len() != first.len() {
        return Err(format!("{} elements but {} messages", elements.len(), first.len()));
    }
    for (i, ((element, bound), other)) in elements.iter().zip(&first).zip(&second).enumerate() {
        check_message(element, bound, other, counts)
            .map_err(|e| format!("message {} (line {}): {e}", i + 1, element.line))?;
        counts.messages += 1;
    }
    Ok(())
}

fn check_message(
    element: &Element,
    bound: &BoundMessage,
    other: &BoundMessage,
    counts: &mut Counts,
) -> Result<(), String> {
    let message = &bound.message;
    let bytes = binary::encode(message);
    let decoded = binary::decode(&bytes, &Limits::default()).map_err(|e| format!("binary: {e}"))?;
    if &decoded != message {
        return Err("binary round trip changed the message".to_owned());
    }

    let written = xml::to_string(&decoded);
    let reread = xml::parse_elements(&written).map_err(|e| format!("rereading XML: {e}"))?;
    let [reread] = reread.as_slice() else {
        return Err("the writer produced several elements".to_owned());
    };
    compare(element, reread, &mut String::new(), counts)?;

    let placeholders = count_placeholders(element);
    if bound.bindings.len() != placeholders {
        return Err(format!(
            "{} placeholders written, {} recorded",
            placeholders,
            bound.bindings.len()
        ));
    }
    counts.placeholders += placeholders;
    bound.matches(&other.message).map_err(|e| format!("modulo placeholders: {e}"))?;
    if placeholders > 0 && bound.message == other.message {
        return Err("different bindings gave the same message".to_owned());
    }

    let json_text = json::to_string(&decoded);
    let from_json = json::from_str(&json_text, &mut RefusePlaceholders)
        .map_err(|e| format!("rereading JSON: {e}\n{json_text}"))?;
    if from_json != decoded {
        return Err("JSON round trip changed the message".to_owned());
    }
    Ok(())
}

fn count_placeholders(element: &Element) -> usize {
    let own = element.attribute("value").is_some_and(text::is_placeholder);
    usize::from(own) + element.children.iter().map(count_placeholders).sum::<usize>()
}

/// Compares an original element with the writer's, by the rules in the module
/// documentation. `path` locates the element in errors.
fn compare(
    original: &Element,
    written: &Element,
    path: &mut String,
    counts: &mut Counts,
) -> Result<(), String> {
    let path_len = path.len();
    let _ = write!(path, "/{}", original.name);
    let differ = |what: &str, a: Option<&str>, b: Option<&str>| {
        format!("{path} (line {}): {what} {a:?} became {b:?}", original.line)
    };
    if original.name != written.name {
        return Err(differ("name", Some(&original.name), Some(&written.name)));
    }
    let tag = (original.attribute("tag"), written.attribute("tag"));
    if !matches!(tag, (Some(a), Some(b)) if a.eq_ignore_ascii_case(b)) && tag != (None, None) {
        return Err(differ("tag", tag.0, tag.1));
    }
    let original_type = original.attribute("type");
    if original_type != written.attribute("type") {
        return Err(differ("type", original_type, written.attribute("type")));
    }
    let value = (original.attribute("value"), written.attribute("value"));
    if !same_value(original_type, value.0, value.1, counts) {
        return Err(differ("value", value.0, value.1));
    }
    if original.children.len() != written.children.len() {
        return Err(format!(
            "{path} (line {}): {} children became {}",
            original.line,
            original.children.len(),
            written.children.len()
        ));
    }
    counts.elements += 1;
    for (a, b) in original.children.iter().zip(&written.children) {
        compare(a, b, path, counts)?;
    }
    path.truncate(path_len);
    Ok(())
}

fn same_value(
    item_type: Option<&str>,
    original: Option<&str>,
    written: Option<&str>,
    counts: &mut Counts,
) -> bool {
    let (Some(original), Some(written)) = (original, written) else {
        return original == written;
    };
    if original == written || text::is_placeholder(original) {
        return true;
    }
    let (rule, same) = match item_type {
        Some("Integer") => (&mut counts.mask_spelling, mask_names(original) == mask_names(written)),
        Some("ByteString" | "BigInteger") => {
            (&mut counts.hex_case, original.eq_ignore_ascii_case(written))
        }
        Some("Enumeration") => {
            (&mut counts.alternative_spelling, is_alternative_spelling(original, written))
        }
        _ => return false,
    };
    *rule += usize::from(same);
    same
}

fn is_alternative_spelling(alternative: &str, canonical: &str) -> bool {
    spec::all_enums()
        .iter()
        .flat_map(|table| table.values)
        .any(|v| v.xml == canonical && v.xml_alt.contains(&alternative))
}

fn mask_names(text: &str) -> Vec<&str> {
    let mut names: Vec<_> = text.split_whitespace().collect();
    names.sort_unstable();
    names
}

#[test]
fn a_response_is_matched_and_captured_modulo_placeholders() {
    let shared = shared_dir();
    let file = shared.join("kmip-testcases/1.4/mandatory/SKLC-M-1-14.xml");
    let text = std::fs::read_to_string(&file).expect("SKLC-M-1-14.xml");
    let expected = xml::document_from_str_bound(&text, &mut deterministic(0)).expect("parses");
    // The first response carries $NOW and $UNIQUE_IDENTIFIER_0; a server's
    // actual answer has other values there and matches all the same.
    let response = &expected[1];
    let mut actual: Ttlv = response.message.clone();
    for binding in &response.bindings {
        let item = item_at_mut(&mut actual, &binding.path);
        item.value = match &item.value {
            Value::DateTime(_) => Value::DateTime(1_700_000_000),
            Value::TextString(_) => Value::text("8a3f-uid"),
            other => other.clone(),
        };
    }
    let captured = response.capture(&actual).expect("matches modulo placeholders");
    assert!(captured.contains(&("$UNIQUE_IDENTIFIER_0".to_owned(), Value::text("8a3f-uid"))));
    let request = &expected[0];
    assert!(request.matches(&actual).is_err(), "a request never matches a response");
}

fn item_at_mut<'a>(root: &'a mut Ttlv, path: &[usize]) -> &'a mut Ttlv {
    path.iter().fold(root, |item, &i| match &mut item.value {
        Value::Structure(children) => &mut children[i],
        _ => panic!("path leads through a primitive"),
    })
}
