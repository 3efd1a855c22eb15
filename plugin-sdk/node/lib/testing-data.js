// `DataHost`: the host's side of the `data.v1` feature for `InMemoryHost` (PROTOCOL.md §8).
//
// It answers `data/open`, `data/write` and `data/checkpoint` as dltaf does, validating their params, reading
// spool files (CSV per RFC 4180 with null for empty unquoted fields, NDJSON) and keeping the rows in memory
// instead of a destination: rows since the last checkpoint are `pending`, committed ones are in `tables`.

import fs from "node:fs";
import path from "node:path";
import { INVALID_PARAMS, METHOD_NOT_FOUND, RpcError } from "./errors.js";
import { isPlainObject } from "./results.js";

export const COLUMN_TYPES = Object.freeze(["bigint", "double", "decimal", "text", "bool", "date", "timestamp", "json", "binary"]);
const WRITE_DISPOSITIONS = ["append", "replace", "merge"];

/** A table or column name as dltaf writes it (§8.4): lower case, other characters as `_`. */
export function normalizeName(name) {
  const out = name.toLowerCase().replace(/[^a-z0-9_]+/g, "_");
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

/**
 * The records of RFC 4180 text: an empty unquoted field is null, `""` an empty string. Throws a `SyntaxError`
 * naming the record of a malformed field (a stray quote).
 * @param {string} text
 * @returns {Array<Array<string | null>>}
 */
export function parseCsv(text) {
  const records = [];
  let record = [];
  let pos = 0;
  const field = /"((?:[^"]|"")*)"|([^,"\r\n]*)/y;
  while (pos < text.length) {
    field.lastIndex = pos;
    const [whole, quoted, bare] = field.exec(text);
    record.push(quoted !== undefined ? quoted.replaceAll('""', '"') : bare || null);
    pos += whole.length;
    if (pos >= text.length) break;
    const char = text[pos];
    if (char === ",") {
      pos += 1;
      if (pos === text.length) record.push(null);
    } else if (char === "\n" || text.startsWith("\r\n", pos)) {
      pos += char === "\n" ? 1 : 2;
      records.push(record);
      record = [];
    } else {
      throw new SyntaxError(`record ${records.length + 1}: unexpected ${JSON.stringify(char)} after a field`);
    }
  }
  if (record.length) records.push(record);
  return records;
}

function dataError(message, code, category = "DATA", retryable = false) {
  return new RpcError(-32000, message, { category, code, retryable });
}

/** The data side of an in-memory host: one run at a time, rows kept in memory. */
export class DataHost {
  /**
   * @param {string} spoolDir the run's spool folder (created by `InMemoryHost`).
   * @param {string} loadId
   * @param {{name: string, dataset: string}} [destination]
   */
  constructor(spoolDir, loadId, destination = { name: "sqlite", dataset: "test" }) {
    this.spoolDir = spoolDir;
    this.loadId = loadId;
    this.destination = destination;
    /** Every `data/*` request received, as `[method, params]`. @type {Array<[string, any]>} */
    this.requests = [];
    /** The streams opened in the current run: `{stream: {table, columns, primary_key, write_disposition}}`. */
    this.streams = {};
    /** Rows written since the last checkpoint, `{stream: [row]}`. */
    this.pending = {};
    /** Committed rows, `{table: [row]}` (CSV values are strings, as in the file). */
    this.tables = {};
    /** The committed pipeline state. */
    this.state = null;
    /** The committed state of each stream. */
    this.streamStates = {};
    /** The answers of `data/checkpoint`. */
    this.checkpoints = [];
    /** The errors answered in the current run (any of them fails the run). @type {RpcError[]} */
    this.errors = [];
    this.inRun = false;
    this._checkpoint = 0;
    this._failures = [];
    this._held = undefined;
  }

  // -- what tests use ----------------------------------------------------------------------------------------

