//! labpath's compact JSON writer writes exactly what `serde_json` writes:
//! every eligibility answer (compact and full) of every example profile on
//! several days and the clause table, the shapes serde hands a serializer
//! (variants, tags, flattening, keys of every accepted type), `Display`
//! text formatted once, strings with every character JSON escapes at every
//! length and position, floats that are not finite, and the same refusals
//! for map keys JSON cannot have.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test stops at a broken fixture"
)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use labpath_engine::eval::evaluate;
use labpath_engine::units::Date;
use labpath_views::json_writer;
use proptest::prelude::*;
use serde::Serialize;
use serde_json::Value;

/// Both writers' output; the ours is appended after a prefix left alone.
fn both<T: Serialize + ?Sized>(value: &T) -> (Result<Vec<u8>, String>, Result<Vec<u8>, String>) {
    let theirs = serde_json::to_vec(value).map_err(|e| e.to_string());
    let mut out = b"kept".to_vec();
    let ours = json_writer::write(&mut out, value)
        .map(|()| {
            assert_eq!(&out[..4], b"kept", "the writer appends");
            out[4..].to_vec()
        })
        .map_err(|e| e.to_string());
    (ours, theirs)
}

#[track_caller]
fn same<T: Serialize + ?Sized>(value: &T) {
    let (ours, theirs) = both(value);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert!(
            a == b,
            "labpath wrote\n{}\nserde_json wrote\n{}",
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        ),
        _ => assert_eq!(ours, theirs),
    }
}

#[test]
fn every_eligibility_answer_is_written_as_serde_json_writes_it() {
    let catalog = labpath_shipped::catalog().expect("the shipped catalog");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/profiles");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "the example profiles: {paths:?}");
    let days = ["2019-03-01", "2024-02-29", "2026-11-21", "2031-12-31"];
    let mut bytes = 0;
    for path in &paths {
        let profile = labpath_catalog::profile::load(path, &catalog).expect("a valid example");
        for day in days {
            let eval = evaluate(&catalog, &profile, Date::parse(day).unwrap());
            let compact = labpath_views::json::evaluation_compact("v1", &profile, &eval);
            same(&compact);
            let full = labpath_views::json::evaluation(&catalog, &profile, &eval);
            same(&full);
            bytes += serde_json::to_vec(&full).unwrap().len();
        }
    }
    same(&labpath_views::json::catalog_table(&catalog, "v1"));
    // The answers are not trivially small: the comparison covered them.
    assert!(bytes > 10_000_000, "{bytes} bytes of full answers");
}

/// The shapes serde hands a serializer: every variant kind, tagged,
/// untagged and flattened enums and structs, keys of every accepted type.
#[derive(Serialize)]
enum Shape {
    Unit,
    Newtype(Box<Shape>),
    Tuple(i8, Option<u128>, char),
    Struct { a: f32, b: Vec<Shape>, c: () },
}

#[derive(Serialize)]
struct UnitStruct;

#[derive(Serialize)]
struct TupleStruct(u8, i128, UnitStruct);

#[derive(Serialize)]
struct NewtypeStruct(String);

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Tagged {
    Plain { x: u16, y: Option<bool> },
    Empty {},
}

#[derive(Serialize)]
#[serde(tag = "by", content = "what")]
enum Adjacent {
    One(i64),
    None,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Untagged {
    Number(u8),
    Named { name: &'static str },
}

#[derive(Serialize)]
struct Inner {
    a: u8,
    b: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(tag = "kind")]
enum TaggedNewtype {
    Wrap(Inner),
}

#[derive(Serialize)]
struct Everything<'a> {
    shapes: Vec<Shape>,
    unit: UnitStruct,
    tuple: TupleStruct,
    tuple_empty: (),
    newtype: NewtypeStruct,
    tagged: Vec<Tagged>,
    adjacent: Vec<Adjacent>,
    #[serde(with = "serde_bytes_as_bytes")]
    bytes: &'a [u8],
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped: Option<u8>,
    empty_seq: Vec<u8>,
    empty_map: BTreeMap<String, u8>,
    int_keys: BTreeMap<i32, &'a str>,
    bool_keys: BTreeMap<bool, u8>,
    char_keys: BTreeMap<char, u8>,
    days: Vec<Date>,
    floats: Vec<f64>,
    untagged: Vec<Untagged>,
    tagged_newtype: TaggedNewtype,
    wide_keys: BTreeMap<i128, u8>,
    float_keys: Vec<(f32, u8)>,
    #[serde(flatten)]
    flattened: Inner,
    #[serde(flatten)]
    extra: BTreeMap<&'a str, Untagged>,
}

mod serde_bytes_as_bytes {
    pub fn serialize<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(b)
    }
}

