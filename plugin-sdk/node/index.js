/**
 * Write dltaf plugins in JavaScript.
 *
 * A plugin registers handlers on a {@link Plugin} and calls `plugin.serve()`; the SDK speaks the JSON-RPC
 * protocol of `protocol/PROTOCOL.md` on stdin/stdout:
 *
 * ```js
 * import { Plugin } from "dltaf-plugin";
 *
 * const plugin = new Plugin({ name: "audit-hook", version: "1.0.0" });
 * plugin.hook("audit_file", async (call) => {
 *   call.log("info", `run ${call.context.run_id} starts`);
 * }, { events: ["pre_run"] });
 * plugin.serve();
 * ```
 *
 * Unit-test handlers in-process with `InMemoryHost` from `dltaf-plugin/testing`.
 * @module dltaf-plugin
 */

export { Call, currentCall, LOG_LEVELS } from "./lib/call.js";
export {
  CATEGORIES,
  Cancelled,
  DataError,
  DataUnsupported,
  HANDLER_FAILED,
  INTERNAL_ERROR,
  INVALID_PARAMS,
  INVALID_REQUEST,
  METHOD_NOT_FOUND,
  NOT_INITIALIZED,
  PARSE_ERROR,
  PluginError,
  REQUEST_CANCELLED,
  RpcError,
  UNSUPPORTED_VERSION,
} from "./lib/errors.js";
export { HOOK_EVENTS, Plugin } from "./lib/plugin.js";
export { Diagnostic } from "./lib/results.js";
export { DATA_FEATURE, SUPPORTED_VERSIONS } from "./lib/server.js";

/** The SDK's version. */
export const VERSION = "0.1.0";
