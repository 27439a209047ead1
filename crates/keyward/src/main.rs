//! The `keyward` command: server, administration and KMIP tools.

fn main() {
    println!("keyward");
}
