//! `openlocker repo doc import --manifest FILE.csv`: stores many documents
//! at once. Each manifest row names a file and its metadata; good rows are
//! stored, bad rows are refused with a reason, and a report lists every row
//! with its URI or its reason. Progress shows on a terminal.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{NewDocument, add_doc};
use crate::app::App;
use crate::platform::error::Error;

/// Columns a manifest may have (by header name, any order, any case).
/// `file`, `doc_type` and `owners` are required; `owners` and `udfs` hold
/// several values separated by `;` (`RollNo=123;Year=2024`).
pub const COLUMNS: &[&str] = &[
    "file",
    "doc_type",
    "owners",
    "doc_name",
    "issued_on",
    "valid_from",
    "valid_to",
    "owner_name",
    "owner_dob",
    "owner_gender",
    "owner_phone",
    "udfs",
];

/// What an import did.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub rows: u64,
    pub stored: u64,
    pub refused: u64,
    /// The per-row report: line, status, uri, reason.
    pub report: PathBuf,
}

/// Stores the documents a manifest lists for `issuer_id`, writing the
/// report to `report` (default: beside the manifest, `.report.csv`).
pub fn import(app: &App, issuer_id: &str, manifest: &Path, report: Option<&Path>) -> Result<ImportReport, Error> {
    let open = || {
        csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(manifest)
            .map_err(|e| Error::Invalid(format!("cannot read the manifest {}: {e}", manifest.display())))
    };
    let mut reader = open()?;
    let headers = checked_headers(&mut reader)?;
    let total = open()?.records().count() as u64;
    let base = manifest.parent().unwrap_or(Path::new("."));
    let report_path = report
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest.with_extension("report.csv"));
    let mut report = ReportWriter::create(report_path)?;
    let progress = std::io::stderr().is_terminal();
    for record in reader.records() {
        let (line, outcome) = match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                let row: HashMap<&str, &str> = headers
                    .iter()
                    .map(String::as_str)
                    .zip(record.iter().map(str::trim))
                    .collect();
                (line, store_row(app, issuer_id, base, &row))
            }
            Err(e) => (
                e.position().map_or(0, |p| p.line()),
                Err(Error::Invalid(format!("unreadable row: {e}"))),
            ),
        };
        report.add(line, outcome)?;
        let done = &report.summary;
        if progress && (done.rows.is_multiple_of(50) || done.rows == total) {
            eprint!("\rstored {} of {total}, refused {}", done.stored, done.refused);
        }
    }
    if progress {
        eprintln!();
    }
    report.out.flush()?;
    Ok(report.summary)
}

/// The manifest's header names, lower case: the required columns are there
/// and every column is known.
fn checked_headers(reader: &mut csv::Reader<std::fs::File>) -> Result<Vec<String>, Error> {
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::Invalid(format!("manifest header: {e}")))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    for required in ["file", "doc_type", "owners"] {
        if !headers.iter().any(|h| h == required) {
            return Err(Error::Invalid(format!(
                "the manifest has no {required} column (columns: {})",
                COLUMNS.join(", ")
            )));
        }
    }
    if let Some(unknown) = headers.iter().find(|h| !COLUMNS.contains(&h.as_str())) {
        return Err(Error::Invalid(format!(
            "the manifest column {unknown} is unknown (columns: {})",
            COLUMNS.join(", ")
        )));
    }
    Ok(headers)
}

/// The per-row report as it is written, and the counts so far.
struct ReportWriter {
    out: csv::Writer<std::fs::File>,
    summary: ImportReport,
}

impl ReportWriter {
    fn create(path: PathBuf) -> Result<ReportWriter, Error> {
        let mut out = csv::Writer::from_path(&path)
            .map_err(|e| Error::Invalid(format!("cannot write the report {}: {e}", path.display())))?;
        out.write_record(["line", "status", "uri", "reason"])
            .map_err(write_error)?;
        let summary = ImportReport {
            rows: 0,
            stored: 0,
            refused: 0,
            report: path,
        };
        Ok(ReportWriter { out, summary })
    }

    /// Counts and reports one row; an internal failure stops the import.
    fn add(&mut self, line: u64, outcome: Result<String, Error>) -> Result<(), Error> {
        self.summary.rows += 1;
        let line = line.to_string();
        match outcome {
            Ok(uri) => {
                self.summary.stored += 1;
                self.out.write_record([line.as_str(), "stored", &uri, ""])
            }
            Err(Error::Internal(cause)) => return Err(Error::Internal(cause)),
            Err(refusal) => {
                self.summary.refused += 1;
                self.out
                    .write_record([line.as_str(), "refused", "", &refusal.to_string()])
            }
        }
        .map_err(write_error)
    }
}

fn write_error(e: csv::Error) -> Error {
    Error::Internal(format!("writing the report: {e}"))
}

fn store_row(app: &App, issuer_id: &str, base: &Path, row: &HashMap<&str, &str>) -> Result<String, Error> {
    let get = |name: &str| row.get(name).copied().filter(|v| !v.is_empty());
    let file = get("file").ok_or_else(|| Error::Invalid("the file column is empty".into()))?;
    let doc_type = get("doc_type").ok_or_else(|| Error::Invalid("the doc_type column is empty".into()))?;
    let list = |name: &str| -> Vec<String> {
        get(name)
            .map(|v| {
                v.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let path = base.join(file);
    add_doc(
        app,
        &NewDocument {
            issuer_id,
            doc_type,
            file: &path,
            owners: &list("owners"),
            udfs: &list("udfs"),
            doc_name: get("doc_name"),
            issued_on: get("issued_on"),
            valid_from: get("valid_from"),
            valid_to: get("valid_to"),
            owner_name: get("owner_name"),
            owner_dob: get("owner_dob"),
            owner_gender: get("owner_gender"),
            owner_phone: get("owner_phone"),
        },
    )
}
