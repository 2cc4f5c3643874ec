//! A partner site on its own loopback port: serves fixed answers by path
//! (the locker's server-side fetches, the widget demo page, the upload
//! callback) and records every request it gets.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One fixed answer.
#[derive(Clone)]
pub struct Page {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Sends half the body, then waits this long before the rest.
    pub stall: Option<std::time::Duration>,
}

impl Page {
    pub fn ok(content_type: &str, body: &[u8]) -> Page {
        Page {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.to_vec(),
            stall: None,
        }
    }

    pub fn redirect(location: &str) -> Page {
        Page {
            status: 302,
            headers: vec![("Location".into(), location.into())],
            body: Vec::new(),
            stall: None,
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Page {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request the site received.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
}

/// A running partner site; it stops with the test process.
pub struct PartnerSite {
    pub origin: String,
    pages: Arc<Mutex<HashMap<String, Page>>>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl PartnerSite {
    pub fn start() -> PartnerSite {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let pages: Arc<Mutex<HashMap<String, Page>>> = Arc::default();
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let (served, log) = (pages.clone(), received.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (pages, log) = (served.clone(), log.clone());
                std::thread::spawn(move || {
                    let path = read_request(&stream, &log);
                    let page = pages.lock().unwrap().get(&path).cloned().unwrap_or(Page {
                        status: 404,
                        headers: Vec::new(),
                        body: b"not found".to_vec(),
                        stall: None,
                    });
                    write_page(stream, &page);
                });
            }
        });
        PartnerSite {
            origin,
            pages,
            received,
        }
    }

    /// Every request received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Serves `page` at `path`; returns the page's full URL.
    pub fn serve(&self, path: &str, page: Page) -> String {
        self.pages.lock().unwrap().insert(path.to_owned(), page);
        format!("{}{path}", self.origin)
    }
}

/// Reads one request and logs it; its path.
fn read_request(stream: &std::net::TcpStream, log: &Mutex<Vec<Received>>) -> String {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap_or(0);
    let mut line = String::new();
    let mut length = 0usize;
    while reader.read_line(&mut line).unwrap_or(0) > 2 {
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
        line.clear();
    }
    let mut body = vec![0u8; length];
    let _ = reader.read_exact(&mut body);
    let mut words = request_line.split_whitespace();
    let method = words.next().unwrap_or("GET").to_owned();
    let path = words.next().unwrap_or("/").to_owned();
    log.lock().unwrap().push(Received {
        method,
        path: path.clone(),
        body,
    });
    path
}

/// Answers with `page`: the head, half the body, the stall if any, the rest.
fn write_page(mut out: std::net::TcpStream, page: &Page) {
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        page.status,
        page.body.len()
    );
    for (name, value) in &page.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = out.write_all(head.as_bytes());
    let (first, rest) = page.body.split_at(page.body.len() / 2);
    let _ = out.write_all(first);
    if let Some(stall) = page.stall {
        let _ = out.flush();
        std::thread::sleep(stall);
    }
    let _ = out.write_all(rest);
}
