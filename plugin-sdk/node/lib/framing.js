// JSON-lines framing: one compact UTF-8 JSON object per line (PROTOCOL.md §1).

import fs from "node:fs";

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** An encoded message is longer than the host's `limits.max_line_bytes`. */
export class LineTooLong extends RangeError {}

function rejectNonJson(key, value) {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new TypeError(`${value} is not valid JSON${key ? ` (at ${JSON.stringify(key)})` : ""}`);
  }
  return value;
}

/**
 * Encodes one message as a protocol line (with its `\n`). Throws `TypeError` if the message is not plain JSON
 * (a BigInt, a cycle, NaN or Infinity), `LineTooLong` if it is longer than `maxLineBytes`.
 * @returns {Buffer}
 */
export function encode(message, maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
  const text = JSON.stringify(message, rejectNonJson);
  if (text === undefined) throw new TypeError("the message is not JSON");
  const data = Buffer.from(`${text}\n`, "utf8");
  if (data.length > maxLineBytes) {
    throw new LineTooLong(`message of ${data.length} bytes exceeds max_line_bytes=${maxLineBytes}`);
  }
  return data;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes one received line (a trailing `\r\n` or `\n` is dropped). Throws `SyntaxError` if it is not UTF-8
 * JSON.
 * @param {Buffer | Uint8Array | string} line
 */
export function decode(line) {
  let text;
  if (typeof line === "string") {
    text = line;
  } else {
    try {
      text = strictUtf8.decode(line);
    } catch {
      throw new SyntaxError("the line is not valid UTF-8");
    }
  }
  if (text.endsWith("\n")) text = text.slice(0, -1);
  if (text.endsWith("\r")) text = text.slice(0, -1);
  return JSON.parse(text);
}

/** Splits a byte stream into lines (without their `\n`); `end()` returns a last unterminated line. */
export class LineSplitter {
  constructor() {
    /** @type {Buffer[]} */
    this._parts = [];
  }

  /**
   * @param {Buffer} chunk
   * @returns {Buffer[]} the lines completed by this chunk.
   */
  push(chunk) {
    const lines = [];
    let start = 0;
    let newline;
    while ((newline = chunk.indexOf(0x0a, start)) !== -1) {
      this._parts.push(chunk.subarray(start, newline));
      lines.push(this._parts.length === 1 ? this._parts[0] : Buffer.concat(this._parts));
      this._parts = [];
      start = newline + 1;
    }
    if (start < chunk.length) this._parts.push(chunk.subarray(start));
    return lines;
  }

  /** @returns {Buffer | undefined} */
  end() {
    const rest = this._parts.length ? Buffer.concat(this._parts) : undefined;
    this._parts = [];
    return rest && rest.length ? rest : undefined;
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms) {
  Atomics.wait(sleepCell, 0, 0, ms);
}

/**
 * Writes whole lines to a file descriptor in order, with `fs.writeSync`. A line is never interleaved with
 * another: lines wait in a queue, and a partial write (or `EAGAIN` on a non-blocking pipe) is resumed on a
 * timer. Once the descriptor breaks (`EPIPE`: the host went away) further writes are dropped.
 */
export class FdWriter {
  /** @param {number} fd */
  constructor(fd) {
    this.fd = fd;
    this.broken = false;
    /** @type {Buffer[]} */
    this._queue = [];
    this._offset = 0;
    this._timer = null;
    this._delay = 1;
    /** @type {Array<() => void>} */
    this._idle = [];
  }

  /** Queues `data` and writes as much as the descriptor takes now; returns false once broken. */
  write(data) {
    if (this.broken) return false;
    this._queue.push(data);
    if (this._timer === null) this._pump();
    return true;
  }

  /** Whether lines still wait to be written. */
  get pending() {
    return this._queue.length > 0;
  }

  /** Resolves when the queue is empty (or after `timeoutMs`). */
  drain(timeoutMs = 5000) {
    if (!this.pending) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this._idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Writes the whole queue now, blocking at most `timeoutMs` (used just before the process exits). */
  flushSync(timeoutMs = 1000) {
    const deadline = Date.now() + timeoutMs;
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    while (this._queue.length && !this.broken && Date.now() < deadline) {
      if (this._writeSome() === "again") sleepSync(2);
    }
    this._settle();
  }

  /** @returns {"done" | "again"} */
  _writeSome() {
    while (this._queue.length) {
      const head = this._queue[0];
      let written;
      try {
        written = fs.writeSync(this.fd, head, this._offset, head.length - this._offset);
      } catch (error) {
        if (error.code === "EAGAIN" || error.code === "EWOULDBLOCK") return "again";
        if (error.code === "EINTR") continue;
        this.broken = true; // EPIPE, EBADF...: nobody reads the protocol any more
        this._queue = [];
        this._offset = 0;
        return "done";
      }
      this._offset += written;
      if (this._offset >= head.length) {
        this._queue.shift();
        this._offset = 0;
      }
    }
    return "done";
  }

  _pump() {
    if (this._writeSome() === "again") {
      this._timer = setTimeout(() => {
        this._timer = null;
        this._pump();
      }, this._delay);
      this._delay = Math.min(this._delay * 2, 20);
      return;
    }
    this._delay = 1;
    this._settle();
  }

  _settle() {
    if (this._queue.length) return;
    const waiting = this._idle;
    this._idle = [];
    for (const resolve of waiting) resolve();
  }
}
