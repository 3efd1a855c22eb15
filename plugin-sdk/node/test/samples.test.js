// The Node samples in samples/plugins/samples/node, each spawned through its dltaf-plugin.json descriptor.

import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, test } from "node:test";
import { DataHost } from "../lib/testing-data.js";
import { SAMPLES_DIR, callParams, context, pluginEnv, startPlugin } from "../test-support/host.js";

/** The command and env of a sample, from its descriptor, as dltaf and replay.py resolve them. */
function descriptorCommand(name) {
  const dir = path.join(SAMPLES_DIR, name);
  const described = JSON.parse(fs.readFileSync(path.join(dir, "dltaf-plugin.json"), "utf8"));
  const expand = (value) => value.replaceAll("${PLUGIN_DIR}", dir);
  const env = Object.fromEntries(Object.entries(described.env ?? {}).map(([key, value]) => [key, expand(value)]));
  return { described, argv: described.command.map(expand), env };
}

function startSample(t, name) {
  const { argv, env } = descriptorCommand(name);
  if (argv[0] === "node") argv[0] = process.execPath; // the node running the tests
  return startPlugin(t, argv, { env: pluginEnv({ ...env, DLTAF_PLUGIN_SPEC: `samples.node.${name}` }) });
}

function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dltaf-node-sample-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function listen(t, server) {
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return server.address().port;
}

const RECORDS = [{ id: 1, name: "ada" }, { id: 2, name: "grace" }, { id: 3, name: "linus" }];
const JSON_LINES = RECORDS.map((record) => JSON.stringify(record)).join("\n") + "\n\n";

