//! The "is it CSV at all" check made when a file arrives, before it is
//! queued: UTF-8 text whose first row has the ten columns.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use aes_gcm::Aes256Gcm;

use super::pipeline;
use crate::platform::sealed_file::SealedReader;

/// Checks that a file is CSV at all: UTF-8 text whose first row has the ten
/// columns. Rows are checked one by one at import time.
pub fn check_csv_file(path: &Path, cipher: Aes256Gcm) -> Result<(), String> {
    let open = || {
        File::open(path)
            .and_then(|f| SealedReader::new(f, cipher.clone()))
            .map_err(|e| format!("cannot read it: {e}"))
    };
    check_utf8(open()?)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::new(open()?));
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Err("it contains no rows".into()),
            Ok(true) if record.position().is_some_and(|p| p.record() == 0) && pipeline::is_header(&record) => continue,
            Ok(true) if record.len() == super::row::COLUMNS.len() => return Ok(()),
            Ok(true) => {
                return Err(format!(
                    "its first row has {} columns; expected {}: {}",
                    record.len(),
                    super::row::COLUMNS.len(),
                    super::row::COLUMNS.join(", ")
                ));
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Streams the file through a UTF-8 check, a chunk at a time.
fn check_utf8(mut file: impl Read) -> Result<(), String> {
    let mut chunk = vec![0u8; 1 << 16];
    let mut carry: Vec<u8> = Vec::new();
    let mut offset = 0u64;
    loop {
        let n = file.read(&mut chunk).map_err(|e| format!("cannot read it: {e}"))?;
        if n == 0 {
            break;
        }
        carry.extend_from_slice(&chunk[..n]);
        match std::str::from_utf8(&carry) {
            Ok(_) => {
                offset += carry.len() as u64;
                carry.clear();
            }
            Err(e) if e.error_len().is_some() => {
                return Err(format!("byte {} is not UTF-8 text", offset + e.valid_up_to() as u64));
            }
            Err(e) => {
                // A character split across chunks: keep its first bytes.
                let valid = e.valid_up_to();
                offset += valid as u64;
                carry.drain(..valid);
            }
        }
    }
    if carry.is_empty() {
        Ok(())
    } else {
        Err("it ends inside a UTF-8 character".into())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use aes_gcm::KeyInit;

    use super::*;

    fn check(content: &[u8]) -> Result<(), String> {
        let cipher = Aes256Gcm::new(&[5u8; 32].into());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        let mut w = crate::platform::sealed_file::SealedWriter::new(File::create(&p).unwrap(), cipher.clone()).unwrap();
        w.write_all(content).unwrap();
        w.finish().unwrap();
        check_csv_file(&p, cipher)
    }

    #[test]
    fn csv_check_wants_utf8_and_ten_columns() {
        let good = b"Aadhaar,Uri,doc_type,doc_name,doc_id,issued_on,valid_from,valid_to,time_stamp,Action\n1,2,3,4,5,6,7,8,9,A\n";
        assert_eq!(check(good), Ok(()));
        assert!(check(b"\xEF\xBB\xBFAadhaar,Uri\n").unwrap_err().contains("no rows"));
        assert!(check(b"%PDF-1.4\n\xff\xfe\x00binary").unwrap_err().contains("UTF-8"));
        assert!(check(b"just some text\n").unwrap_err().contains("columns"));
        assert!(
            check("a,b,c,d,e,f,g,h,i,\u{e9}".as_bytes()).is_ok(),
            "a multi-byte character is fine"
        );
    }
}
