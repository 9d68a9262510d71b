//! Compact JSON written into a `Vec<u8>`, byte for byte what
//! `serde_json::to_writer` writes, in about half the instructions.
//!
//! An eligibility answer is some 8,000 short strings, two thirds of them
//! field names. `serde_json` writes each as separate small writes (comma,
//! quote, contents, quote, colon) and looks for characters to escape one
//! byte at a time: that was half of the answer's instructions. Here a
//! string is tested eight bytes at a time, and one of up to sixteen bytes
//! (nearly all of them) is written with its quotes and a key's colon as
//! two words over 32 bytes appended at once, then cut to length.
//! Everything that decides how a value looks (numbers, escapes, `null` for
//! a float that is not finite, which map keys are accepted) is
//! `serde_json`'s own or tested against it: the tests compare the two
//! writers on every answer of every example profile and on arbitrary
//! documents.
//!
//! Where the two part: `serde_json`'s private raw-text types (`RawValue`,
//! and `Number` under its `arbitrary_precision` feature) are refused with an
//! error; a refused map key gives `serde_json`'s message, though not its
//! error category (`Data` here, `Syntax` there); and a value that announces
//! an empty sequence or map and then gives elements is written as valid
//! JSON here, where `serde_json` closes the brackets first.

use std::fmt;

use serde::ser::{self, Impossible, Serialize};
use serde_json::Error;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

/// Appends `value` to `out` as compact JSON.
///
/// On an error (a map key that is not a string or a number, one of
/// `serde_json`'s raw-text types, or an error a value's own `Serialize`
/// raises) `out` holds a partial document.
pub fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    let mut writer = Writer {
        out: std::mem::take(out),
    };
    let written = value.serialize(&mut writer);
    *out = writer.out;
    written
}

struct Writer {
    out: Vec<u8>,
}

/// `serde_json`'s formatter writes numbers and escapes into a `Vec`, which
/// cannot fail; its `io::Result` is passed on all the same.
fn formatted(result: std::io::Result<()>) -> Result<(), Error> {
    result.map_err(Error::io)
}

/// Whether a byte of the word is below 0x20, `"` or `\`: the bytes JSON
/// escapes. Each test is exact for the word as a whole: `(x - n) & !x`
/// sets a byte's high bit when that byte is below `n` (and `n` <= 0x80),
/// and the lowest such byte borrows from no other.
fn word_has_escape(x: u64) -> bool {
    escape_bits(x) != 0
}

/// [`word_has_escape`] before its test: non-zero exactly when the word has
/// a byte to escape, so that the bits of many words can be or-ed together
/// and tested once.
fn escape_bits(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v;
    let quote = x ^ (ONES * u64::from(b'"'));
    let backslash = x ^ (ONES * u64::from(b'\\'));
    (below(x, 0x20) | below(quote, 1) | below(backslash, 1)) & HIGH
}

/// A string shorter than eight bytes as one little-endian word, the bytes
/// past its end zero: read as two overlapping halves (or its first, middle
/// and last byte), which agree where they overlap.
fn short_word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let byte = |i: usize| u64::from(bytes.get(i).copied().unwrap_or(0));
    let half = |from: usize| {
        let four = bytes.get(from..from + 4).and_then(|b| b.try_into().ok());
        u64::from(u32::from_le_bytes(four.unwrap_or([0; 4])))
    };
    match n {
        0 => 0,
        1..4 => byte(0) | byte(n / 2) << (8 * (n / 2)) | byte(n - 1) << (8 * (n - 1)),
        _ => half(0) | half(n - 4) << (8 * (n - 4)),
    }
}

/// Eight bytes as a little-endian word.
fn word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]))
}

impl Writer {
    /// A string with its quotes.
    fn string(&mut self, s: &str) -> Result<(), Error> {
        self.quoted::<false>(s)
    }

    /// An object's key: the comma before it unless it is the first, the
    /// string with its quotes and the colon.
    fn key(&mut self, first: bool, s: &str) -> Result<(), Error> {
        if !first {
            self.out.push(b',');
        }
        self.quoted::<true>(s)
    }

    /// A string with its quotes, and a colon after it when `COLON`. One of
    /// up to sixteen bytes (nearly all keys and values) is tested as two
    /// words and written as those words with its quotes and colon.
    fn quoted<const COLON: bool>(&mut self, s: &str) -> Result<(), Error> {
        let bytes = s.as_bytes();
        let n = bytes.len();
        if n > 16 {
            return self.long_quoted::<COLON>(s);
        }
        // A string shorter than eight bytes is one word, the bytes past its
        // end tested as `A`s (not escaped); a longer one is its first eight
        // bytes and its last eight, which overlap.
        let (head, tail) = if n < 8 {
            (
                short_word(bytes) | 0x4141_4141_4141_4141 << (8 * n),
                0x4141_4141_4141_4141,
            )
        } else {
            (word(&bytes[..8]), word(&bytes[n - 8..]))
        };
        if word_has_escape(head) | word_has_escape(tail) {
            return self.escaped::<COLON>(s);
        }
        // Thirty-two quotes appended, the words written over them in place,
        // then cut to the string's length. (Built on the stack and copied
        // in, the copy read back the words' narrower stores before they
        // landed, and the processor waited for them: half of the samples
        // of writing a key.)
        let start = self.out.len();
        self.out.extend_from_slice(&[b'"'; 32]);
        let all = &mut self.out[start..start + 32];
        all[1..9].copy_from_slice(&head.to_le_bytes());
        if n >= 8 {
            all[n - 7..=n].copy_from_slice(&tail.to_le_bytes());
        }
        all[n + 1] = b'"';
        all[n + 2] = b':';
        self.out.truncate(start + n + 2 + usize::from(COLON));
        Ok(())
    }

