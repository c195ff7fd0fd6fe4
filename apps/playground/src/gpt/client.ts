// The page's handle on the GPT worker: fire-and-forget commands, promised requests, and a listener for what the run reports.
import type { FromWorker, ToWorker } from './protocol.js';

type Request = Extract<ToWorker, { id: number }>;
type Command = Exclude<ToWorker, { id: number }>;
/** A request without its id (the client assigns one). */
export type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

/** Talks to one GPT worker. */
export class GptClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<(msg: FromWorker) => void>();

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const msg = event.data;
      if ((msg.type === 'reply' || msg.type === 'error') && msg.id !== undefined) {
        const waiter = this.pending.get(msg.id);
        if (waiter) {
          this.pending.delete(msg.id);
          if (msg.type === 'reply') waiter.resolve(msg.value);
          else waiter.reject(new Error(msg.message));
          return;
        }
      }
      for (const listener of this.listeners) listener(msg);
    };
  }

  /** Calls `listener` with every message that answers no request (progress, tokens, errors). */
  listen(listener: (msg: FromWorker) => void): void {
    this.listeners.add(listener);
  }

  send(command: Command): void {
    this.worker.postMessage(command);
  }

  /** Sends a request and resolves with the worker's reply (typed by the caller). */
  request<T>(body: RequestBody, transfer: Transferable[] = []): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...body, id }, transfer);
    });
  }

  /** Resolves once the backend is up, with its thread count. */
  init(threads: number): Promise<{ threads: number; isolated: boolean }> {
    return new Promise((resolve, reject) => {
      const onReady = (msg: FromWorker): void => {
        if (msg.type === 'ready') {
          this.listeners.delete(onReady);
          resolve(msg);
        } else if (msg.type === 'error') reject(new Error(msg.message));
      };
      this.listen(onReady);
      this.send({ type: 'init', threads });
    });
  }
}
