// `Plugin`: registers runner, hook and check handlers and serves them over stdio.

import { currentCall, logLevel } from "./call.js";
import { serveProcess } from "./process.js";

export const HOOK_EVENTS = Object.freeze(["pre_run", "post_run", "on_error"]);
const NAME = /^[A-Za-z0-9_.-]+$/;

function checkName(name) {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new TypeError(`plugin names must match [A-Za-z0-9_.-]+, got ${JSON.stringify(name)}`);
  }
  return name;
}

function checkHandler(what, handler) {
  if (typeof handler !== "function") throw new TypeError(`the ${what} handler must be a function`);
  return handler;
}

/**
 * A dltaf plugin: a name, a version, and the runners, hooks and checks it provides.
 *
 * @example
 * const plugin = new Plugin({ name: "audit-hook", version: "1.0.0" });
 * plugin.hook("audit_file", async (call) => { call.log("info", `event ${call.event}`); });
 * plugin.serve();
 */
export class Plugin {
  /**
   * @param {object} options
   * @param {string} options.name the plugin's identity, e.g. `"audit-hook"`.
   * @param {string} options.version the plugin's own release, e.g. `"1.0.0"`.
   * @param {string} [options.description] one line for `dltaf plugins describe`.
   * @param {number} [options.heartbeatSeconds=5] interval of the `heartbeat` notifications sent while a handler
   *   runs (`0` disables them).
   * @param {number} [options.cancelGraceSeconds=2] after a `cancel`, how long the handler has to stop before the
   *   SDK answers `-32800` on its behalf (its later result is dropped). When stdin closes, running handlers are
   *   cancelled and the process exits after at most this long.
   * @param {boolean} [options.data=true] whether to negotiate the `data.v1` feature (PROTOCOL.md §8) when the
   *   host offers it and the plugin has runners; then `runner/run` calls get the data API (`call.write`...).
   */
  constructor({ name, version, description, heartbeatSeconds = 5, cancelGraceSeconds = 2, data = true } = {}) {
    if (typeof name !== "string" || !name) throw new TypeError("Plugin needs a name");
    if (typeof version !== "string" || !version) throw new TypeError("Plugin needs a version");
    this.name = name;
    this.version = version;
    this.description = description;
    this.heartbeatSeconds = heartbeatSeconds;
    this.cancelGraceSeconds = cancelGraceSeconds;
    /** Whether `data.v1` is negotiated when offered. */
    this.data = Boolean(data);
    /** @type {Map<string, {name: string, handler: Function, description?: string}>} */
    this.runners = new Map();
    /** @type {Map<string, {name: string, handler: Function}>} */
    this.validators = new Map();
    /** @type {Map<string, {name: string, handler: Function, events: string[], description?: string}>} */
    this.hooks = new Map();
    /** @type {Map<string, {name: string, handler: Function, description?: string}>} */
    this.checks = new Map();
    /** @type {Map<string, {name: string, handler: Function}>} */
    this.appliesHandlers = new Map();
    /** @internal set while serving: sends a notification. */
    this._notify = null;
  }

  _register(table, what, name, handler, extra = {}) {
    checkName(name);
    checkHandler(what, handler);
    if (table.has(name)) throw new Error(`${what} ${JSON.stringify(name)} is registered twice`);
    table.set(name, { name, handler, ...extra });
    return this;
  }

  /**
   * Registers the `runner/run` handler of a runner kind (matched against `source.kind`).
   *
   * The handler returns a run outcome `{status, message?, warnings?, load_metrics?, table_stats?, payload?}`;
   * `status` defaults to `"success"` and returning nothing means `{status: "success"}`.
   *
   * @param {string} kind
   * @param {(call: import("./call.js").Call) => any} handler
   * @param {{validate?: (call: import("./call.js").Call) => any, description?: string}} [options]
   *   `validate` answers `runner/validate` with an array of diagnostics `{severity, message, code?, path?}`;
   *   without it, validate finds nothing.
   * @returns {this}
   */
  runner(kind, handler, { validate, description } = {}) {
    this._register(this.runners, "runner", kind, handler, { description });
    if (validate !== undefined) this.validator(kind, validate);
    return this;
  }

