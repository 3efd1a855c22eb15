/// The files of a Node plugin: `main.mjs` (importing the SDK from the dltaf checkout by `file://` URL) and
/// `plugin.test.mjs` (`node --test`, with the SDK's `InMemoryHost`).
///
/// Placeholders: `{{spec}}`, `{{name}}`, `{{plugin_name}}`, `{{description}}`, `{{sdk_index_literal}}` and
/// `{{sdk_testing_literal}}` (the SDK's `index.js` and `testing.js` as `file://` URL string literals).
enum NodeTemplates {
    static func source(_ kind: ScaffoldKind) -> Template {
        switch kind {
        case .runner: Template("node/main.mjs (runner)", runner)
        case .hook: Template("node/main.mjs (hook)", hook)
        case .check: Template("node/main.mjs (check)", check)
        }
    }

    static func test(_ kind: ScaffoldKind) -> Template {
        switch kind {
        case .runner: Template("node/plugin.test.mjs (runner)", testPrelude + runnerTest)
        case .hook: Template("node/plugin.test.mjs (hook)", testPrelude + hookTest)
        case .check: Template("node/plugin.test.mjs (check)", testPrelude + checkTest)
        }
    }

    static let runner = #"""
        // {{spec}}: a dltaf runner of kind `{{name}}`.
        //
        // It counts the lines of the local file named by `source.path` (relative to the manifest's folder) and
        // reports them as rows. Replace the body of `run` with your load; keep `validate` honest.

        import { createReadStream, realpathSync } from "node:fs";
        import { resolve } from "node:path";
        import { fileURLToPath } from "node:url";
        import { Diagnostic, Plugin, PluginError } from {{sdk_index_literal}};

        export const plugin = new Plugin({ name: "{{plugin_name}}", version: "0.1.0", description: "{{description}}" });

        const sourceOf = (call) => (call.manifest.source && typeof call.manifest.source === "object" ? call.manifest.source : {});

        /** Every problem of the manifest, each with the JSON Pointer of the key at fault. */
        function validate(call) {
          const found = [];
          const path = sourceOf(call).path;
          if (typeof path !== "string" || path === "") {
            found.push(Diagnostic.error("source.path is required: the local file to load", { path: "/source/path", code: "{{name}}.missing_path" }));
          }
          return found;
        }

        /** Counts the lines of the file at source.path. */
        async function run(call) {
          const path = sourceOf(call).path;
          if (typeof path !== "string" || path === "") {
            throw new PluginError("source.path is required", { category: "CONFIG", code: "{{name}}.missing_path" });
          }
          const fullPath = resolve(call.context.manifest_dir ?? ".", path);
          let lines = 0;
          let last = 0x0a;
          try {
            for await (const chunk of createReadStream(fullPath, { signal: call.signal })) {
              for (const byte of chunk) if (byte === 0x0a) lines += 1;
              last = chunk.length ? chunk[chunk.length - 1] : last;
              call.progress({ current: lines, unit: "lines" });
            }
          } catch (error) {
            call.throwIfCancelled(); // answers -32800 when dltaf cancels the run
            throw new PluginError(`cannot read ${fullPath}: ${error.message}`, { category: "DATA", code: "{{name}}.unreadable" });
          }
          if (last !== 0x0a) lines += 1; // a last line without a newline
          call.progress({ current: lines, total: lines, unit: "lines" });
          call.log("info", `counted ${lines} lines in ${fullPath}`);
          return { status: "success", message: `${lines} lines in ${path}`, load_metrics: { rows_count: lines, tables_count: 1 } };
        }

        plugin.runner("{{name}}", run, { validate, description: "{{description}}" });