  /** The `data` params of a `runner/run` (§8.1); the run starts. */
  runParams() {
    this.inRun = true;
    this.streams = {};
    this.pending = {};
    this.errors = [];
    this._checkpoint = 0;
    return {
      spool_dir: this.spoolDir,
      state: this.state,
      streams: { ...this.streamStates },
      load_id: this.loadId,
      destination: { ...this.destination },
    };
  }

  /** The committed rows of `stream`'s table. */
  rows(stream) {
    const table = this.streams[stream]?.table ?? normalizeName(stream);
    return this.tables[table] ?? [];
  }

  /**
   * Answers the `after`-th next `method` request (0: the next one) with this §8.3 error.
   * @param {string} method
   * @param {string} code
   * @param {{category?: string, retryable?: boolean, message?: string, after?: number}} [options]
   */
  fail(method, code, { category = "DATA", retryable = false, message, after = 0 } = {}) {
    this._failures.push({ method, after, error: dataError(message ?? `injected ${code}`, code, category, retryable) });
  }

  /** Stops answering: requests wait until {@link release} (to see how many a plugin keeps in flight). */
  hold() {
    this._held = [];
  }

  /** How many requests wait for {@link release}. */
  held() {
    return this._held?.length ?? 0;
  }

  /** Answers the held requests, in order, and answers the next ones at once again. */
  release() {
    const held = this._held ?? [];
    this._held = undefined;
    for (const answer of held) answer();
  }

  // -- serving -----------------------------------------------------------------------------------------------

  /** Handles one request; `answer(result, error)` sends the response (now, or on release). */
  serve(method, params, answer) {
    const reply = () => {
      let result;
      try {
        result = this.handle(method, params);
      } catch (error) {
        if (!(error instanceof RpcError)) throw error;
        this.errors.push(error);
        answer(undefined, error);
        return;
      }
      answer(result, undefined);
    };
    if (this._held !== undefined) this._held.push(reply);
    else reply();
  }

  /** The result of one `data/*` request; throws an `RpcError` with the §8.3 `data`. */
  handle(method, params) {
    this.requests.push([method, params]);
    const index = this._failures.findIndex((f) => f.method === method);
    if (index >= 0) {
      const failure = this._failures[index];
      if (failure.after === 0) {
        this._failures.splice(index, 1);
        throw failure.error;
      }
      failure.after -= 1;
    }
    if (!isPlainObject(params)) throw new RpcError(INVALID_PARAMS, "invalid params: params must be an object");
    if (!this.inRun) throw dataError(`${method} outside a runner/run call`, "no_run");
    if (method === "data/open") return this._open(params);
    if (method === "data/write") return this._write(params);
    if (method === "data/checkpoint") return this._commit("state" in params ? params.state : undefined, params.streams, "state" in params);
    throw new RpcError(METHOD_NOT_FOUND, `method not found: ${method}`);
  }

  /** The run answered `status` (undefined: an error): commit what is pending, or roll it back. */
  endRun(status) {
    if ((status === "success" || status === "partial_success") && this.errors.length === 0) this._commit(undefined, undefined, false);
    this.inRun = false;
    this.pending = {};
  }

  _open(params) {
    const { stream } = params;
    if (typeof stream !== "string" || !stream) throw new RpcError(INVALID_PARAMS, "invalid params: data/open needs a stream name");
    if (stream in this.streams) throw dataError(`stream '${stream}' is already open`, "stream_already_open");
    const table = params.table ?? stream;
    const columns = params.columns ?? [];
    const key = params.primary_key;
    const disposition = params.write_disposition ?? "replace";
    const bad = (what) => new RpcError(INVALID_PARAMS, `invalid params: stream '${stream}': ${what}`);
    if (typeof table !== "string" || !table) throw bad("table must be a string");
    if (!Array.isArray(columns) || !columns.every((c) => isPlainObject(c) && typeof c.name === "string" && COLUMN_TYPES.includes(c.type))) {
      throw bad("columns need a name and a type");
    }
    if (key !== undefined && (!Array.isArray(key) || !key.every((k) => typeof k === "string"))) throw bad("primary_key is a list of names");
    if (!WRITE_DISPOSITIONS.includes(disposition) || (disposition === "merge" && !key)) throw bad(`bad write_disposition ${JSON.stringify(disposition)}`);
    this.streams[stream] = { table: normalizeName(table), columns, primary_key: key, write_disposition: disposition };
    this.pending[stream] = [];
    return { stream, table: normalizeName(table), state: this.streamStates[stream] ?? null };
  }

