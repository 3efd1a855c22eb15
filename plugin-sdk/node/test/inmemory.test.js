// The protocol served in-process through InMemoryHost: handshake, errors, handlers, results, cancellation.

import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, test } from "node:test";
import { Cancelled, Diagnostic, Plugin, PluginError, RpcError } from "../index.js";
import { InMemoryHost, defaultContext } from "../testing.js";
import { makePlugin } from "../test-support/demo_plugin.mjs";

async function started(t, options = {}) {
  const host = new InMemoryHost(makePlugin({ heartbeatSeconds: 0, cancelGraceSeconds: 0.5, ...options }), { timeout: 5000 });
  t.after(() => host.close());
  await host.initialize();
  return host;
}

const rpc = (code, extra = {}) => (error) => {
  assert.ok(error instanceof RpcError, `expected an RpcError, got ${error}`);
  assert.equal(error.code, code, error.message);
  for (const [key, value] of Object.entries(extra)) assert.deepEqual(error[key], value);
  return true;
};

describe("handshake", () => {
  test("initialize announces the plugin and its registered handlers", async (t) => {
    const host = new InMemoryHost(makePlugin());
    t.after(() => host.close());
    const result = await host.initialize();
    assert.equal(result.protocol_version, 1);
    assert.deepEqual(result.plugin, { name: "demo", version: "0.0.1", description: "SDK test plugin" });
    assert.deepEqual(result.features, []);
    assert.deepEqual(result.provides.runners[0], { kind: "csv_rows", description: "Loads rows from a CSV file" });
    assert.deepEqual(result.provides.hooks, [
      { name: "guard", events: ["pre_run", "post_run"], description: "Vetoes runs when config.deny is set" },
    ]);
    assert.deepEqual(result.provides.checks.map((c) => c.name), ["port_open", "always_fails", "bool_check"]);
  });

  test("the newest common version is chosen", async () => {
    const host = new InMemoryHost(makePlugin());
    const result = await host.initialize({ protocolVersions: [3, 2, 1] });
    assert.equal(result.protocol_version, 1);
    await host.close();
  });

  test("a version mismatch is -32002 with data.supported, and the session goes on", async () => {
    const host = new InMemoryHost(makePlugin());
    await assert.rejects(host.initialize({ protocolVersions: [99] }), rpc(-32002, { data: { supported: [1] } }));
    await assert.rejects(host.call("initialize", { protocol_versions: "1" }), rpc(-32602));
    assert.equal((await host.initialize()).protocol_version, 1);
    assert.equal(await host.close(), 0);
  });

  test("calls before initialize are -32001", async () => {
    const host = new InMemoryHost(makePlugin());
    await assert.rejects(host.call("shutdown"), rpc(-32001));
    await assert.rejects(host.call("runner/run", { kind: "csv_rows" }), rpc(-32001));
    assert.deepEqual(host.notifications, []);
    await host.initialize();
    assert.deepEqual(await host.call("shutdown"), {});
    assert.equal(await host.close(), 0);
  });

  test("a second initialize is an invalid request", async (t) => {
    const host = await started(t);
    await assert.rejects(host.initialize(), rpc(-32600));
  });

  test("max_line_bytes from initialize limits results", async (t) => {
    const host = new InMemoryHost(makePlugin({ heartbeatSeconds: 0 }));
    t.after(() => host.close());
    await host.initialize({ limits: { max_line_bytes: 1024 } });
    await assert.rejects(host.call("runner/run", { kind: "big_result" }), rpc(-32603, {}));
    const ok = await host.call("runner/run", { kind: "big_result", manifest: { source: { size: 10 } } });
    assert.equal(ok.payload, "x".repeat(10));
  });
});

