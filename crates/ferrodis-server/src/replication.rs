//! The network side of replication.
//!
//! Primary side: a connection that sent PSYNC/SYNC becomes a replica being
//! fed: `+CONTINUE` and the missing part of the backlog, or `+FULLRESYNC`,
//! a snapshot (streamed straight over the socket with Redis's `$EOF:<mark>`
//! framing, or through a file with a length), then the stream from the
//! snapshot's offset on. REPLCONF ACKs from the replica are read meanwhile.
//!
//! Replica side: one task follows `ReplState`'s choice of primary:
//! connect, handshake (PING, AUTH, REPLCONF, PSYNC), load a full sync or
//! continue, then apply the stream as the primary's client, appending its
//! bytes verbatim to our own backlog, and ACK every second.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use ferrodis_commands::context::{KIND_MASTER, KIND_REPLICA};
use ferrodis_commands::repl::{
    self, LinkState, ReplicaInfo, REPLICA_ONLINE, REPLICA_SEND_BULK, REPLICA_WAIT_BGSAVE,
};
use ferrodis_commands::{execute, Client, ClientShared, ServerState};
use ferrodis_engine::clock::now_ms;
use ferrodis_protocol::{ParseLimits, RequestParser};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, Notify};

use crate::signal::Signal;

/// Bytes of backlog sent per write to a replica.
const FEED_CHUNK: usize = 64 * 1024;

fn random_mark() -> String {
    repl::new_replid()
}

/// Feeds a replica until it goes away. `psync` is PSYNC's (replication
/// ID, offset), or None for the old SYNC.
pub async fn serve_replica(
    mut stream: TcpStream,
    srv: Arc<ServerState>,
    client: &mut Client,
    wake: Arc<Signal>,
    psync: Option<(Bytes, i64)>,
) {
    let id = client.id();
    let shared = client.shared.clone();
    shared.kind.store(KIND_REPLICA, Ordering::Relaxed);
    let ip = client.repl_ip.clone().unwrap_or_else(|| {
        shared
            .addr
            .rsplit_once(':')
            .map(|(h, _)| h.trim_matches(|c| c == '[' || c == ']').to_string())
            .unwrap_or_default()
    });
    let waker = wake.clone();
    let info = Arc::new(ReplicaInfo {
        client_id: id,
        ip,
        port: (client.repl_port as u32).into(),
        state: REPLICA_WAIT_BGSAVE.into(),
        ack: 0.into(),
        ack_ms: now_ms().into(),
        waker: Box::new(move || waker.notify()),
    });
    let (size, hard) = {
        let c = srv.config.read();
        (c.repl_backlog_size as usize, repl::replica_hard_limit(&srv))
    };
    srv.propagator.ensure_backlog(size, hard);
    srv.repl.add_replica(info.clone());
    match start(&mut stream, &srv, client, &info, psync).await {
        Ok((from, wait_ack)) => {
            if !wait_ack {
                info.state.store(REPLICA_ONLINE, Ordering::Release);
            }
            tracing::info!(
                "Synchronization with replica {}:{} succeeded",
                info.ip,
                info.port.load(Ordering::Relaxed)
            );
            feed(&mut stream, &srv, &shared, &info, &wake, from, wait_ack).await;
        }
        Err(e) => tracing::warn!("Replica sync failed: {e}"),
    }
    srv.repl.remove_replica(id);
    srv.propagator.forget_replica(id);
}

/// Answers PSYNC/SYNC: the offset to stream from once the replica has what
/// it needs (the backlog's continuation, or a snapshot), and whether to
/// wait for its first ACK before streaming (after an `$EOF:` transfer the
/// replica can only tell where the snapshot ends if nothing follows it).
async fn start(
    stream: &mut TcpStream,
    srv: &Arc<ServerState>,
    client: &Client,
    info: &ReplicaInfo,
    psync: Option<(Bytes, i64)>,
) -> Result<(u64, bool), String> {
    if let Some((replid, offset)) = &psync {
        if let Some(from) = repl::partial_from(srv, replid, *offset) {
            let line = if client.repl_capa_psync2 {
                format!("+CONTINUE {}\r\n", srv.repl.ids.lock().replid)
            } else {
                "+CONTINUE\r\n".to_string()
            };
            stream
                .write_all(line.as_bytes())
                .await
                .map_err(|e| e.to_string())?;
            srv.repl.sync_partial_ok.fetch_add(1, Ordering::Relaxed);
            tracing::info!("Partial resynchronization request from replica accepted, sending {} bytes of backlog", srv.propagator.repl_offset.load(Ordering::Acquire) + 1 - from);
            return Ok((from, false));
        }
        if replid.as_ref() != b"?" {
            srv.repl.sync_partial_err.fetch_add(1, Ordering::Relaxed);
        }
    }
    full_sync(stream, srv, client, info, psync.is_some()).await
}

