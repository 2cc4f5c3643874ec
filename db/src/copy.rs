//! `openlocker db copy`: every row of a SQLite deployment into an empty,
//! migrated PostgreSQL database, in one transaction (a failure leaves the
//! target empty, so the copy can simply be run again), then checked table
//! by table by counting both sides. Tables are copied parents first, by
//! their foreign keys, and each identity sequence is moved past the ids it
//! received. The source is read in one transaction, so the copy is one
//! consistent snapshot.

use crate::sql::value::{Cell, FromCell, Param, Value};
use crate::sql::{Conn, Dialect, params};
use crate::{Db, DbError, DbResult};

/// Rows read from SQLite at a time.
const PAGE: i64 = 5_000;

/// Tables that are not data: the migration bookkeeping, and the change
/// counters, which every database starts for itself.
const NOT_COPIED: &[&str] = &["schema_migrations", "change_counters"];

/// How many rows one table holds on both sides after the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub table: String,
    pub rows: i64,
}

struct Table {
    name: String,
    columns: Vec<String>,
    /// Whether it has a rowid to page by (not `WITHOUT ROWID`).
    rowid: bool,
}

/// Copies every row of `from` (SQLite) into `to` (PostgreSQL, migrated and
/// empty); [`DbError::Conflict`] when `to` already holds rows.
pub fn copy_database(from: &Db, to: &Db) -> DbResult<Vec<Copied>> {
    if from.dialect() != Dialect::Sqlite || to.dialect() != Dialect::Postgres {
        return Err(DbError::Other("db copy goes from SQLite to PostgreSQL".into()));
    }
    let (source, target) = (from.conn()?, to.conn()?);
    // One read transaction: a consistent snapshot of every table, even with
    // a server still writing (WAL).
    let source = source.transaction()?;
    let tables = tables_in_order(&source)?;
    for table in &tables {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", table.name);
        if target.query_row(&sql, params![], |r| r.get::<_, bool>(0))? {
            return Err(DbError::Conflict(format!(
                "the target database is not empty (table {} has rows): copy into a new database",
                table.name
            )));
        }
    }
    let tx = target.transaction()?;
    for table in &tables {
        copy_table(&source, &tx, table)?;
        move_identity_past_copied_ids(&tx, &table.name)?;
    }
    tx.commit()?;
    tables
        .iter()
        .map(|t| counted_alike(&source, &target, &t.name))
        .collect()
}

/// The data tables of the SQLite database, parents before children.
fn tables_in_order(source: &Conn) -> DbResult<Vec<Table>> {
    let mut stmt = source.prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let found: Vec<(String, String)> = stmt
        .query_map(params![], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<DbResult<_>>()?;
    let mut pending: Vec<(Table, Vec<String>)> = Vec::new();
    for (name, sql) in found.into_iter().filter(|(n, _)| !NOT_COPIED.contains(&n.as_str())) {
        let columns = names(
            source,
            &format!("SELECT name FROM pragma_table_info('{name}') ORDER BY cid"),
        )?;
        let parents = names(
            source,
            &format!("SELECT \"table\" FROM pragma_foreign_key_list('{name}')"),
        )?;
        let rowid = !sql.to_ascii_uppercase().contains("WITHOUT ROWID");
        pending.push((Table { name, columns, rowid }, parents));
    }
    let mut ordered: Vec<Table> = Vec::new();
    while !pending.is_empty() {
        let ready = pending.iter().position(|(t, parents)| {
            parents
                .iter()
                .all(|p| *p == t.name || ordered.iter().any(|o| o.name == *p))
        });
        let Some(at) = ready else {
            return Err(DbError::Other("the tables' foreign keys form a cycle".into()));
        };
        ordered.push(pending.remove(at).0);
    }
    Ok(ordered)
}

fn names(conn: &Conn, sql: &str) -> DbResult<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params![], |r| r.get(0))?;
    rows.collect()
}