    /// `quoted` for a string longer than sixteen bytes.
    #[inline(never)]
    fn long_quoted<const COLON: bool>(&mut self, s: &str) -> Result<(), Error> {
        let bytes = s.as_bytes();
        // Every word tested and the tests or-ed, with no branch per word (a
        // string to escape is rare; the loop is then as wide as the
        // processor allows).
        let last = word(&bytes[bytes.len().saturating_sub(8)..]);
        let words = bytes.chunks_exact(8).map(|w| escape_bits(word(w)));
        if words.fold(escape_bits(last), |all, w| all | w) != 0 {
            return self.escaped::<COLON>(s);
        }
        self.out.reserve(bytes.len() + 3);
        self.out.push(b'"');
        self.out.extend_from_slice(bytes);
        self.out.push(b'"');
        if COLON {
            self.out.push(b':');
        }
        Ok(())
    }

    /// A string with its quotes and escapes, as `serde_json` writes them,
    /// and a colon after it when `COLON`.
    #[cold]
    #[inline(never)]
    fn escaped<const COLON: bool>(&mut self, s: &str) -> Result<(), Error> {
        self.out.push(b'"');
        let mut run = 0;
        for (i, &b) in s.as_bytes().iter().enumerate() {
            let escape = match b {
                b'"' => CharEscape::Quote,
                b'\\' => CharEscape::ReverseSolidus,
                0x08 => CharEscape::Backspace,
                0x0C => CharEscape::FormFeed,
                b'\n' => CharEscape::LineFeed,
                b'\r' => CharEscape::CarriageReturn,
                b'\t' => CharEscape::Tab,
                0..0x20 => CharEscape::AsciiControl(b),
                _ => continue,
            };
            // The run ends before an ASCII byte, so it is whole characters.
            self.out.extend_from_slice(&s.as_bytes()[run..i]);
            formatted(CompactFormatter.write_char_escape(&mut self.out, escape))?;
            run = i + 1;
        }
        self.out.extend_from_slice(&s.as_bytes()[run..]);
        self.out.push(b'"');
        if COLON {
            self.out.push(b':');
        }
        Ok(())
    }
}

macro_rules! numbers {
    ($($method:ident $write:ident $t:ty),* $(,)?) => {
        $(fn $method(self, value: $t) -> Result<(), Error> {
            formatted(CompactFormatter.$write(&mut self.out, value))
        })*
    };
}

impl<'w> ser::Serializer for &'w mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w>;
    type SerializeTuple = Compound<'w>;
    type SerializeTupleStruct = Compound<'w>;
    type SerializeTupleVariant = Compound<'w>;
    type SerializeMap = Compound<'w>;
    type SerializeStruct = Compound<'w>;
    type SerializeStructVariant = Compound<'w>;

    numbers!(
        serialize_i8 write_i8 i8,
        serialize_i16 write_i16 i16,
        serialize_i32 write_i32 i32,
        serialize_i64 write_i64 i64,
        serialize_i128 write_i128 i128,
        serialize_u8 write_u8 u8,
        serialize_u16 write_u16 u16,
        serialize_u32 write_u32 u32,
        serialize_u64 write_u64 u64,
        serialize_u128 write_u128 u128,
    );

    fn serialize_bool(self, value: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if value { b"true" } else { b"false" });
        Ok(())
    }

    fn serialize_f32(self, value: f32) -> Result<(), Error> {
        if value.is_finite() {
            formatted(CompactFormatter.write_f32(&mut self.out, value))
        } else {
            self.serialize_unit()
        }
    }

    fn serialize_f64(self, value: f64) -> Result<(), Error> {
        if value.is_finite() {
            formatted(CompactFormatter.write_f64(&mut self.out, value))
        } else {
            self.serialize_unit()
        }
    }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.string(value.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.string(value)
    }

    fn serialize_bytes(self, value: &[u8]) -> Result<(), Error> {
        formatted(CompactFormatter.write_byte_array(&mut self.out, value))
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.out.push(b'{');
        self.key(true, variant)?;
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'w>, Error> {
        self.out.push(b'[');
        Ok(Compound::new(self))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'w>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'w>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w>, Error> {
        self.out.push(b'{');
        self.key(true, variant)?;
        self.out.push(b'[');
        Ok(Compound::new(self))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'w>, Error> {
        self.out.push(b'{');
        Ok(Compound::new(self))
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Compound<'w>, Error> {
        // `serde_json`'s own types that stand for raw text (`RawValue`, and
        // `Number` with its `arbitrary_precision` feature) are structs by
        // private names, which it writes as the text they hold. No labpath
        // view has one; rather than write one as an object, this refuses.
        if let Some(private) = name.strip_prefix("$serde_json::private::") {
            return Err(ser::Error::custom(format_args!(
                "serde_json's {private} is not written by labpath's JSON writer"
            )));
        }
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w>, Error> {
        self.out.push(b'{');
        self.key(true, variant)?;
        self.out.push(b'{');
        Ok(Compound::new(self))
    }

    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        // Formatted once, as `serde_json` does: a `Display` need not give
        // the same text twice.
        self.string(&value.to_string())
    }
}