/// A `Write` that hands chunks to the async side.
struct ChannelWriter {
    tx: mpsc::Sender<Vec<u8>>,
    buf: Vec<u8>,
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= FEED_CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = std::mem::take(&mut self.buf);
            self.tx
                .blocking_send(chunk)
                .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
        }
        Ok(())
    }
}

async fn full_sync(
    stream: &mut TcpStream,
    srv: &Arc<ServerState>,
    client: &Client,
    info: &ReplicaInfo,
    psync: bool,
) -> Result<(u64, bool), String> {
    let (diskless, delay) = {
        let c = srv.config.read();
        (
            c.repl_diskless_sync && client.repl_capa_eof,
            c.repl_diskless_sync_delay,
        )
    };
    if diskless && delay > 0 {
        tokio::time::sleep(Duration::from_secs(delay as u64)).await;
    }
    // One snapshot at a time (a BGSAVE or an AOF rewrite may be running).
    let offset = loop {
        if let Some(off) = repl::begin_full_sync(srv, info.client_id) {
            break off;
        }
        // Keep the link alive while waiting, as Redis does.
        stream.write_all(b"\n").await.map_err(|e| e.to_string())?;
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    srv.repl.sync_full.fetch_add(1, Ordering::Relaxed);
    let replid = srv.repl.ids.lock().replid.clone();
    tracing::info!(
        "Starting BGSAVE for SYNC with target: {}",
        if diskless { "replicas sockets" } else { "disk" }
    );
    let result = send_snapshot(stream, srv, info, psync, diskless, &replid, offset).await;
    srv.persist.end_job();
    if result.is_err() {
        srv.keyspace.snapshot_abort();
    }
    result.map(|_| (offset + 1, diskless))
}

async fn send_snapshot(
    stream: &mut TcpStream,
    srv: &Arc<ServerState>,
    info: &ReplicaInfo,
    psync: bool,
    diskless: bool,
    replid: &str,
    offset: u64,
) -> Result<(), String> {
    let io = |e: std::io::Error| e.to_string();
    if psync {
        stream
            .write_all(format!("+FULLRESYNC {replid} {offset}\r\n").as_bytes())
            .await
            .map_err(io)?;
    }
    info.state.store(REPLICA_SEND_BULK, Ordering::Release);
    let mut aux = ferrodis_commands::persistence::aux(srv);
    aux.repl_id = Some(replid.to_string());
    aux.repl_offset = Some(offset as i64);
    let mut opts = ferrodis_commands::persistence::save_options(srv);
    opts.cancel = None;
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(16);
    let srv2 = srv.clone();
    let writer = tokio::task::spawn_blocking(move || {
        let w = ChannelWriter {
            tx,
            buf: Vec::with_capacity(FEED_CHUNK),
        };
        ferrodis_persist::save::write_snapshot(&srv2.keyspace, w, &aux, &opts)
            .and_then(|(mut w, _)| {
                use std::io::Write;
                w.flush()?;
                Ok(())
            })
            .map_err(|e| e.to_string())
    });
    if diskless {
        let mark = random_mark();
        stream
            .write_all(format!("$EOF:{mark}\r\n").as_bytes())
            .await
            .map_err(io)?;
        while let Some(chunk) = rx.recv().await {
            stream.write_all(&chunk).await.map_err(io)?;
        }
        writer.await.map_err(|e| e.to_string())??;
        stream.write_all(mark.as_bytes()).await.map_err(io)?;
    } else {
        // Through memory standing in for the file: the length goes first.
        let mut all = Vec::new();
        while let Some(chunk) = rx.recv().await {
            all.extend_from_slice(&chunk);
        }
        writer.await.map_err(|e| e.to_string())??;
        stream
            .write_all(format!("${}\r\n", all.len()).as_bytes())
            .await
            .map_err(io)?;
        stream.write_all(&all).await.map_err(io)?;
    }
    Ok(())
}

/// Streams the backlog to an online replica and reads its ACKs.
async fn feed(
    stream: &mut TcpStream,
    srv: &Arc<ServerState>,
    shared: &ClientShared,
    info: &ReplicaInfo,
    wake: &Signal,
    mut next: u64,
    mut wait_ack: bool,
) {
    let mut parser = RequestParser::new();
    let limits = ParseLimits::default();
    let mut inbuf = BytesMut::with_capacity(1024);
    let mut argv = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    // The timeout counts from the end of the initial sync.
    info.ack_ms.store(now_ms(), Ordering::Relaxed);
    // Bytes taken from the backlog and not yet written: written as the
    // socket allows, so a replica that stops reading never blocks this
    // task from noticing it fell out of the backlog.
    let mut pending: Vec<u8> = Vec::new();
    let mut written = 0usize;
    loop {
        if shared.killed.load(Ordering::Acquire) {
            return;
        }
        if written == pending.len() && !wait_ack {
            // Let the connections that woke us finish their batches first,
            // so one write carries many commands (as Redis writes to its
            // replicas once per event-loop turn) instead of one each.
            tokio::task::yield_now().await;
            match srv
                .propagator
                .read_backlog(info.client_id, next, FEED_CHUNK)
            {
                None => {
                    tracing::warn!(
                        "Client id={} addr={} closed for overcoming of output buffer limits.",
                        shared.id,
                        shared.addr
                    );
                    return;
                }
                Some(bytes) => {
                    next += bytes.len() as u64;
                    pending = bytes;
                    written = 0;
                }
            }
        }
        let has_output = written < pending.len();
        tokio::select! {
            r = stream.writable(), if has_output => {
                if r.is_err() {
                    return;
                }
                match stream.try_write(&pending[written..]) {
                    Ok(n) => {
                        written += n;
                        srv.stats.net_output_bytes.fetch_add(n as u64, Ordering::Relaxed);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(_) => return,
                }
            }
            _ = wake.wait() => {
                if srv.propagator.replica_lost(info.client_id) {
                    tracing::warn!(
                        "Client id={} addr={} closed for overcoming of output buffer limits.",
                        shared.id,
                        shared.addr
                    );
                    return;
                }
            }
            r = stream.readable() => {
                if r.is_err() {
                    return;
                }
                match stream.try_read_buf(&mut inbuf) {
                    Ok(0) => return,
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                    Err(_) => return,
                }
                while let Ok(true) = parser.parse(&mut inbuf, &limits, &mut argv) {
                    if argv.len() >= 3
                        && argv[0].eq_ignore_ascii_case(b"REPLCONF")
                        && argv[1].eq_ignore_ascii_case(b"ACK")
                    {
                        if let Some(off) = std::str::from_utf8(&argv[2]).ok().and_then(|s| s.parse::<u64>().ok()) {
                            srv.repl.acked(info, off);
                        }
                        if wait_ack {
                            wait_ack = false;
                            info.state.store(REPLICA_ONLINE, Ordering::Release);
                        }
                    }
                    argv.clear();
                }
            }
            _ = tick.tick() => {
                let timeout = srv.config.read().repl_timeout.max(1) as u64;
                if now_ms().saturating_sub(info.ack_ms.load(Ordering::Relaxed)) > timeout * 1000 {
                    tracing::warn!("Disconnecting timedout replica: {}:{}", info.ip, info.port.load(Ordering::Relaxed));
                    return;
                }
            }
        }
    }
}

// ------------------------------------------------------------ replica side

/// Starts the task that keeps this node following its primary, if any.
pub fn spawn_link(srv: &Arc<ServerState>) {
    let changed = Arc::new(Notify::new());
    let c2 = changed.clone();
    let _ = srv
        .repl
        .on_link_change
        .set(Box::new(move || c2.notify_one()));
    let srv = srv.clone();
    tokio::spawn(async move {
        loop {
            let (epoch, target) = srv.repl.target();
            let Some((host, port)) = target else {
                changed.notified().await;
                continue;
            };
            tokio::select! {
                r = link(&srv, &host, port, epoch) => {
                    if let Err(e) = r {
                        tracing::warn!("Replication link with {host}:{port}: {e}");
                    }
                    srv.repl.set_link_state(epoch, LinkState::Connect);
                    // Retry after a second, unless the primary changes.
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = changed.notified() => {}
                    }
                }
                _ = changed.notified() => {
                    srv.repl.set_link_state(epoch, LinkState::Connect);
                }
            }
        }
    });
}

/// Reads one line (without CRLF) from the primary, skipping the empty
/// keepalive lines it may send while preparing a snapshot.
async fn read_line(
    s: &mut TcpStream,
    buf: &mut BytesMut,
    srv: &ServerState,
) -> Result<String, String> {
    loop {
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            let line = buf.split_to(i + 1);
            let text = String::from_utf8_lossy(&line).trim_end().to_string();
            if text.is_empty() {
                srv.repl.touch_link();
                continue;
            }
            return Ok(text);
        }
        let timeout = Duration::from_secs(srv.config.read().repl_timeout.max(1) as u64);
        match tokio::time::timeout(timeout, s.read_buf(buf)).await {
            Ok(Ok(0)) => return Err("connection closed by the primary".into()),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(e.to_string()),
            Err(_) => return Err("timeout talking to the primary".into()),
        }
    }
}

