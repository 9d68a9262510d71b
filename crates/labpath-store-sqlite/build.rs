//! `sqlx::migrate!` embeds the migrations when the crate compiles; this
//! tells cargo to compile it again when one is added or edited, which it
//! would not notice on its own (the SQL files are not Rust sources).

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
