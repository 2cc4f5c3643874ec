//! `cargo xtask fuzz [--seconds N]`: a mutation fuzzer over the readers of
//! outside input: the Pull XML reader (`xml_tree`), the Push reader (its
//! root scan and the streaming reader with DocContent decoding), the CSV
//! row validator, and the upload path's checks (type by magic, file and
//! folder names, the Aadhaar mask of free text, the date formats). Each
//! target runs N seconds (default 30) on inputs mutated from a seed corpus
//! taken from the tests: bit flips, byte and block insertions, deletions,
//! duplications, splices of two seeds and bytes that parsers trip on. A
//! panic is a finding: the input is saved under
//! `target/fuzz-findings/<target>/` and the run fails.
//!
//! Only the stable toolchain is at hand, so this is not coverage-guided
//! (cargo-fuzz needs nightly flags, afl its own toolchain): it finds
//! crashes by volume. Runs outside `cargo xtask test`.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use openlocker::platform::sealed_file::SealedWriter;

use crate::Result;
use crate::tools::target_dir;

/// The call a target makes on each input; it must never panic.
type Check = Box<dyn Fn(&[u8])>;

/// A target: its name, seeds, and its check.
struct Target {
    name: &'static str,
    seeds: Vec<Vec<u8>>,
    run: Check,
}

/// Parses `--seconds N` and runs every target.
pub fn run(args: &[String]) -> Result {
    let seconds = match args {
        [flag, n] if flag == "--seconds" => n.parse().map_err(|_| "--seconds takes a number")?,
        [] => 30,
        _ => return Err("usage: cargo xtask fuzz [--seconds N]".into()),
    };
    let work = std::env::temp_dir().join(format!("openlocker-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let result = fuzz_all(&work, Duration::from_secs(seconds));
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn fuzz_all(work: &Path, each: Duration) -> Result {
    let keys = openlocker::platform::crypto::Keys::load_or_create(&work.join("data")).map_err(|e| e.to_string())?;
    // Panics are findings, counted below; their default report would flood.
    std::panic::set_hook(Box::new(|_| {}));
    let mut findings = 0;
    for target in targets(work, keys.file_cipher()) {
        findings += fuzz(&target, each)?;
    }
    let _ = std::panic::take_hook();
    match findings {
        0 => Ok(()),
        n => Err(format!("fuzz: {n} finding(s), saved under target/fuzz-findings/")),
    }
}

fn fuzz(target: &Target, each: Duration) -> Result<usize> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ target.name.len() as u64);
    let (started, mut execs, mut found) = (Instant::now(), 0u64, HashSet::new());
    while started.elapsed() < each {
        let input = mutate(&mut rng, &target.seeds);
        execs += 1;
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (target.run)(&input))).is_err()
            && found.insert(input.clone())
        {
            save(target.name, &input)?;
        }
    }
    println!(
        "fuzz {}: {execs} executions in {:.0} s ({:.0}/s), {} finding(s)",
        target.name,
        started.elapsed().as_secs_f64(),
        execs as f64 / started.elapsed().as_secs_f64(),
        found.len()
    );
    Ok(found.len())
}

fn save(target: &str, input: &[u8]) -> Result {
    use sha2::Digest;
    let dir = target_dir()?.join("fuzz-findings").join(target);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let name = hex::encode(&sha2::Sha256::digest(input)[..8]);
    std::fs::write(dir.join(name), input).map_err(|e| e.to_string())
}

/// A small xorshift generator: the runs repeat for a given seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that readers of XML, CSV and text trip on.
const TRICKY: &[u8] = b"<>/\"'&;=,\n\r\t\0\xff\xfe\xef\xbb\xbf!?[]-:#x0123456789 ";

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..=rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(7) {
            0 if !data.is_empty() => {
                let last = data.len() - 1;
                data[at.min(last)] ^= 1 << rng.below(8);
            }
            1 => data.insert(at, TRICKY[rng.below(TRICKY.len())]),
            2 if at < data.len() => {
                let end = (at + 1 + rng.below(16)).min(data.len());
                data.drain(at..end);
            }
            3 if at < data.len() => {
                let end = (at + 1 + rng.below(64)).min(data.len());
                let block = data[at..end].to_vec();
                for _ in 0..=rng.below(64) {
                    data.splice(at..at, block.iter().copied());
                }
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                data.splice(at..at, other[from..].iter().copied().take(rng.below(256)));
            }
            5 => data.truncate(at),
            _ => data.insert(at, rng.next() as u8),
        }
    }
    data
}

