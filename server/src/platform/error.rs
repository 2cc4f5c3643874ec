//! The one error type of the server, and the only place where CLI exit
//! codes are chosen for it. Its HTTP statuses and bodies are chosen in
//! `http/error.rs`, the one place that knows HTTP.

use openlocker_db::DbError;

/// What a service call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is malformed or breaks a rule; the text says which.
    #[error("{0}")]
    Invalid(String),
    /// No valid sign-in or credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed to do this (or a CSRF token is missing).
    #[error("{0}")]
    Forbidden(String),
    /// The thing named does not exist (or is not the caller's).
    #[error("{0}")]
    NotFound(String),
    /// It already exists.
    #[error("{0}")]
    Conflict(String),
    /// The resident's identity is not verified, so what they asked for
    /// (documents of their Aadhaar number, shares, partner grants) waits.
    #[error("{0}")]
    IdentityUnverified(String),
    /// Another account proved the Aadhaar number this account claimed is
    /// theirs; this account is closed.
    #[error("{0}")]
    AadhaarClaimed(String),
    /// A service this needs is not set up here (e.g. no `kyc_url`).
    #[error("{0}")]
    Unavailable(String),
    /// A request body over the configured limit.
    #[error("{0}")]
    TooLarge(String),
    /// An issuer's repository (or a locker) failed or refused; the text says how.
    #[error("{0}")]
    Upstream(String),
    /// An issuer's repository (or a locker) did not answer in time.
    #[error("{0}")]
    UpstreamTimeout(String),
    /// A field of a form is wrong; `field` names it so a page can point at it.
    #[error("{message}")]
    InvalidField { field: &'static str, message: String },
    /// Too many failed attempts; try again after `retry_after` seconds.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// The server is at its bound for costly work (password checks); try
    /// again after `retry_after` seconds.
    #[error("{message}")]
    Busy { message: String, retry_after: u64 },
    /// An upload of a type that is not accepted (judged by content).
    #[error("{0}")]
    UnsupportedType(String),
    /// The resident's storage quota has no room for this.
    #[error("{0}")]
    QuotaFull(String),
    /// Something broke on our side; the cause is logged, never sent.
    /// A widget check failed: 203 app hash, 204 app id, 205 domain, 206
    /// time-stamp, 207 service (the codes of the widget specification).
    #[error("error {code}: {message}")]
    Widget { code: u16, message: String },
    /// Something that existed and is gone for good: an expired, revoked or
    /// used-up share.
    #[error("{0}")]
    Gone(String),
    #[error("internal error: {0}")]
    Internal(String),
    /// The same error, for an XML API: the body is XML, not JSON.
    #[error("{0}")]
    Xml(Box<Error>),
    /// A refusal of the Authorized Partner API, with the specification's
    /// error name.
    #[error("{message}")]
    OAuthCode { code: OAuthCode, message: String },
    /// The same error, for the Authorized Partner API: the body is
    /// `{"error", "error_description"}` with the specification's names.
    #[error("{0}")]
    OAuth(Box<Error>),
}

/// The error names of the Authorized Partner API (and RFC 6749).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    /// The `grant_type` is not one this server knows.
    InvalidGrantType,
    InvalidScope,
    /// The grant does not cover the call.
    InsufficientScope,
    /// A missing, unknown, expired or revoked access token.
    InvalidToken,
    UriMissing,
    InvalidUri,
    InvalidId,
    HmacMismatch,
    InvalidFilesize,
    MimetypeMismatch,
    PathMissing,
}

