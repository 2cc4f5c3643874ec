//! `openlocker serve`: the HTTP server and the scheduler.

use actix_web::{App as ActixApp, HttpServer, middleware, web};

use crate::app::App;
use crate::http::connection_cap::Connections;
use crate::http::routes;
use crate::jobs;
use crate::platform::error::Error;

/// Runs until the process is stopped.
pub async fn run(app: App) -> Result<(), Error> {
    let bind = app.settings.bind.clone();
    let listener =
        std::net::TcpListener::bind(&bind).map_err(|e| Error::Invalid(format!("cannot listen on {bind}: {e}")))?;
    let addr = listener.local_addr()?;
    // With no public URL set, browsers and issuers reach us where we listen
    // (the real port, when bound to :0).
    let app = if app.settings.public_url.is_none() {
        app.with_public_url(format!("http://{addr}"))
    } else {
        app
    };
    // A store that is away or has no bucket is told now, not at the first
    // upload. Its calls block, as the database's do: off the async thread.
    let checking = app.clone();
    actix_web::rt::task::spawn_blocking(move || checking.objects.check())
        .await
        .map_err(|e| Error::Internal(format!("start-up check: {e}")))??;
    // The start-up sweeps use the database, whose client blocks: off the
    // async thread (PostgreSQL's client refuses to block inside it).
    let sweeping = app.clone();
    actix_web::rt::task::spawn_blocking(move || tidy_data_folder(&sweeping))
        .await
        .map_err(|e| Error::Internal(format!("start-up sweep: {e}")))?;
    let _scheduler = jobs::start(app.clone()).await?;
    let server = http_server(&app, listener)?;
    // Printed on stdout so scripts and tests can find the port (bind :0).
    println!(
        "openlocker listening on http://{addr} (public URL {})",
        app.settings.public_url()
    );
    tracing::info!(bind, public_url = app.settings.public_url(), "serving");
    write_behind_every_second(&app)?;
    take_over_abandoned_imports(&app)?;
    let served = server.await.map_err(|e| Error::Internal(format!("server: {e}")));
    let flushing = app.clone();
    if let Err(e) = actix_web::rt::task::spawn_blocking(move || write_behind(&flushing)).await {
        tracing::warn!(error = %e, "could not write the last txns and partner activity");
    }
    served
}

/// The HTTP server on `listener`, with its middleware and the route table.
fn http_server(app: &App, listener: std::net::TcpListener) -> Result<actix_web::dev::Server, Error> {
    let addr = listener.local_addr()?;
    let data = web::Data::new(app.clone());
    let connections = Connections::new(app.settings.max_connections_per_address);
    let server = HttpServer::new(move || {
        ActixApp::new()
            .app_data(data.clone())
            .wrap(middleware::Compress::default())
            .wrap(middleware::from_fn(crate::http::headers::json_headers))
            .wrap(middleware::from_fn(crate::http::slow_body::cut_slow_bodies))
            .wrap(middleware::from_fn(crate::http::connection_cap::refuse_over_cap))
            .wrap(
                middleware::Logger::new("%{request}xi %s %b %Dms")
                    .custom_request_replace("request", |req| {
                        let target = req.uri().path_and_query().map_or("/", |p| p.as_str());
                        format!("{} {}", req.method(), crate::platform::logging::redact_target(target))
                    })
                    .exclude("/healthz"),
            )
            .configure(routes::configure)
    })
    // Answers are written in parts (a Pull Doc answer: XML head, cached
    // base64, XML tail); without TCP_NODELAY, Nagle's algorithm holds a
    // small last part until the client's delayed ACK, up to 40 ms.
    .on_connect(move |connection, data| {
        if let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
            let _ = tcp.set_nodelay(true);
            connections.opened(tcp.peer_addr().ok(), data);
        }
    })
    .listen(listener)
    .map_err(|e| Error::Internal(format!("cannot serve on {addr}: {e}")))?;
    Ok(server.run())
}

