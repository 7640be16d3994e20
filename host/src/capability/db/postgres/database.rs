//! One bench execution's database on a PostgreSQL server: its place there (see `setup`), the pool
//! of connections its stores share, and what the pool saw (plans, waits). The connections are
//! driven by a runtime of the database's own, so a store on any thread (a bench's parallel
//! instances each run their own) can use any connection.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Connect, Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use tokio::runtime::{Handle, Runtime};
use tokio::task::JoinHandle;
use tokio_postgres::{Client, NoTls};

use super::setup::{self, BenchNames};
use crate::capability::db::observed::Observed;
use crate::capability::db::outcome::{PoolWaits, StatementPlan};
use crate::model::DbConfig;

pub struct PgDatabase {
    config: DbConfig,
    server: String,
    names: BenchNames,
    pool: Pool,
    /// The suite user's session: it made the bench's place, holds its lock, and drops it.
    admin: Option<Client>,
    runtime: Option<Runtime>,
    /// Plans and connection waits.
    observed: Observed,
}

impl std::fmt::Debug for PgDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgDatabase")
            .field("server", &self.server)
            .field("schema", &self.names.name)
            .finish_non_exhaustive()
    }
}

/// Runs `future` to its end on `handle`'s runtime from a thread of its own, so it may be called
/// from inside another runtime (a worker's) without blocking that one's thread in its context.
fn blocking<F: Future + Send>(handle: &Handle, future: F) -> F::Output
where
    F::Output: Send,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| handle.block_on(future))
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

impl PgDatabase {
    /// Makes the bench's schema and role on the server `url` names, seeds it, and opens the pool.
    pub fn open(
        config: &DbConfig,
        url: &str,
        capture_plans: bool,
    ) -> anyhow::Result<Arc<PgDatabase>> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("wasmbench-postgres")
            .enable_all()
            .build()?;
        let names = BenchNames::fresh();
        let opened = blocking(runtime.handle(), async {
            let admin = setup::connect_admin(url).await?;
            setup::sweep_orphans(&admin).await;
            let server = setup::describe(&admin, url).await;
            if let Err(e) = setup::create(&admin, config, &names).await {
                let _ = setup::drop_place(&admin, &names.name).await;
                return Err(format!("{e} (on the {server})"));
            }
            match open_pool(config, url, &names).await {
                Ok(pool) => Ok((admin, server, pool)),
                Err(e) => {
                    let _ = setup::drop_place(&admin, &names.name).await;
                    Err(e)
                }
            }
        });
        let (admin, server, pool) = match opened {
            Ok(opened) => opened,
            Err(message) => {
                // Dropping a runtime blocks, which a worker's runtime (the caller's) forbids.
                runtime.shutdown_background();
                return Err(anyhow::Error::msg(message));
            }
        };
        Ok(Arc::new(PgDatabase {
            config: config.clone(),
            server,
            names,
            pool,
            admin: Some(admin),
            runtime: Some(runtime),
            observed: Observed::new(capture_plans),
        }))
    }

    pub fn config(&self) -> &DbConfig {
        &self.config
    }

    /// `PostgreSQL 15.4 at 127.0.0.1:5432/app`.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The runtime that drives the connections.
    pub fn handle(&self) -> Handle {
        self.runtime
            .as_ref()
            .map(|r| r.handle().clone())
            .expect("the runtime lives as long as the database")
    }

    /// A connection, waiting while all are in use; `Ok(None)` when `limit` passed first.
    pub async fn acquire(&self, limit: Duration) -> Result<Option<(Object, Duration)>, String> {
        let blocked = self.pool.status().available == 0;
        let start = std::time::Instant::now();
        let object = match tokio::time::timeout(limit, self.pool.get()).await {
            Err(_) => return Ok(None),
            Ok(Err(e)) => return Err(format!("taking a connection from the pool: {e}")),
            Ok(Ok(object)) => object,
        };
        Ok(Some((object, self.observed.waited(start, blocked))))
    }

    /// Whether `sql`'s plan is still to be captured (the counting pass, a statement not seen yet).
    pub fn wants_plan(&self, sql: &str) -> bool {
        self.observed.wants_plan(sql)
    }

    /// Keeps `sql`'s plan (an empty one too, so a statement that can't be explained is tried once).
    pub fn keep_plan(&self, sql: &str, plan: Vec<String>) {
        self.observed.keep_plan(sql, plan);
    }

    /// The plans of the distinct statements run so far, in statement order.
    pub fn plans(&self) -> Vec<StatementPlan> {
        self.observed.plans()
    }

    /// Waits for a connection so far.
    pub fn pool_waits(&self) -> PoolWaits {
        self.observed.pool_waits()
    }
}

/// The pool the bench's stores share, logged in as the bench's role, every connection opened now
/// (so the first iterations don't pay for connecting).
async fn open_pool(config: &DbConfig, url: &str, names: &BenchNames) -> Result<Pool, String> {
    let mut pg: tokio_postgres::Config = url.parse().map_err(|e| format!("[db] url: {e}"))?;
    pg.user(&names.name)
        .password(&names.password)
        .application_name("wasmbench bench");
    let manager = Manager::from_connect(
        pg,
        OnRuntime(Handle::current()),
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(config.pool as usize)
        // The connection given back last is taken first (as SQLite's pool does): its server
        // process is the one still warm.
        .queue_mode(deadpool_postgres::QueueMode::Lifo)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .build()
        .map_err(|e| format!("building the connection pool: {e}"))?;
    let mut opened = Vec::with_capacity(config.pool as usize);
    for _ in 0..config.pool {
        opened.push(pool.get().await.map_err(|e| {
            format!(
                "opening the pool's {} connections as the bench's role: {e} (the server's \
                 max_connections may be lower than [db] pool)",
                config.pool
            )
        })?);
    }
    Ok(pool)
}

/// Connects on the database's runtime, whichever runtime asks: a connection's socket and the task
/// that drives it then live there, not on a store's runtime that may stop polling it.
struct OnRuntime(Handle);

impl Connect for OnRuntime {
    fn connect(
        &self,
        config: &tokio_postgres::Config,
    ) -> Pin<
        Box<
            dyn Future<Output = Result<(Client, JoinHandle<()>), tokio_postgres::Error>>
                + Send
                + '_,
        >,
    > {
        let config = config.clone();
        let connected = self.0.spawn(async move {
            let (client, connection) = config.connect(NoTls).await?;
            let driver = tokio::spawn(async move {
                let _ = connection.await;
            });
            Ok((client, driver))
        });
        Box::pin(async move {
            match connected.await {
                Ok(result) => result,
                Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
                // The runtime is shut down only once no store can ask for a connection.
                Err(join) => panic!("connecting on the database's runtime: {join}"),
            }
        })
    }
}

impl Drop for PgDatabase {
    /// Closes the pool, then drops the bench's schema and role.
    fn drop(&mut self) {
        self.pool.close();
        let (Some(runtime), Some(admin)) = (self.runtime.take(), self.admin.take()) else {
            return;
        };
        let name = self.names.name.clone();
        let dropped = blocking(runtime.handle(), async move {
            tokio::time::timeout(setup::DROP_DEADLINE, setup::drop_place(&admin, &name)).await
        });
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!(
                "warning: dropping the bench's schema `{}` on the {}: {e}",
                self.names.name, self.server
            ),
            Err(_) => eprintln!(
                "warning: dropping the bench's schema `{}` on the {} took over {:?}; the next bench \
                 on the server drops it",
                self.names.name,
                self.server,
                setup::DROP_DEADLINE
            ),
        }
        runtime.shutdown_background();
    }
}
