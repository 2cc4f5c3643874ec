//! `cargo xtask bench signing`: milliseconds to sign and to verify one
//! certificate XML (RSA-2048, exclusive c14n, SHA-256), the work the
//! repository does once per stored document and the locker once per fetch;
//! then Pull URI and Pull Doc served with signed documents against the same
//! on a build from before signing ([`crate::bench_signed_pull`]).

use std::time::Instant;

use openlocker::wire::signature::{Signer, keys, verify};

use crate::Result;

/// Documents signed and verified per measurement.
const DOCUMENTS: usize = 200;

pub fn run() -> Result {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let material = keys::generate("Bench Department", "OpenLocker", now - 60).map_err(|e| e.to_string())?;
    let signer = Signer::new(&material).map_err(|e| e.to_string())?;
    let signed_at = openlocker::platform::dates::now_ts();
    let xml = |i: usize| {
        format!(
            "<Certificate uri=\"in.bench-MSTN-{i:06}\" signedAt=\"{signed_at}\" name=\"Marks Sheet\"><IssuedBy><Organization code=\"in.bench\" name=\"Bench Board\"/></IssuedBy><IssuedTo><Person name=\"Asha Rao\" dob=\"2001-02-03\"/></IssuedTo><CertificateData pdfSha256=\"{}\"/></Certificate>",
            "ab".repeat(32)
        )
    };
    let start = Instant::now();
    let signed: Vec<String> = (0..DOCUMENTS)
        .map(|i| signer.sign(&xml(i)).map_err(|e| e.to_string()))
        .collect::<std::result::Result<_, _>>()?;
    let sign_ms = start.elapsed().as_secs_f64() * 1000.0 / DOCUMENTS as f64;
    let trusted = vec![material.cert_der.clone()];
    let start = Instant::now();
    for doc in &signed {
        let verdict = verify(doc.as_bytes(), None, now, &|_| trusted.clone()).map_err(|e| e.to_string())?;
        if !verdict.valid {
            return Err(format!("a benchmark document did not verify: {:?}", verdict.reason));
        }
    }
    let verify_ms = start.elapsed().as_secs_f64() * 1000.0 / DOCUMENTS as f64;
    println!(
        "signing: {sign_ms:.2} ms per document ({} bytes signed)",
        signed[0].len()
    );
    println!("verifying: {verify_ms:.2} ms per document");
    crate::tools::ensure_debian_packages(&["wrk"], &["wrk"])?;
    let work = std::env::temp_dir().join(format!("openlocker-bench-signing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let compared = crate::bench_signed_pull::compare(&work);
    let _ = std::fs::remove_dir_all(&work);
    compared
}