async fn send(s: &mut TcpStream, args: &[&[u8]]) -> Result<(), String> {
    let mut out = Vec::new();
    ferrodis_commands::propagate::encode(
        &mut out,
        &args
            .iter()
            .map(|a| Bytes::copy_from_slice(a))
            .collect::<Vec<_>>(),
    );
    s.write_all(&out).await.map_err(|e| e.to_string())
}

async fn command(
    s: &mut TcpStream,
    buf: &mut BytesMut,
    srv: &ServerState,
    args: &[&[u8]],
) -> Result<String, String> {
    send(s, args).await?;
    read_line(s, buf, srv).await
}

/// Reads exactly `n` more bytes after what `buf` holds.
async fn read_exact_into(
    s: &mut TcpStream,
    buf: &mut BytesMut,
    n: usize,
    srv: &ServerState,
) -> Result<(), String> {
    let timeout = Duration::from_secs(srv.config.read().repl_timeout.max(1) as u64);
    while buf.len() < n {
        match tokio::time::timeout(timeout, s.read_buf(buf)).await {
            Ok(Ok(0)) => return Err("connection closed during the transfer".into()),
            Ok(Ok(_)) => srv.repl.touch_link(),
            Ok(Err(e)) => return Err(e.to_string()),
            Err(_) => return Err("timeout receiving the snapshot".into()),
        }
    }
    Ok(())
}

