// Test helpers: a plugin subprocess spoken to over pipes, as dltaf does. Lives outside test/ because
// `node --test` runs every .js file under test/ as a test file.

import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { waitUntil } from "../lib/wait.js";

export const SDK_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const REPO = path.resolve(SDK_DIR, "..", "..");
export const DEMO_PLUGIN = path.join(SDK_DIR, "test-support", "demo_plugin.mjs");
export const SAMPLES_DIR = path.join(REPO, "samples", "plugins", "samples", "node");

export const INIT_PARAMS = {
  protocol_versions: [1],
  host: { name: "dltaf", version: "0.1.0" },
  spec: "test.plugin",
  run_id: "00000000-0000-4000-8000-00000000000a",
  limits: { max_line_bytes: 16 * 1024 * 1024 },
  features: [],
};

export function context(overrides = {}) {
  return {
    run_id: "00000000-0000-4000-8000-00000000000a",
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

/** Params of a call: a manifest and a context, plus `extra`. */
export function callParams(extra = {}) {
  return { manifest: {}, context: context(), ...extra };
}

/** The environment dltaf gives a plugin (without the test runner's own variables). */
export function pluginEnv(extra = {}) {
  const env = { ...process.env, DLTAF_PLUGIN: "1", DLTAF_PROTOCOL_VERSIONS: "1", DLTAF_PLUGIN_SPEC: "test.plugin" };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  return { ...env, ...extra };
}

/** A plugin child process in its own process group; each stdout line is parsed and recorded. */
export class PluginProcess {
  constructor(argv, { env = pluginEnv(), cwd = SDK_DIR } = {}) {
    this.proc = spawn(argv[0], argv.slice(1), { env, cwd, stdio: ["pipe", "pipe", "pipe"], detached: true });
    this.rawStdout = [];
    this.messages = [];
    this.noise = [];
    this.stderrText = "";
    this.exit = new Promise((resolve) => this.proc.on("exit", (code, signal) => resolve({ code, signal })));
    this._waiters = new Set();
    this._nextId = 0;
    let partial = "";
    this.proc.stdout.setEncoding("utf8");
    this.proc.stdout.on("data", (chunk) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop();
      for (const line of parts) {
        this.rawStdout.push(`${line}\n`);
        let message;
        try {
          message = JSON.parse(line);
        } catch {
          this.noise.push(line);
          continue;
        }
        this.messages.push(message);
        if (typeof message.method === "string" && "id" in message) this._serveRequest(message);
      }
      this._wake();
    });
    this.proc.stderr.setEncoding("utf8");
    this.proc.stderr.on("data", (chunk) => {
      this.stderrText += chunk;
      this._wake();
    });
    this.proc.stdin.on("error", () => {}); // EPIPE once the plugin exited
  }

  /**
   * Answers the plugin's requests (`data/*`) with `dataHost` (a `DataHost` from lib/testing-data.js), as dltaf
   * does; without one they are answered -32601.
   */
  serveData(dataHost) {
    this.dataHost = dataHost;
  }

  _serveRequest(message) {
    const answer = (result, error) => {
      const response = { jsonrpc: "2.0", id: message.id };
      if (error !== undefined) response.error = error.toJSON();
      else response.result = result;
      this.send(response);
    };
    if (this.dataHost === undefined) answer(undefined, { toJSON: () => ({ code: -32601, message: `method not found: ${message.method}` }) });
    else this.dataHost.serve(message.method, message.params, answer);
  }

  _wake() {
    for (const wake of [...this._waiters]) wake();
  }

  /** Resolves to `ready()`'s first non-undefined value, or rejects after `timeout` ms. */
  waitFor(ready, what, timeout = 5000) {
    return waitUntil(this._waiters, ready, timeout, () =>
      new Error(`timed out after ${timeout} ms waiting for ${what}; stderr:\n${this.stderrText}`));
  }


  send(message) {
    this.proc.stdin.write(`${JSON.stringify(message)}\n`);
  }

  sendRaw(text) {
    this.proc.stdin.write(text);
  }

  request(method, params = {}) {
    this._nextId += 1;
    this.send({ jsonrpc: "2.0", id: this._nextId, method, params });
    return this._nextId;
  }

  /** The response to `id` (`null` for errors about unreadable lines). */
  response(id, timeout = 5000) {
    return this.waitFor(() => this.messages.find((m) => "id" in m && m.id === id && !("method" in m)), `response ${id}`, timeout);
  }

  async call(method, params = {}, timeout = 5000) {
    return this.response(this.request(method, params), timeout);
  }

  async initialize(params = {}) {
    const response = await this.call("initialize", { ...INIT_PARAMS, ...params });
    if (!response.result) throw new Error(`initialize failed: ${JSON.stringify(response)}`);
    return response.result;
  }

  notifications(method, requestId) {
    return this.messages
      .filter((m) => m.method === method && !("id" in m))
      .map((m) => m.params)
      .filter((p) => requestId === undefined || p.request_id === requestId);
  }

  stderrContaining(text, timeout = 5000) {
    return this.waitFor(() => (this.stderrText.includes(text) ? this.stderrText : undefined), `stderr ${JSON.stringify(text)}`, timeout);
  }

  closeStdin() {
    this.proc.stdin.end();
  }

  /** Resolves to `{code, signal}`, or rejects if the plugin still runs after `timeout` ms. */
  wait(timeout = 5000) {
    let timer;
    return Promise.race([
      this.exit.finally(() => clearTimeout(timer)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the plugin still runs after ${timeout} ms; stderr:\n${this.stderrText}`)), timeout);
      }),
    ]);
  }

  /** Kills the whole process group (as dltaf does at the end of a run). */
  kill() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      try {
        process.kill(-this.proc.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

/** Starts a plugin and kills it when the test ends. */
export function startPlugin(t, argv, options) {
  const plugin = new PluginProcess(argv, options);
  t.after(() => plugin.kill());
  return plugin;
}

export function startDemo(t, env = {}) {
  const fast = { DEMO_HEARTBEAT_SECONDS: "0.1", DEMO_CANCEL_GRACE_SECONDS: "0.5" };
  return startPlugin(t, [process.execPath, DEMO_PLUGIN], { env: pluginEnv({ ...fast, ...env }) });
}
