// The data feature (PROTOCOL.md §8) through InMemoryHost, whose DataHost answers data/* as dltaf does.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, test } from "node:test";
import { Cancelled, DataError, DataUnsupported, Plugin, RpcError } from "../index.js";
import { InMemoryHost, parseCsv } from "../testing.js";

const TRICKY = [
  { id: 1, text: "a,b", note: null },
  { id: 2, text: 'say "hi"', note: "" },
  { id: 3, text: "two\nlines\r\nand\rmore", note: "x" },
  { id: 4, text: "ünïcødé ✓ 日本", note: " " },
  { id: 5, text: "", note: null },
];

function pluginWith(runner, options = {}) {
  const plugin = new Plugin({ name: "data-test", version: "1.0.0", heartbeatSeconds: 0, cancelGraceSeconds: 0.5, ...options });
  plugin.runner("rows", runner);
  return plugin;
}

async function dataHost(t, runner, init = {}) {
  const host = new InMemoryHost(pluginWith(runner), { timeout: 5000 });
  t.after(() => host.close());
  await host.initialize({ features: ["data.v1"], ...init });
  return host;
}

const run = (host, params = {}) => host.call("runner/run", { kind: "rows", ...params });
const writes = (host) => host.data.requests.filter(([method]) => method === "data/write").map(([, params]) => params);

async function until(ready, what) {
  for (let i = 0; i < 1000 && !ready(); i += 1) await nextTurn();
  assert.ok(ready(), `timed out waiting for ${what}`);
}

function* numbered(count) {
  for (let i = 1; i <= count; i += 1) yield { id: i, name: `row ${i}` };
}

describe("negotiation", () => {
  test("data.v1 is advertised only when the host offers it and the plugin wants it", async () => {
    for (const [options, features, expected] of [
      [{}, ["data.v1", "future.v9"], ["data.v1"]],
      [{}, [], []],
      [{ data: false }, ["data.v1"], []],
    ]) {
      const host = new InMemoryHost(pluginWith(() => undefined, options));
      assert.deepEqual((await host.initialize({ features })).features, expected);
      await host.close();
    }
    const hooksOnly = new Plugin({ name: "hooks", version: "1.0.0" }).hook("h", () => true);
    const host = new InMemoryHost(hooksOnly);
    assert.deepEqual((await host.initialize({ features: ["data.v1"] })).features, []);
    await host.close();
  });

  test("without the feature the data API throws DataUnsupported, and unchanged runners still work", async (t) => {
    const seen = {};
    const host = new InMemoryHost(pluginWith(async (call) => {
      seen.enabled = call.dataEnabled;
      seen.data = call.data;
      await assert.rejects(call.write("orders", [{ id: 1 }]), DataUnsupported);
      assert.throws(() => call.spoolDir, /does not support the data feature \(data\.v1\)/);
      await call.checkpoint(); // uncaught: fails the call
    }));
    t.after(() => host.close());
    await host.initialize();
    await assert.rejects(run(host), (error) => {
      assert.ok(error instanceof RpcError);
      assert.equal(error.code, -32000);
      assert.deepEqual(error.data, { category: "DEPENDENCY", code: "data_unsupported", retryable: false });
      return true;
    });
    assert.equal(seen.enabled, false);
    assert.equal(seen.data, undefined);
  });
});

