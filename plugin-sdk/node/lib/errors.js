// Exceptions a handler throws, and the JSON-RPC error codes of protocol v1 (PROTOCOL.md §3.4).

/** The line was not JSON. */
export const PARSE_ERROR = -32700;
/** The message is not a valid request. */
export const INVALID_REQUEST = -32600;
/** The method is unknown. */
export const METHOD_NOT_FOUND = -32601;
/** The params are missing a field or name something unknown. */
export const INVALID_PARAMS = -32602;
/** The SDK could not produce an answer (e.g. a handler returned something that is not a valid result). */
export const INTERNAL_ERROR = -32603;
/** The handler failed; `data` carries `category`, `code` and `retryable`. */
export const HANDLER_FAILED = -32000;
/** A call arrived before `initialize`. */
export const NOT_INITIALIZED = -32001;
/** None of the offered protocol versions is supported; `data.supported` lists the plugin's. */
export const UNSUPPORTED_VERSION = -32002;
/** The host cancelled the request. */
export const REQUEST_CANCELLED = -32800;

/** The error categories the host understands in `data.category` of a `-32000` error. */
export const CATEGORIES = Object.freeze([
  "CONFIG", "SECRETS", "AUTH", "CONNECTIVITY", "HTTP", "TIMEOUT", "DATA", "POLICY", "DEPENDENCY", "UNKNOWN",
]);

/**
 * A handler failure the host should report with a category.
 *
 * Throw it from any handler: the SDK answers the call with error `-32000` and
 * `data: {category, code, retryable}`. Domain outcomes (a failed check, an invalid config, a failed load) are
 * results, not errors: throw this only when the call itself cannot be served.
 *
 * @example
 * throw new PluginError("ACME_TOKEN is missing", { category: "SECRETS", code: "acme.no_token" });
 */
export class PluginError extends Error {
  /**
   * @param {string} message one line for humans.
   * @param {{category?: string, code?: string | null, retryable?: boolean, cause?: unknown}} [options]
   *   `category` (default `"CONFIG"`) is one of {@link CATEGORIES}; `code` a stable identifier; `retryable`
   *   whether running again may succeed.
   */
  constructor(message, { category = "CONFIG", code = null, retryable = false, cause } = {}) {
    if (!CATEGORIES.includes(category)) {
      throw new RangeError(`unknown error category ${JSON.stringify(category)}; use one of ${CATEGORIES.join(", ")}`);
    }
    super(message, cause === undefined ? undefined : { cause });
    this.name = "PluginError";
    /** @type {string} */
    this.category = category;
    /** @type {string | null} */
    this.code = code ?? null;
    /** @type {boolean} */
    this.retryable = Boolean(retryable);
  }

  /** The `data` member of the JSON-RPC error. */
  data() {
    return { category: this.category, code: this.code, retryable: this.retryable };
  }
}

/**
 * The host cancelled the call; the SDK answers it with error `-32800`.
 *
 * Thrown by `call.throwIfCancelled()`, and the reason of `call.signal` once it is aborted.
 */
export class Cancelled extends Error {
  /** @param {string} [message] */
  constructor(message = "request cancelled") {
    super(message);
    this.name = "Cancelled";
  }
}

/**
 * A JSON-RPC error object: `code`, `message` and optional `data`.
 *
 * The SDK throws it internally to answer with a specific code; `InMemoryHost.call` throws it when the plugin
 * answers with an error. A handler may throw one to choose the code itself. `message` is the JSON-RPC
 * error's message (without the code).
 */
export class RpcError extends Error {
  /**
   * @param {number} code
   * @param {string} message
   * @param {unknown} [data]
   */
  constructor(code, message, data = undefined) {
    super(message);
    this.name = "RpcError";
    /** @type {number} */
    this.code = code;
    /** @type {unknown} */
    this.data = data;
  }

  /** The `error` member of a JSON-RPC response. */
  toJSON() {
    const error = { code: this.code, message: this.message };
    if (this.data !== undefined && this.data !== null) error.data = this.data;
    return error;
  }
}
