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

/**
 * The host refused a `data/*` request (PROTOCOL.md §8.3), or the data API was used wrongly.
 *
 * Thrown by `call.write`, `call.checkpoint`... with the host's `code` (`stream_not_open`, `bad_rows`,
 * `destination_failed`...), `category` and `retryable`; `rpcCode` is the JSON-RPC error code, `method` the
 * request and `stream` its stream. Left uncaught, it fails the `runner/run` call with the same category and
 * code. Once one is thrown, the call's data API keeps throwing it.
 */
export class DataError extends PluginError {
  /**
   * @param {string} message
   * @param {{category?: string, code?: string | null, retryable?: boolean, rpcCode?: number, method?: string,
   *   stream?: string}} [options] `category` defaults to `"DATA"`.
   */
  constructor(message, { category = "DATA", code = null, retryable = false, rpcCode = HANDLER_FAILED, method, stream } = {}) {
    super(message, { category: CATEGORIES.includes(category) ? category : "UNKNOWN", code, retryable });
    this.name = "DataError";
    /** @type {number} */
    this.rpcCode = rpcCode;
    /** @type {string | undefined} */
    this.method = method;
    /** @type {string | undefined} */
    this.stream = stream;
  }
}

/**
 * The data API was used although the host did not offer the `data.v1` feature (an older dltaf), or outside a
 * `runner/run` call. Check `call.dataEnabled` first to fall back to another way of loading.
 */
export class DataUnsupported extends PluginError {
  /** @param {string} message */
  constructor(message) {
    super(message, { category: "DEPENDENCY", code: "data_unsupported" });
    this.name = "DataUnsupported";
  }
}
