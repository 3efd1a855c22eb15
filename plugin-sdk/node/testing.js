/**
 * `InMemoryHost`: drive a `Plugin` in-process from unit tests, as dltaf would over stdio.
 *
 * ```js
 * import { InMemoryHost } from "dltaf-plugin/testing";
 *
 * const host = new InMemoryHost(plugin);
 * await host.initialize();
 * const result = await host.call("check/run", { check: "port_open", config: { port: 1 } });
 * assert.equal(result.ok, false);
 * await host.close();
 * ```
 *
 * With `host.initialize({ features: ["data.v1"] })` the host also plays the `data.v1` feature: `runner/run`
 * gets `data` params and `host.data` (a {@link DataHost}) answers the plugin's `data/*` requests.
 * @module dltaf-plugin/testing
 */

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { METHOD_NOT_FOUND, RpcError } from "./lib/errors.js";
import { encode } from "./lib/framing.js";
import { CALL_METHODS, DATA_FEATURE, Server } from "./lib/server.js";
import { DataHost, normalizeName, parseCsv } from "./lib/testing-data.js";
import { waitUntil } from "./lib/wait.js";

export { DataHost, RpcError, normalizeName, parseCsv };

/** The `run_id` of {@link defaultContext} and of `InMemoryHost.initialize()`. */
export const DEFAULT_RUN_ID = "00000000-0000-4000-8000-000000000000";

/**
 * A plausible call `context` (PROTOCOL.md §3.2); `overrides` replace fields.
 * @param {Record<string, unknown>} [overrides]
 */
export function defaultContext(overrides = {}) {
  return {
    run_id: DEFAULT_RUN_ID,
    started_at: "2025-01-01T00:00:00Z",
    mode: "run",
    manifest_path: "/tmp/manifest.yaml",
    manifest_dir: "/tmp",
    pipeline: { name: "test_pipeline", destination: "duckdb", dataset: "test" },
    source_kind: "test",
    write_disposition: "replace",
    ...overrides,
  };
}

const key = (id) => JSON.stringify(id ?? null);

/**
 * Runs a plugin's protocol session in this process and plays the host's side.
 *
 * Everything the plugin writes is recorded: `received` (all messages, in order) and `notifications`.
 * `console` is not redirected (it is the test's own output).
 */
export class InMemoryHost {
  /**
   * @param {import("./lib/plugin.js").Plugin} plugin
   * @param {{timeout?: number}} [options] `timeout`: milliseconds to wait for an answer (default 10000).
   */
  constructor(plugin, { timeout = 10_000 } = {}) {
    this.plugin = plugin;
    this.timeout = timeout;
    /** Messages (or raw lines) sent to the plugin. @type {unknown[]} */
    this.sent = [];
    /** Every message received from the plugin, in order. @type {Record<string, any>[]} */
    this.received = [];
    /** The notifications received from the plugin. @type {Record<string, any>[]} */
    this.notifications = [];
    /** Text the SDK wrote to stderr (tracebacks of failed handlers...). @type {string[]} */
    this.stderr = [];
    /** The session's exit status, once `close()` resolved. @type {number | undefined} */
    this.exitCode = undefined;
    /** With `data.v1`: the host's data side, which answers `data/*` requests. @type {DataHost | undefined} */
    this.data = undefined;
    this._runs = new Set();
    this._nextId = 0;
    this._closed = false;
    this._closing = undefined;
    /** @type {Map<string, Record<string, any>[]>} */
    this._responses = new Map();
    /** @type {Set<() => void>} */
    this._waiters = new Set();
    this.server = new Server(plugin, {
      write: (data) => this._receive(data),
      stderr: (text) => {
        this.stderr.push(text);
      },
    });
  }

  _receive(data) {
    const message = JSON.parse(data.toString("utf8"));
    this.received.push(message);
    if ("id" in message && typeof message.method === "string") {
      this._serveRequest(message);
    } else if ("id" in message) {
      if (this._runs.delete(key(message.id)) && this.data !== undefined) {
        this.data.endRun(message.result?.status);
      }
      const list = this._responses.get(key(message.id)) ?? [];
      list.push(message);
      this._responses.set(key(message.id), list);
    } else {
      this.notifications.push(message);
    }
    for (const wake of [...this._waiters]) wake();
  }

  /** A request from the plugin: `data/*` with the feature, else -32601 as dltaf answers it. */
  _serveRequest(message) {
    const answer = (result, error) => {
      if (this._closed) return;
      const response = { jsonrpc: "2.0", id: message.id };
      if (error !== undefined) response.error = error.toJSON();
      else response.result = result;
      this.send(response);
    };
    // answered on a later turn of the event loop, as over a pipe (and in order)
    setImmediate(() => {
      if (this.data === undefined || !message.method.startsWith("data/")) {
        answer(undefined, new RpcError(METHOD_NOT_FOUND, `method not found: ${message.method}`));
      } else {
        this.data.serve(message.method, message.params, answer);
      }
    });
  }

  _wait(ready, timeout, what) {
    const limit = timeout ?? this.timeout;
    return waitUntil(this._waiters, ready, limit, () => new Error(`no ${what} from the plugin within ${limit} ms`));
  }


