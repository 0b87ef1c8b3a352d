//! One task per client connection.
//!
//! The task reads into one buffer, parses every complete request already
//! there (pipelining), runs each to completion on this task (shards are
//! locked only inside the handler, never across an await), and writes the
//! replies of the whole batch with one write.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use ferrodis_commands::auth::auth_required;
use ferrodis_commands::blocking::{write_timeout_reply, BlockRequest};
use ferrodis_commands::error::CommandError;
use ferrodis_commands::pubsub;
use ferrodis_commands::{execute, After, Client, ClientShared, ServerState};
use ferrodis_config::table::OutputBufferLimit;
use ferrodis_protocol::{ParseLimits, RequestParser};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::signal::Signal;

/// Initial read buffer size (Redis's PROTO_IOBUF_LEN).
const READ_CHUNK: usize = ferrodis_commands::context::READ_BUFFER_BYTES;
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
    /// `client-output-buffer-limit` per class (normal, replica, pubsub).
    output: [OutputBufferLimit; 3],
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
            output: cfg.output_buffer_limits(),
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

/// The text protected mode answers a non-loopback client with.
const PROTECTED_MODE_DENIED: &[u8] = b"-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/// Whether protected mode refuses a client from `ip`: protected mode is
/// on, the default user needs no password, and the peer is not exactly
/// 127.0.0.1 or ::1 (Redis 7.0 treats other 127/8 addresses as remote;
/// `bind` does not matter).
pub fn protected_mode_refuses(protected_mode: bool, default_nopass: bool, ip: IpAddr) -> bool {
    if !protected_mode || !default_nopass {
        return false;
    }
    let local = match ip {
        IpAddr::V4(v4) => v4 == Ipv4Addr::LOCALHOST,
        IpAddr::V6(v6) => {
            v6 == Ipv6Addr::LOCALHOST || v6.to_ipv4_mapped() == Some(Ipv4Addr::LOCALHOST)
        }
    };
    !local
}

/// With no output limit configured for its class, a client that does not
/// read its replies stops being read from once this much output is
/// pending (TCP backpressure), so memory stays bounded.
const BACKPRESSURE: usize = 1 << 20;

/// Replies produced but not yet written to the socket. Redis keeps
/// executing a client's pipelined requests while its replies wait, and
/// disconnects it once the pending output crosses its class's
/// `client-output-buffer-limit`; this queue is what makes that possible
/// without blocking the task on a write.
#[derive(Default)]
struct Output {
    chunks: VecDeque<Bytes>,
    /// Bytes of the front chunk already written.
    front_written: usize,
    pending: usize,
    /// When the pending output first went over the soft limit.
    soft_since: Option<tokio::time::Instant>,
}

impl Output {
    /// Moves the reply buffer's contents to the queue.
    fn push(&mut self, client: &mut Client) {
        if !client.reply.is_empty() {
            let b = client.reply.take_bytes();
            self.pending += b.len();
            self.chunks.push_back(b);
        }
    }

