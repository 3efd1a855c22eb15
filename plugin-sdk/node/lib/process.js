// Runs a plugin as this process: keeps stdout for the protocol, reads stdin, exits on EOF, SIGTERM, SIGHUP
// (PROTOCOL.md §2).

import { format } from "node:util";
import { FdWriter, LineSplitter } from "./framing.js";
import { Server } from "./server.js";

const SIGNAL_EXIT_STATUS = { SIGTERM: 143, SIGHUP: 129 }; // 128 + signal number, as a shell reports it

/**
 * Points `console.log/info/debug/warn/error/dir/table...` and `process.stdout.write` at stderr, so nothing but
 * protocol lines reaches file descriptor 1 (which the SDK writes with `fs.writeSync`).
 *
 * Child processes started with `stdio: "inherit"` still share descriptor 1: give them
 * `stdio: ["ignore", process.stderr, "inherit"]` (or `"pipe"`) instead.
 */
let protectedStdout = false;

export function protectStdout() {
  if (protectedStdout) return;
  protectedStdout = true;
  const stdout = process.stdout;
  const stderr = process.stderr;
  stdout.write = function write(chunk, encoding, callback) {
    return stderr.write(chunk, encoding, callback);
  };
  for (const name of ["log", "info", "debug", "warn", "error", "trace"]) {
    const original = console[name];
    if (name === "trace") {
      console.trace = (...args) => {
        const error = new Error(format(...args));
        error.name = "Trace";
        stderr.write(`${error.stack}\n`);
      };
    } else if (typeof original === "function") {
      console[name] = (...args) => {
        stderr.write(`${format(...args)}\n`);
      };
    }
  }
}

// In a plugin process started by dltaf (DLTAF_PLUGIN=1), protect stdout as soon as the SDK is imported, so
// that output of the plugin's own module code (which runs after its imports, before serve()) cannot reach the
// protocol stream before the handshake. Not inside a `node --test` file, whose stdout is the test report.
if (process.env.DLTAF_PLUGIN === "1" && !process.env.NODE_TEST_CONTEXT) protectStdout();

function greetHumans() {
  if (!process.env.DLTAF_PLUGIN && process.stdin.isTTY) {
    process.stderr.write(
      "This is a dltaf plugin: it speaks JSON-RPC on stdin/stdout (see protocol/PROTOCOL.md).\n" +
        "Try `dltaf plugins describe SPEC`, or type a request line. Ctrl-D ends it.\n",
    );
  }
}

/**
 * Serves `plugin` on this process's stdio until stdin closes, then exits 0.
 * @param {import("./plugin.js").Plugin} plugin
 * @returns {Promise<never>}
 */
export function serveProcess(plugin) {
  greetHumans();
  const out = new FdWriter(1);
  protectStdout();
  const server = new Server(plugin, { write: (data) => out.write(data) });
  let exiting = false;

  const exitNow = (status) => {
    exiting = true;
    out.flushSync(1000);
    process.exit(status);
  };

  for (const [signal, status] of Object.entries(SIGNAL_EXIT_STATUS)) {
    process.on(signal, () => {
      if (exiting) return;
      server.abortAll(signal);
      exitNow(status);
    });
  }
  // A stray error in a handler's callbacks must not kill the session with requests unanswered.
  process.on("uncaughtException", (error) => {
    process.stderr.write(`dltaf-plugin: uncaught exception: ${error?.stack ?? error}\n`);
  });
  process.on("unhandledRejection", (reason) => {
    process.stderr.write(`dltaf-plugin: unhandled promise rejection: ${reason?.stack ?? reason}\n`);
  });

  const splitter = new LineSplitter();
  const input = process.stdin;
  let ended = false;
  const finish = async () => {
    if (ended) return;
    ended = true;
    const last = splitter.end();
    if (last !== undefined) server.handleLine(last);
    const status = await server.end("stdin closed");
    await out.drain(1000);
    if (!exiting) exitNow(status);
  };
  input.on("data", (chunk) => {
    if (ended) return;
    for (const line of splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk)) server.handleLine(line);
  });
  input.on("end", finish);
  input.on("close", finish);
  input.on("error", (error) => {
    process.stderr.write(`dltaf-plugin: stdin: ${error.message}\n`);
    finish();
  });
  return new Promise(() => {});
}
