// dltaf sample check `node_port`: opens a TCP connection to each `host:port` in `config.endpoints` and reports
// the latency; an endpoint that refuses or does not answer within `config.timeout_seconds` (default: the
// check's budget, at most 5 s) is an error. It applies when endpoints are configured.
import net from "node:net";
import { Plugin } from "../../../../../plugin-sdk/node/index.js";

const description = "Checks that TCP endpoints accept connections";
const plugin = new Plugin({ name: "node-port-check", version: "1.0.0", description });

function parse(endpoint) {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(String(endpoint));
  return match && Number(match[2]) <= 65535 ? { host: match[1], port: Number(match[2]) } : undefined;
}

function probe({ host, port }, timeoutMs, signal) {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host, port, signal });
    const done = (error) => {
      socket.destroy();
      resolve(error ? { error } : { latency_ms: Math.round((performance.now() - started) * 10) / 10 });
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once("connect", () => done());
    socket.once("error", (error) => done(error.code ?? error.message));
  });
}

plugin.check("node_port", async (call) => {
  const endpoints = call.config.endpoints ?? [];
  const timeoutMs = 1000 * (call.config.timeout_seconds ?? Math.min(call.timeoutSeconds ?? 5, 5));
  const results = await Promise.all(endpoints.map(async (endpoint) => {
    const target = parse(endpoint);
    return [endpoint, target ? await probe(target, timeoutMs, call.signal) : { error: "not host:port" }];
  }));
  call.throwIfCancelled();
  const errors = results.filter(([, result]) => result.error).map(([endpoint, result]) => `${endpoint}: ${result.error}`);
  const warnings = endpoints.length === 0 ? ["no endpoints configured (config.endpoints)"] : [];
  return { ok: errors.length === 0, errors, warnings, details: Object.fromEntries(results) };
}, {
  description: "Connects to each host:port of config.endpoints and reports the latency",
  applies: (call) => (call.config.endpoints?.length > 0 ? true : [false, "no config.endpoints"]),
});

plugin.serve();
