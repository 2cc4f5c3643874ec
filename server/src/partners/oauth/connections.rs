//! The resident's connected apps: each active grant with its app, scope,
//! when it was granted and last used, and until when; and its revocation,
//! which makes every token of the grant fail at once.

use openlocker_db::oauth as db;
use openlocker_proto::oauth::Connection;

use crate::app::App;
use crate::locker::activity::{self, Client, Kind};
use crate::platform::dates;
use crate::platform::error::Error;

/// The resident's active grants, newest first.
pub fn list(app: &App, resident_id: i64) -> Result<Vec<Connection>, Error> {
    // `last_used_at` is written behind with the calls' activity.
    crate::locker::activity_behind::flush_pending(app);
    Ok(db::resident_grants(&app.db, resident_id, dates::unix_now())?
        .into_iter()
        .map(|g| Connection {
            id: g.id,
            app_id: g.app_id,
            app_name: g.app_name,
            scope: g.scope,
            granted_at: g.granted_at,
            last_used_at: g.last_used_at,
            valid_till: g.valid_till,
        })
        .collect())
}

/// Revokes one of the resident's grants; another's, or one already
/// revoked, is `NotFound`.
pub fn revoke(app: &App, resident_id: i64, grant_id: i64, client: &Client) -> Result<(), Error> {
    let name = list(app, resident_id)?
        .into_iter()
        .find(|c| c.id == grant_id)
        .map(|c| c.app_name)
        .ok_or_else(|| Error::NotFound("there is no such connected app".into()))?;
    db::revoke_resident_grant(&app.db, resident_id, grant_id, dates::unix_now())?;
    activity::record(app, resident_id, Kind::AppDisconnected, &name, client)
}
