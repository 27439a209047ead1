//! A test-case file as an ordered list of (request, expected response) pairs.
//!
//! The messages stay XML elements until the replay: a request's placeholders
//! (`$UNIQUE_IDENTIFIER_0`, `$NOW-3600`) can only be bound once the responses
//! before it have been received.

use std::path::{Path, PathBuf};

use keyward_ttlv::xml::{self, Element};

use crate::LoadError;

/// The element name of a request message.
const REQUEST: &str = "RequestMessage";
/// The element name of a response message.
const RESPONSE: &str = "ResponseMessage";

/// One request and the response the test case expects for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// The request message, placeholders unbound.
    pub request: Element,
    /// The expected response message, placeholders unbound.
    pub response: Element,
}

impl Exchange {
    /// The operations of the request's batch items as written (`"Create"`),
    /// joined by `+` for a batch of several.
    pub fn operations(&self) -> String {
        let names: Vec<&str> = self
            .request
            .children
            .iter()
            .filter(|c| c.name == "BatchItem")
            .filter_map(|item| item.children.iter().find(|c| c.name == "Operation"))
            .filter_map(|op| op.attribute("value"))
            .collect();
        if names.is_empty() { "(no operation)".to_owned() } else { names.join("+") }
    }
}

/// A test-case file: where it came from and its exchanges in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCase {
    /// The file the test case was read from (or the name given to
    /// [`TestCase::from_xml`]).
    pub path: PathBuf,
    /// The exchanges, in the order they must be replayed.
    pub exchanges: Vec<Exchange>,
}

impl TestCase {
    /// Reads an OASIS XML test-case file (the known defects of the published
    /// files are tolerated: see [`keyward_ttlv::xml`]).
    ///
    /// # Errors
    /// [`LoadError::Read`] when the file cannot be read, [`LoadError::Xml`]
    /// when it is not KMIP XML, [`LoadError::Sequence`] when its messages do
    /// not alternate request, response.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|source| LoadError::Read { path: path.to_owned(), source })?;
        Self::from_xml(path, &text)
    }

    /// Reads a test case from XML text; `path` names it in reports.
    ///
    /// # Errors
    /// As [`TestCase::load`], except [`LoadError::Read`].
    pub fn from_xml(path: impl Into<PathBuf>, text: &str) -> Result<Self, LoadError> {
        let path = path.into();
        let elements = xml::parse_elements(text)
            .map_err(|source| LoadError::Xml { path: path.clone(), source })?;
        if elements.is_empty() {
            return Err(LoadError::Empty { path });
        }
        let mut exchanges = Vec::with_capacity(elements.len() / 2);
        let mut elements = elements.into_iter();
        while let Some(request) = elements.next() {
            let index = exchanges.len();
            if request.name != REQUEST {
                return Err(LoadError::Sequence {
                    path,
                    index,
                    line: request.line,
                    expected: REQUEST,
                    found: request.name,
                });
            }
            let Some(response) = elements.next() else {
                return Err(LoadError::MissingResponse { path, index, line: request.line });
            };
            if response.name != RESPONSE {
                return Err(LoadError::Sequence {
                    path,
                    index,
                    line: response.line,
                    expected: RESPONSE,
                    found: response.name,
                });
            }
            exchanges.push(Exchange { request, response });
        }
        Ok(Self { path, exchanges })
    }
}

/// The `*.xml` files of `inputs`, in order: a file is taken as given, a
/// directory contributes its XML files (recursively, sorted by path, so that
/// `SASED-M-2` runs before `SASED-M-3`, which finds what the former stored).
///
/// # Errors
/// [`LoadError::Read`] when an input does not exist or a directory cannot be
/// listed.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut files = Vec::new();
    for input in inputs {
        let metadata = std::fs::metadata(input)
            .map_err(|source| LoadError::Read { path: input.clone(), source })?;
        if metadata.is_dir() {
            let mut found = Vec::new();
            xml_files(input, &mut found)?;
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let read_error = |source| LoadError::Read { path: dir.to_owned(), source };
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.is_dir() {
            xml_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) {
            out.push(path);
        }
    }
    Ok(())
}