  /**
   * Writes one message to the plugin.
   * @param {unknown} message
   */
  send(message) {
    if (this._closed) throw new Error("the host already closed the plugin's input");
    this.sent.push(message);
    this.server.handleLine(encode(message));
  }

  /**
   * Writes a raw line (e.g. malformed JSON).
   * @param {string | Buffer} line
   */
  sendLine(line) {
    if (this._closed) throw new Error("the host already closed the plugin's input");
    this.sent.push(line);
    this.server.handleLine(typeof line === "string" ? Buffer.from(line, "utf8") : line);
  }

  /**
   * Sends a request without waiting and returns its id. Call methods get the members the host always sends
   * when absent: `manifest` ({}), `context` ({@link defaultContext}), `config` ({}), `env` ({}) and
   * `timeout_seconds` (30).
   * @param {string} method
   * @param {Record<string, unknown>} [params]
   * @returns {number}
   */
  request(method, params = {}) {
    const full = { ...params };
    if (CALL_METHODS.includes(method)) {
      full.manifest ??= {};
      full.context ??= defaultContext();
      if (!method.startsWith("runner/")) full.config ??= {};
      if (method === "runner/run") full.env ??= {};
      if (method === "check/run") full.timeout_seconds ??= 30;
      if (method === "runner/run" && this.data !== undefined && !("data" in full)) full.data = this.data.runParams();
    }
    this._nextId += 1;
    if (method === "runner/run") this._runs.add(key(this._nextId));
    this.send({ jsonrpc: "2.0", id: this._nextId, method, params: full });
    return this._nextId;
  }

  /**
   * Waits for the response to `id` (`null` for errors about unreadable lines).
   * @param {number | string | null} id
   * @param {{timeout?: number}} [options]
   * @returns {Promise<Record<string, any>>}
   */
  response(id, { timeout } = {}) {
    return this._wait(() => this._responses.get(key(id))?.shift(), timeout, `response ${key(id)}`);
  }

  /**
   * Sends a request and resolves to its result; rejects with {@link RpcError} if the plugin answers an error.
   * @param {string} method
   * @param {Record<string, unknown>} [params]
   * @param {{timeout?: number}} [options]
   */
  async call(method, params = {}, options = {}) {
    const response = await this.response(this.request(method, params), options);
    if ("error" in response) {
      const { code, message, data } = response.error;
      throw new RpcError(code, message, data);
    }
    return response.result;
  }

  /**
   * Performs the handshake and resolves to the `initialize` result.
   * @param {{protocolVersions?: number[]} & Record<string, unknown>} [params] other fields replace those of
   *   the `initialize` params.
   */
  initialize({ protocolVersions = [1], ...params } = {}) {
    const features = Array.isArray(params.features) ? params.features : [];
    if (features.includes(DATA_FEATURE) && this.data === undefined) {
      const spool = fs.mkdtempSync(path.join(os.tmpdir(), "dltaf-spool-"));
      this.data = new DataHost(spool, typeof params.run_id === "string" ? params.run_id : DEFAULT_RUN_ID);
    }
    return this.call("initialize", {
      protocol_versions: protocolVersions,
      host: { name: "dltaf", version: "0.0.0-test" },
      spec: "test.plugin",
      run_id: DEFAULT_RUN_ID,
      limits: { max_line_bytes: 16 * 1024 * 1024 },
      features: [],
      ...params,
    });
  }

  /**
   * Sends a notification to the plugin.
   * @param {string} method
   * @param {Record<string, unknown>} [params]
   */
  notify(method, params = {}) {
    this.send({ jsonrpc: "2.0", method, params });
  }

  /**
   * Sends `cancel` for a running request.
   * @param {number | string} id
   * @param {string} [reason]
   */
  cancel(id, reason) {
    this.notify("cancel", reason === undefined ? { id } : { id, reason });
  }

  /**
   * The params of the notifications received so far with this method (and `request_id`, if given).
   * @param {string} method
   * @param {number | string} [requestId]
   */
  notificationsOf(method, requestId) {
    return this.notifications
      .filter((n) => n.method === method)
      .map((n) => n.params ?? {})
      .filter((p) => requestId === undefined || p.request_id === requestId);
  }

  /**
   * Waits until a notification with `method` whose params satisfy `predicate` arrives; resolves to its params.
   * @param {string} method
   * @param {(params: Record<string, any>) => boolean} [predicate]
   * @param {{timeout?: number}} [options]
   */
  waitForNotification(method, predicate = () => true, { timeout } = {}) {
    return this._wait(() => this.notificationsOf(method).find(predicate), timeout, `${method} notification`);
  }

  /**
   * Closes the plugin's input (end of file): running handlers are cancelled and get the cancel grace; resolves
   * to the exit status (0).
   */
  close() {
    if (!this._closing) {
      this._closed = true;
      this._closing = this.server.end("stdin closed").then((status) => {
        this.exitCode = status;
        if (this.data !== undefined) fs.rmSync(this.data.spoolDir, { recursive: true, force: true });
        return status;
      });
    }
    return this._closing;
  }
}
