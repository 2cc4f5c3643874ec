//! The request authentication shared by the XML APIs (Push CSV, Pull Doc,
//! Pull URI): the `ts` window, `keyhash = sha256(api_key + ts)`, and `txn`
//! replay protection. Each check returns its [`Refusal`], for a Status 0
//! answer.

use crate::app::App;
use crate::platform::crypto;
use crate::platform::dates;
use crate::wire::refusal::Refusal;
use crate::wire::replay::Durability;

/// The refusal for a keyhash that matches no key.
pub const KEYHASH_MISMATCH: &str =
    "keyhash does not match: it must be the lowercase hex sha256 of the API key followed by ts";

/// A value from a request as it may be quoted in an answer: cut at 64
/// characters, so an answer never grows with what the sender sent.
pub fn shown(value: &str) -> String {
    const MAX: usize = 64;
    match value.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &value[..at]),
        None => value.to_owned(),
    }
}

/// Checks that `ts` is well-formed and within the window of the server clock.
pub fn check_ts(app: &App, ts: &str) -> Result<(), Refusal> {
    let sent_at = dates::parse_ts(ts)
        .ok_or_else(|| Refusal::new(format!("ts {} is not of the form YYYY-MM-DDThh:mm:ss+hh:mm", shown(ts))))?;
    let skew = (dates::unix_now() - sent_at.unix_timestamp()).abs();
    if skew > app.settings.ts_window_minutes as i64 * 60 {
        return Err(Refusal::new(format!(
            "ts {} is {} minutes away from the server clock; at most {} are allowed",
            shown(ts),
            skew / 60,
            app.settings.ts_window_minutes
        )));
    }
    Ok(())
}

/// Whether `keyhash` is `sha256(key + ts)` for one of `keys` (any hex case).
pub fn keyhash_matches<K: AsRef<[u8]>>(keys: &[K], ts: &str, keyhash: &str) -> bool {
    let sent = keyhash.to_ascii_lowercase();
    keys.iter().any(|key| {
        let expected = crypto::sha256_hex(&[key.as_ref(), ts.as_bytes()]);
        crypto::constant_time_eq(expected.as_bytes(), sent.as_bytes())
    })
}

/// Records that `org_id` used `txn`; a replay is refused, and so (asking
/// to retry) is a failure to record it.
pub fn record_txn(app: &App, org_id: &str, txn: &str, durability: Durability) -> Result<(), Refusal> {
    let fresh = app.replay.record(&app.db, org_id, txn, dates::unix_now(), durability)?;
    if fresh {
        Ok(())
    } else {
        Err(Refusal::new(replay_refusal(app, org_id, txn)))
    }
}

/// The refusal of a `txn` that `org_id` already used.
pub fn replay_refusal(app: &App, org_id: &str, txn: &str) -> String {
    format!(
        "txn {} was already used by orgId {} in the last {} minutes (replay)",
        shown(txn),
        shown(org_id),
        app.settings.ts_window_minutes
    )
}

/// Lets a `txn` be used again, after a failure that was not the sender's.
pub fn forget_txn(app: &App, org_id: &str, txn: &str) {
    if let Err(e) = app.replay.forget(&app.db, org_id, txn) {
        tracing::warn!(error = %e, org_id, "could not forget a txn");
    }
}

/// The two forms of `x-digilocker-hmac` seen in deployed integrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HmacEncoding {
    /// Base64 of the raw HMAC-SHA256 digest (v1.13 §8.1.1).
    Raw,
    /// Base64 of the digest's lowercase hex string.
    Hex,
}

impl HmacEncoding {
    /// `raw`, `hex`, or `none` (no header: `Ok(None)`).
    pub fn parse(text: &str) -> Result<Option<HmacEncoding>, String> {
        match text {
            "raw" => Ok(Some(HmacEncoding::Raw)),
            "hex" => Ok(Some(HmacEncoding::Hex)),
            "none" => Ok(None),
            other => Err(format!("{other:?} is not an HMAC encoding: use raw, hex or none")),
        }
    }
}

/// The `x-digilocker-hmac` value of `body`: HMAC-SHA256 keyed by `key`, in
/// base64 of the `encoding`.
pub fn body_hmac(key: &[u8], body: &[u8], encoding: HmacEncoding) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let b64 = base64::engine::general_purpose::STANDARD;
    match encoding {
        HmacEncoding::Raw => b64.encode(digest),
        HmacEncoding::Hex => b64.encode(hex::encode(digest)),
    }
}

/// Whether an `x-digilocker-hmac` header is HMAC-SHA256 of `body` keyed by
/// `key`, in either encoding.
pub fn body_hmac_matches(key: &[u8], body: &[u8], header: &str) -> bool {
    let sent = header.trim().as_bytes();
    [HmacEncoding::Raw, HmacEncoding::Hex]
        .into_iter()
        .any(|encoding| crypto::constant_time_eq(body_hmac(key, body, encoding).as_bytes(), sent))
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use hmac::{Hmac, Mac};

    use super::*;

    #[test]
    fn both_hmac_header_variants_match_and_others_do_not() {
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(b"key").unwrap();
        mac.update(b"<xml/>");
        let digest = mac.finalize().into_bytes();
        let b64 = base64::engine::general_purpose::STANDARD;
        assert!(body_hmac_matches(b"key", b"<xml/>", &b64.encode(digest)));
        assert!(body_hmac_matches(b"key", b"<xml/>", &b64.encode(hex::encode(digest))));
        assert!(!body_hmac_matches(b"key", b"<xml />", &b64.encode(digest)));
        assert!(!body_hmac_matches(b"other", b"<xml/>", &b64.encode(digest)));
    }

    #[test]
    fn keyhash_is_sha256_of_key_then_ts_in_any_hex_case() {
        let ts = "2026-11-29T10:00:00+05:30";
        let hash = crypto::sha256_hex(&[b"k1", ts.as_bytes()]);
        assert!(keyhash_matches(
            &[b"k0".to_vec(), b"k1".to_vec()],
            ts,
            &hash.to_ascii_uppercase()
        ));
        assert!(!keyhash_matches(&[b"k0".to_vec()], ts, &hash));
    }
}