describe("samples", { timeout: 30_000 }, () => {
  test("descriptors are dltaf_plugin 1 and each sample stays under 60 lines", () => {
    for (const name of ["json_runner", "audit_hook", "port_check"]) {
      const { described } = descriptorCommand(name);
      assert.equal(described.dltaf_plugin, 1);
      assert.ok(described.description);
      assert.deepEqual(described.command, ["node", "${PLUGIN_DIR}/main.mjs"]);
      const source = fs.readFileSync(path.join(SAMPLES_DIR, name, "main.mjs"), "utf8");
      assert.ok(source.split("\n").length - 1 < 60, `${name} has ${source.split("\n").length - 1} lines`);
      assert.match(source, /from "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/plugin-sdk\/node\/index\.js"/);
    }
  });

  describe("json_runner", () => {
    test("validate reports each problem with its JSON Pointer", async (t) => {
      const plugin = startSample(t, "json_runner");
      const init = await plugin.initialize();
      assert.deepEqual(init.provides.runners.map((r) => r.kind), ["json_lines"]);
      const validate = async (manifest) => (await plugin.call("runner/validate", callParams({ kind: "json_lines", manifest }))).result.diagnostics;
      const empty = await validate({});
      assert.ok(empty.length > 0);
      assert.ok(empty.every((d) => d.severity === "error" && d.path.startsWith("/")));
      assert.deepEqual(empty.map((d) => d.path), ["/source"]);
      const both = await validate({ source: { kind: "json_lines", path: "a.jsonl", url: "ftp://x", limit: -1 } });
      assert.deepEqual(both.map((d) => d.path), ["/source", "/source/url", "/source/limit"]);
      assert.deepEqual(await validate({ source: { path: 3 } }), [{ severity: "error", message: "source.path must be a string", path: "/source/path" }]);
      assert.deepEqual((await validate({ source: { limit: 1.5, url: "http://x" } })).map((d) => d.path), ["/source/limit"]);
      assert.deepEqual(await validate({ source: { kind: "json_lines", path: "a.jsonl", limit: 0 } }), []);
    });

    test("run counts a local file relative to manifest_dir, sends progress and state, writes the output", async (t) => {
      const dir = tempDir(t);
      fs.writeFileSync(path.join(dir, "people.jsonl"), JSON_LINES);
      const plugin = startSample(t, "json_runner");
      await plugin.initialize();
      const manifest = { source: { kind: "json_lines", path: "people.jsonl", output: "copy.jsonl", limit: 2 } };
      const id = plugin.request("runner/run", callParams({ kind: "json_lines", env: {}, manifest, context: context({ manifest_dir: dir }) }));
      const response = await plugin.response(id);
      assert.deepEqual(response.result, { status: "success", message: "2 records", load_metrics: { rows_count: 2 } });
      assert.deepEqual(plugin.notifications("progress", id).at(-1), { current: 2, total: 2, unit: "records", request_id: id });
      assert.deepEqual(plugin.notifications("state", id), [{ state: { records: 2 }, request_id: id }]);
      const copied = fs.readFileSync(path.join(dir, "copy.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line));
      assert.deepEqual(copied, RECORDS.slice(0, 2));
      // a missing file is a CONFIG failure; a bad record is a failed load
      const missing = await plugin.call("runner/run", callParams({ kind: "json_lines", env: {}, manifest: { source: { path: "nope.jsonl" } }, context: context({ manifest_dir: dir }) }));
      assert.equal(missing.error.code, -32000);
      assert.equal(missing.error.data.category, "CONFIG");
      fs.writeFileSync(path.join(dir, "bad.jsonl"), '{"ok":1}\nnot json\n');
      const bad = await plugin.call("runner/run", callParams({ kind: "json_lines", env: {}, manifest: { source: { path: "bad.jsonl" } }, context: context({ manifest_dir: dir }) }));
      assert.deepEqual(bad.result, { status: "failed", message: "record 2 is not JSON" });
      const invalid = await plugin.call("runner/run", callParams({ kind: "json_lines", env: {}, manifest: {} }));
      assert.equal(invalid.error.data.category, "CONFIG");
    });

    test("with data.v1 offered, run loads the records into the destination through data/*", async (t) => {
      const dir = tempDir(t);
      const spool = path.join(dir, "spool");
      fs.mkdirSync(spool);
      fs.writeFileSync(path.join(dir, "people.jsonl"), JSON_LINES);
      fs.writeFileSync(path.join(dir, "numbers.jsonl"), '{"ok":1}\n2\n');
      const plugin = startSample(t, "json_runner");
      const data = new DataHost(spool, "load-1");
      plugin.serveData(data);
      assert.deepEqual((await plugin.initialize({ features: ["data.v1"] })).features, ["data.v1"]);
      const runWith = (source) => {
        const params = callParams({ kind: "json_lines", env: {}, manifest: { source }, context: context({ manifest_dir: dir }) });
        return plugin.call("runner/run", { ...params, data: data.runParams() });
      };
      const response = await runWith({ kind: "json_lines", path: "people.jsonl", stream: "people" });
      assert.deepEqual(response.result, { status: "success", message: "3 records", load_metrics: { rows_count: 3 } });
      data.endRun(response.result.status);
      assert.deepEqual(data.rows("people"), RECORDS);
      assert.deepEqual(data.requests.map(([method]) => method), ["data/open", "data/write"]);
      assert.equal(data.requests[1][1].file.format, "ndjson");
      assert.deepEqual(fs.readdirSync(spool), []);
      const numbers = await runWith({ kind: "json_lines", path: "numbers.jsonl" });
      assert.deepEqual(numbers.result, { status: "failed", message: "record 2 is not a JSON object" });
    });

    test("run fetches an http:// URL from a local server", async (t) => {
      const requests = [];
      const server = http.createServer((request, response) => {
        requests.push(request.url);
        if (request.url === "/people.jsonl") {
          response.writeHead(200, { "content-type": "application/x-ndjson" }).end(JSON_LINES);
        } else {
          response.writeHead(503).end("unavailable");
        }
      });
      const port = await listen(t, server);
      const plugin = startSample(t, "json_runner");
      await plugin.initialize();
      const url = `http://127.0.0.1:${port}/people.jsonl`;
      const ok = await plugin.call("runner/run", callParams({ kind: "json_lines", env: {}, manifest: { source: { url } } }));
      assert.deepEqual(ok.result, { status: "success", message: "3 records", load_metrics: { rows_count: 3 } });
      const down = await plugin.call("runner/run", callParams({ kind: "json_lines", env: {}, manifest: { source: { url: `http://127.0.0.1:${port}/down` } } }));
      assert.equal(down.error.code, -32000);
      assert.deepEqual(down.error.data, { category: "HTTP", code: null, retryable: true });
      assert.deepEqual(requests, ["/people.jsonl", "/down"]);
    });

    test("cancel stops a download in flight with -32800", async (t) => {
      const server = http.createServer((request, response) => {
        response.writeHead(200);
        response.write('{"slow":true}\n'); // and never ends
      });
      const port = await listen(t, server);
      t.after(() => server.closeAllConnections());
      const plugin = startSample(t, "json_runner");
      await plugin.initialize();
      const id = plugin.request("runner/run", callParams({ kind: "json_lines", env: {}, manifest: { source: { url: `http://127.0.0.1:${port}/` } } }));
      await sleep(200);
      plugin.send({ jsonrpc: "2.0", method: "cancel", params: { id } });
      assert.equal((await plugin.response(id)).error.code, -32800);
    });
  });

  describe("audit_hook", () => {
    test("appends one line per event relative to manifest_dir, and vetoes denied pipelines", async (t) => {
      const dir = tempDir(t);
      const plugin = startSample(t, "audit_hook");
      const init = await plugin.initialize();
      assert.deepEqual(init.provides.hooks, [{ name: "node_audit", events: ["pre_run", "post_run", "on_error"], description: "Appends one JSON audit line per run event" }]);
      const base = { hook: "node_audit", config: { path: "logs/audit.jsonl" }, context: context({ manifest_dir: dir }) };
      assert.deepEqual((await plugin.call("hook/pre_run", callParams(base))).result, { ok: true });
      const post = await plugin.call("hook/post_run", callParams({ ...base, result: { status: "success" } }));
      assert.deepEqual(post.result, { ok: true });
      const error = { message: "boom", category: "DATA", code: null };
      assert.deepEqual((await plugin.call("hook/on_error", callParams({ ...base, error, result: { status: "failed" } }))).result, { ok: true });
      const denied = await plugin.call("hook/pre_run", callParams({ ...base, config: { ...base.config, deny_pipelines: ["test_pipeline"] } }));
      assert.equal(denied.result.ok, false);
      assert.match(denied.result.message, /test_pipeline/);
      const lines = fs.readFileSync(path.join(dir, "logs", "audit.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line));
      assert.deepEqual(lines.map((l) => [l.event, l.status]), [["pre_run", undefined], ["post_run", "success"], ["on_error", "failed"], ["pre_run", "denied"]]);
      assert.deepEqual(lines[2].error, error);
      for (const line of lines) {
        assert.equal(line.run_id, context().run_id);
        assert.equal(line.pipeline, "test_pipeline");
        assert.match(line.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      }
      assert.ok(plugin.notifications("log").some((p) => p.level === "info" && p.message.startsWith("audited pre_run")));
    });

    test("a missing config.path is a CONFIG failure", async (t) => {
      const plugin = startSample(t, "audit_hook");
      await plugin.initialize();
      const response = await plugin.call("hook/pre_run", callParams({ hook: "node_audit", config: {} }));
      assert.equal(response.error.code, -32000);
      assert.equal(response.error.data.category, "CONFIG");
    });
  });

  describe("port_check", () => {
    test("applies only when endpoints are configured", async (t) => {
      const plugin = startSample(t, "port_check");
      const init = await plugin.initialize();
      assert.deepEqual(init.provides.checks.map((c) => c.name), ["node_port"]);
      const applies = async (config) => (await plugin.call("check/applies", callParams({ check: "node_port", config }))).result;
      assert.deepEqual(await applies({}), { applies: false, reason: "no config.endpoints" });
      assert.deepEqual(await applies({ endpoints: [] }), { applies: false, reason: "no config.endpoints" });
      assert.deepEqual(await applies({ endpoints: ["127.0.0.1:5432"] }), { applies: true });
    });

    test("reports latency for open ports and errors for closed or malformed ones", async (t) => {
      const openPort = await listen(t, net.createServer((socket) => socket.end()));
      const closed = net.createServer();
      await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const closedPort = closed.address().port;
      await new Promise((resolve) => closed.close(resolve));
      const plugin = startSample(t, "port_check");
      await plugin.initialize();
      const open = `127.0.0.1:${openPort}`;
      const shut = `127.0.0.1:${closedPort}`;
      const ok = (await plugin.call("check/run", callParams({ check: "node_port", config: { endpoints: [open] }, timeout_seconds: 5 }))).result;
      assert.equal(ok.ok, true);
      assert.deepEqual(ok.errors, []);
      assert.equal(typeof ok.details[open].latency_ms, "number");
      const endpoints = [open, shut, "no-port-here"];
      const mixed = (await plugin.call("check/run", callParams({ check: "node_port", config: { endpoints, timeout_seconds: 2 }, timeout_seconds: 5 }))).result;
      assert.equal(mixed.ok, false);
      assert.deepEqual(mixed.errors, [`${shut}: ECONNREFUSED`, "no-port-here: not host:port"]);
      assert.deepEqual(Object.keys(mixed.details), endpoints);
      const none = (await plugin.call("check/run", callParams({ check: "node_port", config: {}, timeout_seconds: 5 }))).result;
      assert.deepEqual(none, { ok: true, errors: [], warnings: ["no endpoints configured (config.endpoints)"], details: {} });
    });
  });
});
