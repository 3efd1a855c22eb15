// `Call`: what a handler receives for one request, and how it talks back while it runs.

import { AsyncLocalStorage } from "node:async_hooks";
import { Cancelled, DataUnsupported } from "./errors.js";
import { isPlainObject } from "./results.js";

export const LOG_LEVELS = Object.freeze(["debug", "info", "warning", "error"]);
const LEVEL_ALIASES = { warn: "warning" };

/** Tracks which call's handler is running, across `await`s (used to tag `plugin.log` with `request_id`). */
export const currentCallStorage = new AsyncLocalStorage();

/** The call whose handler is running in this asynchronous context, or `undefined`. */
export function currentCall() {
  return currentCallStorage.getStore();
}

/**
 * The protocol level of a log level name (`debug`, `info`, `warning` or `warn`, `error`); throws otherwise.
 * @param {string} level
 */
export function logLevel(level) {
  const found = LEVEL_ALIASES[level] ?? level;
  if (!LOG_LEVELS.includes(found)) {
    throw new RangeError(`log level must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(level)}`);
  }
  return found;
}

const object = (value) => (isPlainObject(value) ? value : {});
const text = (value) => (typeof value === "string" ? value : undefined);

/**
 * One request from the host, as handed to a runner, validator, hook, check or applies handler.
 */
export class Call {
  /**
   * @param {number | string | null} id
   * @param {string} method
   * @param {Record<string, any>} params
   * @param {(method: string, params: Record<string, any>) => void} notify
   */
  constructor(id, method, params, notify) {
    /** The JSON-RPC request id. */
    this.id = id;
    /** E.g. `"runner/run"` or `"hook/pre_run"`. */
    this.method = method;
    /** The raw params object. */
    this.params = params;
    /** For hooks: `"pre_run"`, `"post_run"` or `"on_error"`; else undefined. */
    this.event = method.startsWith("hook/") ? method.slice("hook/".length) : undefined;
    /** The runner kind (runner calls). */
    this.kind = text(params.kind);
    /** The hook name (hook calls). */
    this.hook = text(params.hook);
    /** The check name (check calls). */
    this.check = text(params.check);
    /** The templated manifest (`{}` if absent). */
    this.manifest = object(params.manifest);
    /** Run id, mode, manifest path and dir, pipeline... (`{}` if absent). */
    this.context = object(params.context);
    /** The hook's or check's config mapping (`{}` if absent). */
    this.config = object(params.config);
    /** The credentials of `runner/run` (`{}` if absent); never log their values. */
    this.env = object(params.env);
    /** The run result of `hook/post_run` and `hook/on_error`. */
    this.result = params.result;
    /** `{message, category, code}` of `hook/on_error`. */
    this.error = isPlainObject(params.error) ? params.error : undefined;
    /** The budget of `check/run`, in seconds. */
    this.timeoutSeconds = typeof params.timeout_seconds === "number" ? params.timeout_seconds : undefined;
    /** The `reason` of the host's `cancel`, if any. */
    this.cancelReason = undefined;
    /**
     * The `data` params of `runner/run` when the host offered the `data.v1` feature (`spool_dir`, `state`,
     * `streams`, `load_id`, `destination`), else undefined.
     */
    this.data = undefined;
    this._controller = new AbortController();
    this._notify = notify;
    /** @type {import("./data.js").DataChannel | undefined} */
    this._channel = undefined;
    this._noDataReason = "the data API serves runner/run calls only";
  }

  /** The runner kind, hook name or check name this call addresses. */
  get name() {
    return this.kind ?? this.hook ?? this.check;
  }

  /**
   * Aborted when the host sends `cancel` for this call (or stdin closes, or SIGTERM arrives); its `reason` is a
   * {@link Cancelled}. Pass it to `fetch`, `setTimeout` from `node:timers/promises`, child processes...
   * @type {AbortSignal}
   */
  get signal() {
    return this._controller.signal;
  }

  /** Whether the host cancelled this call. */
  get cancelled() {
    return this._controller.signal.aborted;
  }

  /**
   * Sends a `log` notification tagged with this call.
   * @param {"debug" | "info" | "warning" | "warn" | "error"} level
   * @param {string} message
   * @param {Record<string, unknown>} [fields] structured context (never secrets).
   */
  log(level, message, fields) {
    const params = { level: logLevel(level), message: String(message) };
    if (fields && Object.keys(fields).length > 0) params.fields = fields;
    this._send("log", params);
  }

  /**
   * Sends a `progress` notification; it also resets the host's idle timer for this call.
   * @param {{current?: number, total?: number, unit?: string, message?: string}} [progress]
   */
  progress({ current, total, unit, message } = {}) {
    const params = {};
    for (const [key, value] of Object.entries({ current, total, unit, message })) {
      if (value !== undefined && value !== null) params[key] = value;
    }
    this._send("progress", params);
  }

  /**
   * Sends a `state` checkpoint; the host keeps the last one and reports it in the result.
   * @param {unknown} state any JSON value.
   */
  state(state) {
    this._send("state", { state });
  }

  /** Sends a `heartbeat` notification (the SDK also sends them periodically while a handler runs). */
  heartbeat() {
    this._send("heartbeat", {});
  }

