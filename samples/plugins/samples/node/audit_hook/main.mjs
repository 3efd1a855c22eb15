// dltaf sample hook `node_audit`: appends one JSON line per run event to the file at `config.path` (relative
// paths are resolved against the manifest's folder); in pre_run it vetoes pipelines in `config.deny_pipelines`.
import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { Plugin, PluginError } from "../../../../../plugin-sdk/node/index.js";

const description = "Appends one JSON audit line per run event";
const plugin = new Plugin({ name: "node-audit-hook", version: "1.0.0", description });

plugin.hook("node_audit", async (call) => {
  const { path: file, deny_pipelines: denyList = [] } = call.config;
  if (typeof file !== "string" || file === "") {
    throw new PluginError("node_audit: config.path (the audit file) is required", { category: "CONFIG" });
  }
  const full = path.resolve(call.context.manifest_dir ?? ".", file);
  const pipeline = call.context.pipeline?.name;
  const denied = call.event === "pre_run" && denyList.includes(pipeline);
  const entry = { event: call.event, run_id: call.context.run_id, pipeline };
  if (call.result?.status) entry.status = call.result.status;
  if (denied) entry.status = "denied";
  if (call.error) entry.error = call.error;
  entry.at = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  await mkdir(path.dirname(full), { recursive: true });
  await appendFile(full, `${JSON.stringify(entry)}\n`);
  call.log("info", `audited ${call.event} of pipeline ${pipeline}`, { file: full });
  if (denied) return { ok: false, message: `pipeline ${pipeline} is denied by node_audit (config.deny_pipelines)` };
  return { ok: true };
}, { events: ["pre_run", "post_run", "on_error"], description });

plugin.serve();
