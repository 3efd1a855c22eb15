// dltaf sample runner `json_lines`: counts the records of a JSON-lines file `source.path` (relative to the manifest's
// folder) or http:// URL `source.url`, up to `source.limit`, copies them to `source.output` and loads them (data.v1).
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { setImmediate as yieldToEvents } from "node:timers/promises";
import { Diagnostic, Plugin, PluginError } from "../../../../../plugin-sdk/node/index.js";

const plugin = new Plugin({ name: "json-runner", version: "1.0.0", description: "Loads JSON-lines files and URLs" });
const resolve = (call, file) => path.resolve(call.context.manifest_dir ?? ".", file);

function validate(call) {
  const { path: file, url, limit } = call.manifest.source ?? {};
  const found = [], problem = (message, pointer) => found.push(Diagnostic.error(message, { path: pointer }));
  if (!file === !url) problem("set exactly one of source.path and source.url", "/source");
  if (file !== undefined && typeof file !== "string") problem("source.path must be a string", "/source/path");
  if (url !== undefined && !/^https?:\/\//.test(url)) problem("source.url must be an http:// URL", "/source/url");
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) problem("must be an integer >= 0", "/source/limit");
  return found;
}

async function read(call, { path: file, url }) {
  const failed = (category) => (error) => {
    throw new PluginError(`cannot read ${file ?? url}: ${error.cause?.code ?? error.message}`, { category });
  };
  const { signal } = call;
  if (file !== undefined) return readFile(resolve(call, file), { encoding: "utf8", signal }).catch(failed("CONFIG"));
  const response = await fetch(url, { signal }).catch(failed("CONNECTIVITY"));
  if (response.ok) return response.text();
  throw new PluginError(`${url}: HTTP ${response.status}`, { category: "HTTP", retryable: response.status >= 500 });
}

plugin.runner("json_lines", async (call) => {
  const [problem] = validate(call);
  if (problem) throw new PluginError(problem.message, { category: "CONFIG" });
  const source = call.manifest.source;
  const lines = (await read(call, source)).split("\n").filter((line) => line.trim() !== "");
  const total = Math.min(lines.length, source.limit ?? Infinity);
  const records = [];
  for (const line of lines.slice(0, total)) {
    try {
      records.push(JSON.parse(line));
    } catch {
      return { status: "failed", message: `record ${records.length + 1} is not JSON` };
    }
    if (records.length % 1000 === 0 || records.length === total) {
      call.progress({ current: records.length, total, unit: "records" });
      await yieldToEvents(); // lets heartbeats out and a `cancel` in
      call.throwIfCancelled();
    }
  }
  call.state({ records: records.length });
  if (typeof source.output === "string") await writeFile(resolve(call, source.output), records.map((r) => `${JSON.stringify(r)}\n`).join(""));
  const bad = records.findIndex((record) => record === null || typeof record !== "object" || Array.isArray(record)) + 1;
  if (call.dataEnabled && bad) return { status: "failed", message: `record ${bad} is not a JSON object` };
  if (call.dataEnabled) await call.write(source.stream ?? "records", records); // into the destination, batched by the SDK
  return { status: "success", message: `${records.length} records`, load_metrics: { rows_count: records.length } };
}, { validate, description: "Counts (and copies) the records of a JSON-lines file or URL" });

plugin.serve();
