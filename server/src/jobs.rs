//! Registers the scheduled jobs; the work itself is in named service
//! functions that log their failures and never panic.

use std::future::Future;

use tokio_cron_scheduler::{Job, JobScheduler};

use crate::app::App;
use crate::issuers::import;
use crate::platform::error::Error;
use crate::repository;

/// Starts the scheduler: the CSV import job on `import_schedule`, and the
/// repository's push on `repo_push_schedule` when that is set.
pub async fn start(app: App) -> Result<JobScheduler, Error> {
    let scheduler = JobScheduler::new()
        .await
        .map_err(|e| Error::Internal(format!("scheduler: {e}")))?;
    add(
        &scheduler,
        "import_schedule",
        &app.settings.import_schedule.clone(),
        app.clone(),
        run_import,
    )
    .await?;
    if let Some(schedule) = app.settings.repo_push_schedule.clone() {
        add(&scheduler, "repo_push_schedule", &schedule, app.clone(), run_push).await?;
    }
    scheduler
        .start()
        .await
        .map_err(|e| Error::Internal(format!("scheduler: {e}")))?;
    Ok(scheduler)
}

async fn add<F, Fut>(scheduler: &JobScheduler, setting: &str, schedule: &str, app: App, work: F) -> Result<(), Error>
where
    F: Fn(App) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let job = Job::new_async(schedule, move |_id, _scheduler| Box::pin(work(app.clone())))
        .map_err(|e| Error::Invalid(format!("{setting} {schedule:?} is not a valid cron expression: {e}")))?;
    scheduler
        .add(job)
        .await
        .map_err(|e| Error::Internal(format!("scheduler: {e}")))?;
    tracing::info!(setting, schedule, "job scheduled");
    Ok(())
}

async fn run_import(app: App) {
    match tokio::task::spawn_blocking(move || import::run_pending(&app)).await {
        Ok(Ok(summary)) if summary.files > 0 => tracing::info!(?summary, "scheduled import finished"),
        Ok(Ok(_)) => {}
        Ok(Err(err)) => tracing::error!(error = %err, "scheduled import failed"),
        Err(join) => tracing::error!(error = %join, "scheduled import panicked"),
    }
}

async fn run_push(app: App) {
    match tokio::task::spawn_blocking(move || repository::push::push_scheduled(&app)).await {
        Ok(Ok(outcome)) if outcome.rows > 0 => tracing::info!(?outcome, "scheduled push finished"),
        Ok(Ok(_)) => {}
        Ok(Err(err)) => tracing::error!(error = %err, "scheduled push failed; it will be retried"),
        Err(join) => tracing::error!(error = %join, "scheduled push panicked"),
    }
}
