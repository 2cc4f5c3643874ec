//! Requesters (partner sites using the widgets): their keys, registered
//! origins and services.

use crate::Db;
use crate::sql::{Conn, params};

use crate::sql::{OptionalRow, Row};
use crate::{DbError, DbResult, UnixTime};

/// A requester as stored; keys are read with [`valid_keys`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    pub app_id: String,
    pub name: String,
    /// `share`, `save`.
    pub services: Vec<String>,
    /// `scheme://host[:port]`, lowercase.
    pub origins: Vec<String>,
    /// The OAuth redirect URIs, matched exactly.
    pub redirect_uris: Vec<String>,
}

/// Adds a requester with its first key; `Conflict` when the app id is taken.
pub fn insert(db: &Db, requester: &Requester, key_enc: &[u8], now: UnixTime) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO requesters (app_id, name, services, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![requester.app_id, requester.name, requester.services.join("\n"), now],
    )?;
    tx.execute(
        "INSERT INTO requester_keys (app_id, key_enc, created_at) VALUES (?1, ?2, ?3)",
        params![requester.app_id, key_enc, now],
    )?;
    replace_origins(&tx, &requester.app_id, &requester.origins)?;
    replace_redirect_uris(&tx, &requester.app_id, &requester.redirect_uris)?;
    tx.commit()?;
    Ok(())
}

fn replace_redirect_uris(conn: &Conn, app_id: &str, uris: &[String]) -> DbResult<()> {
    conn.execute("DELETE FROM requester_redirect_uris WHERE app_id = ?1", [app_id])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO requester_redirect_uris (app_id, redirect_uri) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?;
    for uri in uris {
        insert.execute(params![app_id, uri])?;
    }
    Ok(())
}

fn replace_origins(conn: &Conn, app_id: &str, origins: &[String]) -> DbResult<()> {
    conn.execute("DELETE FROM requester_origins WHERE app_id = ?1", [app_id])?;
    let mut insert =
        conn.prepare_cached("INSERT INTO requester_origins (app_id, origin) VALUES (?1, ?2) ON CONFLICT DO NOTHING")?;
    for origin in origins {
        insert.execute(params![app_id, origin])?;
    }
    Ok(())
}

/// A requester by app id (case-insensitive).
pub fn get(db: &Db, app_id: &str) -> DbResult<Option<Requester>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let found = conn
        .query_row(
            "SELECT app_id, name, services FROM requesters WHERE app_id = ?1",
            [app_id],
            |r| {
                let services: String = r.get(2)?;
                Ok(Requester {
                    app_id: r.get(0)?,
                    name: r.get(1)?,
                    services: services.lines().map(str::to_owned).collect(),
                    origins: Vec::new(),
                    redirect_uris: Vec::new(),
                })
            },
        )
        .optional_row()?;
    let Some(mut requester) = found else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached("SELECT origin FROM requester_origins WHERE app_id = ?1 ORDER BY origin")?;
    requester.origins = stmt
        .query_map([&requester.app_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn
        .prepare_cached("SELECT redirect_uri FROM requester_redirect_uris WHERE app_id = ?1 ORDER BY redirect_uri")?;
    requester.redirect_uris = stmt
        .query_map([&requester.app_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Some(requester))
}

/// Every requester's app id, in order.
pub fn app_ids(db: &Db) -> DbResult<Vec<String>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare("SELECT app_id FROM requesters ORDER BY app_id")?;
    let rows = stmt.query_map(params![], |r| r.get(0))?;
    rows.collect::<Result<_, _>>()
}

/// Replaces a requester's origins and services, and its redirect URIs when
/// `redirect_uris` is given.
pub fn update(
    db: &Db,
    app_id: &str,
    origins: &[String],
    services: &[String],
    redirect_uris: Option<&[String]>,
) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let tx = conn.transaction()?;
    let changed = tx.execute(
        "UPDATE requesters SET services = ?2 WHERE app_id = ?1",
        params![app_id, services.join("\n")],
    )?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    replace_origins(&tx, app_id, origins)?;
    if let Some(uris) = redirect_uris {
        replace_redirect_uris(&tx, app_id, uris)?;
    }
    tx.commit()?;
    Ok(())
}

