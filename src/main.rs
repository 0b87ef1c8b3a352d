//! The ferrodis binary: `ferrodis [CONFIG_FILE] [--directive value ...]`,
//! the same command line as redis-server.

use clap::Parser;

/// Counts allocated bytes for INFO's used_memory and for maxmemory.
#[global_allocator]
static ALLOC: ferrodis_engine::alloc::CountingAlloc = ferrodis_engine::alloc::CountingAlloc;
use ferrodis_config::{Config, LogLevel};

/// A Redis-compatible in-memory data store.
#[derive(Parser)]
#[command(
    name = "ferrodis",
    version,
    about = "A Redis-compatible in-memory data store",
    after_help = "Examples:\n  ferrodis                         (embedded default config, port 6379)\n  ferrodis /etc/ferrodis.conf\n  ferrodis --port 7777\n  ferrodis /etc/ferrodis.conf --loglevel verbose --bind 127.0.0.1"
)]
struct Cli {
    /// A config file in redis.conf syntax, then directives as `--name value`
    /// that override it.
    #[arg(
        value_name = "CONFIG_FILE | --directive value",
        allow_hyphen_values = true,
        trailing_var_arg = true,
        num_args = 0..
    )]
    args: Vec<String>,
}

fn init_logging(config: &Config) {
    let level = match config.loglevel {
        LogLevel::Debug | LogLevel::Verbose => tracing::Level::DEBUG,
        LogLevel::Notice => tracing::Level::INFO,
        LogLevel::Warning => tracing::Level::WARN,
    };
    let builder = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_target(false);
    if config.logfile.is_empty() {
        builder.init();
    } else {
        match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&config.logfile)
        {
            Ok(file) => builder
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(file))
                .init(),
            Err(e) => {
                eprintln!("Can't open the log file: {e}");
                std::process::exit(1);
            }
        }
    }
}

fn main() {
    let cli = Cli::parse();
    let config = match Config::from_args(&cli.args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    init_logging(&config);
    if let Err(e) = ferrodis_server::run(config) {
        tracing::error!("{e}");
        std::process::exit(1);
    }
}
