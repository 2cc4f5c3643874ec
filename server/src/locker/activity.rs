//! The residents' activity log: what was done in a locker, when, and from
//! which client. [`record`] is the one way in, for every feature.

use openlocker_db::activity;
use openlocker_proto::locker::ActivityPage;

use crate::app::App;
use crate::platform::dates;
use crate::platform::error::Error;

/// Longest user agent kept.
const MAX_USER_AGENT: usize = 200;
/// Longest detail kept.
const MAX_DETAIL: usize = 200;
/// Most entries in one page of [`list`].
pub const MAX_PAGE: u32 = 200;

/// Where a request came from, as the log shows it.
#[derive(Debug, Clone, Default)]
pub struct Client {
    /// The peer address of the connection.
    pub ip: String,
    pub user_agent: String,
}

impl Client {
    /// The client cut to what the log keeps, for entries written inside
    /// another service's transaction.
    pub fn trimmed(&self) -> Client {
        Client {
            ip: truncate(&self.ip, 64),
            user_agent: truncate(&self.user_agent, MAX_USER_AGENT),
        }
    }

    /// The admin CLI on this machine.
    pub fn cli() -> Client {
        Client {
            ip: "local".into(),
            user_agent: "openlocker CLI".into(),
        }
    }
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    SignedUp,
    SignedIn,
    SignInFailed,
    SignedOutEverywhere,
    Uploaded,
    Downloaded,
    Deleted,
    /// An issued document was opened (pulled live from its issuer).
    Opened,
    /// A document was pulled from an issuer into Issued Documents.
    Pulled,
    /// A document was shared with a requester.
    Shared,
    /// A partner site saved a document into the locker.
    Saved,
    /// The resident's identity was verified (the detail says how).
    IdentityVerified,
    /// Another account verified the Aadhaar number this one claimed.
    AccountClosed,
    /// An e-KYC OTP was sent to the number's registered mobile.
    OtpSent,
    /// An e-KYC OTP was wrong or expired.
    OtpFailed,
    /// The resident allowed a partner app (Authorized Partner API) access.
    AppConnected,
    /// The resident denied a partner app's request.
    AppDenied,
    /// A connected app's access was revoked (by the resident, or by the
    /// app, or because a token was reused).
    AppDisconnected,
    /// A connected app called the partner API (the detail names the app
    /// and what it read or wrote).
    PartnerCall,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SignedUp => "signed_up",
            Kind::SignedIn => "signed_in",
            Kind::SignInFailed => "sign_in_failed",
            Kind::SignedOutEverywhere => "signed_out_everywhere",
            Kind::Uploaded => "uploaded",
            Kind::Downloaded => "downloaded",
            Kind::Deleted => "deleted",
            Kind::Opened => "opened",
            Kind::Pulled => "pulled",
            Kind::Shared => "shared",
            Kind::Saved => "saved",
            Kind::IdentityVerified => "identity_verified",
            Kind::AccountClosed => "account_closed",
            Kind::OtpSent => "otp_sent",
            Kind::OtpFailed => "otp_failed",
            Kind::AppConnected => "app_connected",
            Kind::AppDenied => "app_denied",
            Kind::AppDisconnected => "app_disconnected",
            Kind::PartnerCall => "partner_call",
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().filter(|c| !c.is_control()).take(max).collect()
}

/// A detail as the log keeps it: cut to its length, with any Aadhaar-like
/// digit run masked.
pub(crate) fn clean_detail(detail: &str) -> String {
    crate::platform::aadhaar::mask_digit_runs(&truncate(detail, MAX_DETAIL))
}

/// Adds an entry to a resident's log. `detail` is free text such as a file
/// name; any Aadhaar-like digit run in it is masked.
pub fn record(app: &App, resident_id: i64, kind: Kind, detail: &str, client: &Client) -> Result<(), Error> {
    // What was queued before this entry is written before it, so the log's
    // order is the order things happened.
    crate::locker::activity_behind::flush_pending(app);
    let detail = clean_detail(detail);
    activity::insert(
        &app.db,
        &activity::NewEntry {
            resident_id,
            at: dates::unix_now(),
            kind: kind.as_str(),
            detail: &detail,
            ip: &client.trimmed().ip,
            user_agent: &client.trimmed().user_agent,
        },
    )?;
    Ok(())
}

/// One page of a resident's log, newest first.
/// The resident's own entries with ids below `before`, newest first.
pub fn list(app: &App, resident_id: i64, before: Option<i64>, limit: u32) -> Result<ActivityPage, Error> {
    let limit = limit.clamp(1, MAX_PAGE);
    crate::locker::activity_behind::flush_pending(app);
    // One more than asked says whether another page follows.
    let mut entries = activity::list(&app.db, resident_id, before, limit + 1)?;
    let next_before = if entries.len() > limit as usize {
        entries.truncate(limit as usize);
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(ActivityPage {
        entries: entries.into_iter().map(crate::locker::views::activity_entry).collect(),
        next_before,
    })
}
