// `Call`: what a handler receives for one request, and how it talks back while it runs.

import { AsyncLocalStorage } from "node:async_hooks";
import { Cancelled } from "./errors.js";
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
    this._controller = new AbortController();
    this._notify = notify;
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
