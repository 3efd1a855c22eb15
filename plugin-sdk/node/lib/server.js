// One protocol session: reads requests, runs each call's handler concurrently, writes answers.

import { Call, currentCallStorage } from "./call.js";
import { DataChannel } from "./data.js";
import {
  Cancelled,
  HANDLER_FAILED,
  INTERNAL_ERROR,
  INVALID_PARAMS,
  INVALID_REQUEST,
  METHOD_NOT_FOUND,
  NOT_INITIALIZED,
  PARSE_ERROR,
  PluginError,
  REQUEST_CANCELLED,
  RpcError,
  UNSUPPORTED_VERSION,
} from "./errors.js";
import { DEFAULT_MAX_LINE_BYTES, decode, encode } from "./framing.js";
import { appliesOutcome, checkOutcome, diagnostics, hookOutcome, isPlainObject, runOutcome } from "./results.js";

export const SUPPORTED_VERSIONS = Object.freeze([1]);
/** The feature of PROTOCOL.md §8: rows go to dltaf through `data/*` requests. */
export const DATA_FEATURE = "data.v1";

/** The methods served by handlers (`initialize` and `shutdown` are answered by the server itself). */
export const CALL_METHODS = Object.freeze([
  "runner/validate", "runner/run", "hook/pre_run", "hook/post_run", "hook/on_error", "check/applies", "check/run",
]);

function lookup(params, field, table, what) {
  const name = params[field];
  if (typeof name !== "string") throw new RpcError(INVALID_PARAMS, `invalid params: '${field}' must be a string`);
  const found = table.get(name);
  if (found === undefined) {
    const known = [...table.keys()].sort().join(", ") || "none";
    throw new RpcError(INVALID_PARAMS, `invalid params: unknown ${what} '${name}' (this plugin has: ${known})`);
  }
  return found;
}

/**
 * Returns the function computing the result of a call method; throws `RpcError(-32602)` when the params do
 * not name a registered runner kind, hook or check.
 */
export function prepare(plugin, method, params) {
  const [family, action] = method.split("/");
  if (family === "runner") {
    const runner = lookup(params, "kind", plugin.runners, "runner kind");
    if (action === "run") {
      return async (call) => {
        let outcome;
        try {
          outcome = await runner.handler(call);
        } catch (error) {
          call._channel?.abandon();
          throw error;
        }
        await call._channel?.finish(); // pending rows reach the host before the answer
        return runOutcome(outcome);
      };
    }
    const validator = plugin.validators.get(runner.name);
    if (validator === undefined) return async () => diagnostics([]);
    return async (call) => diagnostics(await validator.handler(call));
  }
  if (family === "hook") {
    const hook = lookup(params, "hook", plugin.hooks, "hook");
    if (!hook.events.includes(action)) {
      throw new RpcError(INVALID_PARAMS, `invalid params: hook '${hook.name}' does not handle '${action}'`);
    }
    return async (call) => hookOutcome(await hook.handler(call));
  }
  const check = lookup(params, "check", plugin.checks, "check");
  if (action === "run") return async (call) => checkOutcome(await check.handler(call));
  const applies = plugin.appliesHandlers.get(check.name);
  if (applies === undefined) return async () => ({ applies: true });
  return async (call) => appliesOutcome(await applies.handler(call));
}

function describe(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `${typeof error}: ${String(error)}`;
}

/**
 * Serves a plugin over a line transport: `handleLine()` for each received line, `end()` at end of input.
 * `serve()` runs it on the process's stdio; `InMemoryHost` (testing.js) runs it in memory.
 */
export class Server {
  /**
   * @param {import("./plugin.js").Plugin} plugin
   * @param {{write: (data: Buffer) => void, stderr?: (text: string) => void}} transport `write` receives each
   *   encoded line (with its `\n`), in order; `stderr` receives human text (default: process.stderr).
   */
  constructor(plugin, { write, stderr = (text) => process.stderr.write(text) }) {
    this.plugin = plugin;
    this.protocolVersion = undefined;
    this.initializeParams = {};
    this.maxLineBytes = DEFAULT_MAX_LINE_BYTES;
    this._write = write;
    this._stderr = stderr;
    this._initialized = false;
    this._ended = false;
    /** @type {Map<number | string | null, {call: Call, answered: boolean, beat?: NodeJS.Timeout, grace?: NodeJS.Timeout}>} */
    this._pending = new Map();
    /** @type {Array<() => void>} */
    this._idleWaiters = [];
    /** The features negotiated in `initialize`. @type {string[]} */
    this.features = [];
    /** The plugin's own requests (`data/*`) awaiting their answers. @type {Map<number, {resolve: Function, reject: Function}>} */
    this._outgoing = new Map();
    this._nextOutgoing = 0;
    this.notify = this.notify.bind(this);
    plugin._notify = this.notify;
  }

