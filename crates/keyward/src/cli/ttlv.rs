//! `keyward ttlv decode | encode`: one KMIP message between binary TTLV and
//! the KMIP XML and JSON encodings (the form of the OASIS test cases).
//!
//! ```text
//! keyward ttlv encode --hex request.xml          # XML or JSON → hex TTLV
//! keyward ttlv decode --hex --format json -      # hex TTLV on stdin → JSON
//! ```

use std::fmt;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use keyward_ttlv::text::NowPlaceholders;
use keyward_ttlv::{DecodeError, Limits, TextError, binary, json, xml};

/// The `ttlv` subcommands.
#[derive(Debug, Subcommand)]
pub enum TtlvCommand {
    /// Decode one binary TTLV message and print it as KMIP XML or JSON.
    Decode(DecodeArgs),
    /// Encode one KMIP XML or JSON message as binary TTLV. `$NOW`, `$NOW+n`
    /// and `$NOW-n` placeholders are bound to the current time.
    Encode(EncodeArgs),
}

/// Arguments of `keyward ttlv decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The encoding to print.
    #[arg(long, value_enum, default_value_t = Format::Xml)]
    format: Format,
    /// Read the message as hex text (whitespace allowed) instead of raw bytes.
    #[arg(long)]
    hex: bool,
    /// The file holding the message; `-` or nothing for standard input.
    file: Option<PathBuf>,
}

/// Arguments of `keyward ttlv encode`.
#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// Write the message as hex text instead of raw bytes.
    #[arg(long)]
    hex: bool,
    /// The file holding the XML or JSON message (told apart by its first
    /// character); `-` or nothing for standard input.
    file: Option<PathBuf>,
}

/// A text encoding of KMIP messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// KMIP XML, as in the OASIS test cases.
    Xml,
    /// KMIP JSON.
    Json,
}

/// Why a `ttlv` command failed.
#[derive(Debug)]
pub enum Error {
    /// The input could not be read.
    Read {
        /// The file, or "standard input".
        source: String,
        /// The I/O error.
        error: io::Error,
    },
    /// The output could not be written.
    Write(io::Error),
    /// `--hex` input that is not hex.
    Hex(String),
    /// Bytes that are not a valid TTLV message.
    Decode(DecodeError),
    /// Text that is not a valid KMIP XML or JSON message.
    Text {
        /// The encoding the text was read as.
        format: Format,
        /// What was wrong, and where.
        error: TextError,
    },
    /// Text that is neither XML nor JSON, or not UTF-8.
    UnknownEncoding(String),
    /// Raw binary output to a terminal.
    BinaryToTerminal,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Read { source, error } => write!(f, "cannot read {source}: {error}"),
            Error::Write(error) => write!(f, "cannot write the output: {error}"),
            Error::Hex(message) => write!(f, "bad hex input: {message}"),
            Error::Decode(error) => write!(f, "not a valid TTLV message: {error}"),
            Error::Text { format, error } => {
                let name = match format {
                    Format::Xml => "XML",
                    Format::Json => "JSON",
                };
                write!(f, "not a valid KMIP {name} message: {error}")
            }
            Error::UnknownEncoding(message) => f.write_str(message),
            Error::BinaryToTerminal => f.write_str(
                "refusing to write binary TTLV to a terminal: add --hex, or redirect the output \
                 to a file or a pipe",
            ),
        }
    }
}

/// Each message is complete in itself, so no `source` is chained.
impl std::error::Error for Error {}

/// Runs a `ttlv` subcommand.
pub fn run(command: TtlvCommand) -> Result<(), Error> {
    match command {
        TtlvCommand::Decode(args) => decode(&args),
        TtlvCommand::Encode(args) => encode(&args),
    }
}

fn decode(args: &DecodeArgs) -> Result<(), Error> {
    let input = read_input(args.file.as_deref())?;
    let bytes = if args.hex { parse_hex(&input)? } else { input };
    let message = binary::decode(&bytes, &Limits::default()).map_err(Error::Decode)?;
    let text = match args.format {
        Format::Xml => xml::to_string(&message),
        Format::Json => json::to_string(&message),
    };
    write_output(text.as_bytes())
}

