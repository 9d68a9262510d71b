//! MessagePack as `rmp_serde` reads it, with one difference: a struct's
//! fields are keyed by their position in the struct, not by their names.
//!
//! `rmp_serde` writes a struct either as a map keyed by field names (what
//! `to_vec_named` does), or as an array of its fields, which cannot hold a
//! field left out by `skip_serializing_if`. A map keyed by position holds
//! both: a derived `Deserialize` takes a field's position as its key as
//! readily as its name, and a left-out field moves no other. Position `i`
//! is the `i`th field the derived `Serialize` writes or leaves out, which
//! is the `i`th field its `Deserialize` knows. Reading the shipped catalog
//! then matches a small integer per field instead of comparing its name,
//! and the stored form is smaller. The build reads every part it stores
//! back and compares it with what it stored, so any type for which the two
//! numberings differ stops the build.

use std::fmt::Display;

use rmp::encode;
use serde::ser::{self, Serialize};

/// What can go wrong while writing.
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

impl From<encode::ValueWriteError> for Error {
    fn from(e: encode::ValueWriteError) -> Self {
        Error(e.to_string())
    }
}

/// `value` written with struct fields keyed by position.
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    value.serialize(&mut Writer(&mut out))?;
    Ok(out)
}

/// Writes into a byte vector.
struct Writer<'a>(&'a mut Vec<u8>);

/// A length as MessagePack counts it.
fn length(len: usize) -> Result<u32, Error> {
    u32::try_from(len).map_err(|_| Error(format!("{len} items are too many to store")))
}

impl Writer<'_> {
    fn array(&mut self, len: usize) -> Result<(), Error> {
        encode::write_array_len(self.0, length(len)?)?;
        Ok(())
    }

    fn map(&mut self, len: usize) -> Result<(), Error> {
        encode::write_map_len(self.0, length(len)?)?;
        Ok(())
    }

    fn text(&mut self, text: &str) -> Result<(), Error> {
        encode::write_str(self.0, text)?;
        Ok(())
    }
}

impl<'w, 'a> ser::Serializer for &'w mut Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Fields<'w, 'a>;
    type SerializeStructVariant = Fields<'w, 'a>;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        encode::write_bool(self.0, v).map_err(|e| Error(e.to_string()))
    }

    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        encode::write_sint(self.0, v)?;
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        encode::write_uint(self.0, v)?;
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        encode::write_f32(self.0, v)?;
        Ok(())
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        encode::write_f64(self.0, v)?;
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.text(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.text(v)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        encode::write_bin(self.0, v)?;
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        encode::write_nil(self.0).map_err(|e| Error(e.to_string()))
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.array(0)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.text(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.map(1)?;
        self.text(variant)?;
        value.serialize(self)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self, Error> {
        let len = len.ok_or_else(|| Error("a sequence of unknown length".to_owned()))?;
        self.array(len)?;
        Ok(self)
    }

    fn serialize_tuple(self, len: usize) -> Result<Self, Error> {
        self.array(len)?;
        Ok(self)
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Error> {
        self.array(len)?;
        Ok(self)
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self, Error> {
        self.map(1)?;
        self.text(variant)?;
        self.array(len)?;
        Ok(self)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self, Error> {
        let len = len.ok_or_else(|| Error("a map of unknown length".to_owned()))?;
        self.map(len)?;
        Ok(self)
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Fields<'w, 'a>, Error> {
        self.map(len)?;
        Ok(Fields {
            writer: self,
            position: 0,
        })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Fields<'w, 'a>, Error> {
        self.map(1)?;
        self.text(variant)?;
        self.serialize_struct(name, len)
    }
}

/// The compounds written item by item, with nothing between the items:
/// sequences, tuples and the fields of tuple structs and variants.
macro_rules! item_by_item {
    ($($compound:ident :: $method:ident),+) => {$(
        impl ser::$compound for &mut Writer<'_> {
            type Ok = ();
            type Error = Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                value.serialize(&mut **self)
            }

            fn end(self) -> Result<(), Error> {
                Ok(())
            }
        }
    )+};
}

item_by_item!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for &mut Writer<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        key.serialize(&mut **self)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// A struct's fields, each keyed by its position among the fields written
/// or left out so far.
struct Fields<'w, 'a> {
    writer: &'w mut Writer<'a>,
    position: u64,
}

impl Fields<'_, '_> {
    fn field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        encode::write_uint(self.writer.0, self.position)?;
        self.position += 1;
        value.serialize(&mut *self.writer)
    }
}

/// A struct's and a struct variant's fields alike.
macro_rules! by_position {
    ($($compound:ident),+) => {$(
        impl ser::$compound for Fields<'_, '_> {
            type Ok = ();
            type Error = Error;

            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                _key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(value)
            }

            fn skip_field(&mut self, _key: &'static str) -> Result<(), Error> {
                self.position += 1;
                Ok(())
            }

            fn end(self) -> Result<(), Error> {
                Ok(())
            }
        }
    )+};
}

by_position!(SerializeStruct, SerializeStructVariant);