  /** Throws {@link Cancelled} if the host cancelled this call; call it between units of work. */
  throwIfCancelled() {
    if (this.cancelled) {
      throw new Cancelled(this.cancelReason ? `request cancelled: ${this.cancelReason}` : "request cancelled");
    }
  }

  // -- the data feature (PROTOCOL.md §8) ---------------------------------------------------------------------
  // With `data.v1` (`dataEnabled`), a runner hands its rows to dltaf: `write`, `writeFile`, `open` and
  // `checkpoint`. Without it they throw `DataUnsupported`.

  /** Whether the data API works in this call: a `runner/run` whose host offered `data.v1`. */
  get dataEnabled() {
    return this._channel !== undefined;
  }

  _data() {
    if (this._channel === undefined) throw new DataUnsupported(this._noDataReason);
    return this._channel;
  }

  /**
   * The pipeline state of the last committed checkpoint (`null` on a first run); after {@link checkpoint},
   * the state it committed.
   */
  get pipelineState() {
    return this._data().state;
  }

  /**
   * The committed state of `stream` (`null` when it has none), as {@link pipelineState}.
   * @param {string} stream
   */
  streamState(stream) {
    return this._data().streams[stream] ?? null;
  }

  /** The folder for files handed to {@link writeFile} (created by the host for this run). */
  get spoolDir() {
    return this._data().spoolDir;
  }

  /**
   * A new path in {@link spoolDir} (the file does not exist yet) for {@link writeFile}.
   * @param {string} [suffix] e.g. `".csv"`.
   */
  spoolFile(suffix = "") {
    return this._data().spoolFile(suffix);
  }

  /**
   * Tunes {@link write}: `transport` `"ndjson"` (spool files by reference, the default), `"csv"` (spool files,
   * RFC 4180) or `"inline"` (rows inside the request line); `batchRows` rows per file (default 100,000) or per
   * line (default 20,000; lines are split to fit `max_line_bytes`); `inFlight` the requests sent before waiting
   * for the oldest answer (default 2), so the runner produces the next batch while the host loads one.
   * Changing the transport first sends what is pending.
   * @param {{transport?: "ndjson" | "csv" | "inline", batchRows?: number, inFlight?: number}} options
   * @returns {Promise<void>}
   */
  dataOptions(options) {
    return this._data().configure(options);
  }

  /**
   * Declares `stream` (`data/open`) and resolves to the host's answer `{stream, table, state}`.
   *
   * `columns` are names or `{name, type, nullable?, precision?, scale?}` (type: bigint, double, decimal, text,
   * bool, date, timestamp, json, binary); declared names come first. Optional: the first {@link write} of a
   * stream opens it, declaring the types of its first row.
   * @param {string} stream
   * @param {{table?: string, columns?: Array<string | Record<string, unknown>>, primaryKey?: string[],
   *   writeDisposition?: "append" | "replace" | "merge"}} [options]
   */
  open(stream, options = {}) {
    return this._data().open(stream, options);
  }

  /**
   * Adds rows to `stream` and resolves to how many: objects (an array, any iterable or async iterable, or one
   * object), or arrays in `columns` order. The SDK batches them; call it once with a generator or once per
   * page, and `await` each call.
   *
   * Missing keys are NULL; a new key adds a column. Values: strings, numbers, booleans, null, objects and
   * arrays (json), `Date` (ISO 8601), `BigInt` (digits), `Uint8Array`/`Buffer` (base64). Rejects with
   * {@link DataError} when the host refused an earlier batch (answers come in order, a few stay in flight).
   * @param {string} stream
   * @param {Iterable<any> | AsyncIterable<any> | Record<string, unknown>} rows
   * @param {{columns?: string[]}} [options]
   * @returns {Promise<number>}
   */
  write(stream, rows, options = {}) {
    return this._data().write(stream, rows, options);
  }

  /**
   * Hands over a file the runner wrote in {@link spoolDir} (see {@link spoolFile}): `format` `"csv"` (RFC 4180,
   * a header line, empty unquoted = NULL) or `"ndjson"`. The host deletes it once loaded. Rows of `stream`
   * still pending are sent first.
   * @param {string} stream
   * @param {string} file
   * @param {"csv" | "ndjson"} [format]
   * @returns {Promise<void>}
   */
  writeFile(stream, file, format = "csv") {
    return this._data().writeFile(stream, file, format);
  }

  /**
   * Sends every pending batch, then commits all rows written so far with `state` (the new pipeline state;
   * undefined keeps the last one) and `streams` (`{stream: state}`, replacing those streams' state). Resolves to
   * the host's answer `{load_id, checkpoint, rows}` once it is durable: only then advance external offsets.
   * What is pending when the runner returns is sent before its answer.
   * @param {unknown} [state]
   * @param {Record<string, unknown>} [streams]
   */
  checkpoint(state, streams) {
    return this._data().checkpoint(state, streams);
  }

  /** @internal aborts `signal` (idempotent). */
  _cancel(reason) {
    if (this.cancelled) return;
    this.cancelReason = this.cancelReason ?? reason;
    this._controller.abort(new Cancelled(reason ? `request cancelled: ${reason}` : "request cancelled"));
  }

  _send(method, params) {
    params.request_id = this.id;
    this._notify(method, params);
  }
}
