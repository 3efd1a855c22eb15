// Type declarations of dltaf-plugin (hand-written; the implementation is plain ES modules).

/** A JSON value as it travels in the protocol. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON-RPC request id. */
export type RequestId = number | string | null;

export type LogLevel = "debug" | "info" | "warning" | "error";
export type HookEvent = "pre_run" | "post_run" | "on_error";
export type ErrorCategory =
  | "CONFIG" | "SECRETS" | "AUTH" | "CONNECTIVITY" | "HTTP" | "TIMEOUT" | "DATA" | "POLICY" | "DEPENDENCY" | "UNKNOWN";

/** The call `context` (PROTOCOL.md §3.2). */
export interface CallContext {
  run_id?: string;
  started_at?: string;
  mode?: "run" | "validate" | "plan" | "dry_run" | string;
  manifest_path?: string;
  /** Resolve relative paths of the manifest against this folder. */
  manifest_dir?: string;
  pipeline?: { name?: string; destination?: string; dataset?: string; [key: string]: any };
  source_kind?: string;
  write_disposition?: string;
  [key: string]: any;
}

/** A finding of `runner/validate`; the manifest is valid unless one has severity `error`. */
export interface Diagnostic {
  severity: "error" | "warning" | "info";
  message: string;
  /** A stable identifier such as `"csv.missing_path"`. */
  code?: string;
  /** A JSON Pointer into the manifest (`"/source/limit"`); the host turns it into `file:line:column`. */
  path?: string;
}

export interface DiagnosticOptions {
  path?: string;
  code?: string;
}

/** Builders of {@link Diagnostic} objects. */
export declare const Diagnostic: {
  error(message: string, options?: DiagnosticOptions): Diagnostic;
  warning(message: string, options?: DiagnosticOptions): Diagnostic;
  info(message: string, options?: DiagnosticOptions): Diagnostic;
};

export interface LoadMetrics {
  packages_count?: number;
  jobs_count?: number;
  failed_jobs_count?: number;
  tables_count?: number;
  rows_count?: number;
  [key: string]: any;
}

/** What `runner/run` answers; `status` defaults to `"success"`. */
export interface RunOutcome {
  status?: "success" | "partial_success" | "failed";
  message?: string;
  warnings?: string[];
  load_metrics?: LoadMetrics;
  table_stats?: Array<{ source_table?: string; target_table?: string; status?: string; rows_processed?: number; duration_seconds?: number; [key: string]: any }>;
  payload?: any;
  [key: string]: any;
}

/** What a hook answers: `ok: false` in `pre_run` vetoes the run, elsewhere it becomes a warning. */
export interface HookOutcome {
  ok?: boolean;
  message?: string;
  [key: string]: any;
}

/** What `check/run` answers; missing keys are filled (`ok` means "no errors"). */
export interface CheckOutcome {
  ok?: boolean;
  errors?: string[];
  warnings?: string[];
  details?: Record<string, any>;
  [key: string]: any;
}

export interface AppliesOutcome {
  applies: boolean;
  reason?: string;
  [key: string]: any;
}

export interface Progress {
  current?: number;
  total?: number;
  unit?: string;
  message?: string;
}

type MaybePromise<T> = T | Promise<T>;

export type RunHandler = (call: Call) => MaybePromise<RunOutcome | void | undefined | null>;
export type ValidateHandler = (call: Call) => MaybePromise<Iterable<Diagnostic> | void | undefined | null>;
export type HookHandler = (
  call: Call,
) => MaybePromise<void | undefined | null | boolean | [boolean, string] | HookOutcome>;
export type CheckHandler = (call: Call) => MaybePromise<void | undefined | null | boolean | CheckOutcome>;
export type AppliesHandler = (call: Call) => MaybePromise<boolean | [boolean, string] | AppliesOutcome>;