describe("malformed input", () => {
  test("an unknown method is -32601", async (t) => {
    const host = await started(t);
    await assert.rejects(host.call("frobnicate/now"), (error) => {
      assert.equal(error.code, -32601);
      assert.match(error.message, /frobnicate\/now/);
      return true;
    });
  });

  test("malformed JSON is -32700 with a null id, and the session goes on", async (t) => {
    const host = await started(t);
    host.sendLine("this is not json");
    const parse = await host.response(null);
    assert.equal(parse.error.code, -32700);
    assert.equal(parse.id, null);
    host.sendLine(Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a])); // not UTF-8
    assert.equal((await host.response(null)).error.code, -32700);
    host.sendLine("[1, 2]");
    assert.equal((await host.response(null)).error.code, -32600);
    host.send({ jsonrpc: "2.0", id: true, method: "shutdown" });
    assert.equal((await host.response(null)).error.code, -32600);
    host.send({ jsonrpc: "2.0", id: 77, params: {} });
    assert.equal((await host.response(77)).error.code, -32600);
    host.send({ jsonrpc: "2.0", id: 78, method: "shutdown", params: [1] });
    assert.equal((await host.response(78)).error.code, -32602);
    host.sendLine("   ");
    host.sendLine('{"jsonrpc":"2.0","id":79,"method":"shutdown"}\r\n');
    assert.deepEqual((await host.response(79)).result, {});
    assert.deepEqual(await host.call("shutdown"), {});
  });

  test("unknown notifications, unknown fields and cancel of unknown ids are ignored", async (t) => {
    const host = await started(t);
    host.notify("something_new", { x: 1 });
    host.cancel(12345);
    host.send({ jsonrpc: "2.0", id: 99, result: {} }); // a response: ignored
    host.send({ jsonrpc: "2.0", id: 100, method: "shutdown", params: {}, extra: { future: true } });
    assert.deepEqual((await host.response(100)).result, {});
    assert.equal(host.received.length, 2); // the initialize and shutdown answers only
  });

  test("a missing or unknown kind, hook or check is -32602", async (t) => {
    const host = await started(t);
    await assert.rejects(host.call("runner/run", {}), rpc(-32602));
    await assert.rejects(host.call("runner/validate", { kind: "nope" }), (error) => {
      assert.equal(error.code, -32602);
      assert.match(error.message, /unknown runner kind 'nope'/);
      assert.match(error.message, /csv_rows/);
      return true;
    });
    await assert.rejects(host.call("hook/pre_run", { hook: 3 }), rpc(-32602));
    await assert.rejects(host.call("hook/on_error", { hook: "guard" }), rpc(-32602)); // an event it does not handle
    await assert.rejects(host.call("check/run", {}), rpc(-32602));
    await assert.rejects(host.call("check/applies", { check: "nope" }), rpc(-32602));
  });

  test("a request id still in use is an invalid request", async (t) => {
    const host = await started(t, { cancelGraceSeconds: 0 });
    const params = { kind: "sleepy", manifest: { source: { seconds: 5 } }, context: defaultContext(), env: {} };
    host.send({ jsonrpc: "2.0", id: 50, method: "runner/run", params });
    host.send({ jsonrpc: "2.0", id: 50, method: "runner/run", params });
    const first = await host.response(50);
    assert.equal(first.error.code, -32600);
    host.cancel(50);
    assert.equal((await host.response(50)).error.code, -32800);
  });
});

