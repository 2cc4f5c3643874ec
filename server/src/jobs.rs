//! Registers the scheduled jobs; the work itself is in named service
//! functions that log their failures and never panic.

use tokio_cron_scheduler::{Job, JobScheduler};

use crate::app::App;
use crate::error::Error;
use crate::import;

/// Starts the scheduler with the CSV import job on `import_schedule`.
pub async fn start(app: App) -> Result<JobScheduler, Error> {
    let scheduler = JobScheduler::new()
        .await
        .map_err(|e| Error::Internal(format!("scheduler: {e}")))?;
    let schedule = app.settings.import_schedule.clone();
    let job = Job::new_async(schedule.as_str(), move |_id, _scheduler| {
        let app = app.clone();
        Box::pin(async move { run_import(app).await })
    })
    .map_err(|e| {
        Error::Invalid(format!(
            "import_schedule {schedule:?} is not a valid cron expression: {e}"
        ))
    })?;
    scheduler
        .add(job)
        .await
        .map_err(|e| Error::Internal(format!("scheduler: {e}")))?;
    scheduler
        .start()
        .await
        .map_err(|e| Error::Internal(format!("scheduler: {e}")))?;
    tracing::info!(schedule, "import job scheduled");
    Ok(scheduler)
}

async fn run_import(app: App) {
    match tokio::task::spawn_blocking(move || import::run_pending(&app)).await {
        Ok(Ok(summary)) if summary.files > 0 => tracing::info!(?summary, "scheduled import finished"),
        Ok(Ok(_)) => {}
        Ok(Err(err)) => tracing::error!(error = %err, "scheduled import failed"),
        Err(join) => tracing::error!(error = %join, "scheduled import panicked"),
    }
}