fn encode(args: &EncodeArgs) -> Result<(), Error> {
    let input = read_input(args.file.as_deref())?;
    let text = std::str::from_utf8(&input).map_err(|e| {
        Error::UnknownEncoding(format!(
            "the input is not UTF-8 text (at byte offset {}); encode reads KMIP XML or JSON, \
             decode reads binary TTLV",
            e.valid_up_to()
        ))
    })?;
    let format = detect_format(text)?;
    let mut placeholders = NowPlaceholders::new();
    let message = match format {
        Format::Xml => xml::from_str(text, &mut placeholders),
        Format::Json => json::from_str(text, &mut placeholders),
    }
    .map_err(|error| Error::Text { format, error })?;
    let bytes = binary::encode(&message);
    if args.hex {
        write_output(format!("{}\n", hex::encode(bytes)).as_bytes())
    } else if io::stdout().is_terminal() {
        Err(Error::BinaryToTerminal)
    } else {
        write_output(&bytes)
    }
}

/// Tells XML from JSON by the first character that is not white space.
fn detect_format(text: &str) -> Result<Format, Error> {
    match text.trim_start().chars().next() {
        Some('<') => Ok(Format::Xml),
        Some('{' | '[') => Ok(Format::Json),
        Some(c) => Err(Error::UnknownEncoding(format!(
            "cannot tell the encoding: a KMIP XML message starts with '<' and a JSON one with \
             '{{', but this input starts with {c:?}"
        ))),
        None => Err(Error::UnknownEncoding("the input is empty".to_owned())),
    }
}

/// Decodes hex text, ignoring white space; reports the first bad character.
fn parse_hex(input: &[u8]) -> Result<Vec<u8>, Error> {
    let mut digits = Vec::with_capacity(input.len());
    for (offset, &byte) in input.iter().enumerate() {
        if byte.is_ascii_hexdigit() {
            digits.push(byte);
        } else if !byte.is_ascii_whitespace() {
            return Err(Error::Hex(format!(
                "byte 0x{byte:02X} ({:?}) at input offset {offset} is neither a hex digit nor \
                 white space",
                char::from(byte)
            )));
        }
    }
    if digits.len() % 2 != 0 {
        return Err(Error::Hex(format!(
            "{} hex digits: an odd number cannot make whole bytes",
            digits.len()
        )));
    }
    hex::decode(&digits).map_err(|e| Error::Hex(e.to_string()))
}

fn read_input(file: Option<&Path>) -> Result<Vec<u8>, Error> {
    let mut input = Vec::new();
    match file {
        None => read_stdin(&mut input)?,
        Some(path) if path == Path::new("-") => read_stdin(&mut input)?,
        Some(path) => {
            input = std::fs::read(path)
                .map_err(|error| Error::Read { source: path.display().to_string(), error })?;
        }
    }
    Ok(input)
}

fn read_stdin(input: &mut Vec<u8>) -> Result<(), Error> {
    io::stdin()
        .lock()
        .read_to_end(input)
        .map(|_| ())
        .map_err(|error| Error::Read { source: "standard input".to_owned(), error })
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn write_output(bytes: &[u8]) -> Result<(), Error> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        result => result.map_err(Error::Write),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_input_allows_white_space_and_locates_bad_characters() {
        assert_eq!(parse_hex(b" 42 00\n7a\t").unwrap(), vec![0x42, 0x00, 0x7A]);
        let Err(Error::Hex(message)) = parse_hex(b"42 0g") else { panic!("accepted bad hex") };
        assert!(message.contains("offset 4"), "{message}");
        let Err(Error::Hex(message)) = parse_hex(b"420") else { panic!("accepted odd hex") };
        assert!(message.contains("odd"), "{message}");
    }

    #[test]
    fn detects_the_encoding() {
        assert_eq!(detect_format("\n  <RequestMessage/>").unwrap(), Format::Xml);
        assert_eq!(detect_format(" {\"tag\":1}").unwrap(), Format::Json);
        assert!(detect_format("RequestMessage").is_err());
        assert!(detect_format("  ").is_err());
    }
}