  /**
   * Registers the `runner/validate` handler of a runner kind (the same as `runner(kind, run, {validate})`).
   * @param {string} kind
   * @param {(call: import("./call.js").Call) => any} handler
   * @returns {this}
   */
  validator(kind, handler) {
    return this._register(this.validators, "validator", kind, handler);
  }

  /**
   * Registers a hook for some of `pre_run`, `post_run`, `on_error` (`call.event` tells which).
   *
   * The handler returns undefined or true (ok), false, `[false, "why"]` or `{ok: false, message}`; not ok in
   * `pre_run` vetoes the run, elsewhere it becomes a warning.
   *
   * @param {string} name
   * @param {(call: import("./call.js").Call) => any} handler
   * @param {{events?: string[], description?: string}} [options] `events` defaults to all three.
   * @returns {this}
   */
  hook(name, handler, { events = HOOK_EVENTS, description } = {}) {
    const list = [...events];
    const unknown = list.filter((event) => !HOOK_EVENTS.includes(event));
    if (list.length === 0 || unknown.length > 0 || new Set(list).size !== list.length) {
      throw new TypeError(`hook events must be a non-empty subset of ${HOOK_EVENTS.join(", ")}, got ${JSON.stringify(list)}`);
    }
    return this._register(this.hooks, "hook", name, handler, { events: list, description });
  }

  /**
   * Registers the `check/run` handler of an infra check. It returns `{ok, errors, warnings, details}`; missing
   * keys are filled (`ok` means "no errors"), a boolean means `{ok}`.
   *
   * @param {string} name
   * @param {(call: import("./call.js").Call) => any} handler
   * @param {{applies?: (call: import("./call.js").Call) => any, description?: string}} [options]
   *   `applies` answers `check/applies` with a boolean, `[boolean, reason]` or `{applies, reason?}`; without it
   *   the check always applies.
   * @returns {this}
   */
  check(name, handler, { applies, description } = {}) {
    this._register(this.checks, "check", name, handler, { description });
    if (applies !== undefined) this.applies(name, applies);
    return this;
  }

  /**
   * Registers the `check/applies` handler of a check (the same as `check(name, run, {applies})`).
   * @param {string} name
   * @param {(call: import("./call.js").Call) => any} handler
   * @returns {this}
   */
  applies(name, handler) {
    return this._register(this.appliesHandlers, "applies handler", name, handler);
  }

  /** The `plugin` member of the `initialize` result. */
  info() {
    const info = { name: this.name, version: this.version };
    if (this.description) info.description = this.description;
    return info;
  }

  /** The `provides` member of the `initialize` result, built from the registered handlers. */
  provides() {
    const entry = (key, reg) => {
      const out = { [key]: reg.name };
      if (reg.events) out.events = [...reg.events];
      if (reg.description) out.description = reg.description;
      return out;
    };
    return {
      runners: [...this.runners.values()].map((reg) => entry("kind", reg)),
      hooks: [...this.hooks.values()].map((reg) => entry("name", reg)),
      checks: [...this.checks.values()].map((reg) => entry("name", reg)),
    };
  }

  /**
   * Sends a `log` notification from anywhere in the plugin. Inside a handler (even after `await`s) it carries
   * that call's `request_id`. Before the handshake, or outside `serve()`, the line goes to stderr.
   *
   * @param {"debug" | "info" | "warning" | "warn" | "error"} level
   * @param {string} message
   * @param {Record<string, unknown>} [fields]
   */
  log(level, message, fields) {
    const params = { level: logLevel(level), message: String(message) };
    if (fields && Object.keys(fields).length > 0) params.fields = fields;
    const call = currentCall();
    if (call !== undefined) {
      params.request_id = call.id;
      call._notify("log", params);
    } else if (this._notify) {
      this._notify("log", params);
    } else {
      process.stderr.write(`${this.name}: ${params.level}: ${params.message}\n`);
    }
  }

  /**
   * Serves the protocol on this process's stdin and stdout until stdin closes, then exits 0.
   *
   * It keeps stdout for protocol lines: `console.log/info/debug/warn/error` and `process.stdout.write` go to
   * stderr. It exits with status 143 on SIGTERM and 129 on SIGHUP. The returned promise never resolves: the
   * process exits.
   *
   * @returns {Promise<never>}
   */
  serve() {
    return serveProcess(this);
  }
}
