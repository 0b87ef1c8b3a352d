//! Running under a supervisor, as redis-server does: `daemonize`, the
//! `pidfile`, and readiness/stopping notifications for systemd (the
//! sd_notify datagram protocol on `$NOTIFY_SOCKET`, no libsystemd needed)
//! or upstart (the process stops itself with SIGSTOP once ready).

use std::path::PathBuf;

use ferrodis_config::Config;

/// Who supervises this process, as `supervised` and the environment say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Supervisor {
    None,
    Systemd,
    Upstart,
}

impl Supervisor {
    /// `supervised` (no/upstart/systemd/auto) checked against the
    /// environment: a supervisor whose variable is missing is not there.
    pub fn detect(config: &Config) -> Supervisor {
        let systemd = std::env::var_os("NOTIFY_SOCKET").is_some();
        let upstart = std::env::var_os("UPSTART_JOB").is_some();
        match config.supervised {
            1 if upstart => Supervisor::Upstart,
            2 if systemd => Supervisor::Systemd,
            3 if systemd => Supervisor::Systemd,
            3 if upstart => Supervisor::Upstart,
            1 | 2 => {
                tracing::warn!(
                    "supervised is set but the supervisor's environment variable is missing: running unsupervised"
                );
                Supervisor::None
            }
            _ => Supervisor::None,
        }
    }

    /// INFO's `process_supervised`.
    pub fn name(self) -> &'static str {
        match self {
            Supervisor::None => "no",
            Supervisor::Systemd => "systemd",
            Supervisor::Upstart => "upstart",
        }
    }

    /// The server is ready to accept connections.
    pub fn ready(self) {
        match self {
            Supervisor::Systemd => {
                sd_notify("STATUS=Ready to accept connections\nREADY=1\n");
            }
            Supervisor::Upstart => {
                #[cfg(unix)]
                // SAFETY: raising a signal on ourselves has no memory effects.
                unsafe {
                    libc::raise(libc::SIGSTOP);
                }
            }
            Supervisor::None => {}
        }
    }

    /// Shutdown has begun.
    pub fn stopping(self) {
        if self == Supervisor::Systemd {
            sd_notify("STOPPING=1\n");
        }
    }
}

/// Sends one sd_notify datagram to `$NOTIFY_SOCKET` (a path, or an
/// abstract name when it starts with '@'). Failures are logged only: the
/// server runs either way.
#[cfg(target_os = "linux")]
fn sd_notify(state: &str) {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixDatagram};
    let Some(target) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let target = target.to_string_lossy().into_owned();
    let addr = match target.strip_prefix('@') {
        Some(name) => SocketAddr::from_abstract_name(name.as_bytes()),
        None => SocketAddr::from_pathname(&target),
    };
    let sent = addr.and_then(|addr| {
        let sock = UnixDatagram::unbound()?;
        sock.send_to_addr(state.as_bytes(), &addr)
    });
    if let Err(e) = sent {
        tracing::warn!("sd_notify to {target} failed: {e}");
    }
}

#[cfg(not(target_os = "linux"))]
fn sd_notify(_state: &str) {}

/// Detaches from the terminal: the parent exits, the child starts a new
/// session and its standard streams go to /dev/null (logs to stdout are
/// lost, as with redis-server; set `logfile`). Must run before any thread
/// is started.
#[cfg(unix)]
pub fn daemonize() -> std::io::Result<()> {
    // SAFETY: called from main before the runtime or any other thread
    // exists, so the child is a complete copy of a single-threaded process.
    unsafe {
        match libc::fork() {
            -1 => return Err(std::io::Error::last_os_error()),
            0 => {}
            _ => libc::_exit(0),
        }
        libc::setsid();
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if null >= 0 {
            for fd in 0..3 {
                libc::dup2(null, fd);
            }
            if null > 2 {
                libc::close(null);
            }
        }
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn daemonize() -> std::io::Result<()> {
    Ok(())
}

/// Where the pid goes: `pidfile`, or Redis's rule of a default path when
/// daemonized without one.
pub fn pidfile_path(config: &Config, daemonized: bool) -> Option<PathBuf> {
    if !config.pidfile.is_empty() {
        Some(PathBuf::from(&config.pidfile))
    } else if daemonized {
        Some(PathBuf::from("/var/run/ferrodis.pid"))
    } else {
        None
    }
}

/// Removes the pid file when the server stops.
pub struct PidFile(PathBuf);

impl PidFile {
    /// Writes our pid; a failure is logged, as Redis does, not fatal.
    pub fn create(path: PathBuf) -> Option<PidFile> {
        match std::fs::write(&path, format!("{}\n", std::process::id())) {
            Ok(()) => Some(PidFile(path)),
            Err(e) => {
                tracing::warn!("Failed to write PID file {}: {e}", path.display());
                None
            }
        }
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