/// Receives the snapshot payload after +FULLRESYNC.
async fn receive_rdb(
    s: &mut TcpStream,
    buf: &mut BytesMut,
    srv: &ServerState,
) -> Result<Vec<u8>, String> {
    let head = read_line(s, buf, srv).await?;
    let Some(spec) = head.strip_prefix('$') else {
        return Err(format!("bad protocol from the primary: {head}"));
    };
    if let Some(mark) = spec.strip_prefix("EOF:") {
        let mark = mark.as_bytes().to_vec();
        let timeout = Duration::from_secs(srv.config.read().repl_timeout.max(1) as u64);
        loop {
            if buf.len() >= mark.len() && buf.ends_with(&mark) {
                let n = buf.len() - mark.len();
                let rdb = buf.split_to(n).to_vec();
                buf.clear();
                return Ok(rdb);
            }
            match tokio::time::timeout(timeout, s.read_buf(buf)).await {
                Ok(Ok(0)) => return Err("connection closed during the transfer".into()),
                Ok(Ok(_)) => srv.repl.touch_link(),
                Ok(Err(e)) => return Err(e.to_string()),
                Err(_) => return Err("timeout receiving the snapshot".into()),
            }
        }
    }
    let n: usize = spec
        .parse()
        .map_err(|_| format!("bad bulk length: {head}"))?;
    read_exact_into(s, buf, n, srv).await?;
    Ok(buf.split_to(n).to_vec())
}