describe("write", () => {
  test("a generator is cut into NDJSON spool files of batchRows, loaded in order", async (t) => {
    const host = await dataHost(t, async (call) => {
      await call.dataOptions({ batchRows: 4 });
      const count = await call.write("orders", numbered(10));
      return { message: `${count} rows` };
    });
    const result = await run(host);
    assert.equal(result.message, "10 rows");
    const files = writes(host).map((params) => params.file);
    assert.deepEqual(files.map((f) => f.format), ["ndjson", "ndjson", "ndjson"]);
    for (const file of files) {
      assert.equal(path.dirname(file.path), host.data.spoolDir);
      assert.equal(fs.existsSync(file.path), false, "the host deleted each file once loaded");
    }
    assert.deepEqual(host.data.rows("orders"), [...numbered(10)]);
    assert.equal(host.data.checkpoints.length, 1, "the end of the run commits");
  });

  test("arrays, async iterables and single objects; many small writes share one batch; open is implicit", async (t) => {
    const host = await dataHost(t, async (call) => {
      async function* later() {
        yield { id: 3, amount: 0.5, ok: true, at: new Date("2025-01-02T03:04:05Z"), tags: ["a"] };
        yield { id: 4, amount: 1.25, ok: false, at: new Date("2025-01-03T00:00:00Z"), tags: [] };
      }
      let total = await call.write("orders", [{ id: 1, amount: 2.5, ok: true, at: new Date(0), tags: null }]);
      total += await call.write("orders", { id: 2, amount: 3.5, ok: true, at: new Date(1000), tags: null });
      total += await call.write("orders", later());
      return { message: String(total) };
    });
    assert.equal((await run(host)).message, "4");
    const [[method, open], ...rest] = host.data.requests;
    assert.equal(method, "data/open");
    assert.deepEqual(open, {
      stream: "orders",
      columns: [
        { name: "id", type: "bigint" },
        { name: "amount", type: "double" },
        { name: "ok", type: "bool" },
        { name: "at", type: "timestamp" },
      ],
    });
    assert.deepEqual(rest.map(([m]) => m), ["data/write"], "one batch; the end of the run commits it");
    assert.equal(host.data.checkpoints.length, 1);
    const rows = host.data.rows("orders");
    assert.equal(rows.length, 4);
    assert.deepEqual(rows[2], { id: 3, amount: 0.5, ok: true, at: "2025-01-02T03:04:05.000Z", tags: ["a"] });
  });

  test("inline rows with new and missing keys add columns and nulls", async (t) => {
    const host = await dataHost(t, async (call) => {
      await call.dataOptions({ transport: "inline" });
      await call.write("events", [{ a: 1 }, { a: 2, b: "x" }, { b: "y" }]);
    });
    await run(host);
    const rows = writes(host).map((params) => params.rows);
    assert.deepEqual(rows, [
      { columns: ["a"], values: [[1]] },
      { columns: ["a", "b"], values: [[2, "x"], [null, "y"]] },
    ]);
    assert.deepEqual(host.data.rows("events"), [{ a: 1 }, { a: 2, b: "x" }, { a: null, b: "y" }]);
  });

  test("inline lines are split to fit max_line_bytes", async (t) => {
    const host = await dataHost(t, async (call) => {
      await call.dataOptions({ transport: "inline" });
      await call.write("big", Array.from({ length: 40 }, (_, i) => ({ i, text: "x".repeat(100) })));
    }, { limits: { max_line_bytes: 2048 } });
    await run(host);
    const sizes = writes(host).map((params) => params.rows.values.length);
    assert.ok(sizes.length > 1, `one line only: ${sizes}`);
    assert.equal(sizes.reduce((a, b) => a + b), 40);
    assert.deepEqual(host.data.rows("big").map((row) => row.i), [...Array(40).keys()]);
  });

  test("arrays in the order of columns", async (t) => {
    for (const transport of ["ndjson", "inline", "csv"]) {
      const host = await dataHost(t, async (call) => {
        await call.dataOptions({ transport });
        return { message: String(await call.write("pairs", [[1, "a"], [2, "b"]], { columns: ["n", "s"] })) };
      });
      assert.equal((await run(host)).message, "2");
      const expected = transport === "csv" ? [{ n: "1", s: "a" }, { n: "2", s: "b" }] : [{ n: 1, s: "a" }, { n: 2, s: "b" }];
      assert.deepEqual(host.data.rows("pairs"), expected, transport);
    }
  });

  test("CSV files quote commas, quotes and newlines and tell NULL from empty", async (t) => {
    const host = await dataHost(t, async (call) => {
      await call.dataOptions({ transport: "csv" });
      await call.write("tricky", TRICKY);
    });
    await run(host);
    assert.equal(writes(host)[0].file.format, "csv");
    const asCsv = TRICKY.map(({ id, text, note }) => ({ id: String(id), text, note }));
    assert.deepEqual(host.data.rows("tricky"), asCsv);
  });

  test("NDJSON keeps values and types exactly, with bytes as base64 and BigInts as digits", async (t) => {
    const host = await dataHost(t, async (call) => {
      await call.write("tricky", TRICKY);
      await call.write("odd", [{ raw: Buffer.from("hi"), big: 12345678901234567890n, nested: { a: [1, { b: null }] } }]);
    });
    await run(host);
    assert.deepEqual(host.data.rows("tricky"), TRICKY);
    assert.deepEqual(host.data.rows("odd"), [{ raw: "aGk=", big: "12345678901234567890", nested: { a: [1, { b: null }] } }]);
    assert.deepEqual(host.data.streams.odd.columns, [
      { name: "raw", type: "binary" },
      { name: "big", type: "decimal" },
      { name: "nested", type: "json" },
    ]);
  });

  test("rows that are not objects are refused before anything is sent", async (t) => {
    const host = await dataHost(t, async (call) => {
      await assert.rejects(call.write("s", [1]), /rows must be objects/);
      await assert.rejects(call.write("s", [[1, 2]]), /pass \{columns\}/);
      await assert.rejects(call.write("s", 42), /iterable/);
      await assert.rejects(call.write("", [{ a: 1 }]), /non-empty string/);
    });
    await run(host);
    assert.deepEqual(host.data.requests, []);
  });
});