describe("runners", () => {
  test("run returns the outcome with progress and state tagged with the request id", async (t) => {
    const host = await started(t);
    const id = host.request("runner/run", { kind: "csv_rows", manifest: { source: { rows: 3 } } });
    const response = await host.response(id);
    assert.deepEqual(response.result, { status: "success", message: "3 rows", load_metrics: { rows_count: 3 } });
    assert.deepEqual(host.notificationsOf("progress", id), [1, 2, 3].map((current) => ({ current, total: 3, unit: "rows", request_id: id })));
    assert.deepEqual(host.notificationsOf("state", id), [{ state: { cursor: 3 }, request_id: id }]);
    const order = host.received.slice(-5).map((m) => m.method ?? "response");
    assert.deepEqual(order, ["progress", "progress", "progress", "state", "response"]);
  });

  test("validate returns every diagnostic, with JSON Pointer paths", async (t) => {
    const host = await started(t);
    const result = await host.call("runner/validate", { kind: "csv_rows", manifest: { source: { limit: -1 } } });
    assert.deepEqual(result.diagnostics, [
      { severity: "error", message: "source.path is required", code: "demo.no_path", path: "/source/path" },
      { severity: "error", message: "limit must be >= 0", path: "/source/limit" },
      { severity: "info", message: "delimiter defaults to ','" },
    ]);
    const clean = await host.call("runner/validate", { kind: "csv_rows", manifest: { source: { path: "a.csv", delimiter: ";" } } });
    assert.deepEqual(clean, { diagnostics: [] });
  });

  test("validate without a validator finds nothing", async (t) => {
    const host = await started(t);
    assert.deepEqual(await host.call("runner/validate", { kind: "sleepy" }), { diagnostics: [] });
  });

  test("PluginError maps to -32000 with its category, code and retryable", async (t) => {
    const host = await started(t);
    await assert.rejects(
      host.call("runner/run", { kind: "csv_rows", env: { FAIL_WITH: "x" } }),
      rpc(-32000, { message: "credentials refused", data: { category: "AUTH", code: "demo.auth", retryable: true } }),
    );
  });

  test("any other exception is -32000 UNKNOWN, with the stack on stderr only", async (t) => {
    const host = await started(t);
    await assert.rejects(
      host.call("runner/run", { kind: "crash" }),
      rpc(-32000, { message: "TypeError: boom", data: { category: "UNKNOWN", code: null, retryable: false } }),
    );
    assert.match(host.stderr.join(""), /TypeError: boom\n\s+at /);
    await assert.rejects(host.call("runner/run", { kind: "throws_string" }), rpc(-32000, { message: "string: a string" }));
  });

  test("results that are not outcomes or not JSON are internal errors", async (t) => {
    const host = await started(t);
    await assert.rejects(host.call("runner/run", { kind: "bad_result" }), rpc(-32603));
    await assert.rejects(host.call("runner/run", { kind: "bad_status" }), rpc(-32603));
    await assert.rejects(host.call("runner/run", { kind: "not_json" }), rpc(-32603));
  });

  test("missing fields of a run outcome are filled", async (t) => {
    const plugin = new Plugin({ name: "p", version: "1", heartbeatSeconds: 0 });
    plugin.runner("nothing", () => undefined).runner("partial", () => ({ message: "m" }));
    const host = new InMemoryHost(plugin);
    t.after(() => host.close());
    await host.initialize();
    assert.deepEqual(await host.call("runner/run", { kind: "nothing" }), { status: "success" });
    assert.deepEqual(await host.call("runner/run", { kind: "partial" }), { status: "success", message: "m" });
  });

  test("a validator returning bad diagnostics is an internal error", async (t) => {
    const plugin = new Plugin({ name: "p", version: "1", heartbeatSeconds: 0 });
    plugin.runner("a", () => {}, { validate: () => [{ severity: "fatal", message: "x" }] });
    plugin.runner("b", () => {}, { validate: () => [{ severity: "error", message: "x", path: "source" }] });
    plugin.runner("c", () => {}, { validate: () => "not a list" });
    const host = new InMemoryHost(plugin);
    t.after(() => host.close());
    await host.initialize();
    for (const kind of ["a", "b", "c"]) await assert.rejects(host.call("runner/validate", { kind }), rpc(-32603));
  });

  test("Diagnostic builders make wire objects", () => {
    assert.deepEqual(Diagnostic.error("m", { path: "/a", code: "c" }), { severity: "error", message: "m", code: "c", path: "/a" });
    assert.deepEqual(Diagnostic.warning("w"), { severity: "warning", message: "w" });
    assert.deepEqual(Diagnostic.info("i", { path: "" }), { severity: "info", message: "i", path: "" });
  });
});

