// Type declarations of dltaf-plugin/testing.

import type { CallContext, Plugin, RequestId } from "./index.js";
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
