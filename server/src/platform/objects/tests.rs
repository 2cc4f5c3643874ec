use std::io::{Read, Seek, SeekFrom};

use super::*;

#[test]
fn the_data_folder_stores_moves_reads_lists_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let objects = Objects::open(None, dir.path()).unwrap();
    objects.check().unwrap();
    let spooled = dir.path().join("spooled");
    std::fs::write(&spooled, b"0123456789").unwrap();
    let key = content_key("uploads", "abcdef");
    assert_eq!(key, "uploads/ab/abcdef");
    objects.put_file(&key, &spooled).unwrap();
    assert!(spooled.exists(), "put_file keeps the local file");
    objects.put_file(&key, &spooled).unwrap();
    let mut reader = objects.open_reader(&key).unwrap();
    reader.seek(SeekFrom::Start(4)).unwrap();
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "456789");

    objects.move_file("imports/a.csv", &spooled).unwrap();
    assert!(!spooled.exists(), "move_file takes the local file");
    objects.put_bytes("repo/cd/cdef", b"doc".to_vec()).unwrap();
    assert_eq!(objects.read_all("repo/cd/cdef").unwrap(), b"doc");
    let names: Vec<String> = objects.list("uploads").unwrap().into_iter().map(|l| l.name).collect();
    assert_eq!(names, ["abcdef"]);

    objects.delete(&key).unwrap();
    objects.delete(&key).unwrap();
    assert!(!objects.exists(&key).unwrap());
    assert!(matches!(objects.open_reader(&key), Err(Error::NotFound(_))));
    assert!(matches!(objects.read_all(&key), Err(Error::NotFound(_))));
    let leftovers = std::fs::read_dir(dir.path().join("repo/cd")).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
}

#[test]
fn store_urls_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Objects::open(Some("ftp://x"), dir.path()),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        Objects::open(Some("s3://"), dir.path()),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        Objects::open(Some("s3://b?colour=red"), dir.path()),
        Err(Error::Invalid(_))
    ));
    let bucket = Objects::open(
        Some("s3://docs?endpoint=http://127.0.0.1:9&region=ap-south-1"),
        dir.path(),
    )
    .unwrap();
    assert_eq!(bucket.describe(), "S3 bucket docs at http://127.0.0.1:9");
}