describe("hooks and checks", () => {
  test("a hook vetoes, passes, or reports a failure", async (t) => {
    const host = await started(t);
    const base = { hook: "guard" };
    assert.deepEqual(await host.call("hook/pre_run", { ...base, config: { deny: true } }), { ok: false, message: "denied by config" });
    assert.deepEqual(await host.call("hook/pre_run", base), { ok: true });
    assert.deepEqual(await host.call("hook/post_run", { ...base, result: { status: "failed" } }), { ok: false, message: "the run failed" });
    assert.deepEqual(await host.call("hook/post_run", { ...base, result: { status: "success" } }), { ok: true });
  });

  test("hook results are shaped from booleans, tuples and objects", async (t) => {
    const plugin = new Plugin({ name: "p", version: "1", heartbeatSeconds: 0 });
    const answers = { a: false, b: { message: "fine" }, c: { ok: "yes" }, d: 42 };
    for (const [name, value] of Object.entries(answers)) plugin.hook(name, () => value);
    plugin.hook("events", (call) => ({ ok: true, message: `${call.event} ${call.error?.category ?? "-"}` }));
    const host = new InMemoryHost(plugin);
    t.after(() => host.close());
    await host.initialize();
    assert.deepEqual(await host.call("hook/on_error", { hook: "a" }), { ok: false });
    assert.deepEqual(await host.call("hook/on_error", { hook: "b" }), { ok: true, message: "fine" });
    await assert.rejects(host.call("hook/on_error", { hook: "c" }), rpc(-32603));
    await assert.rejects(host.call("hook/on_error", { hook: "d" }), rpc(-32603));
    const onError = await host.call("hook/on_error", { hook: "events", error: { message: "x", category: "DATA", code: null } });
    assert.deepEqual(onError, { ok: true, message: "on_error DATA" });
  });

  test("check results get their defaults", async (t) => {
    const host = await started(t);
    assert.deepEqual(await host.call("check/run", { check: "port_open", timeout_seconds: 7 }), {
      ok: true, errors: [], warnings: [], details: { timeout: 7 },
    });
    assert.deepEqual(await host.call("check/run", { check: "always_fails" }), {
      ok: false, errors: ["it always fails"], warnings: [], details: {},
    });
    assert.deepEqual(await host.call("check/run", { check: "bool_check" }), { ok: false, errors: [], warnings: [], details: {} });
  });

  test("applies uses the handler, or defaults to true", async (t) => {
    const host = await started(t);
    assert.deepEqual(await host.call("check/applies", { check: "port_open" }), { applies: false, reason: "no port configured" });
    assert.deepEqual(await host.call("check/applies", { check: "port_open", config: { port: 1 } }), { applies: true });
    assert.deepEqual(await host.call("check/applies", { check: "always_fails" }), { applies: true });
  });

  test("bad check and applies results are internal errors", async (t) => {
    const plugin = new Plugin({ name: "p", version: "1", heartbeatSeconds: 0 });
    plugin.check("a", () => ({ errors: "one" }), { applies: () => undefined });
    plugin.check("b", () => ({ ok: 1 }), { applies: () => ({ applies: true, reason: "configured" }) });
    const host = new InMemoryHost(plugin);
    t.after(() => host.close());
    await host.initialize();
    await assert.rejects(host.call("check/run", { check: "a" }), rpc(-32603));
    await assert.rejects(host.call("check/run", { check: "b" }), rpc(-32603));
    await assert.rejects(host.call("check/applies", { check: "a" }), rpc(-32603));
    assert.deepEqual(await host.call("check/applies", { check: "b" }), { applies: true, reason: "configured" });
  });
});