  // -- input -------------------------------------------------------------------------------------------------

  /**
   * Handles one received line (bytes or text, with or without its `\n`): a request, a notification, or
   * garbage.
   * @param {Buffer | string} line
   */
  handleLine(line) {
    const text = typeof line === "string" ? line : null;
    if ((text ?? line.toString("latin1")).trim() === "") return;
    let message;
    try {
      message = decode(line);
    } catch (error) {
      this._sendError(null, new RpcError(PARSE_ERROR, `parse error: ${error.message}`));
      return;
    }
    if (!isPlainObject(message)) {
      this._sendError(null, new RpcError(INVALID_REQUEST, "invalid request: a message must be a JSON object"));
      return;
    }
    const method = message.method;
    if (!("id" in message)) {
      // a notification: only cancel means something to a plugin
      if (method === "cancel" && isPlainObject(message.params)) this._cancel(message.params);
      return;
    }
    const id = message.id;
    if (!(id === null || typeof id === "string" || Number.isInteger(id))) {
      this._sendError(null, new RpcError(INVALID_REQUEST, "invalid request: id must be an integer"));
      return;
    }
    if (typeof method !== "string") {
      if ("result" in message || "error" in message) this._answered(id, message);
      else this._sendError(id, new RpcError(INVALID_REQUEST, "invalid request: method must be a string"));
      return;
    }
    const params = message.params;
    try {
      if (params !== undefined && params !== null && !isPlainObject(params)) {
        throw new RpcError(INVALID_PARAMS, "invalid params: params must be an object");
      }
      this._route(id, method, params ?? {});
    } catch (error) {
      if (error instanceof RpcError) {
        this._sendError(id, error);
      } else {
        this._stderr(`dltaf-plugin: ${method} (request ${JSON.stringify(id)}) failed: ${error?.stack ?? error}\n`);
        this._sendError(id, new RpcError(INTERNAL_ERROR, `internal error: ${describe(error)}`));
      }
    }
  }

  _route(id, method, params) {
    if (method === "initialize") {
      this._initialize(id, params);
    } else if (!this._initialized) {
      throw new RpcError(NOT_INITIALIZED, `not initialized: ${method} arrived before initialize`);
    } else if (method === "shutdown") {
      this._sendResult(id, {});
    } else if (CALL_METHODS.includes(method)) {
      this._start(id, method, params);
    } else {
      throw new RpcError(METHOD_NOT_FOUND, `method not found: ${method}`);
    }
  }

  _initialize(id, params) {
    if (this._initialized) throw new RpcError(INVALID_REQUEST, "invalid request: already initialized");
    const offered = params.protocol_versions;
    if (!Array.isArray(offered)) {
      throw new RpcError(INVALID_PARAMS, "invalid params: protocol_versions must be a list of integers");
    }
    const common = offered.filter((v) => Number.isInteger(v) && SUPPORTED_VERSIONS.includes(v));
    if (common.length === 0) {
      const message = `unsupported protocol version: host offers ${JSON.stringify(offered)}, plugin speaks ${JSON.stringify(SUPPORTED_VERSIONS)}`;
      throw new RpcError(UNSUPPORTED_VERSION, message, { supported: [...SUPPORTED_VERSIONS] });
    }
    this.protocolVersion = Math.max(...common);
    this.initializeParams = params;
    const maxLine = isPlainObject(params.limits) ? params.limits.max_line_bytes : undefined;
    if (Number.isInteger(maxLine) && maxLine > 0) this.maxLineBytes = maxLine;
    const offeredFeatures = Array.isArray(params.features) ? params.features : [];
    const data = this.plugin.data && this.plugin.runners.size > 0 && offeredFeatures.includes(DATA_FEATURE);
    this.features = data ? [DATA_FEATURE] : [];
    this._sendResult(id, {
      protocol_version: this.protocolVersion,
      plugin: this.plugin.info(),
      provides: this.plugin.provides(),
      features: [...this.features],
    });
    this._initialized = true; // only now may notifications follow
  }

