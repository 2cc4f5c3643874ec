//! The one Status-0 refusal of the XML APIs (Push CSV, Pull Doc, Pull URI):
//! a well-formed request that is not served gets an answer with a status
//! other than 1 and the reason in `ResponseMessage`, never an HTTP error.
//! Only Pull URI's "pending" (Status 9) is not a refusal of the sender, and
//! it travels the same way.

use openlocker_db::DbError;

use crate::platform::error::Error;

/// Why a request is answered with Status 0 (or 9, pending), and the reason
/// told to its sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pending: bool,
    reason: String,
}

impl Refusal {
    /// Status 0: the request is refused, for `reason`.
    pub fn new(reason: impl Into<String>) -> Refusal {
        Refusal {
            pending: false,
            reason: reason.into(),
        }
    }

    /// Status 9: the document exists but is waiting for the department.
    pub fn pending(reason: impl Into<String>) -> Refusal {
        Refusal {
            pending: true,
            reason: reason.into(),
        }
    }

    /// The `ResponseStatus` of the answer: "0", or "9" when pending.
    pub fn status(&self) -> &'static str {
        if self.pending { "9" } else { "0" }
    }

    /// The reason, for `ResponseMessage`.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    pub fn into_reason(self) -> String {
        self.reason
    }
}

/// An error of ours becomes a refusal that asks the sender to retry, with
/// its cause in the log only; any other error is told as it is.
impl From<Error> for Refusal {
    fn from(err: Error) -> Self {
        if let Error::Internal(cause) = &err {
            tracing::error!(cause, "an XML API request failed on our side");
            return Refusal::new("the server could not complete the request; please retry later");
        }
        Refusal::new(err.to_string())
    }
}

impl From<DbError> for Refusal {
    fn from(err: DbError) -> Self {
        Error::from(err).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_causes_stay_in_the_log_and_other_errors_are_told() {
        let internal = Refusal::from(Error::Internal("disk /var/secret full".into()));
        assert_eq!(internal.status(), "0");
        assert!(!internal.reason().contains("secret"), "{}", internal.reason());
        assert!(internal.reason().contains("retry later"));
        let told = Refusal::from(Error::NotFound("no issuer x".into()));
        assert!(told.reason().contains("no issuer x"), "{}", told.reason());
        assert_eq!(Refusal::pending("wait").status(), "9");
    }
}