fn targets(work: &Path, cipher: aes_gcm::Aes256Gcm) -> Vec<Target> {
    let (sealed_in, csv_out) = (work.join("in.xml"), work.join("out.csv"));
    let push_cipher = cipher;
    vec![
        Target {
            name: "xml_tree",
            seeds: xml_seeds(),
            run: Box::new(|input| {
                let _ = openlocker::wire::reader::parse(input);
            }),
        },
        Target {
            name: "push_root",
            seeds: xml_seeds(),
            run: Box::new(push_root),
        },
        Target {
            name: "push_reader",
            seeds: xml_seeds(),
            run: Box::new(move |input| {
                let sealed = std::fs::File::create(&sealed_in)
                    .and_then(|f| SealedWriter::new(f, push_cipher.clone()))
                    .and_then(|mut w| w.write_all(input).and_then(|()| w.finish()));
                if sealed.is_ok() {
                    let _ = openlocker::issuers::push::request::read(&sealed_in, &csv_out, &push_cipher);
                }
            }),
        },
        Target {
            name: "csv_row",
            seeds: csv_seeds(),
            run: Box::new(csv_row),
        },
        Target {
            name: "upload_checks",
            seeds: upload_seeds(),
            run: Box::new(upload_checks),
        },
    ]
}

fn xml_seeds() -> Vec<Vec<u8>> {
    vec![
        br#"<PullDocRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="2024-05-01T10:00:00+05:30" txn="t1" orgId="ORG" keyhash="ab"><DocDetails><URI>in.gov.cbse-MSTN-123</URI></DocDetails></PullDocRequest>"#.to_vec(),
        br#"<?xml version="1.0"?><ns:PullURIRequest ver="1.0" ts="x" txn="t" orgId="o" keyhash="K" format="both"><DocDetails><DocType>MSTN</DocType><RollNo>12</RollNo><UID>234123412346</UID><FullName>A &amp; B</FullName></DocDetails></ns:PullURIRequest>"#.to_vec(),
        PUSH_SEED.as_bytes().to_vec(),
    ]
}

fn csv_seeds() -> Vec<Vec<u8>> {
    vec![
        b"234123412346,cbse.nic.in-MSTN-D1,MSTN,Statement of Marks,D1,01/05/2024,01/05/2024,31/12/2099,01/05/2024 10:00:00 AM,A".to_vec(),
        b"2341 2341 2346,cbse.nic.in-MSTN-D2,mstn,Marks,D2,1/5/2024,,,01/05/2024 12:05:09 pm,D".to_vec(),
    ]
}

fn upload_seeds() -> Vec<Vec<u8>> {
    vec![
        b"%PDF-1.4\n%%EOF\n".to_vec(),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
        "Marks 2024 \u{202E}fdp.exe 2000 0005 0278 0cc175b9c0f1b6a831c399e269772661 31/12/2099"
            .as_bytes()
            .to_vec(),
    ]
}

/// The Push request's root scan, then its root read.
fn push_root(input: &[u8]) {
    if let Ok(openlocker::issuers::push::root::Scan::Ends(end)) = openlocker::issuers::push::root::scan(input) {
        let _ = openlocker::issuers::push::root::read(&input[..end]);
    }
}

/// The checks on an uploaded file's content and name, and the Aadhaar mask.
fn upload_checks(input: &[u8]) {
    let _ = openlocker::locker::uploads::sniff::content_type(input);
    let text = String::from_utf8_lossy(input);
    let _ = openlocker::locker::uploads::check_name(&text, "name");
    let masked = openlocker::platform::aadhaar::mask_digit_runs(&text);
    let longest_run = masked
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert!(longest_run < 12, "12 digits in a row survived the mask");
    let _ = openlocker::platform::dates::parse_dmy(&text);
    let _ = openlocker::platform::dates::parse_csv_time_stamp(&text);
}

/// One CSV line split into the ten columns (padded or cut), validated.
fn csv_row(input: &[u8]) {
    let line = String::from_utf8_lossy(input);
    let mut fields = [""; openlocker::issuers::import::row::COLUMNS.len()];
    for (slot, value) in fields.iter_mut().zip(line.split(',')) {
        *slot = value;
    }
    let doc_types: HashSet<String> = ["MSTN".to_owned()].into();
    let rules = openlocker::issuers::import::row::RowRules {
        issuer_id: "cbse.nic.in",
        doc_types: &doc_types,
    };
    let _ = openlocker::issuers::import::row::validate(&fields, &rules);
}

/// A Push request as the tests send it (`support::push_xml`), one row.
const PUSH_SEED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<PushCSVRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="2024-05-01T10:00:00+05:30" txn="txn-1" orgId="ORG1" keyhash="0f3a">
  <DocDetails>
    <DocContent>MjM0MTIzNDEyMzQ2LGNic2UubmljLmluLU1TVE4tRDEsTVNUTixTdGF0ZW1lbnQgb2YgTWFya3MsRDEsMDEvMDUvMjAyNCwwMS8wNS8yMDI0LDMxLzEyLzIwOTksMDEvMDUvMjAyNCAxMDowMDowMCBBTSxBCg==</DocContent>
    <FileName>marks.csv</FileName>
  </DocDetails>
</PushCSVRequest>"#;