        // Serve when run as a program (dltaf starts it so), not when imported by the test.
        if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) plugin.serve();

        """#

    static let hook = #"""
        // {{spec}}: a dltaf hook named `{{name}}`.
        //
        // On every run event (pre_run, post_run, on_error) it appends one JSON line to the file at `config.path`
        // (relative to the manifest's folder). Configure it under `run.hooks.config.{{name}}` and enable it with
        // `run.hooks.enable: [{{name}}]`. Return `[false, "why"]` from `pre_run` to veto a run.

        import { realpathSync } from "node:fs";
        import { appendFile, mkdir } from "node:fs/promises";
        import { dirname, resolve } from "node:path";
        import { fileURLToPath } from "node:url";
        import { Plugin, PluginError } from {{sdk_index_literal}};

        export const plugin = new Plugin({ name: "{{plugin_name}}", version: "0.1.0", description: "{{description}}" });

        /** Appends one JSON line per run event to config.path. */
        async function handle(call) {
          const path = call.config.path;
          if (typeof path !== "string" || path === "") {
            throw new PluginError("{{name}}: config.path is required (run.hooks.config.{{name}}.path)", {
              category: "CONFIG",
              code: "{{name}}.missing_path",
            });
          }
          const fullPath = resolve(call.context.manifest_dir ?? ".", path);
          const entry = { event: call.event, run_id: call.context.run_id ?? null, pipeline: call.context.pipeline?.name ?? null };
          if (call.result && typeof call.result === "object" && "status" in call.result) entry.status = call.result.status;
          if (call.error) entry.error = call.error.message ?? null;
          try {
            await mkdir(dirname(fullPath), { recursive: true });
            await appendFile(fullPath, `${JSON.stringify(entry)}\n`);
          } catch (error) {
            throw new PluginError(`cannot append to ${fullPath}: ${error.message}`, { category: "CONFIG" });
          }
          call.log("info", `${call.event} of pipeline ${entry.pipeline} written to ${fullPath}`);
        }

        plugin.hook("{{name}}", handle, { events: ["pre_run", "post_run", "on_error"], description: "{{description}}" });

        // Serve when run as a program (dltaf starts it so), not when imported by the test.
        if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) plugin.serve();

        """#

    static let check = #"""
        // {{spec}}: a dltaf online check named `{{name}}`.
        //
        // It opens a TCP connection to each `host:port` of `config.endpoints` (under
        // `run.online_checks.config.{{name}}`) and reports each latency. It applies when endpoints are configured.
        // Each probe waits at most `config.timeout_seconds`, or the check's own budget (at most 5 s).

        import { realpathSync } from "node:fs";
        import { connect } from "node:net";
        import { fileURLToPath } from "node:url";
        import { Plugin } from {{sdk_index_literal}};

        export const plugin = new Plugin({ name: "{{plugin_name}}", version: "0.1.0", description: "{{description}}" });

        const endpointsOf = (call) => (Array.isArray(call.config.endpoints) ? call.config.endpoints : []);

        /** `host:port` (IPv6 as `[::1]:443`) as {host, port}, or undefined. */
        function parse(endpoint) {
          if (typeof endpoint !== "string") return undefined;
          const colon = endpoint.lastIndexOf(":");
          let host = endpoint.slice(0, colon);
          const port = Number(endpoint.slice(colon + 1));
          if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
          if (colon < 1 || !host || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
          return { host, port };
        }

        /** Resolves to the milliseconds a TCP connect took, or to a string saying why it failed. */
        function probe(endpoint, timeoutMs, signal) {
          const address = parse(endpoint);
          if (!address) return Promise.resolve(`${JSON.stringify(endpoint)} is not host:port`);
          const started = performance.now();
          return new Promise((done) => {
            const socket = connect({ ...address, timeout: timeoutMs, signal });
            socket.once("connect", () => {
              socket.destroy();
              done(Math.round((performance.now() - started) * 10) / 10);
            });
            socket.once("timeout", () => {
              socket.destroy();
              done(`${endpoint}: no answer within ${timeoutMs} ms`);
            });
            socket.once("error", (error) => done(`${endpoint}: ${error.code ?? error.message}`));
          });
        }

        function applies(call) {
          return endpointsOf(call).length > 0 ? [true, "endpoints are configured"] : [false, "no endpoints in run.online_checks.config.{{name}}.endpoints"];
        }

        /** Opens a TCP connection to each configured host:port and reports the latency. */
        async function check(call) {
          const endpoints = endpointsOf(call);
          if (endpoints.length === 0) {
            return { ok: false, errors: ["no endpoints configured: set run.online_checks.config.{{name}}.endpoints to [host:port, ...]"] };
          }
          const limit = call.config.timeout_seconds;
          const seconds = typeof limit === "number" ? limit : Math.min(call.timeoutSeconds ?? 5, 5);
          const outcomes = await Promise.all(endpoints.map((endpoint) => probe(endpoint, seconds * 1000, call.signal)));
          call.throwIfCancelled();
          const errors = outcomes.filter((outcome) => typeof outcome === "string");
          const latency = Object.fromEntries(endpoints.flatMap((e, i) => (typeof outcomes[i] === "number" ? [[String(e), outcomes[i]]] : [])));
          return { ok: errors.length === 0, errors, warnings: [], details: { latency_ms: latency } };
        }

        plugin.check("{{name}}", check, { applies, description: "{{description}}" });

        // Serve when run as a program (dltaf starts it so), not when imported by the test.
        if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) plugin.serve();

        """#

    static let testPrelude = #"""
        // Tests of {{spec}}, in-process with the SDK's InMemoryHost. Run: node --test plugin.test.mjs

        import assert from "node:assert/strict";
        import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
        import { tmpdir } from "node:os";
        import { join } from "node:path";
        import { test } from "node:test";
        import { InMemoryHost, RpcError, defaultContext } from {{sdk_testing_literal}};
        import { plugin } from "./main.mjs";

        /** Runs `body` with a started host and a fresh temporary folder, then cleans both up. */
        async function withHost(body) {
          const folder = await mkdtemp(join(tmpdir(), "{{plugin_name}}-"));
          const host = new InMemoryHost(plugin);
          try {
            await host.initialize();
            return await body(host, folder);
          } finally {
            await host.close();
            await rm(folder, { recursive: true, force: true });
          }
        }

        """#

    static let runnerTest = #"""
        test("the handshake advertises the runner", async () => {
          const host = new InMemoryHost(plugin);
          const { provides } = await host.initialize();
          assert.deepEqual(provides.runners.map((runner) => runner.kind), ["{{name}}"]);
          await host.close();
        });

        test("an empty manifest gets a located error", () =>
          withHost(async (host) => {
            const { diagnostics } = await host.call("runner/validate", { kind: "{{name}}", manifest: {} });
            const errors = diagnostics.filter((d) => d.severity === "error");
            assert.equal(errors[0]?.path, "/source/path");
          }));

        test("run counts the lines of the file", () =>
          withHost(async (host, folder) => {
            await writeFile(join(folder, "data.txt"), "a\nb\nc\n");
            const params = { kind: "{{name}}", manifest: { source: { kind: "{{name}}", path: "data.txt" } }, context: defaultContext({ manifest_dir: folder }) };
            assert.deepEqual((await host.call("runner/validate", params)).diagnostics, []);
            const result = await host.call("runner/run", params);
            assert.equal(result.status, "success");
            assert.equal(result.load_metrics.rows_count, 3);
            assert.ok(host.notificationsOf("progress").length > 0);
          }));

        test("a missing file fails with a category", () =>
          withHost(async (host, folder) => {
            const params = { kind: "{{name}}", manifest: { source: { path: "missing.txt" } }, context: defaultContext({ manifest_dir: folder }) };
            await assert.rejects(host.call("runner/run", params), (error) => error instanceof RpcError && error.code === -32000 && error.data.category === "DATA");
          }));

        """#

    static let hookTest = #"""
        test("the handshake advertises the hook", async () => {
          const host = new InMemoryHost(plugin);
          const { provides } = await host.initialize();
          assert.deepEqual(provides.hooks.map((hook) => [hook.name, hook.events]), [["{{name}}", ["pre_run", "post_run", "on_error"]]]);
          await host.close();
        });

        test("each event appends a line", () =>
          withHost(async (host, folder) => {
            const params = { hook: "{{name}}", config: { path: "events.log" }, context: defaultContext({ manifest_dir: folder }) };
            await host.call("hook/pre_run", params);
            await host.call("hook/post_run", { ...params, result: { status: "success" } });
            const answer = await host.call("hook/on_error", { ...params, error: { message: "boom", category: "UNKNOWN", code: "x" } });
            assert.equal(answer.ok, true);
            const lines = (await readFile(join(folder, "events.log"), "utf8")).trim().split("\n");
            assert.deepEqual(lines.map((line) => JSON.parse(line).event), ["pre_run", "post_run", "on_error"]);
          }));

        test("a missing path is a config error", () =>
          withHost(async (host) => {
            await assert.rejects(host.call("hook/pre_run", { hook: "{{name}}", config: {} }), (error) => error instanceof RpcError && error.code === -32000 && error.data.category === "CONFIG");
          }));

        """#

    static let checkTest = #"""
        import { createServer } from "node:net";

        /** Runs `body` with the port of a TCP server on 127.0.0.1, listening unless `close` (then the port is closed). */
        async function withPort(body, { close = false } = {}) {
          const server = createServer((socket) => socket.destroy());
          await new Promise((done) => server.listen(0, "127.0.0.1", done));
          const { port } = server.address();
          const stop = () => new Promise((done) => server.close(() => done()));
          if (close) await stop();
          try {
            return await body(port);
          } finally {
            if (!close) await stop();
          }
        }

        test("the handshake advertises the check", async () => {
          const host = new InMemoryHost(plugin);
          const { provides } = await host.initialize();
          assert.deepEqual(provides.checks.map((check) => check.name), ["{{name}}"]);
          await host.close();
        });

        test("an open port passes with its latency", () =>
          withPort((port) =>
            withHost(async (host) => {
              const config = { endpoints: [`127.0.0.1:${port}`] };
              assert.equal((await host.call("check/applies", { check: "{{name}}", config })).applies, true);
              const result = await host.call("check/run", { check: "{{name}}", config, timeout_seconds: 2 });
              assert.equal(result.ok, true, JSON.stringify(result));
              assert.ok(`127.0.0.1:${port}` in result.details.latency_ms);
            }),
          ));

        test("a closed port fails", () =>
          withPort(
            (port) =>
              withHost(async (host) => {
                const config = { endpoints: [`127.0.0.1:${port}`, "not-an-endpoint"] };
                const result = await host.call("check/run", { check: "{{name}}", config, timeout_seconds: 2 });
                assert.equal(result.ok, false);
                assert.equal(result.errors.length, 2, JSON.stringify(result));
              }),
            { close: true },
          ));

        test("without endpoints it does not apply and fails", () =>
          withHost(async (host) => {
            assert.equal((await host.call("check/applies", { check: "{{name}}" })).applies, false);
            const result = await host.call("check/run", { check: "{{name}}" });
            assert.equal(result.ok, false);
            assert.ok(result.errors.length > 0);
          }));

        """#

    /// How to run the test, for the README (from the plugin folder).
    static let testCommand = "node --test plugin.test.mjs"

    /// More about the test, for the README.
    static let testNote = """
        It runs the plugin in-process with the SDK's `InMemoryHost`.
        """

    /// How to install it on `PATH`, for the README. Placeholders: `{{installed_name}}`, `{{folder_shell}}`.
    static let install = #"""
        ```sh
        mkdir -p ~/.local/bin
        cat > ~/.local/bin/{{installed_name}} <<'EOF'
        #!/bin/sh
        exec node {{folder_shell}}/main.mjs "$@"
        EOF
        chmod 755 ~/.local/bin/{{installed_name}}
        ```

        The wrapper runs this folder's `main.mjs`, which imports the SDK of the dltaf checkout it was generated
        from. To ship the plugin elsewhere, `npm install` the SDK (`plugin-sdk/node`) next to it, import
        `"dltaf-plugin"`, and install a `bin` named `{{installed_name}}`.
        """#
}
