//! The conformance kit's report: plain text for the terminal, one JSON
//! object for scripts, and an HTML page (`--report`) in which everything
//! the issuer sent is escaped.

use crate::platform::text::html_escape;
use serde_json::json;

/// Longest part of an answer shown per check.
const SHOWN: usize = 4000;

/// One check's result, with what it sent and got.
pub struct Check {
    pub id: &'static str,
    /// The clause of Issuer API v1.13 it checks.
    pub clause: &'static str,
    pub passed: bool,
    pub detail: String,
    pub sent: String,
    pub got: String,
}

/// Every check against one issuer.
pub struct Report {
    pub url: String,
    pub checks: Vec<Check>,
}

/// At most `SHOWN` characters of `text`, saying how much was cut.
fn shown(text: &str) -> String {
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}… ({} more bytes)", &text[..cut], text.len() - cut),
        None => text.to_owned(),
    }
}

impl Report {
    pub fn passed(&self) -> usize {
        self.checks.iter().filter(|c| c.passed).count()
    }

    pub fn all_passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// `{"passed", "failed", "checks": [{"id", "clause", "passed", "detail", "sent", "got"}]}`.
    pub fn json(&self) -> serde_json::Value {
        let checks: Vec<_> = self
            .checks
            .iter()
            .map(|c| json!({ "id": c.id, "clause": c.clause, "passed": c.passed, "detail": c.detail, "sent": shown(&c.sent), "got": shown(&c.got) }))
            .collect();
        json!({ "passed": self.passed(), "failed": self.checks.len() - self.passed(), "checks": checks })
    }

    /// One block per check: verdict, id, clause, detail, what was sent and got.
    pub fn text(&self) -> String {
        let mut out = format!("Issuer API v1.13 conformance of {}\n\n", self.url);
        for c in &self.checks {
            let verdict = if c.passed { "PASS" } else { "FAIL" };
            out.push_str(&format!("{verdict} {} (§{}): {}\n", c.id, c.clause, c.detail));
            for (what, text) in [("sent", &c.sent), ("got", &c.got)] {
                let indented = shown(text).replace('\n', "\n      ");
                out.push_str(&format!("  {what}: {indented}\n"));
            }
            out.push('\n');
        }
        out.push_str(&format!("{} of {} checks passed\n", self.passed(), self.checks.len()));
        out
    }

    /// A self-contained HTML page; every value in it is escaped.
    pub fn html(&self) -> String {
        let rows: String = self
            .checks
            .iter()
            .map(|c| {
                format!(
                    "<tr class=\"{class}\"><td>{verdict}</td><td><code>{id}</code></td><td>{clause}</td><td>{detail}\
                     <details><summary>sent and got</summary><pre>{sent}</pre><pre>{got}</pre></details></td></tr>\n",
                    class = if c.passed { "pass" } else { "fail" },
                    verdict = if c.passed { "PASS" } else { "FAIL" },
                    id = html_escape(c.id),
                    clause = html_escape(c.clause),
                    detail = html_escape(&c.detail),
                    sent = html_escape(&shown(&c.sent)),
                    got = html_escape(&shown(&c.got)),
                )
            })
            .collect();
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
             <title>Issuer API v1.13 conformance</title><style>\
             body{{font-family:sans-serif;margin:2em}}td{{vertical-align:top;padding:.3em .6em}}\
             .pass td:first-child{{color:#060}}.fail td:first-child{{color:#a00;font-weight:bold}}\
             pre{{white-space:pre-wrap;word-break:break-all;background:#f4f4f4;padding:.5em}}</style></head><body>\
             <h1>Issuer API v1.13 conformance</h1><p>{url}: {passed} of {total} checks passed.</p>\
             <table><thead><tr><th>Result</th><th>Check</th><th>Clause</th><th>Detail</th></tr></thead><tbody>\n{rows}</tbody></table>\
             </body></html>\n",
            url = html_escape(&self.url),
            passed = self.passed(),
            total = self.checks.len(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_report_escapes_what_the_issuer_sent() {
        let report = Report {
            url: "http://x/<u>".into(),
            checks: vec![Check {
                id: "valid-request",
                clause: "8.1.1",
                passed: false,
                detail: "<script>alert(1)</script>".into(),
                sent: "<PullURIRequest a=\"b\"/>".into(),
                got: "HTTP 200\n\n<img src=x onerror=alert(1)>'".into(),
            }],
        };
        let html = report.html();
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;PullURIRequest a=&quot;b&quot;/&gt;"));
        assert!(html.contains("http://x/&lt;u&gt;"));
        assert_eq!(report.json()["failed"], 1);
        assert!(
            report
                .text()
                .starts_with("Issuer API v1.13 conformance of http://x/<u>")
        );
    }
}