describe("the call", () => {
  test("carries the params the host sent", async (t) => {
    let seen;
    const plugin = new Plugin({ name: "p", version: "1", heartbeatSeconds: 0 });
    plugin.hook("h", (call) => {
      seen = call;
    });
    plugin.check("c", (call) => {
      seen = call;
    });
    const host = new InMemoryHost(plugin);
    t.after(() => host.close());
    await host.initialize();
    await host.call("hook/post_run", { hook: "h", config: { a: 1 }, result: { status: "success" }, manifest: { m: 1 } });
    assert.equal(seen.method, "hook/post_run");
    assert.equal(seen.event, "post_run");
    assert.equal(seen.hook, "h");
    assert.equal(seen.name, "h");
    assert.equal(seen.kind, undefined);
    assert.deepEqual(seen.config, { a: 1 });
    assert.deepEqual(seen.result, { status: "success" });
    assert.deepEqual(seen.manifest, { m: 1 });
    assert.equal(seen.context.run_id, defaultContext().run_id);
    assert.equal(seen.id, host.received.at(-1).id);
    assert.ok(seen.signal instanceof AbortSignal);
    assert.equal(seen.cancelled, false);
    await host.call("check/run", { check: "c", timeout_seconds: 2.5 });
    assert.equal(seen.timeoutSeconds, 2.5);
    assert.equal(seen.event, undefined);
    assert.equal(seen.check, "c");
  });

  test("log notifications carry level, fields and request_id", async (t) => {
    const plugin = new Plugin({ name: "p", version: "1", heartbeatSeconds: 0 });
    plugin.runner("logs", async (call) => {
      call.log("error", "an explicit log", { table: "orders" });
      call.log("debug", "no fields", {});
      plugin.log("warning", "a plugin-level log");
      await sleep(1);
      plugin.log("info", "still tagged after await");
    });
    const host = new InMemoryHost(plugin);
    t.after(() => host.close());
    await host.initialize();
    const id = host.request("runner/run", { kind: "logs" });
    await host.response(id);
    assert.deepEqual(host.notificationsOf("log", id), [
      { level: "error", message: "an explicit log", fields: { table: "orders" }, request_id: id },
      { level: "debug", message: "no fields", request_id: id },
      { level: "warning", message: "a plugin-level log", request_id: id },
      { level: "info", message: "still tagged after await", request_id: id },
    ]);
    assert.throws(() => new Plugin({ name: "p", version: "1" }).log("loud", "x"), RangeError);
  });

  test("plugin.log outside a call has no request_id; invalid levels are refused", async (t) => {
    const plugin = new Plugin({ name: "p", version: "1" });
    const host = new InMemoryHost(plugin);
    t.after(() => host.close());
    await host.initialize();
    plugin.log("warn", "outside", { k: 1 });
    assert.deepEqual(host.notificationsOf("log"), [{ level: "warning", message: "outside", fields: { k: 1 } }]);
    assert.throws(() => plugin.log("loud", "x"), RangeError);
  });

  test("notifications sent before the handshake is answered go to stderr", async () => {
    const plugin = new Plugin({ name: "p", version: "1" });
    const host = new InMemoryHost(plugin);
    plugin.log("info", "too early");
    assert.deepEqual(host.received, []);
    assert.match(host.stderr.join(""), /info: too early/);
    await host.close();
  });
});

