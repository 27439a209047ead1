//! Test harness: a fresh store on SQLite (a temp dir) or PostgreSQL (a database
//! of its own, dropped afterwards), and the shared suite's cases.

#![allow(dead_code)]

pub mod cases;

use std::sync::Arc;

use keyward_store::seal::{MasterKey, StaticMasterKey};
use keyward_store::{Backend, SqlStore};
use sqlx::Connection;

/// The PostgreSQL server the tests use (a superuser URL).
pub fn postgres_admin_url() -> String {
    std::env::var("KEYWARD_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// `url` with its database name replaced.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Where a test's store lives; dropping it removes the database.
pub struct Harness {
    pub backend: Backend,
    pub url: String,
    pub master: Arc<dyn MasterKey>,
    pub store: SqlStore,
    _dir: Option<tempfile::TempDir>,
    pg_db: Option<String>,
}

impl Harness {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await,
        }
    }

    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("store.db").display());
        let master: Arc<dyn MasterKey> = Arc::new(StaticMasterKey::generate().expect("key"));
        let store = SqlStore::open(&url, master.clone()).await.expect("open sqlite store");
        Self { backend: Backend::Sqlite, url, master, store, _dir: Some(dir), pg_db: None }
    }

    /// A fresh PostgreSQL database. Panics (fails the test) if the server is unreachable.
    pub async fn postgres() -> Self {
        sqlx::any::install_default_drivers();
        let admin = postgres_admin_url();
        let db = format!("keyward_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is unreachable at {admin} ({e}); start it (scripts/test does) \
                 or set KEYWARD_TEST_POSTGRES"
            )
        });
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
            .execute(&mut conn)
            .await
            .expect("create test database");
        conn.close().await.ok();
        let url = with_database(&admin, &db);
        let master: Arc<dyn MasterKey> = Arc::new(StaticMasterKey::generate().expect("key"));
        let store = SqlStore::open(&url, master.clone()).await.expect("open postgres store");
        Self { backend: Backend::Postgres, url, master, store, _dir: None, pg_db: Some(db) }
    }

    /// Opens another store on the same database (another "node" or a restart).
    pub async fn reopen(&self, master: Arc<dyn MasterKey>) -> keyward_store::Result<SqlStore> {
        SqlStore::open(&self.url, master).await
    }

    /// The SQLite temp dir.
    pub fn _dir_path(&self) -> std::path::PathBuf {
        self._dir.as_ref().map(|d| d.path().to_owned()).unwrap_or_default()
    }

    /// The PostgreSQL database's name.
    pub fn pg_name(&self) -> String {
        self.pg_db.clone().unwrap_or_default()
    }

    /// A second, empty database beside this one, for a test to migrate as it
    /// likes: a file `{name}.db` in the temp dir on SQLite, a database named
    /// after this one plus `_{name}` on PostgreSQL. Returns its URL.
    pub async fn sibling(&self, name: &str) -> String {
        match self.backend {
            Backend::Sqlite => {
                format!("sqlite://{}", self._dir_path().join(format!("{name}.db")).display())
            }
            Backend::Postgres => {
                let db = format!("{}_{name}", self.pg_name());
                let mut conn =
                    sqlx::AnyConnection::connect(&postgres_admin_url()).await.expect("connect");
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
                    .execute(&mut conn)
                    .await
                    .expect("create database");
                conn.close().await.ok();
                self.url.replace(&self.pg_name(), &db)
            }
        }
    }

    /// Drops a database made by [`Harness::sibling`] (a SQLite file goes with
    /// the temp dir).
    pub async fn drop_sibling(&self, name: &str) {
        if self.backend == Backend::Postgres {
            drop_database(&format!("{}_{name}", self.pg_name())).await;
        }
    }

    /// Closes the pool and drops the PostgreSQL database.
    pub async fn finish(mut self) {
        self.store.close().await;
        if let Some(db) = self.pg_db.take() {
            drop_database(&db).await;
        }
    }
}

async fn drop_database(db: &str) {
    if let Ok(mut conn) = sqlx::AnyConnection::connect(&postgres_admin_url()).await {
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
        conn.close().await.ok();
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        // A test that panicked did not call finish(): drop its database anyway.
        if let Some(db) = self.pg_db.take() {
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    rt.block_on(drop_database(&db));
                }
            })
            .join();
        }
    }
}

/// Runs one async test body on a fresh multi-threaded runtime.
pub fn run<F: std::future::Future<Output = ()>>(f: F) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// A TCP proxy in front of the test PostgreSQL server that, while armed, lets
/// every `COMMIT` reach the server and then cuts the connection instead of
/// passing the server's answer back: the transaction is committed and the
/// client cannot know it (a connection lost at the worst moment).
pub struct CommitCutter {
    /// The proxy's address.
    pub addr: std::net::SocketAddr,
    armed: Arc<std::sync::atomic::AtomicBool>,
    cuts: Arc<std::sync::atomic::AtomicUsize>,
}

impl CommitCutter {
    /// Listens on a free loopback port and forwards to the server of
    /// [`postgres_admin_url`].
    pub async fn start() -> Self {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let server = postgres_host_port(&postgres_admin_url());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let armed = Arc::new(AtomicBool::new(false));
        let cuts = Arc::new(AtomicUsize::new(0));
        let (armed2, cuts2) = (armed.clone(), cuts.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(upstream) = tokio::net::TcpStream::connect(&server).await else { continue };
                let (armed, cuts) = (armed2.clone(), cuts2.clone());
                tokio::spawn(async move {
                    let (mut cr, mut cw) = client.into_split();
                    let (mut sr, mut sw) = upstream.into_split();
                    let commit_sent = AtomicBool::new(false);
                    let up = async {
                        let mut buf = vec![0u8; 64 * 1024];
                        loop {
                            let n = cr.read(&mut buf).await.unwrap_or(0);
                            if n == 0 {
                                return;
                            }
                            if armed.load(Ordering::SeqCst) && contains(&buf[..n], b"COMMIT") {
                                commit_sent.store(true, Ordering::SeqCst);
                            }
                            if sw.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    };
                    let down = async {
                        let mut buf = vec![0u8; 64 * 1024];
                        loop {
                            let n = sr.read(&mut buf).await.unwrap_or(0);
                            if n == 0 {
                                return;
                            }
                            if commit_sent.load(Ordering::SeqCst)
                                && contains(&buf[..n], b"COMMIT\0")
                            {
                                // Committed on the server: the client never hears it.
                                cuts.fetch_add(1, Ordering::SeqCst);
                                return;
                            }
                            if cw.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    };
                    // Either direction ending ends both: the sockets drop.
                    tokio::select! {
                        () = up => {}
                        () = down => {}
                    }
                });
            }
        });
        Self { addr, armed, cuts }
    }

    /// `url` (a test database's) through this proxy, without TLS so that the
    /// proxy can see the messages.
    pub fn url(&self, url: &str) -> String {
        let host = postgres_host_port(url);
        let url = url.replacen(&host, &self.addr.to_string(), 1);
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}sslmode=disable")
    }

    /// Cuts every commit from now on.
    pub fn arm(&self) {
        self.armed.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Commits cut so far.
    pub fn cuts(&self) -> usize {
        self.cuts.load(std::sync::atomic::Ordering::SeqCst)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The `host:port` of a PostgreSQL URL (port 5432 when it names none).
fn postgres_host_port(url: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[scheme_end..];
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.contains(':') { host.to_owned() } else { format!("{host}:5432") }
}