describe("requests and answers", () => {
  test("two requests stay in flight and the runner waits for the oldest answer", async (t) => {
    let produced = 0;
    function* generate() {
      for (let i = 0; i < 5000; i += 1) {
        produced += 1;
        yield { id: i };
      }
    }
    const host = await dataHost(t, async (call) => {
      await call.dataOptions({ transport: "inline", batchRows: 100 });
      await call.write("s", generate());
    });
    host.data.hold();
    const id = host.request("runner/run", { kind: "rows" });
    await until(() => host.data.held() === 2, "two requests in flight");
    for (let i = 0; i < 50; i += 1) await nextTurn(); // a third request would be sent by now without the wait
    assert.equal(host.data.held(), 2, "data/open and the first batch");
    assert.ok(produced < 5000, "the generator is not drained ahead of the host");
    host.data.release();
    assert.equal((await host.response(id)).result.status, "success");
    assert.deepEqual(host.data.requests.map(([m]) => m), ["data/open", ...Array(50).fill("data/write")]);
    assert.equal(host.data.rows("s").length, 5000);
  });

  test("a host error throws a typed DataError in the runner", async (t) => {
    let caught;
    const host = await dataHost(t, async (call) => {
      await call.dataOptions({ transport: "inline", batchRows: 1 });
      try {
        await call.write("s", numbered(6));
        await call.checkpoint();
      } catch (error) {
        caught = error;
      }
      await assert.rejects(call.write("s", [{ id: 9 }]), (error) => error === caught, "the failure sticks");
      return { status: "failed", message: caught.message };
    });
    host.data.fail("data/write", "destination_failed", { category: "CONNECTIVITY", retryable: true, message: "db gone", after: 1 });
    const result = await run(host);
    assert.equal(result.status, "failed");
    assert.ok(caught instanceof DataError);
    assert.equal(caught.code, "destination_failed");
    assert.equal(caught.category, "CONNECTIVITY");
    assert.equal(caught.retryable, true);
    assert.equal(caught.rpcCode, -32000);
    assert.equal(caught.method, "data/write");
    assert.equal(caught.stream, "s");
    assert.match(caught.message, /data\/write: db gone/);
    assert.deepEqual(host.data.rows("s"), [], "a failed run commits nothing");
  });

  test("an uncaught DataError fails runner/run with its category and code", async (t) => {
    const host = await dataHost(t, async (call) => {
      await call.write("s", [{ id: 1 }]);
    });
    host.data.fail("data/write", "bad_rows", { message: "row 1 is wrong" });
    await assert.rejects(run(host), (error) => {
      assert.equal(error.code, -32000);
      assert.deepEqual(error.data, { category: "DATA", code: "bad_rows", retryable: false });
      assert.match(error.message, /row 1 is wrong/);
      return true;
    });
  });

  test("open explicitly, with options, and twice", async (t) => {
    const seen = {};
    const host = await dataHost(t, async (call) => {
      seen.open = await call.open("Orders 2025", {
        columns: ["id", { name: "amount", type: "decimal", precision: 10, scale: 2 }],
        primaryKey: ["id"],
        writeDisposition: "merge",
      });
      await assert.rejects(call.open("Orders 2025"), (error) => error instanceof DataError && error.code === "stream_already_open");
      await call.write("Orders 2025", [{ amount: "1.50", id: 1 }]);
    });
    await run(host);
    assert.deepEqual(host.data.requests[0], ["data/open", {
      stream: "Orders 2025",
      primary_key: ["id"],
      write_disposition: "merge",
      columns: [{ name: "amount", type: "decimal", precision: 10, scale: 2 }],
    }]);
    assert.deepEqual(seen.open, { stream: "Orders 2025", table: "orders_2025", state: null });
    assert.deepEqual(host.data.tables.orders_2025, [{ id: 1, amount: "1.50" }]);
  });

  test("checkpoint sends pending rows first, and its state arrives in the next run", async (t) => {
    const seen = [];
    const host = await dataHost(t, async (call) => {
      seen.push({ pipeline: call.pipelineState, stream: call.streamState("s") });
      await call.write("s", [{ id: 1 }, { id: 2 }]);
      const answer = await call.checkpoint({ cursor: 2 }, { s: { last: 2 } });
      seen.push({ answer, pipeline: call.pipelineState, stream: call.streamState("s") });
    });
    await run(host);
    assert.deepEqual(seen[0], { pipeline: null, stream: null });
    assert.deepEqual(seen[1], {
      answer: { load_id: host.data.loadId, checkpoint: 1, rows: { s: 2 } },
      pipeline: { cursor: 2 },
      stream: { last: 2 },
    });
    assert.deepEqual(host.data.requests.map(([m]) => m), ["data/open", "data/write", "data/checkpoint"]);
    await run(host);
    assert.deepEqual(seen[2], { pipeline: { cursor: 2 }, stream: { last: 2 } });
  });

  test("a failing runner sends nothing pending and its rows are rolled back", async (t) => {
    const host = await dataHost(t, async (call) => {
      await call.write("s", [{ id: 1 }]);
      throw new Error("boom");
    });
    await assert.rejects(run(host), /boom/);
    await nextTurn();
    assert.deepEqual(host.data.requests.map(([m]) => m), ["data/open"]);
    assert.deepEqual(fs.readdirSync(host.data.spoolDir), []);
    assert.deepEqual(host.data.rows("s"), []);
  });

  test("writeFile hands over an author's file and refuses paths outside the spool", async (t) => {
    const host = await dataHost(t, async (call) => {
      const file = call.spoolFile(".csv");
      assert.equal(path.dirname(file), call.spoolDir);
      fs.writeFileSync(file, 'id,name\n1,"a, b"\n2,\n');
      await call.writeFile("people", file);
      await assert.rejects(call.writeFile("people", "/etc/passwd"), /not directly inside the spool folder/);
      await assert.rejects(call.writeFile("people", file, "xml"), /format must be one of/);
    });
    await run(host);
    assert.deepEqual(host.data.rows("people"), [{ id: "1", name: "a, b" }, { id: "2", name: null }]);
  });

  test("a cancel while waiting for an answer is -32800", async (t) => {
    let error;
    const host = await dataHost(t, async (call) => {
      try {
        await call.write("s", [{ id: 1 }]);
        await call.checkpoint();
      } catch (caught) {
        error = caught;
        throw caught;
      }
    });
    host.data.hold();
    const id = host.request("runner/run", { kind: "rows" });
    await until(() => host.data.held() >= 1, "a data request");
    host.cancel(id, "user");
    const response = await host.response(id);
    assert.equal(response.error.code, -32800);
    assert.ok(error instanceof Cancelled);
  });

  test("end of input fails the requests waiting for their answers", async (t) => {
    let error;
    const host = await dataHost(t, async (call) => {
      await call.open("s").catch((caught) => {
        error = caught;
      });
    });
    host.data.hold();
    host.request("runner/run", { kind: "rows" });
    await until(() => host.data.held() === 1, "data/open");
    assert.equal(await host.close(), 0);
    assert.ok(error instanceof Cancelled, String(error));
  });
});

describe("the in-memory host", () => {
  test("parseCsv tells NULL from empty and refuses stray quotes", () => {
    assert.deepEqual(parseCsv('a,b\r\n"x ""y""",\n,""\n'), [["a", "b"], ['x "y"', null], [null, ""]]);
    assert.throws(() => parseCsv('a"b\n'), /record 1/);
  });

  test("data requests without the feature are answered -32601, as dltaf does", async (t) => {
    const host = new InMemoryHost(pluginWith(() => undefined));
    t.after(() => host.close());
    await host.initialize();
    const answer = host.server._request("data/open", { stream: "s" });
    await assert.rejects(answer, (e) => e instanceof RpcError && e.code === -32601);
  });
});