describe("cancellation and heartbeats", () => {
  test("cancel aborts call.signal and a cooperative handler is answered -32800", async (t) => {
    const host = await started(t, { cancelGraceSeconds: 5 });
    const id = host.request("runner/run", { kind: "sleepy", manifest: { source: { seconds: 30 } } });
    await sleep(30);
    const started_ = Date.now();
    host.cancel(id, "Ctrl-C");
    const response = await host.response(id);
    assert.equal(response.error.code, -32800);
    assert.match(response.error.message, /Ctrl-C/);
    assert.ok(Date.now() - started_ < 1000, "answered well before the grace");
  });

  test("a handler awaiting call.signal rejects with AbortError and is answered -32800", async (t) => {
    const host = await started(t, { cancelGraceSeconds: 5 });
    const id = host.request("runner/run", { kind: "abortable" });
    await sleep(10);
    host.cancel(id);
    assert.equal((await host.response(id)).error.code, -32800);
  });

  test("an error thrown after cancel is answered -32800", async (t) => {
    const host = await started(t, { cancelGraceSeconds: 5 });
    const id = host.request("runner/run", { kind: "sleepy", manifest: { source: { seconds: 0.2, ignore_cancel: true, fail_after_cancel: true } } });
    await sleep(20);
    host.cancel(id);
    const response = await host.response(id);
    assert.equal(response.error.code, -32800);
    assert.match(response.error.message, /PluginError: gave up/);
  });

  test("a handler ignoring cancel is answered -32800 after the grace, and its late result is dropped", async (t) => {
    const host = await started(t, { cancelGraceSeconds: 0.2 });
    const id = host.request("runner/run", { kind: "sleepy", manifest: { source: { seconds: 0.5, ignore_cancel: true } } });
    await sleep(20);
    const cancelledAt = Date.now();
    host.cancel(id);
    const response = await host.response(id);
    assert.equal(response.error.code, -32800);
    assert.match(response.error.message, /did not stop in time/);
    assert.ok(Date.now() - cancelledAt >= 150);
    await sleep(600);
    assert.equal(host.received.filter((m) => m.id === id).length, 1);
  });

  test("Cancelled thrown by a handler is -32800 even without a cancel", async (t) => {
    const plugin = new Plugin({ name: "p", version: "1", heartbeatSeconds: 0 });
    plugin.runner("gives_up", () => {
      throw new Cancelled("gave up by itself");
    });
    const host = new InMemoryHost(plugin);
    t.after(() => host.close());
    await host.initialize();
    await assert.rejects(host.call("runner/run", { kind: "gives_up" }), rpc(-32800, { message: "gave up by itself" }));
  });

  test("heartbeats are sent while a handler runs, and stop after its answer", async (t) => {
    const host = await started(t, { heartbeatSeconds: 0.05 });
    const id = host.request("runner/run", { kind: "sleepy", manifest: { source: { seconds: 0.3 } } });
    await host.response(id);
    const beats = host.notificationsOf("heartbeat", id);
    assert.ok(beats.length >= 3, `${beats.length} heartbeats`);
    assert.deepEqual(beats[0], { request_id: id });
    const answerIndex = host.received.findIndex((m) => m.id === id);
    assert.ok(host.received.slice(answerIndex + 1).every((m) => m.method !== "heartbeat"));
    await sleep(150);
    assert.equal(host.notificationsOf("heartbeat", id).length, beats.length);
  });

  test("call.heartbeat() sends one explicitly", async (t) => {
    const plugin = new Plugin({ name: "p", version: "1", heartbeatSeconds: 0 });
    plugin.runner("beat", (call) => call.heartbeat());
    const host = new InMemoryHost(plugin);
    t.after(() => host.close());
    await host.initialize();
    const id = host.request("runner/run", { kind: "beat" });
    await host.response(id);
    assert.deepEqual(host.notificationsOf("heartbeat"), [{ request_id: id }]);
  });

  test("requests run concurrently and answers match ids", async (t) => {
    const host = await started(t);
    const slow = host.request("runner/run", { kind: "sleepy", manifest: { source: { seconds: 0.3 } } });
    const fast = host.request("check/run", { check: "port_open" });
    await host.response(slow);
    const ids = host.received.filter((m) => "id" in m).map((m) => m.id);
    assert.deepEqual(ids.slice(-2), [fast, slow]);
  });

  test("end of input cancels running handlers, answers them, and exits 0", async () => {
    const host = new InMemoryHost(makePlugin({ heartbeatSeconds: 0, cancelGraceSeconds: 0.3 }));
    await host.initialize();
    const cooperative = host.request("runner/run", { kind: "sleepy", manifest: { source: { seconds: 30 } } });
    const stubborn = host.request("runner/run", { kind: "sleepy", manifest: { source: { seconds: 5, ignore_cancel: true } } });
    const started_ = Date.now();
    assert.equal(await host.close(), 0);
    assert.ok(Date.now() - started_ < 1500);
    assert.equal((await host.response(cooperative)).error.code, -32800);
    assert.equal((await host.response(stubborn)).error.code, -32800);
  });
});

describe("registration", () => {
  test("refuses bad names, events, handlers and duplicates", () => {
    const plugin = new Plugin({ name: "p", version: "1" });
    assert.throws(() => plugin.runner("has space", () => {}), TypeError);
    assert.throws(() => plugin.runner("", () => {}), TypeError);
    assert.throws(() => plugin.runner("ok", "not a function"), TypeError);
    assert.throws(() => plugin.hook("h", () => {}, { events: [] }), TypeError);
    assert.throws(() => plugin.hook("h", () => {}, { events: ["pre_run", "later"] }), TypeError);
    plugin.check("c", () => {});
    assert.throws(() => plugin.check("c", () => {}), /registered twice/);
    assert.throws(() => new Plugin({ name: "p" }), TypeError);
    assert.throws(() => new PluginError("x", { category: "OOPS" }), RangeError);
    assert.deepEqual(new PluginError("x").data(), { category: "CONFIG", code: null, retryable: false });
  });
});
