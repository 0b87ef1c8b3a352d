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
use ferrodis_commands::blocking::{write_timeout_reply, BlockRequest};
use ferrodis_commands::error::CommandError;
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
    // After a blocked command completes, requests already buffered behind
    // it are processed before reading again.
    let mut need_read = true;

    'conn: loop {
        if need_read {
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
        }
        need_read = true;

        let mut blocked = None;
        loop {
            limits.parse.authenticated = client.authenticated;
            match parser.parse(&mut buf, &limits.parse, &mut argv) {
                Ok(true) => {
                    execute(&srv, &mut client, &argv);
                    if let Some(req) = client.block.take() {
                        blocked = Some((std::mem::take(&mut argv), req));
                        break;
                    }
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
        if let Some((blocked_argv, req)) = blocked {
            let outcome = wait_blocked(
                &mut stream,
                &mut buf,
                &srv,
                &mut client,
                &wake,
                &blocked_argv,
                req,
            )
            .await;
            if !outcome || !flush(&mut stream, &mut client, &srv).await {
                break;
            }
            need_read = false;
        }
    }
    srv.stats
        .total_commands_processed
        .fetch_add(client.pending_commands, Ordering::Relaxed);
    srv.clients.unregister(shared.id);
}

/// Waits while the client is blocked: until its command can be served (it
/// is re-run on each wake-up), its timeout passes, CLIENT UNBLOCK, or the
/// client goes away. Bytes the client sends meanwhile are buffered, not
/// executed. Returns false if the connection must close.
async fn wait_blocked(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
    srv: &Arc<ServerState>,
    client: &mut Client,
    wake: &Notify,
    argv: &[bytes::Bytes],
    mut req: BlockRequest,
) -> bool {
    let db = client.db;
    let id = client.id();
    let deadline = req.timeout.map(|t| tokio::time::Instant::now() + t);
    srv.blocking.register(db, &req.keys, id);
    client.shared.blocked.store(true, Ordering::Release);
    // A push may have landed between the handler's check and registering:
    // look once more before sleeping.
    wake.notify_one();
    let mut keep = true;
    loop {
        tokio::select! {
            _ = wake.notified() => {
                if client.shared.killed.load(Ordering::Acquire) {
                    keep = false;
                    break;
                }
                match client.shared.unblock.swap(0, Ordering::AcqRel) {
                    1 => {
                        write_timeout_reply(&mut client.reply, req.on_timeout);
                        break;
                    }
                    2 => {
                        client.reply.error(&CommandError::Unblocked.to_string());
                        break;
                    }
                    _ => {}
                }
                // A key may be ready: run the command again.
                execute(srv, client, argv);
                match client.block.take() {
                    Some(again) => req.keys = again.keys,
                    None => break,
                }
            }
            _ = sleep_until(deadline) => {
                write_timeout_reply(&mut client.reply, req.on_timeout);
                break;
            }
            r = stream.read_buf(buf) => {
                if matches!(r, Ok(0) | Err(_)) {
                    keep = false;
                    break;
                }
            }
        }
    }
    client.shared.blocked.store(false, Ordering::Release);
    srv.blocking.unregister(db, &req.keys, id, &srv.clients);
    keep
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
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
