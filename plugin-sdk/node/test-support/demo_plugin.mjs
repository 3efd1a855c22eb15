// A plugin exercising every SDK feature; the tests run it in-process (makePlugin) and as a subprocess.
// As a subprocess, DEMO_HEARTBEAT_SECONDS and DEMO_CANCEL_GRACE_SECONDS tune it.

import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { Diagnostic, Plugin, PluginError } from "../index.js";

console.log("demo plugin: module loading"); // before serve(): must end up on stderr once serving

/** @param {{heartbeatSeconds?: number, cancelGraceSeconds?: number}} [options] */
export function makePlugin({ heartbeatSeconds = 5, cancelGraceSeconds = 2 } = {}) {
  const plugin = new Plugin({ name: "demo", version: "0.0.1", description: "SDK test plugin", heartbeatSeconds, cancelGraceSeconds });

  plugin.runner("csv_rows", async (call) => {
    if ("FAIL_WITH" in call.env) {
      throw new PluginError("credentials refused", { category: "AUTH", code: "demo.auth", retryable: true });
    }
    const rows = Number(call.manifest.source?.rows ?? 3);
    for (let done = 1; done <= rows; done += 1) call.progress({ current: done, total: rows, unit: "rows" });
    call.state({ cursor: rows });
    return { status: "success", message: `${rows} rows`, load_metrics: { rows_count: rows } };
  }, {
    description: "Loads rows from a CSV file",
    validate: async (call) => {
      const source = call.manifest.source ?? {};
      const found = [];
      if (typeof source.path !== "string") found.push(Diagnostic.error("source.path is required", { path: "/source/path", code: "demo.no_path" }));
      if ((source.limit ?? 0) < 0) found.push({ severity: "error", message: "limit must be >= 0", path: "/source/limit" });
      if (!("delimiter" in source)) found.push(Diagnostic.info("delimiter defaults to ','"));
      return found;
    },
  });

  // Sleeps source.seconds; stops early when cancelled unless source.ignore_cancel.
  plugin.runner("sleepy", async (call) => {
    const source = call.manifest.source ?? {};
    const deadline = Date.now() + Number(source.seconds ?? 30) * 1000;
    while (Date.now() < deadline) {
      if (!source.ignore_cancel) call.throwIfCancelled();
      await sleep(10);
    }
    if (source.fail_after_cancel && call.cancelled) throw new PluginError("gave up", { category: "TIMEOUT" });
    return { status: "success" };
  });

  // Waits on call.signal, as code using fetch or timers/promises does.
  plugin.runner("abortable", async (call) => {
    await sleep(30_000, undefined, { signal: call.signal });
    return { status: "success" };
  });

  // Writes to stdout in every way user code might, and logs.
  plugin.runner("chatty", async (call) => {
    console.log("console.log from a handler");
    console.info("console.info from a handler");
    console.debug("console.debug from a handler");
    process.stdout.write("process.stdout.write from a handler\n");
    call.log("error", "an explicit log", { table: "orders" });
    plugin.log("warning", "a plugin-level log");
    await sleep(1);
    plugin.log("info", "still tagged after await");
  });

  // A child process given stderr as its stdout, as the docs recommend.
  plugin.runner("child", async () => {
    await new Promise((resolve, reject) => {
      const child = spawn("echo", ["a child process writing to stdout"], { stdio: ["ignore", process.stderr, "inherit"] });
      child.on("error", reject);
      child.on("exit", resolve);
    });
  });

  plugin.runner("crash", async () => {
    throw new TypeError("boom");
  });
  plugin.runner("throws_string", () => {
    throw "a string"; // eslint-disable-line no-throw-literal
  });
  plugin.runner("stray_error", async () => {
    setTimeout(() => {
      throw new Error("a stray error in a timer");
    }, 1);
    Promise.reject(new Error("a stray rejection"));
    await sleep(50);
    return { message: "survived" };
  });
  plugin.runner("bad_result", () => "not a run outcome");
  plugin.runner("bad_status", () => ({ status: "great" }));
  plugin.runner("not_json", () => ({ payload: 10n }));
  plugin.runner("big_result", (call) => ({ status: "success", payload: "x".repeat(Number(call.manifest.source?.size ?? 2048)) }));

  plugin.hook("guard", async (call) => {
    if (call.event === "pre_run") return call.config.deny ? [false, "denied by config"] : undefined;
    if (call.result?.status === "failed") return { ok: false, message: "the run failed" };
    return true;
  }, { events: ["pre_run", "post_run"], description: "Vetoes runs when config.deny is set" });

  plugin.check("port_open", async (call) => ({ ok: true, details: { timeout: call.timeoutSeconds } }), {
    description: "Checks that a TCP port answers",
    applies: (call) => ("port" in call.config ? true : [false, "no port configured"]),
  });
  plugin.check("always_fails", () => ({ errors: ["it always fails"] }));
  plugin.check("bool_check", () => false);

  return plugin;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  makePlugin({
    heartbeatSeconds: Number(process.env.DEMO_HEARTBEAT_SECONDS ?? 5),
    cancelGraceSeconds: Number(process.env.DEMO_CANCEL_GRACE_SECONDS ?? 2),
  }).serve();
}