/** The `data` params of `runner/run` with the `data.v1` feature (PROTOCOL.md §8.1). */
export interface RunData {
  /** A folder the host created for this run; files for `writeFile` go directly inside it. */
  spool_dir: string;
  /** The pipeline state of the last committed checkpoint (`null` on a first run). */
  state: any;
  /** The state of each stream at that checkpoint. */
  streams: Record<string, any>;
  load_id: string;
  destination: { name: string; dataset: string; [key: string]: any };
  [key: string]: any;
}

export type ColumnType = "bigint" | "double" | "decimal" | "text" | "bool" | "date" | "timestamp" | "json" | "binary";

/** A column declared by `call.open`. */
export interface ColumnSpec {
  name: string;
  type?: ColumnType;
  nullable?: boolean;
  precision?: number;
  scale?: number;
}

export interface OpenOptions {
  /** Default: the stream name, normalised to snake_case by the host. */
  table?: string;
  /** Names or specs; declared names come first, undeclared columns are inferred from the first values. */
  columns?: Array<string | ColumnSpec>;
  /** Required for `merge`. */
  primaryKey?: string[];
  /** Default: the run's (`context.write_disposition`). */
  writeDisposition?: "append" | "replace" | "merge";
}

/** The host's answer to `data/open`. */
export interface OpenResult {
  stream: string;
  table: string;
  /** This stream's last committed state (`null` when none). */
  state: any;
}

/** The host's answer to `data/checkpoint`, sent once durable. */
export interface CheckpointResult {
  load_id: string;
  /** Counts from 1 in this run. */
  checkpoint: number;
  /** Rows committed by this checkpoint, per stream. */
  rows: Record<string, number>;
}

export interface DataOptions {
  /** `"ndjson"` spool files (the default), `"csv"` spool files, or `"inline"` rows in the request line. */
  transport?: "ndjson" | "csv" | "inline";
  /** Rows per file (default 100,000) or per line (default 20,000). */
  batchRows?: number;
  /** Requests sent before waiting for the oldest answer (default 2). */
  inFlight?: number;
}

/** Rows for `call.write`: objects, or arrays in `columns` order. */
export type Rows = Iterable<any> | AsyncIterable<any> | Record<string, unknown>;

/** One request from the host, as handed to a handler. */
export declare class Call {
  /** The JSON-RPC request id. */
  readonly id: RequestId;
  /** E.g. `"runner/run"` or `"hook/pre_run"`. */
  readonly method: string;
  /** For hooks: which event; else undefined. */
  readonly event: HookEvent | undefined;
  /** The runner kind (runner calls). */
  readonly kind: string | undefined;
  /** The hook name (hook calls). */
  readonly hook: string | undefined;
  /** The check name (check calls). */
  readonly check: string | undefined;
  /** The runner kind, hook name or check name this call addresses. */
  readonly name: string | undefined;
  /** The templated manifest (`{}` if absent). */
  readonly manifest: Record<string, any>;
  readonly context: CallContext;
  /** The hook's or check's config mapping (`{}` if absent). */
  readonly config: Record<string, any>;
  /** The credentials of `runner/run` (`{}` if absent); never log their values. */
  readonly env: Record<string, string>;
  /** The run result of `hook/post_run` and `hook/on_error`. */
  readonly result: any;
  /** `{message, category, code}` of `hook/on_error`. */
  readonly error: { message?: string; category?: string; code?: string | null; [key: string]: any } | undefined;
  /** The budget of `check/run`, in seconds. */
  readonly timeoutSeconds: number | undefined;
  /** The raw params object. */
  readonly params: Record<string, any>;
  /** Aborted (with a {@link Cancelled} reason) when the host cancels this call, stdin closes or SIGTERM arrives. */
  readonly signal: AbortSignal;
  /** Whether the call was cancelled. */
  readonly cancelled: boolean;
  /** The `reason` of the host's `cancel`, if any. */
  readonly cancelReason: string | undefined;