    /// Queues the client's replies and writes what the socket takes
    /// without waiting. With nothing queued before, the replies are
    /// written straight from the reply buffer (no copy, no allocation).
    fn send(
        &mut self,
        client: &mut Client,
        stream: &TcpStream,
        srv: &ServerState,
    ) -> std::io::Result<()> {
        make_durable(srv, client);
        if self.pending > 0 || client.reply.is_empty() {
            self.push(client);
            return self.drain(stream, srv);
        }
        let len = client.reply.len();
        let mut off = 0;
        while off < len {
            match stream.try_write(&client.reply.as_slice()[off..]) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => off += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        srv.stats
            .net_output_bytes
            .fetch_add(off as u64, Ordering::Relaxed);
        if off == len {
            client.reply.clear();
        } else {
            let rest = client.reply.take_bytes().slice(off..);
            self.pending += rest.len();
            self.chunks.push_back(rest);
        }
        Ok(())
    }

    /// Writes what the socket takes without waiting.
    fn drain(&mut self, stream: &TcpStream, srv: &ServerState) -> std::io::Result<()> {
        while let Some(front) = self.chunks.front() {
            match stream.try_write(&front[self.front_written..]) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.front_written += n;
                    self.pending -= n;
                    srv.stats
                        .net_output_bytes
                        .fetch_add(n as u64, Ordering::Relaxed);
                    if self.front_written == front.len() {
                        self.chunks.pop_front();
                        self.front_written = 0;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Writes everything, waiting as needed; false if the socket failed.
    async fn flush_all(&mut self, stream: &mut TcpStream, srv: &ServerState) -> bool {
        while let Some(front) = self.chunks.pop_front() {
            let rest = &front[self.front_written..];
            if stream.write_all(rest).await.is_err() {
                return false;
            }
            srv.stats
                .net_output_bytes
                .fetch_add(rest.len() as u64, Ordering::Relaxed);
            self.pending -= rest.len();
            self.front_written = 0;
        }
        true
    }

    /// Redis's check: over the hard limit, or over the soft limit for
    /// longer than its seconds. `extra` is output not yet queued.
    fn over_limit(&mut self, lim: &OutputBufferLimit, extra: usize) -> bool {
        let used = (self.pending + extra) as u64;
        if lim.hard > 0 && used >= lim.hard {
            return true;
        }
        if lim.soft > 0 && used >= lim.soft {
            let now = tokio::time::Instant::now();
            match self.soft_since {
                None => self.soft_since = Some(now),
                Some(t) => return now.duration_since(t).as_secs() > lim.soft_seconds,
            }
        } else {
            self.soft_since = None;
        }
        false
    }

    /// When a soft-limit breach would turn into a disconnection.
    fn soft_deadline(&self, lim: &OutputBufferLimit) -> Option<tokio::time::Instant> {
        self.soft_since
            .map(|t| t + Duration::from_secs(lim.soft_seconds) + Duration::from_millis(1001))
    }

    /// Whether to stop reading requests until some output drains.
    fn backpressured(&self, lim: &OutputBufferLimit) -> bool {
        let cap = if lim.hard > 0 {
            lim.hard as usize
        } else {
            (lim.soft as usize).max(BACKPRESSURE)
        };
        self.pending >= cap
    }
}

/// Serves one client until it disconnects, is killed, or asks to close.
pub async fn serve(
    mut stream: TcpStream,
    peer: SocketAddr,
    srv: Arc<ServerState>,
    shutdown: mpsc::UnboundedSender<crate::startup::ShutdownCall>,
) {
    let (keepalive, protected_mode) = {
        let cfg = srv.config.read();
        (cfg.tcp_keepalive, cfg.protected_mode)
    };
    configure_socket(&stream, keepalive);
    if protected_mode_refuses(protected_mode, !auth_required(&srv), peer.ip()) {
        let _ = stream.write_all(PROTECTED_MODE_DENIED).await;
        return;
    }
    let wake = Arc::new(Signal::new());
    let waker = wake.clone();
    let shared = Arc::new(ClientShared::new(
        srv.clients.next_id(),
        fmt_addr(Some(peer)),
        fmt_addr(stream.local_addr().ok()),
        raw_fd(&stream),
        Box::new(move || waker.notify()),
    ));
    srv.clients.register(shared.clone());
    let mut client = Client::new(shared.clone());
    client.authenticated = !auth_required(&srv);

    let mut limits = Limits::load(&srv);
    let mut parser = RequestParser::new();
    let mut buf = BytesMut::with_capacity(READ_CHUNK);
    let mut argv = Vec::with_capacity(8);
    let mut out = Output::default();
    // After a blocked command completes, or once output backpressure
    // eases, requests already buffered are processed before reading again.
    let mut need_read = true;
    let mut input_waiting = false;

    'conn: loop {
        if need_read {
            let want = parser.pending_hint().clamp(READ_CHUNK, 1 << 20);
            if buf.capacity() - buf.len() < want / 2 {
                buf.reserve(want);
            }
            let class = limits.output[client_class(&client)];
            let can_read = !out.backpressured(&class);
            let soft_deadline = out.soft_deadline(&class);
            // Readiness is polled, not awaited through `readable()`: that
            // future links a waiter into the socket's list and clones the
            // waker on every wait, where polling keeps one waker per
            // direction (this task is the socket's only reader and writer).
            // In this order, without tokio's random start: input is what
            // usually wakes the task, and when it does the other branches
            // are not polled at all. None of them starves: a kill and
            // queued messages are also seen after every batch, and the
            // output is also drained after every batch.
            tokio::select! {
                biased;
                r = poll_fn(|cx| stream.poll_read_ready(cx)), if can_read => {
                    if r.is_err() { break 'conn; }
                    match read_some(&stream, &mut buf) {
                        Ok(0) => break 'conn,
                        Ok(n) => {
                            srv.stats
                                .net_input_bytes
                                .fetch_add(n as u64, Ordering::Relaxed);
                        }
                        Err(e) if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
                        ) => continue 'conn,
                        Err(_) => break 'conn,
                    }
                }
                r = poll_fn(|cx| stream.poll_write_ready(cx)), if out.pending > 0 => {
                    if r.is_err() || out.drain(&stream, &srv).is_err() {
                        break 'conn;
                    }
                    shared.omem.store(out.pending, Ordering::Relaxed);
                    if out.over_limit(&class, 0) {
                        output_limit_reached(&shared);
                        break 'conn;
                    }
                    if input_waiting && !out.backpressured(&class) {
                        input_waiting = false;
                        need_read = false;
                    }
                    continue 'conn;
                }
                _ = sleep_until(soft_deadline) => {
                    if out.over_limit(&class, 0) {
                        output_limit_reached(&shared);
                        break 'conn;
                    }
                    continue 'conn;
                }
                _ = wake.wait() => {
                    if shared.killed.load(Ordering::Acquire) { break 'conn; }
                    // Pub/Sub messages other connections queued.
                    if !deliver_messages(&mut client, &mut out, &stream, &srv, &class) {
                        break 'conn;
                    }
                    continue 'conn;
                }
                // Subscribers are never idle-timed out, as in Redis.
                _ = idle(limits.timeout.filter(|_| !client.subs.active())) => break 'conn,
            }
            limits.refresh(&srv);
            shared.touch();
        }
        need_read = true;
        // Killed (CLIENT KILL, ACL DELUSER) while input was arriving: the
        // select above may have taken the input first, but a killed client
        // runs no more commands, as in Redis. The kill may come from
        // another worker, whose wake-up can trail the client's next request.
        if shared.killed.load(Ordering::Acquire) {
            break 'conn;
        }

        let class = limits.output[client_class(&client)];
        let mut blocked = None;
        loop {
            limits.parse.authenticated = client.authenticated || !auth_required(&srv);
            match parser.parse(&mut buf, &limits.parse, &mut argv) {
                Ok(true) => {
                    // Messages that arrived before this command go first.
                    pubsub::absorb(&mut client);
                    execute(&srv, &mut client, &argv);
                    if class.hard > 0 && out.over_limit(&class, client.reply.len()) {
                        output_limit_reached(&shared);
                        break 'conn;
                    }
                    if let Some(mut req) = client.block.take() {
                        let own = std::mem::take(&mut argv);
                        blocked = Some((req.rerun_argv.take().unwrap_or(own), req));
                        break;
                    }
                    if client.after != After::Continue {
                        break;
                    }
                    if client.reply.len() >= REPLY_FLUSH {
                        if out.send(&mut client, &stream, &srv).is_err() {
                            break 'conn;
                        }
                        if out.over_limit(&class, 0) {
                            output_limit_reached(&shared);
                            break 'conn;
                        }
                        if out.backpressured(&class) {
                            input_waiting = true;
                            break;
                        }
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
        client.fold_counters(&srv);
        if shared.pubsub.overflowed() {
            output_limit_reached(&shared);
            break;
        }
        if !client.reply.is_empty() && crate::workers::shared_worker() {
            crate::workers::let_others_run().await;
        }
        pubsub::absorb(&mut client);
        if out.send(&mut client, &stream, &srv).is_err() {
            break;
        }
        shared.omem.store(out.pending, Ordering::Relaxed);
        if out.over_limit(&class, 0) {
            output_limit_reached(&shared);
            break;
        }
        match client.after.clone() {
            After::Continue => {}
            After::Close => {
                out.flush_all(&mut stream, &srv).await;
                break;
            }
            After::Shutdown(req) => {
                client.after = After::Continue;
                out.flush_all(&mut stream, &srv).await;
                let (failed, failure) = tokio::sync::oneshot::channel();
                let call = crate::startup::ShutdownCall {
                    req,
                    failed: Some(failed),
                };
                if shutdown.send(call).is_err() {
                    break;
                }
                // The server exits, or tells us its final save failed: the
                // client gets Redis's error and the server goes on.
                if failure.await.is_err() {
                    break;
                }
                let text = CommandError::ShutdownFailed.to_string();
                client.reply.error(&text);
                ferrodis_commands::stats::record_error(&srv, &text);
                if !flush(&mut stream, &mut client, &srv).await {
                    break;
                }
            }
            After::Replica(psync) => {
                if out.flush_all(&mut stream, &srv).await {
                    crate::replication::serve_replica(
                        stream,
                        srv.clone(),
                        &mut client,
                        wake.clone(),
                        psync,
                    )
                    .await;
                }
                break;
            }
        }
        if let Some((blocked_argv, req)) = blocked {
            if !out.flush_all(&mut stream, &srv).await {
                break;
            }
            shared.omem.store(0, Ordering::Relaxed);
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
    client.fold_counters(&srv);
    ferrodis_commands::dispatch::client_closed(&srv, &mut client);
    srv.clients.unregister(shared.id);
}

/// Reads what the socket has into `buf`. A read that leaves buffer space
/// unused has drained the socket, so its read readiness is cleared at
/// once: otherwise the next wait would return at once and a read would
/// return EAGAIN, one wasted system call per request when clients send one
/// request at a time (Redis reads once per readiness event too). Clearing
/// is safe: data that arrives meanwhile brings a new readiness event.
fn read_some(stream: &TcpStream, buf: &mut BytesMut) -> std::io::Result<usize> {
    let space = buf.capacity() - buf.len();
    let mut got = 0;
    let r = stream.try_io(tokio::io::Interest::READABLE, || {
        let n = stream.try_read_buf(buf)?;
        got = n;
        if n > 0 && n < space {
            Err(std::io::ErrorKind::WouldBlock.into())
        } else {
            Ok(n)
        }
    });
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && got > 0 => Ok(got),
        other => other,
    }
}

/// The `client-output-buffer-limit` class of a client: 0 normal, 1
/// replica, 2 pub/sub (a client with any subscription). Replicas do not
/// exist yet.
fn client_class(client: &Client) -> usize {
    if client.subs.active() {
        2
    } else {
        0
    }
}

/// Writes the Pub/Sub messages queued for an idle client and enforces its
/// output limit; false if the connection must close.
fn deliver_messages(
    client: &mut Client,
    out: &mut Output,
    stream: &TcpStream,
    srv: &ServerState,
    class: &OutputBufferLimit,
) -> bool {
    let shared = client.shared.clone();
    if shared.pubsub.overflowed() {
        output_limit_reached(&shared);
        return false;
    }
    if shared.pubsub.queued() == 0 {
        return true;
    }
    pubsub::absorb(client);
    if out.send(client, stream, srv).is_err() {
        return false;
    }
    shared.omem.store(out.pending, Ordering::Relaxed);
    if out.over_limit(class, 0) {
        output_limit_reached(&shared);
        return false;
    }
    true
}

fn output_limit_reached(shared: &ClientShared) {
    tracing::warn!(
        "Client id={} addr={} closed for overcoming of output buffer limits.",
        shared.id,
        shared.addr
    );
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
    wake: &Signal,
    argv: &[bytes::Bytes],
    mut req: BlockRequest,
) -> bool {
    let db = client.db;
    let id = client.id();
    let mut deadline = deadline_after(req.timeout);
    srv.blocking.register(db, &req.keys, id);
    client
        .shared
        .postponed
        .store(req.postponed, Ordering::Release);
    client.shared.blocked.store(true, Ordering::Release);
    // A push may have landed between the handler's check and registering:
    // look once more before sleeping.
    wake.notify();
    let mut keep = true;
    loop {
        tokio::select! {
            _ = wake.wait() => {
                if client.shared.killed.load(Ordering::Acquire) {
                    keep = false;
                    break;
                }
                // A RESP3 subscriber receives messages while blocked.
                if client.shared.pubsub.overflowed() {
                    output_limit_reached(&client.shared);
                    keep = false;
                    break;
                }
                if client.shared.pubsub.queued() > 0 {
                    pubsub::absorb(client);
                    if !flush(stream, client, srv).await {
                        keep = false;
                        break;
                    }
                }
                // CLIENT UNBLOCK does not release a command CLIENT PAUSE
                // holds: it is tried again, and held again (as in Redis).
                match client.shared.unblock.swap(0, Ordering::AcqRel) {
                    _ if req.postponed => {}
                    1 => {
                        timed_out(srv, client, argv, &req);
                        break;
                    }
                    2 => {
                        let text = CommandError::Unblocked.to_string();
                        client.reply.error(&text);
                        ferrodis_commands::stats::record_error(srv, &text);
                        ferrodis_commands::dispatch::record_unblocked(argv, true);
                        break;
                    }
                    _ => {}
                }
                // A client that has gone away must not be served: the
                // element it would take would be lost with the reply.
                if peer_closed(stream) {
                    keep = false;
                    break;
                }
                // A key may be ready (or a pause over): run the command
                // again.
                match run_again(srv, client, argv) {
                    None => break,
                    Some(again) if req.postponed || again.postponed => {
                        deadline = rewait(srv, client, wake, &mut req, again);
                    }
                    Some(again) => req.keys = again.keys,
                }
            }
            _ = sleep_until(deadline) => {
                if !req.postponed {
                    timed_out(srv, client, argv, &req);
                    break;
                }
                // The pause is over (or was extended: held again).
                match run_again(srv, client, argv) {
                    None => break,
                    Some(again) => deadline = rewait(srv, client, wake, &mut req, again),
                }
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
    client.shared.postponed.store(false, Ordering::Release);
    srv.blocking.unregister(db, &req.keys, id, &srv.clients);
    keep
}

/// Runs a blocked command again; its new request if it blocks again. It
/// was counted once when it first ran.
fn run_again(
    srv: &ServerState,
    client: &mut Client,
    argv: &[bytes::Bytes],
) -> Option<BlockRequest> {
    client.reprocessing = true;
    execute(srv, client, argv);
    client.reprocessing = false;
    client.pending_commands = client.pending_commands.saturating_sub(1);
    client.block.take()
}

/// Switches the wait to `again` when a command held by CLIENT PAUSE is
/// held again (a new end) or now blocks for real (its own keys and
/// timeout); returns the new deadline.
fn rewait(
    srv: &ServerState,
    client: &Client,
    wake: &Signal,
    req: &mut BlockRequest,
    again: BlockRequest,
) -> Option<tokio::time::Instant> {
    let (db, id) = (client.db, client.id());
    srv.blocking.unregister(db, &req.keys, id, &srv.clients);
    srv.blocking.register(db, &again.keys, id);
    client
        .shared
        .postponed
        .store(again.postponed, Ordering::Release);
    *req = again;
    // As when a wait starts: a push may have landed meanwhile. (Not for a
    // command held again: that would only run it again at once.)
    if !req.postponed {
        wake.notify();
    }
    deadline_after(req.timeout)
}

/// When a wait of `timeout` from now ends. A deadline past the clock's
/// range (a timeout near 2^63 ms) never comes: the client waits until
/// served, as in Redis.
fn deadline_after(timeout: Option<Duration>) -> Option<tokio::time::Instant> {
    timeout.and_then(|t| tokio::time::Instant::now().checked_add(t))
}

/// A blocked command's timeout: its fixed reply, or (WAIT) one more run
/// that may not block and replies itself.
fn timed_out(srv: &ServerState, client: &mut Client, argv: &[bytes::Bytes], req: &BlockRequest) {
    if req.on_timeout == ferrodis_commands::blocking::TimeoutReply::Rerun {
        client.no_block = true;
        client.reprocessing = true;
        execute(srv, client, argv);
        client.reprocessing = false;
        client.pending_commands = client.pending_commands.saturating_sub(1);
        client.no_block = false;
    } else {
        write_timeout_reply(&mut client.reply, req.on_timeout);
        ferrodis_commands::dispatch::record_unblocked(argv, false);
    }
}

/// Whether the peer has closed the connection (or it failed), checked
/// without waiting and without consuming input. This asks the socket
/// directly: tokio's cached readiness may not have seen the close yet.
fn peer_closed(stream: &TcpStream) -> bool {
    let mut probe = [std::mem::MaybeUninit::<u8>::uninit(); 1];
    match socket2::SockRef::from(stream).peek(&mut probe) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
        ),
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Writes out and clears the pending replies; false if the socket failed.
/// With `appendfsync always`, replies to writes leave only once the
/// writes are on disk: this thread fsyncs (for everyone waiting) if no one
/// else has yet.
fn make_durable(srv: &ServerState, client: &Client) {
    if ferrodis_commands::aof::must_sync(srv, client.prop_offset) {
        tokio::task::block_in_place(|| ferrodis_commands::aof::sync_to(srv, client.prop_offset));
    }
}

async fn flush(stream: &mut TcpStream, client: &mut Client, srv: &ServerState) -> bool {
    if client.reply.is_empty() {
        return true;
    }
    make_durable(srv, client);
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

#[cfg(test)]
mod tests {
    use super::protected_mode_refuses;

    #[test]
    fn protected_mode_decision() {
        let ip = |s: &str| s.parse().expect("ip");
        // Off, or a password set: everyone may connect.
        assert!(!protected_mode_refuses(false, true, ip("10.0.0.1")));
        assert!(!protected_mode_refuses(true, false, ip("10.0.0.1")));
        // On without a password: only 127.0.0.1 and ::1 are local.
        assert!(!protected_mode_refuses(true, true, ip("127.0.0.1")));
        assert!(!protected_mode_refuses(true, true, ip("::1")));
        assert!(!protected_mode_refuses(true, true, ip("::ffff:127.0.0.1")));
        assert!(protected_mode_refuses(true, true, ip("127.0.0.2")));
        assert!(protected_mode_refuses(true, true, ip("10.0.0.1")));
        assert!(protected_mode_refuses(true, true, ip("192.168.1.5")));
        assert!(protected_mode_refuses(true, true, ip("fe80::1")));
    }
}