  // -- calls -------------------------------------------------------------------------------------------------

  _start(id, method, params) {
    const compute = prepare(this.plugin, method, params);
    if (this._pending.has(id)) throw new RpcError(INVALID_REQUEST, `invalid request: id ${JSON.stringify(id)} is still in use`);
    const call = new Call(id, method, params, this.notify);
    const pending = { call, answered: false };
    this._pending.set(id, pending);
    if (method === "runner/run") this._attachData(call);
    const interval = this.plugin.heartbeatSeconds;
    if (interval > 0) {
      pending.beat = setInterval(() => {
        if (!pending.answered) this.notify("heartbeat", { request_id: id });
      }, interval * 1000);
    }
    if (this._ended) this._requestCancel(pending, "stdin closed");
    currentCallStorage.run(call, () => {
      Promise.resolve()
        .then(() => compute(call))
        .then(
          (result) => this._finish(pending, { result }),
          (error) => this._finish(pending, { error: this._errorFor(call, error) }),
        );
    });
  }

  // -- the data feature: the plugin's requests ---------------------------------------------------------------

  _attachData(call) {
    const data = call.params.data;
    if (!this.features.includes(DATA_FEATURE)) {
      call._noDataReason = this.plugin.data
        ? `the host does not support the data feature (${DATA_FEATURE}): it offered features ${JSON.stringify(this.initializeParams.features ?? null)}. Check call.dataEnabled and load another way, or upgrade dltaf`
        : `this plugin was created with data: false: it does not negotiate ${DATA_FEATURE}`;
    } else if (!isPlainObject(data)) {
      call._noDataReason = "the host negotiated data.v1 but sent no data params with runner/run";
    } else {
      call.data = data;
      call._channel = new DataChannel(call, data, (method, params) => this._request(method, params));
    }
  }

  /**
   * Sends the request `method` to the host; resolves to its result, rejects with an `RpcError`. Throws at once
   * (`LineTooLong`, `TypeError`) when the message cannot be encoded.
   */
  _request(method, params) {
    if (this._ended) return Promise.reject(new RpcError(REQUEST_CANCELLED, "request cancelled: stdin closed"));
    const id = this._nextOutgoing + 1;
    const data = encode({ jsonrpc: "2.0", id, method, params }, this.maxLineBytes);
    this._nextOutgoing = id;
    const answer = new Promise((resolve, reject) => this._outgoing.set(id, { resolve, reject }));
    this._write(data);
    return answer;
  }

  /** An answer to one of the plugin's requests (answers to unknown ids are ignored). */
  _answered(id, message) {
    const waiting = this._outgoing.get(id);
    if (waiting === undefined) return;
    this._outgoing.delete(id);
    if (!("error" in message)) {
      waiting.resolve(message.result);
      return;
    }
    const error = isPlainObject(message.error) ? message.error : {};
    const code = Number.isInteger(error.code) ? error.code : INTERNAL_ERROR;
    waiting.reject(new RpcError(code, String(error.message ?? "error"), error.data));
  }

  _failOutgoing(reason) {
    const waiting = [...this._outgoing.values()];
    this._outgoing.clear();
    for (const { reject } of waiting) reject(new RpcError(REQUEST_CANCELLED, `request cancelled: ${reason}`));
  }

  _errorFor(call, error) {
    if (error instanceof Cancelled) return new RpcError(REQUEST_CANCELLED, error.message);
    if (call.cancelled) return new RpcError(REQUEST_CANCELLED, `request cancelled (${describe(error)})`);
    if (error instanceof RpcError) return error;
    if (error instanceof PluginError) return new RpcError(HANDLER_FAILED, error.message, error.data());
    const stack = error instanceof Error && error.stack ? error.stack : describe(error);
    this._stderr(`dltaf-plugin: the ${call.method} handler (request ${JSON.stringify(call.id)}) failed:\n${stack}\n`);
    return new RpcError(HANDLER_FAILED, describe(error), { category: "UNKNOWN", code: null, retryable: false });
  }

