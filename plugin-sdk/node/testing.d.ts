// Type declarations of dltaf-plugin/testing.

import type { CallContext, Plugin, RequestId, RpcError } from "./index.js";
export { RpcError } from "./index.js";

export declare const DEFAULT_RUN_ID: string;

/** A plausible call `context`; `overrides` replace fields. */
export declare function defaultContext(overrides?: Partial<CallContext>): CallContext;

/** A message received from the plugin. */
export interface Message {
  jsonrpc: "2.0";
  id?: RequestId;
  method?: string;
  params?: Record<string, any>;
  result?: any;
  error?: { code: number; message: string; data?: any };
}

export interface WaitOptions {
  /** Milliseconds; default: the host's `timeout`. */
  timeout?: number;
}

/** Answers `data/*` as dltaf does (validating params, reading spool files), keeping rows in memory. */
export declare class DataHost {
  constructor(spoolDir: string, loadId: string, destination?: { name: string; dataset: string });
  readonly spoolDir: string;
  readonly loadId: string;
  /** Every `data/*` request received, as `[method, params]`. */
  readonly requests: Array<[string, any]>;
  /** The streams opened in the current run. */
  readonly streams: Record<string, { table: string; columns: any[]; primary_key?: string[]; write_disposition: string }>;
  /** Rows written since the last checkpoint. */
  readonly pending: Record<string, Array<Record<string, any>>>;
  /** Committed rows per table (CSV values are strings, as in the file). */
  readonly tables: Record<string, Array<Record<string, any>>>;
  /** The committed pipeline state. */
  state: any;
  /** The committed state of each stream. */
  streamStates: Record<string, any>;
  readonly checkpoints: Array<{ load_id: string; checkpoint: number; rows: Record<string, number> }>;
  /** The errors answered in the current run. */
  readonly errors: RpcError[];
  /** The `data` params of a `runner/run`; the run starts. */
  runParams(): Record<string, any>;
  /** The committed rows of a stream's table. */
  rows(stream: string): Array<Record<string, any>>;
  /** Answers the `after`-th next `method` request with this §8.3 error. */
  fail(method: string, code: string, options?: { category?: string; retryable?: boolean; message?: string; after?: number }): void;
  /** Stops answering until `release()`. */
  hold(): void;
  /** How many requests wait for `release()`. */
  held(): number;
  /** Answers the held requests, in order. */
  release(): void;
  /** The run ended with `status` (undefined: an error): commit what is pending, or roll it back. */
  endRun(status: string | undefined): void;
}

/** A table or column name as dltaf writes it: lower snake_case. */
export declare function normalizeName(name: string): string;
/** RFC 4180 records; an empty unquoted field is null. */
export declare function parseCsv(text: string): Array<Array<string | null>>;

/** Drives a {@link Plugin} in-process, as dltaf would over stdio. */
export declare class InMemoryHost {
  constructor(plugin: Plugin, options?: { timeout?: number });
  readonly plugin: Plugin;
  timeout: number;
  readonly sent: unknown[];
  readonly received: Message[];
  readonly notifications: Message[];
  /** Text the SDK wrote to stderr (stacks of failed handlers...). */
  readonly stderr: string[];
  readonly exitCode: number | undefined;
  /** With `initialize({features: ["data.v1"]})`: the host's data side. */
  readonly data: DataHost | undefined;

  send(message: unknown): void;
  sendLine(line: string | Uint8Array): void;
  /** Sends a request (filling `manifest`, `context`, `config`, `env`, `timeout_seconds`) and returns its id. */
  request(method: string, params?: Record<string, unknown>): number;
  response(id: RequestId, options?: WaitOptions): Promise<Message>;
  /** Resolves to the result; rejects with `RpcError` when the plugin answers an error. */
  call<T = any>(method: string, params?: Record<string, unknown>, options?: WaitOptions): Promise<T>;
  initialize(params?: { protocolVersions?: number[] } & Record<string, unknown>): Promise<Record<string, any>>;
  notify(method: string, params?: Record<string, unknown>): void;
  cancel(id: RequestId, reason?: string): void;
  notificationsOf(method: string, requestId?: RequestId): Array<Record<string, any>>;
  waitForNotification(
    method: string,
    predicate?: (params: Record<string, any>) => boolean,
    options?: WaitOptions,
  ): Promise<Record<string, any>>;
  /** Ends the plugin's input; resolves to the exit status (0). */
  close(): Promise<number>;
}
