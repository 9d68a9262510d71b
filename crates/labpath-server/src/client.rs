//! Who is on the other end of a request: the client's address, which the
//! audit log records and login throttling counts.
//!
//! It is the TCP peer's address, unless the peer is a proxy the operator
//! trusts (`labpath serve --trusted-proxy ADDR`, an address or a network,
//! as often as needed): then it is read from the `X-Forwarded-For` the
//! proxy wrote, from the right, skipping the trusted proxies, and the
//! first address that is not one of them is the client's. Whatever a
//! client wrote into the header itself stands to the left of that and is
//! never read. Without `--trusted-proxy` the header is ignored: anyone may
//! send one.
//!
//! `Forwarded` (RFC 7239) is not read: a proxy that sets only one of the
//! two headers passes the other through from the client unchanged, so
//! reading both would let a client choose its address. Every common proxy
//! (nginx, Caddy, HAProxy, Traefik) can write `X-Forwarded-For`.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed (none by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Reads `--trusted-proxy` values: each an IP address (`10.0.0.5`,
    /// `::1`) or a network (`10.0.0.0/8`, `fd00::/8`).
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut nets = Vec::new();
        for value in values {
            let text = value.trim();
            let net = match text.parse::<IpNet>() {
                Ok(net) => net.trunc(),
                Err(_) => text.parse::<IpAddr>().map(IpNet::from).map_err(|_| {
                    format!(
                        "`{value}` is not an IP address or network: give the proxy's address (10.0.0.5) or its network (10.0.0.0/8)"
                    )
                })?,
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is one of them.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the peer's, or, when the peer is trusted, the
    /// rightmost address of `X-Forwarded-For` that is not trusted (the
    /// leftmost one read when all are). An entry that is no address stops
    /// the reading at the last trusted hop: what lies left of it was not
    /// written by a trusted proxy. `None` without a peer.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let mut hop = peer?.to_canonical();
        if !self.contains(hop) {
            return Some(hop);
        }
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for entry in forwarded.into_iter().rev() {
            let Some(ip) = forwarded_ip(entry) else {
                break;
            };
            hop = ip;
            if !self.contains(ip) {
                break;
            }
        }
        Some(hop)
    }

    /// The client address of a request, as text (`unknown` when the
    /// server was not told its peer).
    pub fn client_of(&self, extensions: &Extensions, headers: &HeaderMap) -> String {
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        self.client(peer, headers)
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    }
}

/// An `X-Forwarded-For` entry's address: `203.0.113.7`, `2001:db8::1`,
/// and the forms some proxies write with a port (`203.0.113.7:4711`,
/// `[2001:db8::1]:4711`) or brackets (`[2001:db8::1]`).
fn forwarded_ip(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let ip = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|e| e.strip_suffix(']'))
                .and_then(|e| e.parse::<IpAddr>().ok())
        })?;
    Some(ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_header_is_read_only_from_a_trusted_proxy() {
        let proxy = TrustedProxies::parse(["10.0.0.5", "fd00::/8"]).unwrap();
        let none = TrustedProxies::default();
        let xff = headers(&["198.51.100.1, 203.0.113.7"]);
        // (trusted, peer, header, client)
        let cases = [
            (&none, "10.0.0.5", &xff, "10.0.0.5"),
            (&proxy, "192.0.2.1", &xff, "192.0.2.1"),
            (&proxy, "10.0.0.5", &xff, "203.0.113.7"),
            (&proxy, "fd00::9", &xff, "203.0.113.7"),
            (&proxy, "::ffff:10.0.0.5", &xff, "203.0.113.7"),
            (&proxy, "10.0.0.5", &headers(&[]), "10.0.0.5"),
            // A chain of trusted proxies is skipped from the right.
            (
                &proxy,
                "10.0.0.5",
                &headers(&["198.51.100.1, 203.0.113.7, fd00::2"]),
                "203.0.113.7",
            ),
            // Lines of the header are read in order.
            (
                &proxy,
                "10.0.0.5",
                &headers(&["198.51.100.1", "203.0.113.8"]),
                "203.0.113.8",
            ),
            // Every hop trusted: the leftmost.
            (
                &proxy,
                "10.0.0.5",
                &headers(&["fd00::3, fd00::2"]),
                "fd00::3",
            ),
            // Something that is no address stops at the last trusted hop.
            (
                &proxy,
                "10.0.0.5",
                &headers(&["203.0.113.7, unknown"]),
                "10.0.0.5",
            ),
            (
                &proxy,
                "10.0.0.5",
                &headers(&["203.0.113.7, fd00::2, x"]),
                "10.0.0.5",
            ),
            (
                &proxy,
                "10.0.0.5",
                &headers(&["203.0.113.7:4711"]),
                "203.0.113.7",
            ),
            (
                &proxy,
                "10.0.0.5",
                &headers(&["[2001:db8::1]:4711"]),
                "2001:db8::1",
            ),
            (
                &proxy,
                "10.0.0.5",
                &headers(&["[2001:db8::1]"]),
                "2001:db8::1",
            ),
        ];
        for (trusted, peer, h, client) in cases {
            assert_eq!(
                trusted.client(Some(ip(peer)), h),
                Some(ip(client)),
                "peer {peer}, {h:?}"
            );
        }
        assert_eq!(proxy.client(None, &xff), None);
    }

    #[test]
    fn a_trusted_proxy_is_an_address_or_a_network() {
        let t =
            TrustedProxies::parse(["10.0.0.0/8", " 192.0.2.1 ", "::1", "2001:db8::7/64"]).unwrap();
        for (addr, trusted) in [
            ("10.1.2.3", true),
            ("11.0.0.1", false),
            ("192.0.2.1", true),
            ("192.0.2.2", false),
            ("::1", true),
            ("2001:db8::ffff", true),
            ("2001:db8:0:1::1", false),
        ] {
            assert_eq!(t.contains(ip(addr)), trusted, "{addr}");
        }
        for bad in [
            "",
            "proxy.example",
            "10.0.0.0/33",
            "10.0.0.1:80",
            "10.0.0/8",
        ] {
            let e = TrustedProxies::parse([bad]).unwrap_err();
            assert!(
                e.contains(&format!("`{bad}` is not an IP address or network")),
                "{e}"
            );
        }
    }
}