/// Copies one table's rows, a page at a time when it has rowids.
fn copy_table(source: &Conn, target: &Conn, table: &Table) -> DbResult<()> {
    let columns = table.columns.join(", ");
    let marks: Vec<String> = (1..=table.columns.len()).map(|n| format!("?{n}")).collect();
    let insert = format!("INSERT INTO {} ({columns}) VALUES ({})", table.name, marks.join(", "));
    let mut insert = target.prepare(&insert)?;
    if !table.rowid {
        let rows = read_rows(source, &format!("SELECT {columns} FROM {}", table.name), None, table)?;
        return rows.iter().try_for_each(|row| insert_row(&mut insert, row));
    }
    let page = format!(
        "SELECT rowid, {columns} FROM {} WHERE rowid > ?1 ORDER BY rowid LIMIT {PAGE}",
        table.name
    );
    let mut after = i64::MIN;
    loop {
        let rows = read_rows(source, &page, Some(after), table)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = match last[0] {
            Owned::Int(rowid) => rowid,
            _ => return Err(DbError::Other(format!("{}: a rowid that is not a number", table.name))),
        };
        rows.iter().try_for_each(|row| insert_row(&mut insert, &row[1..]))?;
    }
}

/// The rows `sql` selects; a page's query takes the rowid to start `after`.
fn read_rows(source: &Conn, sql: &str, after: Option<i64>, table: &Table) -> DbResult<Vec<Vec<Owned>>> {
    let width = table.columns.len() + usize::from(table.rowid);
    let mut stmt = source.prepare(sql)?;
    let bound: Vec<&dyn Param> = after.as_ref().map(|a| a as &dyn Param).into_iter().collect();
    let rows = stmt.query_map(bound.as_slice(), |r| (0..width).map(|i| r.get::<_, Owned>(i)).collect())?;
    rows.collect()
}

fn insert_row(insert: &mut crate::sql::Stmt<'_>, row: &[Owned]) -> DbResult<()> {
    let bound: Vec<&dyn Param> = row.iter().map(|v| v as &dyn Param).collect();
    insert.execute(bound.as_slice()).map(|_| ())
}

/// Moves each identity column's sequence past the largest id copied in,
/// so the next row PostgreSQL numbers does not collide with a copied one.
fn move_identity_past_copied_ids(target: &Conn, table: &str) -> DbResult<()> {
    let identity = names(
        target,
        &format!(
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = '{table}' AND is_identity = 'YES'"
        ),
    )?;
    for column in identity {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), COALESCE(MAX({column}), 0) + 1, false)::bigint FROM {table}"
        );
        target.query_row(&sql, params![], |r| r.get::<_, i64>(0))?;
    }
    Ok(())
}

/// Both sides' row count of `table`, which must agree.
fn counted_alike(source: &Conn, target: &Conn, table: &str) -> DbResult<Copied> {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    let (here, there): (i64, i64) = (
        source.query_row(&sql, params![], |r| r.get(0))?,
        target.query_row(&sql, params![], |r| r.get(0))?,
    );
    if here != there {
        return Err(DbError::Other(format!(
            "table {table}: {here} rows in SQLite but {there} in PostgreSQL after the copy"
        )));
    }
    Ok(Copied {
        table: table.to_owned(),
        rows: there,
    })
}

/// One column's value, owned, whatever its type.
enum Owned {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

impl FromCell for Owned {
    fn from_cell(cell: Cell<'_>) -> Result<Self, String> {
        Ok(match cell {
            Cell::Null => Owned::Null,
            Cell::Int(v) => Owned::Int(v),
            Cell::Text(v) => Owned::Text(v.to_owned()),
            Cell::Blob(v) => Owned::Blob(v.to_vec()),
            Cell::Real(_) => return Err("a real number: no column of the schema holds one".into()),
        })
    }
}

impl Param for Owned {
    fn value(&self) -> Value<'_> {
        match self {
            Owned::Null => Value::Null,
            Owned::Int(v) => Value::Int(*v),
            Owned::Text(v) => Value::Text(v),
            Owned::Blob(v) => Value::Blob(v),
        }
    }
}