/// The sealed keys of an app that are valid at `now`, newest first.
pub fn valid_keys(db: &Db, app_id: &str, now: UnixTime) -> DbResult<Vec<Vec<u8>>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let mut stmt = conn.prepare_cached(
        "SELECT key_enc FROM requester_keys
         WHERE app_id = ?1 AND (expires_at IS NULL OR expires_at > ?2)
         ORDER BY id DESC",
    )?;
    let rows = stmt.query_map(params![app_id, now], |r| r.get(0))?;
    rows.collect::<Result<_, _>>()
}

/// Makes `key_enc` the app's key; the previous ones stay valid until
/// `old_keys_expire_at` (or their own earlier expiry).
pub fn rotate_key(db: &Db, app_id: &str, key_enc: &[u8], now: UnixTime, old_keys_expire_at: UnixTime) -> DbResult<()> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let tx = conn.transaction()?;
    let changed = tx.execute(
        "UPDATE requester_keys SET expires_at = CASE WHEN expires_at < ?2 THEN expires_at ELSE ?2 END WHERE app_id = ?1",
        params![app_id, old_keys_expire_at],
    )?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    tx.execute(
        "INSERT INTO requester_keys (app_id, key_enc, created_at) VALUES (?1, ?2, ?3)",
        params![app_id, key_enc, now],
    )?;
    tx.execute(
        "DELETE FROM requester_keys WHERE app_id = ?1 AND expires_at IS NOT NULL AND expires_at <= ?2",
        params![app_id, now],
    )?;
    tx.commit()?;
    Ok(())
}

/// A person who signs in to the requester portal.
#[derive(Debug, Clone)]
pub struct RequesterUser {
    pub id: i64,
    pub app_id: String,
    pub username: String,
    pub password_hash: String,
}

/// Adds a portal user; `Conflict` when the username is taken.
pub fn insert_user(db: &Db, app_id: &str, username: &str, password_hash: &str, now: UnixTime) -> DbResult<i64> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    let inserted_id = conn
        .insert_id(
            "INSERT INTO requester_users (app_id, username, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![app_id, username, password_hash, now],
        )
        .map_err(|e| match e {
            DbError::Conflict(_) => DbError::Conflict(format!("user {username} already exists")),
            other => other,
        })?;
    Ok(inserted_id)
}

fn user_from_row(r: &Row<'_>) -> DbResult<RequesterUser> {
    Ok(RequesterUser {
        id: r.get(0)?,
        app_id: r.get(1)?,
        username: r.get(2)?,
        password_hash: r.get(3)?,
    })
}

/// A portal user by username, case-insensitively.
pub fn user_by_name(db: &Db, username: &str) -> DbResult<Option<RequesterUser>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        "SELECT id, app_id, username, password_hash FROM requester_users WHERE username = ?1",
        [username],
        user_from_row,
    )
    .optional_row()
}

/// A portal user by id.
pub fn user_by_id(db: &Db, id: i64) -> DbResult<Option<RequesterUser>> {
    let pooled = db.conn()?;
    let conn: &Conn = &pooled;
    conn.query_row(
        "SELECT id, app_id, username, password_hash FROM requester_users WHERE id = ?1",
        [id],
        user_from_row,
    )
    .optional_row()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotated_key_keeps_working_until_its_grace_ends() {
        let db = crate::testing::db(1);
        let requester = Requester {
            app_id: "APP1".into(),
            name: "Partner".into(),
            services: vec!["share".into()],
            origins: vec!["https://partner.example".into()],
            redirect_uris: vec!["https://partner.example/cb".into()],
        };
        insert(&db, &requester, b"k1", 100).unwrap();
        assert_eq!(get(&db, "app1").unwrap().unwrap(), requester);
        rotate_key(&db, "APP1", b"k2", 200, 300).unwrap();
        assert_eq!(
            valid_keys(&db, "APP1", 250).unwrap(),
            vec![b"k2".to_vec(), b"k1".to_vec()]
        );
        assert_eq!(valid_keys(&db, "APP1", 300).unwrap(), vec![b"k2".to_vec()]);
        assert!(matches!(rotate_key(&db, "NOPE", b"k", 1, 1), Err(DbError::NotFound)));
    }
}
