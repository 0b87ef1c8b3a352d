//! Typed command errors. Each variant's Display is the exact reply line
//! Redis sends, without the leading '-'.

use std::fmt;

use ferrodis_config::ConfigSetError;
use thiserror::Error;

pub type CmdResult = Result<(), CommandError>;

#[derive(Debug, Error)]
pub enum CommandError {
    #[error("ERR unknown command '{name}', with args beginning with: {args}")]
    UnknownCommand { name: Lossy, args: ArgPreview },
    #[error("ERR unknown subcommand '{sub}'. Try {container} HELP.")]
    UnknownSubcommand { sub: Lossy, container: String },
    #[error("ERR wrong number of arguments for '{0}' command")]
    WrongArity(String),
    #[error("ERR syntax error")]
    Syntax,
    #[error("WRONGTYPE Operation against a key holding the wrong kind of value")]
    WrongType,
    #[error("ERR value is not an integer or out of range")]
    NotInteger,
    #[error("ERR value is not a valid float")]
    NotFloat,
    // --- geo (geo.rs) ---
    /// Redis prints the pair with `%f`.
    #[error("ERR invalid longitude,latitude pair {0}")]
    GeoInvalidPair(String),
    #[error("ERR unsupported unit provided. please use M, KM, FT, MI")]
    GeoUnit,
    #[error("ERR need numeric radius")]
    GeoNeedRadius,
    #[error("ERR need numeric width")]
    GeoNeedWidth,
    #[error("ERR need numeric height")]
    GeoNeedHeight,
    #[error("ERR radius cannot be negative")]
    GeoNegativeRadius,
    #[error("ERR height or width cannot be negative")]
    GeoNegativeBox,
    #[error("ERR COUNT must be > 0")]
    GeoCountPositive,
    #[error("ERR could not decode requested zset member")]
    GeoMemberDecode,
    #[error("ERR {0} is not compatible with WITHDIST, WITHHASH and WITHCOORD options")]
    GeoStoreWith(&'static str),
    #[error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {0}")]
    GeoFromRequired(String),
    #[error("ERR exactly one of BYRADIUS and BYBOX can be specified for {0}")]
    GeoByRequired(String),
    #[error("ERR the ANY argument requires COUNT argument")]
    GeoAnyNeedsCount,
    // --- HyperLogLog (hll.rs) ---
    #[error("WRONGTYPE Key is not a valid HyperLogLog string value.")]
    NotHll,
    #[error("INVALIDOBJ Corrupted HLL object detected")]
    HllCorrupt,
    #[error("ERR The specified key does not exist")]
    PfdebugNoKey,
    #[error("ERR HLL encoding is not sparse")]
    HllNotSparse,
    #[error("ERR Unknown PFDEBUG subcommand '{0}'")]
    PfdebugUnknown(String),
    /// PFSELFTEST's report of a failed check (its text starts TESTFAILED).
    #[error("{0}")]
    HllSelftest(String),
    // --- string family (string/) ---
    #[error("ERR increment or decrement would overflow")]
    IncrOverflow,
    #[error("ERR decrement would overflow")]
    DecrOverflow,
    #[error("ERR increment would produce NaN or Infinity")]
    IncrNanOrInf,
    #[error("ERR string exceeds maximum allowed size (proto-max-bulk-len)")]
    StringTooLong,
    #[error("ERR offset is out of range")]
    OffsetOutOfRange,
    #[error("ERR bit offset is not an integer or out of range")]
    BitOffset,
    #[error("ERR bit is not an integer or out of range")]
    BitValue,
    #[error("ERR The bit argument must be 1 or 0.")]
    BitArgument,
    #[error("ERR BITOP NOT must be called with a single source key.")]
    BitopNotArity,
    #[error("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")]
    BitfieldType,
    #[error("ERR Invalid OVERFLOW type specified")]
    BitfieldOverflowType,
    #[error("ERR BITFIELD_RO only supports the GET subcommand")]
    BitfieldRoWrite,
    #[error("ERR The specified keys must contain string values")]
    LcsNotString,
    #[error("ERR If you want both the length and indexes, please just use IDX.")]
    LcsLenAndIdx,
    #[error("ERR String too long for LCS")]
    LcsTooLong,
    #[error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")]
    LcsMemory,
    // --- end string family ---
    // --- list family (list.rs, sort.rs) ---
    #[error("ERR value is out of range, must be positive")]
    ListMustBePositive,
    #[error("ERR index out of range")]
    ListIndexOutOfRange,
    #[error("ERR Element too large")]
    ListElementTooLarge,
    #[error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")]
    ListRankZero,
    #[error("ERR COUNT can't be negative")]
    ListCountNegative,
    #[error("ERR MAXLEN can't be negative")]
    ListMaxlenNegative,
    #[error("ERR numkeys should be greater than 0")]
    ListNumkeys,
    #[error("ERR count should be greater than 0")]
    ListCount,
    #[error("ERR One or more scores can't be converted into double")]
    SortNotDouble,
    // --- end list family ---
    // --- sorted-set family (zset.rs) ---
    #[error("ERR XX and NX options at the same time are not compatible")]
    ZaddNxXx,
    #[error("ERR GT, LT, and/or NX options at the same time are not compatible")]
    ZaddGtLtNx,
    #[error("ERR INCR option supports a single increment-element pair")]
    ZaddIncrPair,
    #[error("ERR resulting score is not a number (NaN)")]
    ZScoreNaN,
    #[error("ERR min or max is not a float")]
    ZMinMaxNotFloat,
    #[error("ERR min or max not valid string range item")]
    ZMinMaxNotLex,
    #[error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
    )]
    ZLimitNeedsBy,
    #[error("ERR syntax error, WITHSCORES not supported in combination with BYLEX")]
    ZWithscoresBylex,
    #[error("ERR value is out of range, must be positive")]
    ZMustBePositive,
    #[error("ERR numkeys should be greater than 0")]
    ZNumkeys,
    #[error("ERR count should be greater than 0")]
    ZCountPositive,
    #[error("ERR at least 1 input key is needed for '{0}' command")]
    ZNeedsKey(&'static str),
    #[error("ERR weight value is not a float")]
    ZWeightNotFloat,
    #[error("ERR LIMIT can't be negative")]
    ZLimitNegative,
    #[error("ERR value is out of range")]
    ZRandOutOfRange,
    #[error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")]
    ZRandCountRange,
    // --- end sorted-set family ---
    #[error("ERR invalid expire time in '{0}' command")]
    InvalidExpireTime(&'static str),
    #[error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")]
    UnblockReason,
    #[error("UNBLOCKED client unblocked via CLIENT UNBLOCK")]
    Unblocked,
    #[error("ERR timeout is not a float or out of range")]
    TimeoutNotFloat,
    #[error("ERR timeout is negative")]
    TimeoutNegative,
    #[error("ERR timeout is not an integer or out of range")]
    TimeoutNotInteger,
    #[error("ERR CLIENT PAUSE mode must be WRITE or ALL")]
    PauseMode,
    // --- CLIENT TRACKING (tracking.rs) ---
    #[error("ERR A client can only redirect to a single other client")]
    TrackingOneRedirect,
    #[error("ERR The client ID you want redirect to does not exist")]
    TrackingNoRedirectClient,
    #[error("ERR PREFIX option requires BCAST mode to be enabled")]
    TrackingPrefixNeedsBcast,
    #[error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.")]
    TrackingBcastSwitch,
    #[error("ERR OPTIN and OPTOUT are not compatible with BCAST")]
    TrackingOptWithBcast,
    #[error("ERR You can't specify both OPTIN mode and OPTOUT mode")]
    TrackingOptinOptout,
    #[error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.")]
    TrackingOptSwitch,
    #[error("ERR Prefix '{prefix}' overlaps with {} '{other}'. Prefixes for a single client must not overlap.", if *existing { "an existing prefix" } else { "another provided prefix" })]
    TrackingPrefixOverlap {
        prefix: Lossy,
        other: Lossy,
        existing: bool,
    },
    #[error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")]
    CachingNotTracking,
    #[error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")]
    CachingYesNeedsOptin,
    #[error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")]
    CachingNoNeedsOptout,
    #[error("ERR DB index is out of range")]
    DbIndexOutOfRange,
    // Hash and set commands.
    #[error("ERR hash value is not an integer")]
    HashNotInteger,
    #[error("ERR hash value is not a float")]
    HashNotFloat,
    #[error("ERR value is NaN or Infinity")]
    NanOrInfinity,
    #[error("ERR value is out of range")]
    OutOfRange,
    #[error("ERR value is out of range, must be positive")]
    NotPositive,
    #[error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")]
    NotLongRange,
    #[error("ERR numkeys should be greater than 0")]
    NumkeysNotPositive,
    #[error("ERR Number of keys can't be greater than number of args")]
    TooManyNumkeys,
    #[error("ERR LIMIT can't be negative")]
    NegativeLimit,
    // Keyspace (generic) commands.
    #[error("ERR no such key")]
    NoSuchKey,
    #[error("ERR source and destination objects are the same")]
    SameObject,
    #[error("ERR invalid cursor")]
    InvalidCursor,
    #[error("ERR value is out of range, value must between -2147483648 and 2147483647")]
    NotI32,
    #[error("ERR Unsupported option {0}")]
    UnsupportedOption(Lossy),
    #[error("ERR NX and XX, GT or LT options at the same time are not compatible")]
    ExpireNxExclusive,
    #[error("ERR GT and LT options at the same time are not compatible")]
    ExpireGtLtExclusive,
    #[error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")]
    LfuNotSelected,
    #[error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")]
    LfuSelected,
    #[error("ERR invalid first DB index")]
    InvalidFirstDb,
    #[error("ERR invalid second DB index")]
    InvalidSecondDb,
    #[error("NOPROTO unsupported protocol version")]
    NoProto,
    #[error("ERR Protocol version is not an integer or out of range")]
    ProtoNotInteger,
    #[error("ERR Syntax error in HELLO option '{0}'")]
    HelloSyntax(Lossy),
    #[error("ERR Client names cannot contain spaces, newlines or special characters.")]
    BadClientName,
    #[error("ERR {0} cannot contain spaces, newlines or special characters.")]
    BadClientInfo(&'static str),
    #[error("ERR Unrecognized option '{0}'")]
    UnrecognizedOption(Lossy),
    #[error("ERR No such client")]
    NoSuchClient,
    #[error("ERR Invalid client ID")]
    InvalidClientId,
    #[error("ERR client-id should be greater than 0")]
    ClientIdNotPositive,
    #[error("ERR Unknown client type '{0}'")]
    UnknownClientType(Lossy),
    #[error("ERR Invalid command specified")]
    InvalidCommandSpecified,
    #[error("ERR The command has no key arguments")]
    NoKeyArguments,
    #[error("ERR Invalid number of arguments specified for command")]
    InvalidArgCount,
    #[error("ERR Invalid arguments specified for command")]
    InvalidArguments,
    #[error("ERR Errors trying to SHUTDOWN. Check logs.")]
    ShutdownFailed,
    #[error("ERR No shutdown in progress.")]
    NoShutdownInProgress,
    #[error("{0}")]
    Rewrite(#[from] ferrodis_config::ConfigRewriteError),
    #[error("WRONGPASS invalid username-password pair or user is disabled.")]
    WrongPass,
    #[error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")]
    AuthNotConfigured,
    #[error("OOM command not allowed when used memory > 'maxmemory'.")]
    Oom,
    #[error("NOAUTH Authentication required.")]
    NoAuth,
    // --- persistence (persistence.rs) ---
    #[error("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.")]
    Misconf,
    #[error("ERR Background save already in progress")]
    BgsaveInProgress,
    #[error("ERR")]
    SaveFailed,
    #[error("ERR An AOF log rewriting in progress: can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")]
    BgsaveAofRunning,
    #[error("ERR Background append only file rewriting already in progress")]
    RewriteInProgress,
    /// Not a reply: BGREWRITEAOF's "scheduled" outcome.
    #[error("rewrite scheduled")]
    RewriteScheduled,
    #[error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")]
    RewriteFailed,
    #[error("ERR BGREWRITEAOF needs appendonly yes")]
    AofOff,
    #[error("ERR Invalid TTL value, must be >= 0")]
    InvalidTtl,
    #[error("ERR Invalid IDLETIME value, must be >= 0")]
    InvalidIdletime,
    #[error("ERR Invalid FREQ value, must be >= 0 and <= 255")]
    InvalidFreq,
    #[error("BUSYKEY Target key name already exists.")]
    BusyKey,
    #[error("ERR DUMP payload version or checksum are wrong")]
    DumpPayload,
    #[error("ERR Bad data format")]
    BadDataFormat,
    #[error("LOADING Redis is loading the dataset in memory")]
    Loading,
    // --- replication (repl.rs) ---
    #[error("ERR Invalid master port")]
    InvalidMasterPort,
    #[error("ERR Unrecognized REPLCONF option: {0}")]
    UnrecognizedReplconf(String),
    #[error("NOMASTERLINK Can't SYNC while not connected with my master")]
    NoMasterLink,
    #[error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.")]
    WaitOnReplica,
    #[error("READONLY You can't write against a read only replica.")]
    ReadOnlyReplica,
    #[error("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")]
    MasterDown,
    #[error("NOREPLICAS Not enough good replicas to write.")]
    NoGoodReplicas,
    // --- transactions (multi.rs) ---
    #[error("ERR MULTI calls can not be nested")]
    MultiNested,
    #[error("ERR WATCH inside MULTI is not allowed")]
    WatchInMulti,
    #[error("ERR EXEC without MULTI")]
    ExecWithoutMulti,
    #[error("ERR DISCARD without MULTI")]
    DiscardWithoutMulti,
    #[error("ERR Command not allowed inside a transaction")]
    NotAllowedInMulti,
    #[error("EXECABORT Transaction discarded because of previous errors.")]
    ExecAbortPrevious,
    /// EXEC itself was refused (OOM, arity, ...): the reason without "ERR ".
    #[error("EXECABORT Transaction discarded because of: {0}")]
    ExecAbort(String),
    #[error("NOPERM ACLs rules changed between the moment the transaction was accumulated and its execution")]
    AclChangedInMulti,
    // --- pub/sub (pubsub.rs) ---
    /// A RESP2 client with subscriptions ran anything but the subscribe
    /// family, PING, QUIT or RESET (the command's full name).
    #[error("ERR Can't execute '{0}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")]
    PubSubContext(String),
    #[error(
        "ERR unknown subcommand or wrong number of arguments for '{sub}'. Try {container} HELP."
    )]
    UnknownSubcommandOrArity { sub: Lossy, container: &'static str },
    /// ACL family errors and NOPERM refusals (acl.rs).
    #[error("{0}")]
    Acl(crate::acl::AclError),
    #[error("{0}")]
    ConfigSet(#[from] ConfigSetError),
    // --- scripting (script/) ---
    #[error(
        "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
    )]
    Busy,
    #[error("NOSCRIPT No matching script. Please use EVAL.")]
    NoScript,
    #[error("NOTBUSY No scripts in execution right now.")]
    NotBusy,
    #[error("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.")]
    Unkillable,
    #[error("ERR Number of keys can't be negative")]
    NumkeysNegative,
    #[error("ERR SCRIPT FLUSH only support SYNC|ASYNC option")]
    ScriptFlushOption,
    #[error("ERR Use SCRIPT DEBUG YES/SYNC/NO")]
    ScriptDebugMode,
    /// Our own text: the Lua debugger does not exist here.
    #[error("ERR SCRIPT DEBUG YES and SYNC are not supported: this server has no Lua debugger")]
    ScriptDebugUnsupported,
    #[error("ERR Invalid script shebang")]
    InvalidShebang,
    #[error("ERR Unexpected engine in script shebang: {0}")]
    ShebangEngine(Lossy),
    #[error("ERR Unknown lua shebang option: {0}")]
    ShebangOption(Lossy),
    #[error("ERR Unexpected flag in script shebang: {0}")]
    ShebangFlag(Lossy),
    #[error("ERR Can not execute a script with write flag using *_ro command.")]
    RoScriptWithWriteFlag,
    #[error("ERR Error compiling script (new function): {0}")]
    ScriptCompile(Lossy),
    /// The Lua interpreter failed outside the script's control (out of
    /// memory, an internal error); our own text.
    #[error("ERR Error running script: {0}")]
    ScriptInternal(Lossy),
    // --- functions (script/function.rs) ---
    #[error(
        "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
    )]
    BusyFunction,
    #[error("ERR Function not found")]
    FunctionNotFound,
    #[error("ERR Bad number of keys provided")]
    BadNumberOfKeys,
    #[error("ERR Missing library metadata")]
    MissingLibraryMetadata,
    #[error("ERR Invalid library metadata")]
    InvalidLibraryMetadata,
    #[error("ERR Invalid metadata value given: {0}")]
    InvalidMetadataValue(Lossy),
    #[error("ERR Invalid metadata value, name argument was given multiple times")]
    MetadataNameTwice,
    #[error("ERR Library name was not given")]
    LibraryNameNotGiven,
    #[error("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")]
    BadLibraryName,
    #[error("ERR Engine '{0}' not found")]
    EngineNotFound(Lossy),
    #[error("ERR Library '{0}' already exists")]
    LibraryExists(Lossy),
    /// FUNCTION RESTORE's wording of the same refusal (no quotes).
    #[error("ERR Library {0} already exists")]
    LibraryExistsRestore(Lossy),
    #[error("ERR Function {0} already exists")]
    FunctionExists(Lossy),
    #[error("ERR No functions registered")]
    NoFunctionsRegistered,
    #[error("ERR Error registering functions: {0}")]
    FunctionRegister(Lossy),
    #[error("ERR Error compiling function: {0}")]
    FunctionCompile(Lossy),
    #[error("ERR Unknown option given: {0}")]
    FunctionLoadOption(Lossy),
    #[error("ERR Unknown argument {0}")]
    FunctionListArgument(Lossy),
    #[error("ERR library name argument was not given")]
    FunctionListNoName,
    #[error("ERR Library not found")]
    LibraryNotFound,
    #[error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")]
    FunctionFlushOption,
    #[error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")]
    RestorePolicy,
    #[error("ERR given type is not a function")]
    NotAFunctionPayload,
    #[error("ERR Failed loading library payload")]
    FunctionPayloadLoad,
    // --- end scripting ---
    /// A handler panicked: a bug of ours, logged and counted; our own text.
    #[error(
        "ERR internal error while running '{0}' (the server logged it); no reply data was sent"
    )]
    Panicked(String),
    // --- operator tooling (slowlog.rs, monitor.rs, latency.rs, debug.rs) ---
    #[error("ERR count should be greater than or equal to -1")]
    SlowlogCount,
    #[error("ERR No samples available for event '{0}'")]
    LatencyNoSamples(Lossy),
    #[error("ERR MONITOR isn't allowed for DENY BLOCKING client")]
    MonitorDenyBlocking,
    /// A MONITOR client ran a command that reads or writes keys.
    #[error("ERR Replica can't interact with the keyspace")]
    ReplicaKeyspace,
    #[error("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.")]
    DebugNotAllowed,
    #[error("ERR argument must be a memory value bigger than 1 and smaller than 4gb")]
    PackedThreshold,
    #[error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")]
    DebugReloadOption,
    #[error("ERR Error trying to load the RDB dump, check server logs.")]
    DebugReloadLoad,
    // --- end operator tooling ---
    // --- stream family (stream.rs) ---
    #[error("ERR Invalid stream ID specified as stream command argument")]
    StreamInvalidId,
    #[error("ERR The ID specified in XADD is equal or smaller than the target stream top item")]
    StreamIdTooSmall,
    #[error("ERR Elements are too large to be stored")]
    StreamElementsTooLarge,
    #[error("ERR The ID specified in XADD must be greater than 0-0")]
    StreamIdZero,
    #[error("ERR The stream has exhausted the last possible ID, unable to add more items")]
    StreamExhausted,
    #[error("ERR The MAXLEN argument must be >= 0.")]
    StreamMaxlenNegative,
    #[error("ERR The LIMIT argument must be >= 0.")]
    StreamLimitNegative,
    #[error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")]
    StreamMaxlenAndMinid,
    #[error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")]
    StreamLimitWithoutStrategy,
    #[error("ERR syntax error, LIMIT cannot be used without the special ~ option")]
    StreamLimitWithoutApprox,
    #[error("ERR syntax error, XTRIM must be called with a trimming strategy")]
    StreamXtrimNoStrategy,
    #[error("ERR invalid start ID for the interval")]
    StreamInvalidStart,
    #[error("ERR invalid end ID for the interval")]
    StreamInvalidEnd,
    #[error(
        "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."
    )]
    StreamUnbalanced,
    #[error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")]
    StreamDollarInGroup,
    #[error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")]
    StreamNoackInXread,
    #[error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")]
    StreamGtOutsideGroup,
    #[error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")]
    StreamGroupInXread,
    #[error("ERR Missing GROUP option for XREADGROUP")]
    StreamMissingGroup,
    #[error("NOGROUP No such key '{0}' or consumer group '{1}' in XREADGROUP with GROUP option")]
    StreamNoGroupRead(Lossy, Lossy),
    #[error("NOGROUP No such key '{0}' or consumer group '{1}'")]
    StreamNoKeyOrGroup(Lossy, Lossy),
    #[error("NOGROUP No such consumer group '{1}' for key name '{0}'")]
    StreamNoGroup(Lossy, Lossy),
    #[error("BUSYGROUP Consumer Group name already exists")]
    StreamBusyGroup,
    #[error("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")]
    StreamXgroupNoKey,
    #[error("ERR value for ENTRIESREAD must be positive or -1")]
    StreamEntriesRead,
    #[error("ERR The ID specified in XSETID is smaller than the target stream top item")]
    StreamSetIdSmaller,
    #[error("ERR The entries_added specified in XSETID is smaller than the target stream length")]
    StreamSetIdEntriesAdded,
    #[error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")]
    StreamSetIdMaxDeleted,
    #[error("ERR entries_added must be positive")]
    StreamEntriesAddedNegative,
    #[error("ERR Invalid min-idle-time argument for {0}")]
    StreamMinIdle(&'static str),
    #[error("ERR Invalid {0} option argument for XCLAIM")]
    StreamClaimOption(&'static str),
    #[error("ERR Unrecognized XCLAIM option '{0}'")]
    StreamClaimUnknown(Lossy),
    #[error("ERR COUNT must be > 0")]
    StreamCountPositive,
    #[error("ERR Insufficient memory, failed allocating transient memory, COUNT too high.")]
    StreamCountTooHigh,
    #[error("UNBLOCKED the stream key no longer exists")]
    StreamKeyDeletedWhileBlocked,
    #[error("NOGROUP the consumer group this client was blocked on no longer exists")]
    StreamGroupDeletedWhileBlocked,
    // --- end stream family ---
}

/// Bytes shown in an error the way Redis prints a C string: lossy UTF-8 with
/// CR and LF turned into spaces (the reply writer also guards this).
#[derive(Debug)]
pub struct Lossy(pub Vec<u8>);

impl Lossy {
    pub fn new(b: &[u8], max: usize) -> Lossy {
        Lossy(b[..b.len().min(max)].to_vec())
    }
}

impl fmt::Display for Lossy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

/// The "with args beginning with:" list of an unknown-command error: each
/// argument quoted and followed by a space, until 128 characters are used.
#[derive(Debug)]
pub struct ArgPreview(pub String);

impl ArgPreview {
    pub fn new(args: &[bytes::Bytes]) -> ArgPreview {
        let mut s = String::new();
        for a in args {
            if s.len() >= 128 {
                break;
            }
            let room = 128 - s.len();
            let a = String::from_utf8_lossy(&a[..a.len().min(room)]);
            s.push('\'');
            s.push_str(&a);
            s.push_str("' ");
        }
        ArgPreview(s)
    }
}

impl fmt::Display for ArgPreview {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