/// An array or object being written: whether the next element is its first.
pub struct Compound<'w> {
    writer: &'w mut Writer,
    first: bool,
}

impl<'w> Compound<'w> {
    fn new(writer: &'w mut Writer) -> Self {
        Compound {
            writer,
            first: true,
        }
    }

    /// Whether the next element or key is the first, which has no comma
    /// before it.
    fn first(&mut self) -> bool {
        std::mem::replace(&mut self.first, false)
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        if !self.first() {
            self.writer.out.push(b',');
        }
        value.serialize(&mut *self.writer)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let first = self.first();
        self.writer.key(first, key)?;
        value.serialize(&mut *self.writer)
    }

    fn close(self, end: &[u8]) -> Result<(), Error> {
        self.writer.out.extend_from_slice(end);
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b"]")
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b"]")
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b"]")
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b"]}")
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let first = self.first();
        key.serialize(MapKey {
            writer: &mut *self.writer,
            first,
        })
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b"}")
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b"}")
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close(b"}}")
    }
}

/// A map's key with the comma before it (unless it is the first) and its
/// colon after it. As in `serde_json`: strings, characters, unit variants,
/// `Display` text and numbers (quoted); anything else is an error.
struct MapKey<'w> {
    writer: &'w mut Writer,
    first: bool,
}

impl MapKey<'_> {
    /// A number or `true`/`false` as the key's string.
    fn quoted(self, write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<(), Error> {
        let out = &mut self.writer.out;
        if !self.first {
            out.push(b',');
        }
        out.push(b'"');
        formatted(write(out))?;
        out.extend_from_slice(b"\":");
        Ok(())
    }
}

fn key_must_be_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

macro_rules! quoted_keys {
    ($($method:ident $write:ident $t:ty),* $(,)?) => {
        $(fn $method(self, value: $t) -> Result<(), Error> {
            self.quoted(|out| CompactFormatter.$write(out, value))
        })*
    };
}

macro_rules! refused_keys {
    ($($method:ident($($arg:ty),*) -> $ok:ty),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ok, Error> {
            Err(key_must_be_a_string())
        })*
    };
}

impl ser::Serializer for MapKey<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    quoted_keys!(
        serialize_bool write_bool bool,
        serialize_i8 write_i8 i8,
        serialize_i16 write_i16 i16,
        serialize_i32 write_i32 i32,
        serialize_i64 write_i64 i64,
        serialize_i128 write_i128 i128,
        serialize_u8 write_u8 u8,
        serialize_u16 write_u16 u16,
        serialize_u32 write_u32 u32,
        serialize_u64 write_u64 u64,
        serialize_u128 write_u128 u128,
    );

    refused_keys!(
        serialize_bytes(&[u8]) -> (),
        serialize_unit() -> (),
        serialize_unit_struct(&'static str) -> (),
        serialize_none() -> (),
        serialize_seq(Option<usize>) -> Impossible<(), Error>,
        serialize_tuple(usize) -> Impossible<(), Error>,
        serialize_tuple_struct(&'static str, usize) -> Impossible<(), Error>,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Impossible<(), Error>,
        serialize_map(Option<usize>) -> Impossible<(), Error>,
        serialize_struct(&'static str, usize) -> Impossible<(), Error>,
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Impossible<(), Error>,
    );

    fn serialize_f32(self, value: f32) -> Result<(), Error> {
        if !value.is_finite() {
            return Err(ser::Error::custom(
                "float key must be finite (got NaN or +/-inf)",
            ));
        }
        self.quoted(|out| CompactFormatter.write_f32(out, value))
    }

    fn serialize_f64(self, value: f64) -> Result<(), Error> {
        if !value.is_finite() {
            return Err(ser::Error::custom(
                "float key must be finite (got NaN or +/-inf)",
            ));
        }
        self.quoted(|out| CompactFormatter.write_f64(out, value))
    }

    fn serialize_char(self, value: char) -> Result<(), Error> {
        self.serialize_str(value.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, value: &str) -> Result<(), Error> {
        self.writer.key(self.first, value)
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        self.writer.key(self.first, &value.to_string())
    }
}
