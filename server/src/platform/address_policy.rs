//! The one address policy of every server-side call: no private,
//! link-local or loopback address, unless whoever chose the URL is trusted
//! with one (an operator on the command line; a partner origin registered on
//! such a host). It is checked on the addresses a call actually connects to,
//! so a DNS answer cannot swap a public address for an internal one after a
//! URL was accepted.

use std::net::{IpAddr, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// Which addresses a call may connect to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Any: the URL came from the operator.
    Any,
    /// Public internet addresses only: the URL came from a portal user.
    PublicOnly,
}

/// An agent for `config` that connects only where `reach` allows; the flag
/// turns true when a call was refused for its addresses.
pub fn agent(config: ureq::config::Config, reach: Reach) -> (ureq::Agent, Arc<AtomicBool>) {
    let blocked = Arc::new(AtomicBool::new(false));
    let resolver = GuardedResolver {
        allow_private: reach == Reach::Any,
        blocked: blocked.clone(),
    };
    (
        ureq::Agent::with_parts(config, DefaultConnector::default(), resolver),
        blocked,
    )
}

/// Refuses a URL that a portal user may not set: not http(s), or on a host
/// that is, or resolves to, a private, link-local or loopback address.
pub fn check_public_url(url: &str) -> Result<(), String> {
    let uri: ureq::http::Uri = url.parse().map_err(|_| format!("{url} is not a URL"))?;
    let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
        return Err(format!("{url} is not an absolute http(s) URL"));
    };
    if scheme != "http" && scheme != "https" {
        return Err(format!("{url} is not an http(s) URL"));
    }
    let internal = || format!("{url} is on a private, link-local or loopback address, which the locker does not call");
    if host_is_private(host) {
        return Err(internal());
    }
    let port = uri.port_u16().unwrap_or(if scheme == "https" { 443 } else { 80 });
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    // A name that does not resolve now is accepted: the call-time check
    // still applies to whatever it resolves to later.
    if let Ok(addrs) = (bare, port).to_socket_addrs()
        && addrs.into_iter().any(|a| !is_public(a.ip()))
    {
        return Err(internal());
    }
    Ok(())
}

/// Whether a host (an IP literal or `localhost`) is private, link-local or
/// loopback.
pub fn host_is_private(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| !is_public(ip))
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                // Shared address space (carrier-grade NAT), 100.64.0.0/10.
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => !(v6.is_loopback() || v6.is_unspecified() || v6.is_unique_local() || v6.is_unicast_link_local()),
        },
    }
}

/// The default resolver, keeping only the addresses the call may use.
#[derive(Debug)]
struct GuardedResolver {
    allow_private: bool,
    blocked: Arc<AtomicBool>,
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let resolved = DefaultResolver::default().resolve(uri, config, timeout)?;
        let mut kept = self.empty();
        for addr in resolved.iter().filter(|a| self.allow_private || is_public(a.ip())) {
            kept.push(*addr);
        }
        if kept.is_empty() {
            self.blocked.store(true, Ordering::Relaxed);
            return Err(ureq::Error::HostNotFound);
        }
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_link_local_and_loopback_addresses_are_not_public() {
        for ip in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "164.100.1.1", "2001:4860::8888"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
        assert!(host_is_private("127.0.0.1"));
        assert!(host_is_private("localhost"));
        assert!(host_is_private("[::1]"));
        assert!(!host_is_private("partner.example"));
    }

    #[test]
    fn portal_urls_on_internal_addresses_are_refused() {
        for url in [
            "http://127.0.0.1:8080/pull",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/x",
            "http://localhost/x",
            "http://10.0.0.5/pulldoc",
            "ftp://8.8.8.8/x",
            "not a url",
        ] {
            assert!(check_public_url(url).is_err(), "{url}");
        }
        assert_eq!(check_public_url("https://8.8.8.8/repository/api/pulldoc/1/xml"), Ok(()));
    }
}
