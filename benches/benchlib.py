"""Shared pieces of the benchmark scripts in benches/ (standard library
only): free ports, RSS from /proc, RESP encoding, starting a server."""
import os
import socket
import subprocess
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def rss(pid):
    """Resident set size of a process in bytes."""
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE


def enc(*args):
    """One request as a RESP multibulk."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def read_lines(sock, n):
    """Reads until n one-line replies (+OK, :1, ...) arrived; fails on an
    error reply."""
    got = 0
    while got < n:
        data = sock.recv(1 << 20)
        if not data:
            raise RuntimeError("server closed the connection")
        if data[:1] == b"-" or b"\r\n-" in data:
            raise RuntimeError(f"error reply: {data[:200]!r}")
        got += data.count(b"\r\n")


def start(binary, workdir, extra=()):
    """Starts a server (ferrodis or redis-server, same command line) with
    persistence off on a free loopback port; returns (process, port, a
    connected socket that got PONG)."""
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", *extra]
    proc = subprocess.Popen(args, cwd=workdir, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(enc(b"PING"))
            if s.recv(64).startswith(b"+PONG"):
                return proc, port, s
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{binary} did not start")
