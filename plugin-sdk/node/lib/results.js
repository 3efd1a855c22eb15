// Turns what handlers return into the result objects of PROTOCOL.md §3.2, filling what is missing as the
// Python SDK does. A value that cannot be shaped is an RpcError(-32603).

import { INTERNAL_ERROR, RpcError } from "./errors.js";

export const RUN_STATUSES = Object.freeze(["success", "partial_success", "failed"]);
export const SEVERITIES = Object.freeze(["error", "warning", "info"]);

/** @param {unknown} value */
export function isPlainObject(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function show(value) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  return text === undefined ? String(value) : text;
}

function bad(what, value) {
  const kind = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  return new RpcError(INTERNAL_ERROR, `${what}, got ${kind}: ${show(value)}`.slice(0, 500));
}

function isTuple(value) {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === "boolean";
}

/**
 * Diagnostics for `runner/validate` results: plain objects `{severity, message, code?, path?}`.
 * `path` is a JSON Pointer into the manifest (`"/source/limit"`); the host turns it into `file:line:column`.
 */
export const Diagnostic = Object.freeze({
  /**
   * @param {string} message
   * @param {{path?: string, code?: string}} [options]
   */
  error: (message, options = {}) => diagnostic("error", message, options),
  /**
   * @param {string} message
   * @param {{path?: string, code?: string}} [options]
   */
  warning: (message, options = {}) => diagnostic("warning", message, options),
  /**
   * @param {string} message
   * @param {{path?: string, code?: string}} [options]
   */
  info: (message, options = {}) => diagnostic("info", message, options),
});

function diagnostic(severity, message, { path, code } = {}) {
  const out = { severity, message: String(message) };
  if (code !== undefined && code !== null) out.code = String(code);
  if (path !== undefined && path !== null) out.path = String(path);
  return out;
}

/** A run outcome: undefined/null means `{status: "success"}`; an object without `status` is a success. */
export function runOutcome(value) {
  if (value === undefined || value === null) return { status: "success" };
  if (!isPlainObject(value)) throw bad("a runner must return a run outcome object", value);
  const outcome = { ...value };
  if (outcome.status === undefined) outcome.status = "success";
  if (!RUN_STATUSES.includes(outcome.status)) {
    throw bad(`run outcome status must be one of ${RUN_STATUSES.join(", ")}`, outcome.status);
  }
  return outcome;
}

/** `{diagnostics: [...]}` from an array (or iterable) of diagnostic objects; undefined/null means none. */
export function diagnostics(value) {
  if (value === undefined || value === null) return { diagnostics: [] };
  if (typeof value === "string" || typeof value[Symbol.iterator] !== "function") {
    throw bad("a validator must return an array of diagnostics", value);
  }
  const out = [];
  for (const item of value) {
    if (!isPlainObject(item)) throw bad("a validator must return an array of diagnostics", item);
    const severity = item.severity;
    if (!SEVERITIES.includes(severity)) {
      throw new RpcError(INTERNAL_ERROR, `invalid diagnostic: severity must be one of ${SEVERITIES.join(", ")}, got ${show(severity)}`);
    }
    const path = item.path;
    if (path !== undefined && path !== null && (typeof path !== "string" || (path !== "" && !path.startsWith("/")))) {
      throw new RpcError(INTERNAL_ERROR, `invalid diagnostic: path must be a JSON Pointer starting with '/', got ${show(path)}`);
    }
    out.push(diagnostic(severity, item.message ?? "", { path, code: item.code }));
  }
  return { diagnostics: out };
}

/** `{ok, message?}` from undefined/null/true (ok), false, `[ok, message]` or an object. */
export function hookOutcome(value) {
  if (value === undefined || value === null || value === true) return { ok: true };
  if (value === false) return { ok: false };
  if (isTuple(value)) return { ok: value[0], message: String(value[1]) };
  if (isPlainObject(value)) {
    const outcome = { ...value };
    if (outcome.ok === undefined) outcome.ok = true;
    if (typeof outcome.ok !== "boolean") throw bad("a hook's 'ok' must be a boolean", outcome.ok);
    return outcome;
  }
  throw bad("a hook must return undefined, a boolean, [boolean, message] or an object", value);
}

/** `{ok, errors, warnings, details}` with missing keys filled; `ok` defaults to "no errors". */
export function checkOutcome(value) {
  if (value === undefined || value === null) value = {};
  else if (typeof value === "boolean") value = { ok: value };
  if (!isPlainObject(value)) throw bad("a check must return an object, a boolean or undefined", value);
  const outcome = { ...value };
  for (const key of ["errors", "warnings"]) {
    if (outcome[key] === undefined) outcome[key] = [];
    const items = outcome[key];
    if (!Array.isArray(items) || !items.every((item) => typeof item === "string")) {
      throw bad(`a check's '${key}' must be an array of strings`, items);
    }
  }
  if (outcome.ok === undefined) outcome.ok = outcome.errors.length === 0;
  if (outcome.details === undefined) outcome.details = {};
  if (typeof outcome.ok !== "boolean") throw bad("a check's 'ok' must be a boolean", outcome.ok);
  return outcome;
}

/** `{applies, reason?}` from a boolean, `[applies, reason]` or `{applies: boolean, reason?}`. */
export function appliesOutcome(value) {
  if (typeof value === "boolean") return { applies: value };
  if (isTuple(value)) return { applies: value[0], reason: String(value[1]) };
  if (isPlainObject(value) && typeof value.applies === "boolean") return { ...value };
  throw bad("an applies handler must return a boolean, [boolean, reason] or {applies: boolean}", value);
}