  _write(params) {
    const { stream } = params;
    if (!(stream in this.streams)) throw dataError(`stream '${stream}' is not open`, "stream_not_open");
    if (("rows" in params) === ("file" in params)) throw new RpcError(INVALID_PARAMS, `invalid params: data/write of '${stream}' needs rows or file`);
    const rows = "rows" in params ? this._inline(stream, params.rows) : this._file(stream, params.file);
    this.pending[stream].push(...rows);
    return { rows: rows.length };
  }

  _inline(stream, rows) {
    const { columns, values } = isPlainObject(rows) ? rows : {};
    if (!Array.isArray(columns) || !columns.every((c) => typeof c === "string") || !Array.isArray(values)) {
      throw dataError(`stream '${stream}': rows need columns (names) and values (arrays)`, "bad_rows");
    }
    values.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== columns.length) throw dataError(`stream '${stream}': row ${i + 1} does not have ${columns.length} values`, "bad_rows");
    });
    return values.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
  }

  _file(stream, file) {
    const { path: where, format } = isPlainObject(file) ? file : {};
    if (format !== "csv" && format !== "ndjson") throw new RpcError(INVALID_PARAMS, `invalid params: stream '${stream}': file format must be csv or ndjson`);
    const inside = typeof where === "string" && path.dirname(where) === this.spoolDir;
    if (!inside || !fs.existsSync(where) || !fs.lstatSync(where).isFile()) {
      throw dataError(`stream '${stream}': ${where} is not a regular file directly inside the spool`, "file_outside_spool");
    }
    const text = fs.readFileSync(where, "utf8");
    fs.unlinkSync(where); // the host deletes a file once loaded
    if (format === "ndjson") {
      const rows = [];
      text.split(/\r?\n/).forEach((line, i) => {
        if (!line.trim()) return;
        let row;
        try {
          row = JSON.parse(line);
        } catch {
          row = undefined;
        }
        if (!isPlainObject(row)) throw dataError(`stream '${stream}': line ${i + 1} of ${where} is not a JSON object`, "bad_rows");
        rows.push(row);
      });
      return rows;
    }
    let records;
    try {
      records = parseCsv(text);
    } catch (error) {
      throw dataError(`stream '${stream}': ${where}: ${error.message}`, "bad_rows");
    }
    if (!records.length) throw dataError(`stream '${stream}': ${where} has no header line`, "bad_rows");
    const [header, ...body] = records;
    if (!header.every((name) => typeof name === "string" && name)) throw dataError(`stream '${stream}': ${where}: the header has an empty column name`, "bad_rows");
    body.forEach((record, i) => {
      if (record.length !== header.length) {
        throw dataError(`stream '${stream}': ${where} record ${i + 2} has ${record.length} fields, the header ${header.length}`, "bad_rows");
      }
    });
    return body.map((record) => Object.fromEntries(header.map((name, i) => [name, record[i]])));
  }

  _commit(state, streams, hasState) {
    if (streams !== undefined && !isPlainObject(streams)) throw new RpcError(INVALID_PARAMS, "invalid params: data/checkpoint streams must be an object");
    const committed = {};
    for (const [stream, rows] of Object.entries(this.pending)) {
      const { table, write_disposition: disposition } = this.streams[stream];
      if (disposition === "replace" && !this._checkpoint) this.tables[table] = [];
      (this.tables[table] ??= []).push(...rows);
      committed[stream] = rows.length;
      this.pending[stream] = [];
    }
    if (hasState) this.state = state;
    Object.assign(this.streamStates, streams ?? {});
    this._checkpoint += 1;
    const answer = { load_id: this.loadId, checkpoint: this._checkpoint, rows: committed };
    this.checkpoints.push(answer);
    return answer;
  }
}