  /** Sends a `log` notification tagged with this call (`warn` is accepted for `warning`). */
  log(level: LogLevel | "warn", message: string, fields?: Record<string, unknown>): void;
  /** Sends a `progress` notification (it also resets the host's idle timer). */
  progress(progress?: Progress): void;
  /** Sends a `state` checkpoint; the host keeps the last one. */
  state(state: unknown): void;
  /** Sends a `heartbeat` notification (the SDK also sends them periodically while a handler runs). */
  heartbeat(): void;
  /** Throws {@link Cancelled} if the call was cancelled. */
  throwIfCancelled(): void;

  // The data feature (PROTOCOL.md §8): without `data.v1` these throw DataUnsupported.

  /** The `data` params of `runner/run` when the host offered `data.v1`, else undefined. */
  readonly data: RunData | undefined;
  /** Whether the data API works in this call: a `runner/run` whose host offered `data.v1`. */
  readonly dataEnabled: boolean;
  /** The pipeline state of the last committed checkpoint (`null` on a first run), updated by `checkpoint`. */
  readonly pipelineState: any;
  /** The committed state of `stream` (`null` when none). */
  streamState(stream: string): any;
  /** The run's spool folder. */
  readonly spoolDir: string;
  /** A new path in `spoolDir` (the file does not exist yet) for `writeFile`. */
  spoolFile(suffix?: string): string;
  /** Tunes `write` (transport, batch size, requests in flight); a new transport first sends what is pending. */
  dataOptions(options: DataOptions): Promise<void>;
  /** Declares a stream (`data/open`); optional, the first `write` opens it. */
  open(stream: string, options?: OpenOptions): Promise<OpenResult>;
  /** Adds rows to `stream` (the SDK batches them) and resolves to how many. */
  write(stream: string, rows: Rows, options?: { columns?: string[] }): Promise<number>;
  /** Hands over a CSV (default) or NDJSON file written in `spoolDir`; pending rows of `stream` go first. */
  writeFile(stream: string, file: string, format?: "csv" | "ndjson"): Promise<void>;
  /** Sends what is pending and commits it with the new state; resolves once durable. */
  checkpoint(state?: unknown, streams?: Record<string, unknown>): Promise<CheckpointResult>;
}

/** The call whose handler runs in this asynchronous context, or undefined. */
export declare function currentCall(): Call | undefined;

export interface PluginOptions {
  /** The plugin's identity, e.g. `"audit-hook"`. */
  name: string;
  /** The plugin's own release, e.g. `"1.0.0"`. */
  version: string;
  /** One line for `dltaf plugins describe`. */
  description?: string;
  /** Interval of the automatic `heartbeat` notifications while a handler runs; 0 disables them. Default 5. */
  heartbeatSeconds?: number;
  /**
   * After a `cancel`, how long a handler has to stop before the SDK answers `-32800` for it; also the longest
   * the process waits for running handlers when stdin closes. Default 2.
   */
  cancelGraceSeconds?: number;
  /** Whether to negotiate `data.v1` when the host offers it and the plugin has runners. Default true. */
  data?: boolean;
}

export interface Registration<H> {
  name: string;
  handler: H;
  description?: string;
}

/** A dltaf plugin: a name, a version, and the runners, hooks and checks it provides. */
export declare class Plugin {
  constructor(options: PluginOptions);
  readonly name: string;
  readonly version: string;
  readonly description: string | undefined;
  heartbeatSeconds: number;
  cancelGraceSeconds: number;
  /** Whether `data.v1` is negotiated when offered. */
  data: boolean;
  readonly runners: Map<string, Registration<RunHandler>>;
  readonly validators: Map<string, Registration<ValidateHandler>>;
  readonly hooks: Map<string, Registration<HookHandler> & { events: HookEvent[] }>;
  readonly checks: Map<string, Registration<CheckHandler>>;
  readonly appliesHandlers: Map<string, Registration<AppliesHandler>>;

