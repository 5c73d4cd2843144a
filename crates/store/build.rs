// The migrations are embedded at compile time (`embed_migrations!`), which cannot tell cargo
// that a new migration directory means a rebuild; this does.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
