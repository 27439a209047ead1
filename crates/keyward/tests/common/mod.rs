//! Helpers for tests that run the real `keyward` binary on a temporary data
//! directory.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use keyward_server::config::{ServerConfig, Settings};
use keyward_server::deployment::{Deployment, OpenMode};

/// A `keyward` command with no `KEYWARD_*` variable inherited from the test's environment.
pub fn keyward() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_keyward"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("KEYWARD_") {
            command.env_remove(name);
        }
    }
    command.env("KEYWARD_LOG", "warn");
    command
}

/// Runs `keyward admin ARGS --data-dir DATA`.
pub fn admin(data: &Path, args: &[&str]) -> Output {
    keyward().arg("admin").args(args).arg("--data-dir").arg(data).output().unwrap()
}

/// stdout of a successful run (panics with stderr otherwise).
pub fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// stderr of a run that failed with exit code 1 and printed nothing on stdout.
pub fn refused(output: Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(1),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty(), "{}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8(output.stderr).unwrap()
}

/// The configuration `keyward … --data-dir DATA` uses.
pub fn config(data: &Path) -> ServerConfig {
    ServerConfig::resolve(Settings { data_dir: Some(data.to_owned()), ..Settings::default() })
        .unwrap()
}

/// Creates a deployment in `data` as a first `keyward serve` would (in-process: faster).
pub async fn bootstrap(data: &Path) {
    let d = Deployment::open(&config(data), OpenMode::Serve).await.unwrap();
    d.close().await;
}

/// Opens the deployment in `data` in-process, as an admin command does.
pub async fn open(data: &Path) -> Deployment {
    Deployment::open(&config(data), OpenMode::Admin).await.unwrap()
}

/// A running `keyward serve` and the lines it printed on stdout.
pub struct Server {
    pub child: Child,
    pub lines: Vec<String>,
    pub kmip_addr: String,
}

impl Server {
    /// Starts `keyward serve --data-dir DATA --kmip-addr 127.0.0.1:0` and waits
    /// for its last startup line (the CA certificate path).
    pub fn start(data: &Path) -> Self {
        let mut child = keyward()
            .args(["serve", "--kmip-addr", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut lines = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(line) => {
                    let last = line.starts_with("CA certificate clients must trust: ");
                    lines.push(line);
                    if last {
                        break;
                    }
                }
                Err(e) => {
                    let _ = child.kill();
                    panic!("serve did not print its startup lines ({e}); got {lines:?}");
                }
            }
        }
        let kmip_addr = lines
            .iter()
            .find_map(|l| l.strip_prefix("KMIP listening on "))
            .expect("a KMIP address line")
            .to_owned();
        Self { child, lines, kmip_addr }
    }

    /// The value of the line starting with `prefix`.
    pub fn line(&self, prefix: &str) -> Option<&str> {
        self.lines.iter().find_map(|l| l.strip_prefix(prefix))
    }

    /// Sends SIGTERM (with the `kill` command) and returns the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let status =
            Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        panic!("serve did not exit within 30 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The file's permission bits.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A fixture CSR of the pki crate.
pub fn pki_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../pki/tests/fixtures").join(name)
}
