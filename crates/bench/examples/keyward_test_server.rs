//! A Keyward KMIP server on a fresh temporary SQLite store, for `scripts/bench-peers`
//! (until `keyward serve` exists): it writes an access certificate of the root identity
//! of its one domain to `DIR/cert.pem`, `DIR/key.pem` and `DIR/ca.pem`, prints its
//! address on stdout, and serves until interrupted.
//!
//! ```text
//! cargo run --release -p keyward-bench --example keyward_test_server -- DIR
//! ```

#![forbid(unsafe_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use keyward_server::testing::TestServer;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!(
            "usage: keyward_test_server DIR (where cert.pem, key.pem and ca.pem are written)"
        );
        return ExitCode::from(2);
    };
    let server = TestServer::start().await;
    let credential = server.root_credential(&server.domain).await;
    let (cert, key, ca) = &credential.pem;
    for (name, text) in [("cert.pem", cert), ("key.pem", key), ("ca.pem", ca)] {
        if let Err(e) = std::fs::write(dir.join(name), text) {
            eprintln!("cannot write {}: {e}", dir.join(name).display());
            return ExitCode::FAILURE;
        }
    }
    println!("{}", server.addr());
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    match server.stop().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("the server stopped with an error: {e}");
            ExitCode::FAILURE
        }
    }
}
