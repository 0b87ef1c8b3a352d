//! One task per client connection.
//!
//! The task reads into one buffer, parses every complete request already
//! there (pipelining), runs each to completion on this task (shards are
//! locked only inside the handler, never across an await), and writes the
//! replies of the whole batch with one write.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use ferrodis_commands::auth::auth_required;
use ferrodis_commands::{execute, After, Client, ClientShared, ServerState, ShutdownMode};
use ferrodis_protocol::{ParseLimits, RequestParser};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, Notify};

/// Initial read buffer size (Redis's PROTO_IOBUF_LEN).
const READ_CHUNK: usize = 16 * 1024;
/// Replies are written out mid-batch once they grow past this, so a long
/// pipeline does not accumulate its whole output in memory.
const REPLY_FLUSH: usize = 64 * 1024;

/// Config values a connection needs per read, refreshed only when CONFIG
/// SET bumps the epoch.
struct Limits {
    epoch: u64,
    parse: ParseLimits,
    query_buffer_limit: usize,
    timeout: Option<Duration>,
}

impl Limits {
    fn load(srv: &ServerState) -> Limits {
        let epoch = srv.config_epoch.load(Ordering::Acquire);
        let cfg = srv.config.read();
        Limits {
            epoch,
            parse: ParseLimits {
                max_bulk_len: cfg.proto_max_bulk_len,
                ..ParseLimits::default()
            },
            query_buffer_limit: cfg.client_query_buffer_limit as usize,
            timeout: (cfg.timeout > 0).then(|| Duration::from_secs(cfg.timeout)),
        }
    }

    fn refresh(&mut self, srv: &ServerState) {
        if srv.config_epoch.load(Ordering::Acquire) != self.epoch {
            *self = Limits::load(srv);
        }
    }
}

fn fmt_addr(a: Option<SocketAddr>) -> String {
    match a {
        Some(SocketAddr::V4(v4)) => format!("{}:{}", v4.ip(), v4.port()),
        Some(SocketAddr::V6(v6)) => format!("{}:{}", v6.ip(), v6.port()),
        None => "?:0".to_string(),
    }
}

fn configure_socket(stream: &TcpStream, keepalive_secs: u64) {
    let _ = stream.set_nodelay(true);
    if keepalive_secs > 0 {
        let ka = socket2::TcpKeepalive::new().with_time(Duration::from_secs(keepalive_secs));
        let _ = socket2::SockRef::from(stream).set_tcp_keepalive(&ka);
    }
}

#[cfg(unix)]
fn raw_fd(stream: &TcpStream) -> i64 {
    use std::os::fd::AsRawFd;
    stream.as_raw_fd() as i64
}

#[cfg(not(unix))]
fn raw_fd(_stream: &TcpStream) -> i64 {
    -1
}

/// Serves one client until it disconnects, is killed, or asks to close.
pub async fn serve(
    mut stream: TcpStream,
    peer: SocketAddr,
    srv: Arc<ServerState>,
    shutdown: mpsc::UnboundedSender<ShutdownMode>,
) {
    configure_socket(&stream, srv.config.read().tcp_keepalive);
    let wake = Arc::new(Notify::new());
    let waker = wake.clone();
    let shared = Arc::new(ClientShared::new(
        srv.clients.next_id(),
        fmt_addr(Some(peer)),
        fmt_addr(stream.local_addr().ok()),
        raw_fd(&stream),
        Box::new(move || waker.notify_one()),
    ));
    srv.clients.register(shared.clone());
    let mut client = Client::new(shared.clone());
    client.authenticated = !auth_required(&srv);

    let mut limits = Limits::load(&srv);
    let mut parser = RequestParser::new();
    let mut buf = BytesMut::with_capacity(READ_CHUNK);
    let mut argv = Vec::with_capacity(8);

    'conn: loop {
        let want = parser.pending_hint().clamp(READ_CHUNK, 1 << 20);
        if buf.capacity() - buf.len() < want / 2 {
            buf.reserve(want);
        }
        let read = stream.read_buf(&mut buf);
        let n = tokio::select! {
            r = read => r,
            _ = wake.notified() => {
                if shared.killed.load(Ordering::Acquire) { break 'conn; }
                continue 'conn;
            }
            _ = idle(limits.timeout) => break 'conn,
        };
        match n {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                srv.stats
                    .net_input_bytes
                    .fetch_add(n as u64, Ordering::Relaxed);
            }
        }
        limits.refresh(&srv);
        shared.touch();

        loop {
            limits.parse.authenticated = client.authenticated;
            match parser.parse(&mut buf, &limits.parse, &mut argv) {
                Ok(true) => {
                    execute(&srv, &mut client, &argv);
                    if client.after != After::Continue {
                        break;
                    }
                    if client.reply.len() >= REPLY_FLUSH
                        && !flush(&mut stream, &mut client, &srv).await
                    {
                        break 'conn;
                    }
                }
                Ok(false) => break,
                Err(e) => {
                    client.reply.protocol_error(&e);
                    client.after = After::Close;
                    break;
                }
            }
        }
        argv.clear();
        shared.qbuf.store(buf.len(), Ordering::Relaxed);
        if buf.len() > limits.query_buffer_limit {
            srv.stats
                .client_query_buffer_limit_disconnections
                .fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                "closing client that reached max query buffer length: id={}",
                shared.id
            );
            break;
        }
        srv.stats.total_commands_processed.fetch_add(
            std::mem::take(&mut client.pending_commands),
            Ordering::Relaxed,
        );
        if !flush(&mut stream, &mut client, &srv).await {
            break;
        }
        match client.after {
            After::Continue => {}
            After::Close => break,
            After::Shutdown(mode) => {
                let _ = shutdown.send(mode);
                break;
            }
        }
    }
    srv.stats
        .total_commands_processed
        .fetch_add(client.pending_commands, Ordering::Relaxed);
    srv.clients.unregister(shared.id);
}

/// Writes out and clears the pending replies; false if the socket failed.
async fn flush(stream: &mut TcpStream, client: &mut Client, srv: &ServerState) -> bool {
    if client.reply.is_empty() {
        return true;
    }
    let n = client.reply.len();
    let ok = stream.write_all(client.reply.as_slice()).await.is_ok();
    client.reply.clear();
    srv.stats
        .net_output_bytes
        .fetch_add(n as u64, Ordering::Relaxed);
    ok
}

/// Resolves after the idle timeout, or never when there is none.
async fn idle(timeout: Option<Duration>) {
    match timeout {
        Some(t) => tokio::time::sleep(t).await,
        None => std::future::pending().await,
    }
}
