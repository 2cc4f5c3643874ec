//! How the kit builds, signs and sends one Pull URI request: a valid one,
//! or one that differs from it in one way ([`Variant`]).

use super::{Exchange, Target, post};
use crate::locker::issuer_client::{Search, UidMd5, request_xml};
use crate::platform::{crypto, dates};
use crate::wire::auth as wire_auth;
use crate::wire::envelope::Signature;

/// How one request differs from a valid one.
#[derive(Default, Clone)]
pub(super) struct Variant {
    pub(super) format: Option<&'static str>,
    /// Use this key for the keyhash (a wrong one).
    pub(super) keyhash_key: Option<&'static str>,
    /// Sign the body with this key instead (a wrong one).
    pub(super) hmac_key: Option<&'static str>,
    pub(super) no_hmac: bool,
    pub(super) ts: Option<String>,
    /// Search fields that match nothing.
    pub(super) no_match: bool,
    /// Send the first field (or UID) through one internal entity.
    pub(super) entity: bool,
}

/// The DigiLocker id the kit searches as (36 characters, fixed).
const KIT_DIGILOCKER_ID: &str = "00000000-0000-4000-8000-00000c0f0c17";

/// A request body as `variant` says, with its `ts` and `txn`.
pub(super) fn body(target: &Target, variant: &Variant) -> (String, String, String) {
    let ts = variant.ts.clone().unwrap_or_else(dates::now_ts);
    let txn = crypto::random_hex(10);
    let key = variant.keyhash_key.unwrap_or(&target.api_key);
    let keyhash = crypto::sha256_hex(&[key.as_bytes(), ts.as_bytes()]);
    let nobody = UidMd5::nobody();
    let fields: Vec<(String, String)> = if variant.no_match {
        let nothing = |(name, _): &(String, String)| (name.clone(), format!("NOMATCH{}", crypto::random_hex(4)));
        target.fields.iter().map(nothing).collect()
    } else {
        target.fields.clone()
    };
    let uid = match (&target.uid, variant.no_match) {
        (Some(_), true) => Some(&nobody),
        (uid, _) => uid.as_ref(),
    };
    let search = Search {
        doc_type: &target.doc_type,
        digilocker_id: KIT_DIGILOCKER_ID,
        uid,
        full_name: target.full_name.as_deref(),
        dob: target.dob.as_deref(),
        fields: &fields,
    };
    let signature = Signature {
        org_id: target.org_id.clone(),
        ts: ts.clone(),
        txn: txn.clone(),
        keyhash,
    };
    let xml = request_xml(&search, &signature, variant.format.unwrap_or("both"));
    let first = fields.first().map(|(name, _)| name.as_str()).or(uid.map(|_| "UID"));
    let xml = match first {
        Some(element) if variant.entity => with_entity(&xml, element),
        _ => xml,
    };
    (xml, ts, txn)
}

/// Moves the text of `element` into one small internal entity and puts a
/// reference to it in its place: an issuer that expands entities sees the
/// same search.
fn with_entity(xml: &str, element: &str) -> String {
    let open = format!("<{element}>");
    let (Some(at), Some(root)) = (xml.find(&open), xml.find("<PullURIRequest")) else {
        return xml.to_owned();
    };
    let start = at + open.len();
    let end = start + xml[start..].find(&format!("</{element}>")).unwrap_or(0);
    // Already escaped by the serialiser, so valid entity text once quotes are.
    let value = xml[start..end].replace('"', "&quot;");
    format!(
        "{}<!DOCTYPE PullURIRequest [<!ENTITY probe \"{value}\">]>{}&probe;{}",
        &xml[..root],
        &xml[root..start],
        &xml[end..]
    )
}

/// Sends a request as `variant` says.
pub(super) fn send(target: &Target, variant: &Variant) -> (Exchange, String, String) {
    let (xml, ts, txn) = body(target, variant);
    let hmac = signed(target, variant, &xml);
    (post(target, &xml, hmac.as_deref()), ts, txn)
}

/// The `x-digilocker-hmac` of `xml`, when the variant sends one.
pub(super) fn signed(target: &Target, variant: &Variant, xml: &str) -> Option<String> {
    if variant.no_hmac {
        return None;
    }
    let key = variant.hmac_key.unwrap_or(&target.api_key);
    // An issuer set to `none` gets no header, except the deliberately wrong one.
    let encoding = match (target.hmac, variant.hmac_key) {
        (Some(encoding), _) => encoding,
        (None, Some(_)) => wire_auth::HmacEncoding::Raw,
        (None, None) => return None,
    };
    Some(wire_auth::body_hmac(key.as_bytes(), xml.as_bytes(), encoding))
}