  _finish(pending, { result, error }) {
    if (pending.answered) return;
    pending.answered = true;
    clearInterval(pending.beat);
    clearTimeout(pending.grace);
    this._pending.delete(pending.call.id);
    if (error === undefined) this._sendResult(pending.call.id, result);
    else this._sendError(pending.call.id, error);
    if (this._pending.size === 0) {
      const waiting = this._idleWaiters;
      this._idleWaiters = [];
      for (const resolve of waiting) resolve();
    }
  }

  _cancel(params) {
    const pending = this._pending.get(params.id);
    if (pending === undefined) return; // already answered, or never existed: nothing to stop
    this._requestCancel(pending, typeof params.reason === "string" ? params.reason : undefined);
  }

  _requestCancel(pending, reason) {
    if (pending.call.cancelled) return;
    pending.call._cancel(reason);
    const late = new RpcError(REQUEST_CANCELLED, "request cancelled: the handler did not stop in time");
    pending.grace = setTimeout(() => this._finish(pending, { error: late }), this.plugin.cancelGraceSeconds * 1000);
  }

  /**
   * Asks every running handler to stop: their `signal` aborts, and each is answered `-32800` if it has not
   * finished within the cancel grace.
   * @param {string} reason
   */
  cancelAll(reason) {
    for (const pending of [...this._pending.values()]) this._requestCancel(pending, reason);
  }

  /** Answers every running call `-32800` now, without waiting for its handler (used on SIGTERM). */
  abortAll(reason) {
    for (const pending of [...this._pending.values()]) {
      pending.call._cancel(reason);
      this._finish(pending, { error: new RpcError(REQUEST_CANCELLED, `request cancelled: ${reason}`) });
    }
  }

  /** Whether calls are still unanswered. */
  busy() {
    return this._pending.size > 0;
  }

  /**
   * Ends the session at end of input: running handlers are cancelled and get `plugin.cancelGraceSeconds` to
   * finish; whatever is still running then is answered `-32800`. Resolves to the exit status, 0.
   * @returns {Promise<number>}
   */
  async end(reason = "stdin closed") {
    this._ended = true;
    this._failOutgoing(reason);
    if (this._pending.size > 0) {
      this.cancelAll(reason);
      await new Promise((resolve) => {
        this._idleWaiters.push(resolve);
        // a safety net in case a timer was lost; the grace timers normally resolve this first
        setTimeout(resolve, this.plugin.cancelGraceSeconds * 1000 + 100).unref();
      });
      this.abortAll(reason);
    }
    if (this.plugin._notify === this.notify) this.plugin._notify = null;
    return 0;
  }

  // -- output ------------------------------------------------------------------------------------------------

  /**
   * Sends a notification; before the handshake is answered it goes to stderr as text instead.
   * @param {string} method
   * @param {Record<string, unknown>} params
   */
  notify(method, params) {
    if (!this._initialized) {
      this._stderr(`dltaf-plugin: ${params.level ?? method}: ${params.message ?? JSON.stringify(params)}\n`);
      return;
    }
    try {
      this._write(encode({ jsonrpc: "2.0", method, params }, this.maxLineBytes));
    } catch (error) {
      this._stderr(`dltaf-plugin: dropped a ${method} notification: ${error.message}\n`);
    }
  }

  _sendResult(id, result) {
    let data;
    try {
      data = encode({ jsonrpc: "2.0", id, result }, this.maxLineBytes);
    } catch (error) {
      this._sendError(id, new RpcError(INTERNAL_ERROR, `internal error: the result cannot be sent: ${error.message}`));
      return;
    }
    this._write(data);
  }

  _sendError(id, error) {
    let data;
    try {
      data = encode({ jsonrpc: "2.0", id, error: error.toJSON() }, this.maxLineBytes);
    } catch {
      // drop data that is not JSON, or too long
      const plain = { code: error.code, message: String(error.message).slice(0, 4096) };
      data = encode({ jsonrpc: "2.0", id, error: plain });
    }
    this._write(data);
  }
}
