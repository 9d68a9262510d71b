//! Reading TOML and JSON documents into typed values, turning every parse or
//! schema error into a `Diagnostic` with file, line and field path.

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, line_of};

/// The syntax of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

impl Format {
    /// The format a file name implies: `.json` is JSON, anything else TOML.
    pub fn from_name(name: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".json") {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

/// Parses `text` (named `file` in messages) as `T`.
pub fn parse<T: DeserializeOwned>(file: &str, text: &str, format: Format) -> Result<T, Diagnostic> {
    match format {
        Format::Toml => parse_toml(file, text),
        Format::Json => parse_json(file, text),
    }
}

fn parse_toml<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, Diagnostic> {
    let toml_diag = |e: &toml::de::Error, field: Option<String>| Diagnostic {
        file: file.to_owned(),
        line: e.span().map(|s| line_of(text, s.start)),
        field,
        message: tidy(e.message()),
    };
    let de = toml::Deserializer::parse(text).map_err(|e| toml_diag(&e, None))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let d = toml_diag(e.inner(), None);
        let (field, message) = inner_field(e.path().to_string(), d.message);
        Diagnostic {
            field: Some(field),
            message,
            ..d
        }
    })
}

/// A value's own check names the field inside it that is wrong
/// ("field `end`: ..."): that field joins the path (`experience[0].end`)
/// and leaves the message.
fn inner_field(path: String, message: String) -> (String, String) {
    let inner = message
        .strip_prefix("field `")
        .and_then(|rest| rest.split_once("`: "));
    match inner {
        Some((name, rest)) if !name.is_empty() => {
            let field = if path.is_empty() || path == "." {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            };
            (field, rest.to_owned())
        }
        _ => (path, message),
    }
}

fn parse_json<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, Diagnostic> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        let (field, message) = inner_field(
            e.path().to_string(),
            tidy(&strip_json_position(&inner.to_string())),
        );
        Diagnostic {
            file: file.to_owned(),
            line: (inner.line() > 0).then_some(inner.line()),
            field: Some(field),
            message,
        }
    })?;
    de.end().map_err(|e| Diagnostic {
        file: file.to_owned(),
        line: Some(e.line()),
        field: None,
        message: tidy(&strip_json_position(&e.to_string())),
    })?;
    Ok(value)
}

/// serde_json appends " at line L column C"; the diagnostic has its own.
fn strip_json_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// One line, lower-case first letter, no trailing newline.
fn tidy(message: &str) -> String {
    let one_line = message.trim().replace('\n', " ");
    let mut chars = one_line.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => one_line,
    }
}