/// Start-up tidying of the data folder; each failure is logged, none stops
/// the server.
fn tidy_data_folder(app: &App) {
    remove_stale_spools(app);
    match crate::locker::uploads::remove_orphans(app) {
        Ok(0) => {}
        Ok(n) => tracing::info!(files = n, "removed stored uploads that no row refers to"),
        Err(e) => tracing::warn!(error = %e, "could not sweep the upload store"),
    }
    match crate::repository::store::seal_legacy(&app.objects, &app.keys.file_cipher()) {
        Ok(0) => {}
        Ok(n) => tracing::info!(files = n, "sealed repository documents stored in plaintext"),
        Err(e) => tracing::warn!(error = %e, "could not seal the repository's plaintext documents"),
    }
    match crate::repository::index_owner_uids(app) {
        Ok(0) => {}
        Ok(n) => tracing::info!(owners = n, "indexed repository owners for search by UID"),
        Err(e) => tracing::warn!(error = %e, "could not index repository owners for search by UID"),
    }
    match crate::locker::kept_copy::remove_unused(app) {
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not remove unused kept copies"),
    }
}

/// Writes what is kept in memory and written behind to the database: the
/// Pull txns checked in memory (see [`crate::wire::replay`]) and the partner
/// API's activity
/// (see [`crate::locker::activity_behind`]).
fn write_behind_every_second(app: &App) -> Result<(), Error> {
    let app = app.clone();
    std::thread::Builder::new()
        .name("write-behind".into())
        .spawn(move || {
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
                write_behind(&app);
            }
        })
        .map_err(|e| Error::Internal(format!("cannot start the write-behind thread: {e}")))?;
    Ok(())
}

fn write_behind(app: &App) {
    if let Err(e) = app.replay.flush(&app.db) {
        tracing::warn!(error = %e, "could not write recent txns; will retry");
    }
    if let Err(e) = app.activity_behind.flush(app) {
        tracing::warn!(error = %e, queued = app.activity_behind.queued(), "could not write the partner activity; will retry");
    }
}

/// How often an idle node looks for import files that a stopped node left.
const ABANDONED_POLL: std::time::Duration = std::time::Duration::from_secs(3);

/// Every few seconds, looks for files whose node stopped mid-file (their
/// lease ran out) and, when there are any, runs the import job, so another
/// node finishes them within a lease and a few seconds. (That run takes up
/// any other queued file too; otherwise new files wait for `import_schedule`.)
fn take_over_abandoned_imports(app: &App) -> Result<(), Error> {
    let app = app.clone();
    std::thread::Builder::new()
        .name("import-takeover".into())
        .spawn(move || {
            loop {
                std::thread::sleep(ABANDONED_POLL);
                match crate::issuers::import::has_abandoned_work(&app) {
                    Ok(false) => {}
                    Ok(true) => match crate::issuers::import::run_pending(&app) {
                        Ok(summary) => tracing::info!(?summary, "finished import files a stopped node left"),
                        Err(e) => tracing::error!(error = %e, "taking over abandoned imports failed; will retry"),
                    },
                    Err(e) => tracing::warn!(error = %e, "could not look for abandoned imports"),
                }
            }
        })
        .map_err(|e| Error::Internal(format!("cannot start the import take-over thread: {e}")))?;
    Ok(())
}

/// Removes request bodies left in the spool folder by a server that died
/// mid-request, at once; a second server on the same data folder, still
/// running, keeps its own (spools are named by process id).
fn remove_stale_spools(app: &App) {
    let Ok(entries) = std::fs::read_dir(app.incoming_dir()) else {
        return;
    };
    let alive = |pid: u32| std::path::Path::new(&format!("/proc/{pid}")).exists();
    for entry in entries.flatten() {
        let stale = crate::app::is_stale_spool(&entry.file_name().to_string_lossy(), alive);
        if stale && std::fs::remove_file(entry.path()).is_ok() {
            tracing::info!(file = %entry.path().display(), "removed a stale spooled body");
        }
    }
}