  /** Registers a runner kind; `validate` answers `runner/validate`. */
  runner(kind: string, run: RunHandler, options?: { validate?: ValidateHandler; description?: string }): this;
  /** Registers the `runner/validate` handler of a runner kind. */
  validator(kind: string, validate: ValidateHandler): this;
  /** Registers a hook for some events (default: all three). */
  hook(name: string, handler: HookHandler, options?: { events?: HookEvent[]; description?: string }): this;
  /** Registers an infra check; `applies` answers `check/applies` (default: always applies). */
  check(name: string, run: CheckHandler, options?: { applies?: AppliesHandler; description?: string }): this;
  /** Registers the `check/applies` handler of a check. */
  applies(name: string, applies: AppliesHandler): this;
  /** The `plugin` member of the `initialize` result. */
  info(): { name: string; version: string; description?: string };
  /** The `provides` member of the `initialize` result. */
  provides(): {
    runners: Array<{ kind: string; description?: string }>;
    hooks: Array<{ name: string; events: HookEvent[]; description?: string }>;
    checks: Array<{ name: string; description?: string }>;
  };
  /** Sends a `log` notification from anywhere; inside a handler it carries the call's `request_id`. */
  log(level: LogLevel | "warn", message: string, fields?: Record<string, unknown>): void;
  /**
   * Serves the protocol on stdin/stdout until stdin closes, then exits 0 (143 on SIGTERM, 129 on SIGHUP).
   * `console.*` and `process.stdout.write` go to stderr from then on. Never resolves.
   */
  serve(): Promise<never>;
}

export interface PluginErrorOptions {
  /** Default `"CONFIG"`. */
  category?: ErrorCategory;
  code?: string | null;
  retryable?: boolean;
  cause?: unknown;
}

/** A handler failure reported with a category: answered `-32000` with `data: {category, code, retryable}`. */
export declare class PluginError extends Error {
  constructor(message: string, options?: PluginErrorOptions);
  readonly category: ErrorCategory;
  readonly code: string | null;
  readonly retryable: boolean;
  data(): { category: ErrorCategory; code: string | null; retryable: boolean };
}

/** The host refused a `data/*` request (§8.3), with its `code`, `category` and `retryable`. */
export declare class DataError extends PluginError {
  constructor(
    message: string,
    options?: PluginErrorOptions & { rpcCode?: number; method?: string; stream?: string },
  );
  /** The JSON-RPC error code of the answer. */
  readonly rpcCode: number;
  /** The request, e.g. `"data/write"`. */
  readonly method: string | undefined;
  readonly stream: string | undefined;
}

/** The data API was used without the `data.v1` feature, or outside `runner/run` (category DEPENDENCY). */
export declare class DataUnsupported extends PluginError {
  constructor(message: string);
}

/** The host cancelled the call; answered `-32800`. */
export declare class Cancelled extends Error {
  constructor(message?: string);
}

/** A JSON-RPC error object; `message` is the error's message without the code. */
export declare class RpcError extends Error {
  constructor(code: number, message: string, data?: unknown);
  readonly code: number;
  readonly data: unknown;
  toJSON(): { code: number; message: string; data?: unknown };
}

export declare const HOOK_EVENTS: readonly HookEvent[];
export declare const LOG_LEVELS: readonly LogLevel[];
export declare const CATEGORIES: readonly ErrorCategory[];
export declare const SUPPORTED_VERSIONS: readonly number[];
/** `"data.v1"`. */
export declare const DATA_FEATURE: string;
export declare const VERSION: string;

export declare const PARSE_ERROR: -32700;
export declare const INVALID_REQUEST: -32600;
export declare const METHOD_NOT_FOUND: -32601;
export declare const INVALID_PARAMS: -32602;
export declare const INTERNAL_ERROR: -32603;
export declare const HANDLER_FAILED: -32000;
export declare const NOT_INITIALIZED: -32001;
export declare const UNSUPPORTED_VERSION: -32002;
export declare const REQUEST_CANCELLED: -32800;
