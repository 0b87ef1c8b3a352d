//! Listening sockets for the `bind` addresses.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use ferrodis_commands::ServerState;
use socket2::{Domain, Socket, Type};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

use crate::connection;

/// One `bind` entry: an address, and whether failing to bind it is fatal
/// (a leading '-' makes it optional, as in Redis).
fn parse_bind(entry: &str) -> Option<(IpAddr, bool)> {
    let (addr, optional) = match entry.strip_prefix('-') {
        Some(rest) => (rest, true),
        None => (entry, false),
    };
    let ip = match addr {
        "*" => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        "::*" => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        a => a.parse().ok()?,
    };
    Some((ip, optional))
}

fn bind_one(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let domain = if addr.is_ipv6() {
        Domain::IPV6
    } else {
        Domain::IPV4
    };
    let sock = Socket::new(domain, Type::STREAM, None)?;
    if addr.is_ipv6() {
        // As Redis does: IPv6 sockets take only IPv6, so "* ::*" can bind
        // both families on one port.
        sock.set_only_v6(true)?;
    }
    sock.set_reuse_address(true)?;
    sock.bind(&addr.into())?;
    sock.listen(511)?;
    sock.set_nonblocking(true)?;
    TcpListener::from_std(sock.into())
}

/// Binds every `bind` address on `port`. Errors name the address, as the
/// start-up failure message must.
pub fn bind_all(bind: &[String], port: u16) -> Result<Vec<TcpListener>, String> {
    let mut out = Vec::new();
    for entry in bind {
        let Some((ip, optional)) = parse_bind(entry) else {
            return Err(format!("Invalid bind address '{entry}'"));
        };
        match bind_one(SocketAddr::new(ip, port)) {
            Ok(l) => out.push(l),
            Err(e) if optional => {
                tracing::debug!("skipping optional bind {entry}: {e}");
            }
            Err(e) => {
                return Err(format!(
                    "Failed listening on port {port} (tcp), aborting: {entry}: {e}"
                ));
            }
        }
    }
    if out.is_empty() {
        return Err(format!("Failed listening on port {port} (tcp), aborting."));
    }
    Ok(out)
}

/// Accepts connections forever, one task per client, on the workers.
pub async fn accept_loop(
    listener: TcpListener,
    srv: Arc<ServerState>,
    shutdown: tokio::sync::mpsc::UnboundedSender<crate::startup::ShutdownCall>,
    workers: Arc<crate::workers::Workers>,
) {
    loop {
        let (mut stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                // Typically EMFILE: back off briefly instead of spinning.
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        srv.stats
            .total_connections_received
            .fetch_add(1, Ordering::Relaxed);
        let maxclients = srv.config.read().maxclients;
        if srv.clients.len() as u64 >= maxclients {
            srv.stats
                .rejected_connections
                .fetch_add(1, Ordering::Relaxed);
            tokio::spawn(async move {
                let _ = stream
                    .write_all(b"-ERR max number of clients reached\r\n")
                    .await;
            });
            continue;
        }
        let (srv, shutdown) = (srv.clone(), shutdown.clone());
        workers.spawn(stream, move |s| connection::serve(s, peer, srv, shutdown));
    }
}
