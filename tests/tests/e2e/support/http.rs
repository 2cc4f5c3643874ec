//! A tiny HTTP client for the tests, with one session cookie and its CSRF
//! token, and the whole response it reads.

use std::time::Duration;

/// An HTTP response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A tiny HTTP client that keeps one session cookie and its CSRF token.
pub struct Http {
    agent: ureq::Agent,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Http {
    pub fn new() -> Http {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Http {
            agent,
            cookie: None,
            csrf: None,
        }
    }

    pub(super) fn adopt_session(&mut self, resp: &Resp) {
        let set = resp.header("set-cookie").expect("a session cookie");
        self.cookie = Some(set.split(';').next().unwrap().to_owned());
        self.csrf = resp.json()["csrf_token"].as_str().map(str::to_owned);
    }

    fn finish(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
        let mut response = response.unwrap();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let status = response.status().as_u16();
        let body = response.body_mut().with_config().limit(1 << 30).read_to_vec().unwrap();
        Resp { status, headers, body }
    }

    fn with_session<B>(&self, mut req: ureq::RequestBuilder<B>, csrf: bool) -> ureq::RequestBuilder<B> {
        if let Some(cookie) = &self.cookie {
            req = req.header("Cookie", cookie);
        }
        if csrf && let Some(token) = &self.csrf {
            req = req.header("X-CSRF-Token", token);
        }
        req
    }

    pub fn get(&self, url: &str) -> Resp {
        Http::finish(self.with_session(self.agent.get(url), false).call())
    }

    pub fn post(&self, url: &str, content_type: &str, body: &[u8]) -> Resp {
        Http::finish(
            self.with_session(self.agent.post(url), true)
                .header("Content-Type", content_type)
                .send(body),
        )
    }

    /// A POST with one extra header.
    pub fn post_with_header(&self, url: &str, content_type: &str, body: &[u8], header: (&str, &str)) -> Resp {
        let req = self
            .with_session(self.agent.post(url), true)
            .header("Content-Type", content_type);
        Http::finish(req.header(header.0, header.1).send(body))
    }

    /// A POST without the CSRF header, as a forged cross-site request would be.
    pub fn post_without_csrf(&self, url: &str, content_type: &str, body: &[u8]) -> Resp {
        Http::finish(
            self.with_session(self.agent.post(url), false)
                .header("Content-Type", content_type)
                .send(body),
        )
    }

    pub fn post_json(&self, url: &str, body: &serde_json::Value) -> Resp {
        self.post(url, "application/json", body.to_string().as_bytes())
    }

    pub fn put_json(&self, url: &str, body: &serde_json::Value) -> Resp {
        let req = self
            .with_session(self.agent.put(url), true)
            .header("Content-Type", "application/json");
        Http::finish(req.send(body.to_string().as_bytes()))
    }

    pub fn delete(&self, url: &str) -> Resp {
        Http::finish(self.with_session(self.agent.delete(url), true).call())
    }
}
