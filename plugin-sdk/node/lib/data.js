// The runner's side of the `data.v1` feature (PROTOCOL.md §8): batches rows into spool files or inline lines,
// keeps a few `data/*` requests in flight, and throws the host's errors as `DataError`.

import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Cancelled, DataError, REQUEST_CANCELLED, RpcError } from "./errors.js";
import { LineTooLong } from "./framing.js";

/** How `write` hands rows over: spool files by reference (`ndjson`, the default, or `csv`), or `inline`. */
export const TRANSPORTS = Object.freeze(["ndjson", "csv", "inline"]);
export const FILE_FORMATS = Object.freeze(["csv", "ndjson"]);
export const DEFAULT_FILE_ROWS = 100_000;
export const DEFAULT_INLINE_ROWS = 20_000;
export const DEFAULT_IN_FLIGHT = 2;

/** A column value as JSON has it: dates as ISO 8601, bytes as base64, BigInts as digit strings. */
export function plainValue(value) {
  if (value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (value instanceof Map || value instanceof Set) throw new TypeError(`a ${value.constructor.name} cannot be written as a column value`);
  return value;
}

function replacer(key, value) {
  // `this[key]` is the value before its toJSON (a Buffer's toJSON would give {type, data})
  const raw = key === "" ? value : this[key];
  if (raw instanceof Uint8Array || typeof raw === "bigint") return plainValue(raw);
  if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError(`${value} is not valid JSON (at ${JSON.stringify(key)})`);
  return value;
}

/** One NDJSON line (without its newline) of a row object. */
export function ndjsonLine(row) {
  return JSON.stringify(row, replacer);
}

/** One CSV field (RFC 4180) of a value: null is an empty field, every string is quoted so `""` stays empty. */
export function csvField(value) {
  const plain = plainValue(value);
  if (plain === null) return "";
  if (typeof plain === "string") return `"${plain.replaceAll('"', '""')}"`;
  if (typeof plain === "object") return `"${JSON.stringify(plain, replacer).replaceAll('"', '""')}"`;
  if (typeof plain === "number" && !Number.isFinite(plain)) throw new TypeError(`${plain} cannot be written as a column value`);
  return String(plain);
}

/** The §8.2 column type a first value implies, or undefined to let the host infer it. */
export function columnType(value) {
  if (typeof value === "boolean") return "bool";
  if (typeof value === "string") return "text";
  if (typeof value === "bigint") return "decimal";
  if (typeof value === "number") return Number.isSafeInteger(value) ? "bigint" : "double";
  if (value instanceof Date) return "timestamp";
  if (value instanceof Uint8Array) return "binary";
  if (value !== null && typeof value === "object") return "json";
  return undefined;
}

const isRowObject = (row) => row !== null && typeof row === "object" && !Array.isArray(row);

/** An object of an array of values in `names` order. */
function rowOf(stream, names, values) {
  if (!Array.isArray(values) || values.length !== names.length) {
    throw new TypeError(`stream '${stream}': with columns, each row is an array of ${names.length} values`);
  }
  const row = {};
  for (let i = 0; i < names.length; i += 1) row[names[i]] = values[i];
  return row;
}

/** One stream of the run: its columns so far and the batch being filled. */
class Stream {
  constructor(name) {
    this.name = name;
    this.opened = false;
    this.declared = []; // column names given to open()
    this.columns = []; // the current batch's columns (inline `columns`, CSV header)
    this.known = new Set();
    this.batch = []; // NDJSON lines, or arrays of values in `columns` order
    this.written = 0;
  }

  setColumns(columns) {
    this.columns = columns;
    this.known = new Set(columns);
  }
}

/**
 * The data API of one `runner/run` call; `Call` delegates to it.
 *
 * `request(method, params)` sends a request to the host and returns a promise of its result (rejected with an
 * `RpcError`); it throws `LineTooLong` at once when the line would be too long.
 */
export class DataChannel {
  constructor(call, data, request) {
    this._call = call;
    this._request = request;
    this.spoolDir = typeof data.spool_dir === "string" ? data.spool_dir : "";
    this.loadId = data.load_id;
    this.destination = data.destination ?? {};
    this.state = data.state ?? null;
    this.streams = { ...(data.streams ?? {}) };
    this.transport = this.spoolDir ? "ndjson" : "inline";
    this.batchRows = this.spoolDir ? DEFAULT_FILE_ROWS : DEFAULT_INLINE_ROWS;
    this.inFlight = DEFAULT_IN_FLIGHT;
    /** @type {Map<string, Stream>} */
    this._streams = new Map();
    this._waiting = [];
    this._failure = undefined;
    this._files = 0;
    const signal = call.signal;
    this._aborted = new Promise((_, reject) => {
      const stop = () => reject(signal.reason ?? new Cancelled());
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop, { once: true });
    });
    this._aborted.catch(() => {});
  }

  // -- settings ----------------------------------------------------------------------------------------------

  async configure({ transport, batchRows, inFlight } = {}) {
    if (transport !== undefined) {
      if (!TRANSPORTS.includes(transport)) throw new RangeError(`transport must be one of ${TRANSPORTS.join(", ")}, got ${JSON.stringify(transport)}`);
      if (transport !== "inline" && !this.spoolDir) throw new RangeError("the host sent no data.spool_dir: only the inline transport is possible");
      if ([...this._streams.values()].some((s) => s.batch.length)) await this.flush();
      this.transport = transport;
      this.batchRows = transport === "inline" ? DEFAULT_INLINE_ROWS : DEFAULT_FILE_ROWS;
    }
    if (batchRows !== undefined) {
      if (!Number.isInteger(batchRows) || batchRows < 1) throw new RangeError(`batchRows must be an integer >= 1, got ${batchRows}`);
      this.batchRows = batchRows;
    }
    if (inFlight !== undefined) {
      if (!Number.isInteger(inFlight) || inFlight < 1) throw new RangeError(`inFlight must be an integer >= 1, got ${inFlight}`);
      this.inFlight = inFlight;
    }
  }

  // -- the API -----------------------------------------------------------------------------------------------

  async open(stream, { table, columns, primaryKey, writeDisposition } = {}, wait = true) {
    this._check();
    if (typeof stream !== "string" || !stream) throw new TypeError(`a stream name must be a non-empty string, got ${JSON.stringify(stream)}`);
    const found = this._streams.get(stream);
    if (found?.opened) throw new DataError(`stream '${stream}' is already open`, { code: "stream_already_open", method: "data/open", stream });
    const params = { stream };
    if (table !== undefined) params.table = table;
    if (primaryKey !== undefined) params.primary_key = [...primaryKey];
    if (writeDisposition !== undefined) params.write_disposition = writeDisposition;
    let declared = [];
    if (columns !== undefined) {
      const specs = [...columns].map((c) => (typeof c === "string" ? { name: c } : { ...c }));
      declared = specs.map((spec) => spec.name);
      if (!declared.every((name) => typeof name === "string" && name)) throw new TypeError(`each column needs a name: ${JSON.stringify(columns)}`);
      const typed = specs.filter((spec) => Object.keys(spec).length > 1); // a name alone declares no type
      if (typed.length) params.columns = typed;
    }
    const s = found ?? new Stream(stream);
    s.opened = true;
    s.declared = declared;
    this._streams.set(stream, s);
    const reply = await this._send("data/open", params, (result) => {
      if (result && typeof result === "object" && "state" in result) this.streams[stream] = result.state;
    });
    if (!wait) return undefined;
    await this._drain();
    return reply.result;
  }

  async write(stream, rows, { columns } = {}) {
    this._check();
    const s = this._stream(stream);
    if (isRowObject(rows) && !(Symbol.iterator in rows) && !(Symbol.asyncIterator in rows)) rows = [rows];
    if (rows === null || typeof rows !== "object" || !(Symbol.iterator in rows || Symbol.asyncIterator in rows)) {
      throw new TypeError(`stream '${stream}': rows must be an array, an iterable or an async iterable of objects`);
    }
    const names = columns === undefined ? undefined : [...columns];
    const ndjson = this.transport === "ndjson";
    let count = 0;
    // Awaits only when a batch is full, a stream opens or a new column starts a batch: a row costs no promise.
    const add = (given) => {
      const row = names === undefined ? given : rowOf(stream, names, given);
      if (names === undefined && !isRowObject(row)) {
        throw new TypeError(`stream '${stream}': rows must be objects, got ${Array.isArray(row) ? "an array (pass {columns})" : typeof row}`);
      }
      return addRow(row);
    };
    const addRow = (row) => {
      if (!s.opened) return this._openImplicitly(s, row).then(() => addRow(row));
      if (ndjson) {
        s.batch.push(ndjsonLine(row));
      } else {
        if (!s.columns.length) s.setColumns([...s.declared, ...Object.keys(row).filter((k) => !s.declared.includes(k))]);
        const added = Object.keys(row).filter((k) => !s.known.has(k));
        if (added.length) {
          return this._flushStream(s).then(() => {
            s.setColumns([...s.columns, ...added]);
            return addRow(row);
          });
        }
        s.batch.push(s.columns.map((c) => plainValue(row[c])));
      }
      count += 1;
      return s.batch.length >= this.batchRows ? this._flushStream(s) : undefined;
    };
    if (Symbol.iterator in rows) {
      for (const row of rows) {
        const wait = add(row);
        if (wait !== undefined) await wait;
      }
    } else {
      for await (const row of rows) await add(row);
    }
    s.written += count;
    return count;
  }

  async writeFile(stream, file, format = "csv") {
    this._check();
    if (!FILE_FORMATS.includes(format)) throw new RangeError(`format must be one of ${FILE_FORMATS.join(", ")}, got ${JSON.stringify(format)}`);
    const full = path.resolve(String(file));
    if (!this.spoolDir || path.dirname(full) !== path.resolve(this.spoolDir)) {
      throw new RangeError(`${file} is not directly inside the spool folder ${this.spoolDir}: use call.spoolFile()`);
    }
    const s = this._stream(stream);
    if (!s.opened) await this._openImplicitly(s, undefined);
    await this._flushStream(s);
    await this._send("data/write", { stream, file: { path: full, format } });
  }

  async checkpoint(state, streams) {
    await this.flush();
    const params = {};
    if (state !== undefined && state !== null) params.state = state;
    if (streams !== undefined && streams !== null) params.streams = { ...streams };
    const reply = await this._send("data/checkpoint", params, () => {
      if (params.state !== undefined) this.state = params.state;
      Object.assign(this.streams, params.streams ?? {});
    });
    await this._drain();
    return reply.result;
  }

  spoolFile(suffix = "") {
    if (!this.spoolDir) throw new RangeError("the host sent no data.spool_dir");
    this._files += 1;
    return path.join(this.spoolDir, `f${process.pid}-${this._files}${suffix}`);
  }

  /** Sends every stream's pending batch and waits for all answers. */
  async flush() {
    this._check();
    for (const s of this._streams.values()) await this._flushStream(s);
    await this._drain();
  }

  /** After the runner returned: what is pending goes to the host, and every answer is in. */
  async finish() {
    if (this._failure === undefined) await this.flush();
  }

  /** After the runner failed: batches never sent are dropped. */
  abandon() {
    for (const s of this._streams.values()) s.batch = [];
  }

  get rowsWritten() {
    let total = 0;
    for (const s of this._streams.values()) total += s.written;
    return total;
  }

  // -- batches -----------------------------------------------------------------------------------------------

  _stream(name) {
    if (typeof name !== "string" || !name) throw new TypeError(`a stream name must be a non-empty string, got ${JSON.stringify(name)}`);
    let s = this._streams.get(name);
    if (s === undefined) {
      s = new Stream(name);
      this._streams.set(name, s);
    }
    return s;
  }

  _openImplicitly(s, first) {
    const columns = [];
    for (const [name, value] of Object.entries(first ?? {})) {
      const type = columnType(value);
      if (type !== undefined) columns.push({ name, type });
    }
    return this.open(s.name, columns.length ? { columns } : {}, false);
  }

  async _flushStream(s) {
    if (!s.batch.length) return;
    const batch = s.batch;
    s.batch = [];
    if (this.transport === "inline") {
      await this._sendInline(s.name, s.columns, batch);
      return;
    }
    const file = this.spoolFile(`.${this.transport}`);
    const text = this.transport === "ndjson"
      ? `${batch.join("\n")}\n`
      : [s.columns.map(csvField), ...batch.map((values) => values.map(csvField))].map((fields) => `${fields.join(",")}\r\n`).join("");
    await writeFile(file, text, { flag: "wx", mode: 0o600 });
    await this._send("data/write", { stream: s.name, file: { path: file, format: this.transport } });
  }

  async _sendInline(stream, columns, values) {
    try {
      await this._send("data/write", { stream, rows: { columns, values } });
    } catch (error) {
      if (!(error instanceof LineTooLong)) throw error;
      if (values.length === 1) throw new RangeError(`stream '${stream}': one row is longer than max_line_bytes`);
      const half = Math.floor(values.length / 2);
      await this._sendInline(stream, columns, values.slice(0, half));
      await this._sendInline(stream, columns, values.slice(half));
    }
  }

  // -- requests and answers ----------------------------------------------------------------------------------

  async _send(method, params, onResult) {
    this._check();
    while (this._waiting.length >= this.inFlight) await this._settle(this._waiting.shift());
    const reply = { method, stream: params.stream, onResult, result: undefined };
    reply.promise = this._request(method, params);
    reply.promise.catch(() => {}); // looked at in _settle
    this._waiting.push(reply);
    return reply;
  }

  async _drain() {
    while (this._waiting.length) await this._settle(this._waiting.shift());
  }

  async _settle(reply) {
    try {
      reply.result = await Promise.race([reply.promise, this._aborted]);
    } catch (error) {
      this._failure = dataError(reply, error);
      throw this._failure;
    }
    reply.onResult?.(reply.result);
    return reply.result;
  }

  _check() {
    if (this._failure !== undefined) throw this._failure;
  }
}

function dataError(reply, error) {
  if (error instanceof Cancelled) return error;
  if (!(error instanceof RpcError)) return error;
  if (error.code === REQUEST_CANCELLED) return new Cancelled(error.message);
  const data = error.data !== null && typeof error.data === "object" ? error.data : {};
  return new DataError(`${reply.method}: ${error.message}`, {
    category: typeof data.category === "string" ? data.category : "DATA",
    code: typeof data.code === "string" ? data.code : null,
    retryable: data.retryable === true,
    rpcCode: error.code,
    method: reply.method,
    stream: reply.stream,
  });
}