/// One life of the link to the primary; returns when it breaks or the
/// primary changes (`epoch`).
async fn link(srv: &Arc<ServerState>, host: &str, port: u16, epoch: u64) -> Result<(), String> {
    srv.repl.set_link_state(epoch, LinkState::Connecting);
    let timeout = Duration::from_secs(srv.config.read().repl_timeout.max(1) as u64);
    let mut s = tokio::time::timeout(timeout, TcpStream::connect((host, port)))
        .await
        .map_err(|_| "timeout connecting to the primary".to_string())?
        .map_err(|e| format!("Error condition on socket for SYNC: {e}"))?;
    let _ = s.set_nodelay(true);
    srv.repl.set_link_state(epoch, LinkState::Handshake);
    let mut buf = BytesMut::with_capacity(64 * 1024);
    let pong = command(&mut s, &mut buf, srv, &[b"PING"]).await?;
    if pong.starts_with('-')
        && !pong.starts_with("-NOAUTH")
        && !pong.starts_with("-NOPERM")
        && !pong.starts_with("-ERR operation not permitted")
    {
        return Err(format!("Error reply to PING from master: '{pong}'"));
    }
    let (user, pass, my_port) = {
        let c = srv.config.read();
        (c.masteruser.clone(), c.masterauth.clone(), c.port)
    };
    if !pass.is_empty() {
        let r = if user.is_empty() {
            command(&mut s, &mut buf, srv, &[b"AUTH", pass.as_bytes()]).await?
        } else {
            command(
                &mut s,
                &mut buf,
                srv,
                &[b"AUTH", user.as_bytes(), pass.as_bytes()],
            )
            .await?
        };
        if r.starts_with('-') {
            return Err(format!("Unable to AUTH to MASTER: {r}"));
        }
    }
    let _ = command(
        &mut s,
        &mut buf,
        srv,
        &[
            b"REPLCONF",
            b"listening-port",
            my_port.to_string().as_bytes(),
        ],
    )
    .await?;
    let _ = command(
        &mut s,
        &mut buf,
        srv,
        &[b"REPLCONF", b"capa", b"eof", b"capa", b"psync2"],
    )
    .await?;
    let my_offset = srv.propagator.repl_offset.load(Ordering::Acquire);
    let my_id = srv.repl.ids.lock().replid.clone();
    let reply = if my_offset > 0 {
        let next = (my_offset + 1).to_string();
        command(
            &mut s,
            &mut buf,
            srv,
            &[b"PSYNC", my_id.as_bytes(), next.as_bytes()],
        )
        .await?
    } else {
        command(&mut s, &mut buf, srv, &[b"PSYNC", b"?", b"-1"]).await?
    };
    if let Some(rest) = reply.strip_prefix("+FULLRESYNC ") {
        let mut it = rest.split_whitespace();
        let (Some(replid), Some(off)) = (it.next(), it.next().and_then(|o| o.parse::<u64>().ok()))
        else {
            return Err(format!("bad FULLRESYNC reply: {reply}"));
        };
        srv.repl.set_link_state(epoch, LinkState::Sync);
        tracing::info!("Full resync from master: {replid}:{off}");
        let rdb = receive_rdb(&mut s, &mut buf, srv).await?;
        if srv.repl.link_epoch.load(Ordering::Acquire) != epoch {
            return Ok(());
        }
        let srv2 = srv.clone();
        let loaded = tokio::task::spawn_blocking(move || {
            srv2.persist.loading.store(true, Ordering::Release);
            drop(srv2.keyspace.take_all());
            let r = ferrodis_commands::persistence::load_bytes(&srv2, &rdb);
            srv2.persist.loading.store(false, Ordering::Release);
            r
        })
        .await
        .map_err(|e| e.to_string())?;
        loaded.map_err(|e| {
            format!("Failed trying to load the MASTER synchronization DB from socket: {e}")
        })?;
        *srv.repl.ids.lock() = repl::Ids::new(replid.to_string());
        let size = srv.config.read().repl_backlog_size as usize;
        srv.propagator
            .ensure_backlog(size, repl::replica_hard_limit(srv));
        srv.propagator.reset_offset(off);
        tracing::info!("MASTER <-> REPLICA sync: Finished with success");
    } else if let Some(rest) = reply.strip_prefix("+CONTINUE") {
        let new_id = rest.trim();
        if !new_id.is_empty() && new_id != my_id {
            let mut ids = srv.repl.ids.lock();
            ids.replid2 = std::mem::replace(&mut ids.replid, new_id.to_string());
            ids.second_offset = my_offset as i64 + 1;
        }
        let size = srv.config.read().repl_backlog_size as usize;
        srv.propagator
            .ensure_backlog(size, repl::replica_hard_limit(srv));
        tracing::info!("Successful partial resynchronization with master.");
    } else {
        return Err(format!("Unexpected reply to PSYNC from master: {reply}"));
    }
    srv.repl.set_link_state(epoch, LinkState::Connected);
    srv.repl.touch_link();
    apply_stream(srv, &mut s, buf, epoch).await
}