impl OAuthCode {
    /// The name sent as `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthCode::InvalidRequest => "invalid_request",
            OAuthCode::InvalidClient => "invalid_client",
            OAuthCode::InvalidGrant => "invalid_grant",
            OAuthCode::InvalidGrantType => "invalid_grant_type",
            OAuthCode::InvalidScope => "invalid_scope",
            OAuthCode::InsufficientScope => "insufficient_scope",
            OAuthCode::InvalidToken => "invalid_token",
            OAuthCode::UriMissing => "uri_missing",
            OAuthCode::InvalidUri => "invalid_uri",
            OAuthCode::InvalidId => "invalid_id",
            OAuthCode::HmacMismatch => "hmac_mismatch",
            OAuthCode::InvalidFilesize => "invalid_filesize",
            OAuthCode::MimetypeMismatch => "mimetype_mismatch",
            OAuthCode::PathMissing => "path_missing",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A refusal with one of the partner API's error names.
    pub fn oauth(code: OAuthCode, message: impl Into<String>) -> Error {
        Error::OAuthCode {
            code,
            message: message.into(),
        }
    }

    /// Wraps an error of a partner API endpoint so its body has the
    /// specification's shape and names.
    pub fn in_oauth(self) -> Error {
        match self {
            Error::OAuth(_) => self,
            other => Error::OAuth(Box::new(other)),
        }
    }

    /// Wraps an error of an XML endpoint so its body is XML.
    pub fn in_xml(self) -> Error {
        match self {
            Error::Xml(_) => self,
            other => Error::Xml(Box::new(other)),
        }
    }

    /// The process exit code of an admin command that failed with this:
    /// 2 for bad input, 1 for anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid(_)
            | Error::InvalidField { .. }
            | Error::Conflict(_)
            | Error::AadhaarClaimed(_)
            | Error::NotFound(_)
            | Error::TooLarge(_)
            | Error::UnsupportedType(_) => 2,
            Error::Xml(inner) | Error::OAuth(inner) => inner.exit_code(),
            _ => 1,
        }
    }

    /// The stable machine-readable code of the error, sent in error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) | Error::InvalidField { .. } => "invalid",
            Error::TooManyRequests { .. } => "too_many_requests",
            Error::Busy { .. } => "busy",
            Error::QuotaFull(_) => "quota_full",
            Error::UnsupportedType(_) => "unsupported_type",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not_found",
            Error::Conflict(_) => "conflict",
            Error::IdentityUnverified(_) => "identity_unverified",
            Error::AadhaarClaimed(_) => "aadhaar_claimed",
            Error::Unavailable(_) => "unavailable",
            Error::TooLarge(_) => "too_large",
            Error::Upstream(_) => "upstream",
            Error::UpstreamTimeout(_) => "upstream_timeout",
            Error::Widget { .. } => "widget",
            Error::Gone(_) => "gone",
            Error::Internal(_) => "internal",
            Error::OAuthCode { code, .. } => code.as_str(),
            Error::Xml(inner) | Error::OAuth(inner) => inner.code(),
        }
    }

    /// The name a partner API answer gives this error as `error`.
    pub fn oauth_name(&self) -> &'static str {
        match self.innermost() {
            Error::OAuthCode { code, .. } => code.as_str(),
            Error::Invalid(_) | Error::InvalidField { .. } => "invalid_request",
            Error::Unauthorized(_) => "invalid_token",
            Error::NotFound(_) => "invalid_uri",
            Error::TooLarge(_) => "invalid_filesize",
            Error::UnsupportedType(_) => "mimetype_mismatch",
            Error::Upstream(_) => "repository_service_resperror",
            Error::UpstreamTimeout(_) => "repository_service_unresponsive",
            Error::Internal(_) => "unexpected_error",
            other => other.code(),
        }
    }
}

impl From<DbError> for Error {
    fn from(err: DbError) -> Self {
        match err {
            DbError::NotFound => Error::NotFound("not found".into()),
            DbError::Conflict(what) => Error::Conflict(what),
            DbError::Other(cause) => Error::Internal(cause),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::Internal(format!("i/o: {err}"))
    }
}

impl Error {
    /// The error inside any [`Error::Xml`] wrappers.
    pub fn innermost(&self) -> &Error {
        match self {
            Error::Xml(inner) | Error::OAuth(inner) => inner.innermost(),
            other => other,
        }
    }
}