#[test]
fn every_shape_serde_hands_a_serializer_is_written_alike() {
    let value = Everything {
        shapes: vec![
            Shape::Unit,
            Shape::Newtype(Box::new(Shape::Tuple(-3, Some(u128::MAX), '\u{7}'))),
            Shape::Tuple(0, None, 'é'),
            Shape::Struct {
                a: f32::NAN,
                b: vec![
                    Shape::Unit,
                    Shape::Struct {
                        a: 0.1,
                        b: vec![],
                        c: (),
                    },
                ],
                c: (),
            },
        ],
        unit: UnitStruct,
        tuple: TupleStruct(7, i128::MIN, UnitStruct),
        tuple_empty: (),
        newtype: NewtypeStruct("a \"quoted\" \\ path\n".into()),
        tagged: vec![
            Tagged::Plain { x: 1, y: None },
            Tagged::Plain {
                x: 2,
                y: Some(true),
            },
            Tagged::Empty {},
        ],
        adjacent: vec![Adjacent::One(-9), Adjacent::None],
        bytes: &[0, 1, 255],
        skipped: None,
        empty_seq: vec![],
        empty_map: BTreeMap::new(),
        int_keys: [(-1, "minus"), (0, "zero"), (i32::MAX, "max")].into(),
        bool_keys: [(false, 0), (true, 1)].into(),
        char_keys: [('"', 0), ('\\', 1), ('\u{1f}', 2), ('ü', 3)].into(),
        days: vec![
            Date::parse("2026-11-21").unwrap(),
            Date::parse("0999-01-02").unwrap(),
        ],
        floats: vec![
            0.0,
            -0.0,
            1.5,
            -2.0e-300,
            f64::MIN_POSITIVE / 4.0,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1.0 / 3.0,
            1e21,
        ],
        untagged: vec![Untagged::Number(3), Untagged::Named { name: "x\ty" }],
        tagged_newtype: TaggedNewtype::Wrap(Inner {
            a: 1,
            b: Some("\""),
        }),
        wide_keys: [(i128::MIN, 0), (i128::MAX, 1)].into(),
        float_keys: vec![(1.5, 0), (-0.0, 1)],
        flattened: Inner { a: 2, b: None },
        extra: [
            ("flat key", Untagged::Number(4)),
            ("\u{1}", Untagged::Named { name: "" }),
        ]
        .into(),
    };
    same(&value);
}

/// A `Display` that counts how often it is formatted, with text longer
/// than any stack buffer.
struct Counted(std::cell::Cell<u32>);

impl std::fmt::Display for Counted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.set(self.0.get() + 1);
        write!(
            f,
            "formatted {} times, with a \"quote\" and more text",
            self.0.get()
        )
    }
}

impl Serialize for Counted {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[test]
fn display_text_is_formatted_once_as_serde_json_formats_it() {
    let (theirs, ours) = (Counted(0.into()), Counted(0.into()));
    let expected = serde_json::to_vec(&theirs).unwrap();
    let mut written = Vec::new();
    json_writer::write(&mut written, &ours).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&written),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!((theirs.0.get(), ours.0.get()), (1, 1));
    // As map keys, the second one after a comma.
    let keys = [(Counted(0.into()), 1), (Counted(5.into()), 2)];
    struct Keys<'a>(&'a [(Counted, u8)]);
    impl Serialize for Keys<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }
    let expected = serde_json::to_vec(&Keys(&keys)).unwrap();
    let keys_again = [(Counted(0.into()), 1), (Counted(5.into()), 2)];
    let mut written = Vec::new();
    json_writer::write(&mut written, &Keys(&keys_again)).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&written),
        String::from_utf8_lossy(&expected)
    );
}

#[test]
fn map_keys_json_cannot_have_are_refused_alike() {
    let float_keys: Vec<(f64, u8)> = vec![(1.5, 0), (f64::NAN, 1)];
    let narrow_float_keys: Vec<(f32, u8)> = vec![(f32::INFINITY, 0)];
    struct Pairs<K>(Vec<(K, u8)>);
    impl<K: Serialize> Serialize for Pairs<K> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }
    let (ours, theirs) = both(&Pairs(float_keys[..1].to_vec()));
    assert_eq!(ours, theirs);
    assert_eq!(ours.unwrap(), br#"{"1.5":0}"#);
    // Refused: a float that is not finite, a sequence, nothing, a unit.
    for refused in [
        both(&Pairs(float_keys)),
        both(&Pairs(narrow_float_keys)),
        both(&Pairs(vec![(vec![1], 0)])),
        both(&Pairs(vec![(None::<u8>, 0)])),
        both(&Pairs(vec![((), 0)])),
        both(&Pairs(vec![(Shape::Newtype(Box::new(Shape::Unit)), 0)])),
    ] {
        let (ours, theirs) = refused;
        assert!(ours.is_err(), "{ours:?}");
        assert_eq!(ours, theirs);
    }
    // serde_json's raw text is refused rather than written as an object.
    let raw = serde_json::value::RawValue::from_string("[1, 2]".into()).unwrap();
    let (ours, theirs) = both(&raw);
    assert_eq!(theirs.unwrap(), b"[1, 2]");
    assert!(ours.unwrap_err().contains("RawValue"));
    // Keys that are names or display text are written as strings.
    same(&Pairs(vec![(Shape::Unit, 0)]));
    same(&Pairs(vec![(Date::parse("2026-01-31").unwrap(), 0)]));
    same(&Pairs(vec![(Some('x'), 0)]));
}

/// Strings built from the characters JSON escapes and ones it does not, of
/// every length around the words the writer reads (4 and 8 bytes).
fn awkward_string() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{c}", "\u{0}", "\u{1f}",
        "\u{7f}", "é", "€", "𝄞", "!", "~", "\u{2028}",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|p| p.concat())
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        awkward_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((awkward_string(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them(s in awkward_string()) {
        let (ours, theirs) = both(&s);
        prop_assert_eq!(ours, theirs);
        // As a map's key too.
        let map: BTreeMap<&str, &str> = [(s.as_str(), s.as_str())].into();
        let (ours, theirs) = both(&map);
        prop_assert_eq!(ours, theirs);
    }

    #[test]
    fn arbitrary_documents_are_written_alike(v in value()) {
        let (ours, theirs) = both(&v);
        prop_assert_eq!(ours, theirs);
    }

    #[test]
    fn floats_are_written_alike(x in any::<f64>(), y in any::<f32>()) {
        let (ours, theirs) = both(&(x, y));
        prop_assert_eq!(ours, theirs);
    }
}