/// Applies the primary's stream: each command runs as the primary's
/// client and its bytes join our backlog, so our offset is the primary's.
async fn apply_stream(
    srv: &Arc<ServerState>,
    s: &mut TcpStream,
    mut buf: BytesMut,
    epoch: u64,
) -> Result<(), String> {
    let shared = Arc::new(ClientShared::new(
        srv.clients.next_id(),
        s.peer_addr().map(|a| a.to_string()).unwrap_or_default(),
        s.local_addr().map(|a| a.to_string()).unwrap_or_default(),
        -1,
        Box::new(|| {}),
    ));
    shared.kind.store(KIND_MASTER, Ordering::Relaxed);
    srv.clients.register(shared.clone());
    let mut client = Client::new(shared.clone());
    client.internal = true;
    client.is_master = true;
    client.no_block = true;
    client.db = srv.repl.stream_db.load(Ordering::Acquire);
    let result = apply_loop(srv, s, &mut buf, &mut client, epoch).await;
    ferrodis_commands::dispatch::client_closed(srv, &mut client);
    srv.clients.unregister(shared.id);
    result
}

async fn apply_loop(
    srv: &Arc<ServerState>,
    s: &mut TcpStream,
    buf: &mut BytesMut,
    client: &mut Client,
    epoch: u64,
) -> Result<(), String> {
    let mut parser = RequestParser::new();
    let limits = ParseLimits {
        max_bulk_len: u64::MAX / 2,
        authenticated: true,
        ..ParseLimits::default()
    };
    let mut argv = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        if srv.repl.link_epoch.load(Ordering::Acquire) != epoch {
            return Ok(());
        }
        if client.shared.killed.load(Ordering::Acquire) {
            return Err("link killed".into());
        }
        // Apply everything complete in the buffer.
        let mut raw = Vec::new();
        loop {
            let before = buf.len();
            match parser.parse(buf, &limits, &mut argv) {
                Ok(true) => {
                    // The primary writes canonical multibulk, so encoding
                    // the arguments again gives back its exact bytes.
                    let used = before - buf.len();
                    raw.clear();
                    ferrodis_commands::propagate::encode(&mut raw, &argv);
                    if raw.len() != used {
                        tracing::warn!(
                            "non-canonical command in the replication stream; offsets may drift"
                        );
                    }
                    let bytes = &raw[..];
                    if argv.len() >= 2
                        && argv[0].eq_ignore_ascii_case(b"REPLCONF")
                        && argv[1].eq_ignore_ascii_case(b"GETACK")
                    {
                        let off = srv
                            .propagator
                            .repl_offset
                            .load(Ordering::Acquire)
                            .to_string();
                        send(s, &[b"REPLCONF", b"ACK", off.as_bytes()]).await?;
                        srv.propagator.feed_raw(bytes);
                    } else {
                        let _apply = srv.repl.apply.lock();
                        if !argv[0].eq_ignore_ascii_case(b"PING") {
                            ferrodis_engine::shard::as_master(|| execute(srv, client, &argv));
                            client.reply.clear();
                        }
                        srv.propagator.feed_raw(bytes);
                        srv.repl.stream_db.store(client.db, Ordering::Relaxed);
                    }
                    argv.clear();
                }
                Ok(false) => break,
                Err(e) => return Err(format!("protocol error from the primary: {e}")),
            }
        }
        client.fold_counters(srv);
        let timeout = srv.config.read().repl_timeout.max(1) as u64;
        tokio::select! {
            r = s.read_buf(buf) => {
                match r {
                    Ok(0) => return Err("connection lost".into()),
                    Ok(_) => srv.repl.touch_link(),
                    Err(e) => return Err(e.to_string()),
                }
            }
            _ = tick.tick() => {
                let off = srv.propagator.repl_offset.load(Ordering::Acquire).to_string();
                send(s, &[b"REPLCONF", b"ACK", off.as_bytes()]).await?;
                let last = srv.repl.master.lock().as_ref().map_or(0, |m| m.last_io_ms);
                if now_ms().saturating_sub(last) > timeout * 1000 {
                    return Err("MASTER timeout: no data nor PING received".into());
                }
            }
        }
    }
}
