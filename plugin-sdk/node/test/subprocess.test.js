// The SDK as a real plugin process: stdout protection, exit behaviour, signals, and the protocol over pipes.

import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, test } from "node:test";
import { callParams, startDemo } from "../test-support/host.js";

const STUBBORN = { source: { seconds: 30, ignore_cancel: true } }; // a handler that ignores cancel

describe("a plugin process", { timeout: 30_000 }, () => {
  test("handshake, shutdown and end of input exit 0, with compact one-object lines", async (t) => {
    const plugin = startDemo(t);
    const result = await plugin.initialize();
    assert.equal(result.protocol_version, 1);
    assert.equal(result.plugin.name, "demo");
    assert.deepEqual(await plugin.call("shutdown"), { jsonrpc: "2.0", id: 2, result: {} });
    plugin.closeStdin();
    assert.deepEqual(await plugin.wait(), { code: 0, signal: null });
    assert.deepEqual(plugin.noise, []);
    for (const line of plugin.rawStdout) assert.equal(line, `${JSON.stringify(JSON.parse(line))}\n`);
  });

  test("end of input without a handshake exits 0 with nothing on stdout", async (t) => {
    const plugin = startDemo(t);
    plugin.closeStdin();
    assert.equal((await plugin.wait()).code, 0);
    assert.deepEqual(plugin.rawStdout, []);
    assert.match(plugin.stderrText, /demo plugin: module loading/); // console.log at import time went to stderr
  });

  test("protocol errors over pipes", async (t) => {
    const plugin = startDemo(t);
    const before = await plugin.call("runner/run", callParams({ kind: "csv_rows" }));
    assert.equal(before.error.code, -32001);
    const mismatch = await plugin.call("initialize", { protocol_versions: [99] });
    assert.equal(mismatch.error.code, -32002);
    assert.deepEqual(mismatch.error.data, { supported: [1] });
    await plugin.initialize();
    assert.equal((await plugin.call("frobnicate/now")).error.code, -32601);
    plugin.sendRaw("this is not json\r\n");
    const parse = await plugin.response(null);
    assert.equal(parse.error.code, -32700);
    assert.equal((await plugin.call("check/run", callParams({ config: {}, timeout_seconds: 1 }))).error.code, -32602);
    // a request split across writes, and the last line without its newline
    plugin.sendRaw('{"jsonrpc":"2.0","id":50,"meth');
    await sleep(20);
    plugin.sendRaw('od":"shutdown"}\n{"jsonrpc":"2.0","id":51,"method":"shutdown"}');
    assert.deepEqual((await plugin.response(50)).result, {});
    plugin.closeStdin();
    assert.deepEqual((await plugin.response(51)).result, {});
    assert.equal((await plugin.wait()).code, 0);
  });

  test("console output and process.stdout.write go to stderr; logs become notifications", async (t) => {
    const plugin = startDemo(t);
    await plugin.initialize();
    const id = plugin.request("runner/run", callParams({ kind: "chatty", env: {} }));
    assert.deepEqual((await plugin.response(id)).result, { status: "success" });
    const child = await plugin.call("runner/run", callParams({ kind: "child", env: {} }));
    assert.deepEqual(child.result, { status: "success" });
    const stderr = await plugin.stderrContaining("a child process writing to stdout");
    for (const text of ["demo plugin: module loading", "console.log from a handler", "console.info from a handler",
      "console.debug from a handler", "process.stdout.write from a handler", "a child process writing to stdout"]) {
      assert.ok(stderr.includes(text), text);
      assert.ok(!plugin.rawStdout.join("").includes(text), text);
    }
    assert.deepEqual(plugin.noise, []);
    assert.deepEqual(plugin.notifications("log", id), [
      { level: "error", message: "an explicit log", fields: { table: "orders" }, request_id: id },
      { level: "warning", message: "a plugin-level log", request_id: id },
      { level: "info", message: "still tagged after await", request_id: id },
    ]);
  });

  test("without DLTAF_PLUGIN, stdout is protected from serve() on only", async (t) => {
    const plugin = startDemo(t, { DLTAF_PLUGIN: "" });
    await plugin.initialize();
    plugin.closeStdin();
    assert.equal((await plugin.wait()).code, 0);
    // without DLTAF_PLUGIN the SDK only protects stdout from serve() on: the import-time line is noise
    assert.deepEqual(plugin.noise, ["demo plugin: module loading"]);
  });

  test("run, validate and hooks over pipes", async (t) => {
    const plugin = startDemo(t);
    await plugin.initialize();
    const id = plugin.request("runner/run", callParams({ kind: "csv_rows", env: {} }));
    const response = await plugin.response(id);
    assert.deepEqual(response.result.load_metrics, { rows_count: 3 });
    const methods = plugin.messages.filter((m) => m.params?.request_id === id && m.method !== "heartbeat").map((m) => m.method);
    assert.deepEqual(methods, ["progress", "progress", "progress", "state"]);
    const validate = await plugin.call("runner/validate", callParams({ kind: "csv_rows" }));
    assert.deepEqual(validate.result.diagnostics.map((d) => d.path), ["/source/path", undefined]);
    const veto = await plugin.call("hook/pre_run", callParams({ hook: "guard", config: { deny: true } }));
    assert.deepEqual(veto.result, { ok: false, message: "denied by config" });
    const crash = await plugin.call("runner/run", callParams({ kind: "crash", env: {} }));
    assert.equal(crash.error.code, -32000);
    assert.equal(crash.error.data.category, "UNKNOWN");
    assert.ok(!JSON.stringify(crash).includes("demo_plugin.mjs"), "no stack in the answer");
    assert.match(await plugin.stderrContaining("TypeError: boom"), /demo_plugin\.mjs:\d+/);
  });

  test("stray errors in timers and promises do not end the session", async (t) => {
    const plugin = startDemo(t);
    await plugin.initialize();
    const response = await plugin.call("runner/run", callParams({ kind: "stray_error", env: {} }));
    assert.deepEqual(response.result, { message: "survived", status: "success" });
    await plugin.stderrContaining("a stray error in a timer");
    await plugin.stderrContaining("a stray rejection");
    assert.deepEqual((await plugin.call("shutdown")).result, {});
  });

  test("a large result is written whole, without interleaving notifications", async (t) => {
    const plugin = startDemo(t, { DEMO_HEARTBEAT_SECONDS: "0.01" });
    await plugin.initialize();
    const size = 4 * 1024 * 1024;
    const ids = [1, 2, 3].map(() => plugin.request("runner/run", callParams({ kind: "big_result", env: {}, manifest: { source: { size } } })));
    for (const id of ids) assert.equal((await plugin.response(id, 15_000)).result.payload.length, size);
    assert.deepEqual(plugin.noise, []);
  });

  test("cancel answers -32800", async (t) => {
    const plugin = startDemo(t);
    await plugin.initialize();
    const id = plugin.request("runner/run", callParams({ kind: "sleepy", env: {}, manifest: { source: { seconds: 30 } } }));
    await sleep(50);
    plugin.send({ jsonrpc: "2.0", method: "cancel", params: { id, reason: "test" } });
    const response = await plugin.response(id, 5000);
    assert.equal(response.error.code, -32800);
    const abortable = plugin.request("runner/run", callParams({ kind: "abortable", env: {} }));
    await sleep(50);
    plugin.send({ jsonrpc: "2.0", method: "cancel", params: { id: abortable } });
    assert.equal((await plugin.response(abortable, 5000)).error.code, -32800);
  });

  test("heartbeats during a slow handler", async (t) => {
    const plugin = startDemo(t); // heartbeat every 0.1 s
    await plugin.initialize();
    const id = plugin.request("runner/run", callParams({ kind: "sleepy", env: {}, manifest: { source: { seconds: 0.5 } } }));
    assert.deepEqual((await plugin.response(id)).result, { status: "success" });
    const beats = plugin.messages.filter((m) => m.method === "heartbeat");
    assert.ok(beats.length >= 2, `${beats.length} heartbeats`);
    for (const beat of beats) assert.deepEqual(beat, { jsonrpc: "2.0", method: "heartbeat", params: { request_id: id } });
  });

  test("end of input while a handler ignores cancel still exits 0 within the grace", async (t) => {
    const plugin = startDemo(t); // cancel grace 0.5 s
    await plugin.initialize();
    const id = plugin.request("runner/run", callParams({ kind: "sleepy", env: {}, manifest: STUBBORN }));
    await sleep(100);
    const started = Date.now();
    plugin.closeStdin();
    assert.deepEqual(await plugin.wait(), { code: 0, signal: null });
    assert.ok(Date.now() - started < 3000);
    assert.equal((await plugin.response(id, 1000)).error.code, -32800); // answered before exiting
  });

  for (const [signal, status] of [["SIGTERM", 143], ["SIGHUP", 129]]) {
    test(`${signal} exits promptly while a handler runs`, async (t) => {
      const plugin = startDemo(t);
      await plugin.initialize();
      const id = plugin.request("runner/run", callParams({ kind: "sleepy", env: {}, manifest: STUBBORN }));
      await sleep(200);
      const started = Date.now();
      plugin.proc.kill(signal);
      assert.deepEqual(await plugin.wait(5000), { code: status, signal: null });
      assert.ok(Date.now() - started < 2000);
      const response = await plugin.response(id, 1000);
      assert.equal(response.error.code, -32800);
      assert.match(response.error.message, new RegExp(signal));
    });
  }
});
