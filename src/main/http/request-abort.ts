import type { GenericAbortSignal } from 'axios';
import type { AppError } from '../../shared/errors';

/**
 * The abort handle of one API request (cancel by request id, or the overall timeout).
 *
 * Why not a Node AbortController: a listener on a Node AbortSignal is tracked for
 * AbortSignal.any, and a request needs two (axios's and ours): together a large share of the
 * pipeline's budget against bare axios (docs/performance.md, the IPC steps). axios accepts any
 * GenericAbortSignal ({ aborted, addEventListener, removeEventListener }), so this small one
 * serves axios, and `whenAborted` lets the token wait be cut short too.
 */
export class RequestAbort implements GenericAbortSignal {
  aborted = false;
  reason: AppError | undefined;
  readonly whenAborted: Promise<never>;
  private rejectWaiters!: (reason: AppError) => void;
  private listeners: Array<() => void> = [];

  /**
   * @param deadline performance.now() time after which the client's sweeper times it out
   * @param timeoutError the error a timeout reports (built only if it happens)
   */
  constructor(
    readonly deadline: number = Number.POSITIVE_INFINITY,
    private readonly timeoutError?: () => AppError,
  ) {
    this.whenAborted = new Promise<never>((_, reject) => {
      this.rejectWaiters = reject;
    });
    // Nobody may be racing it when the abort happens; that is not an unhandled rejection.
    this.whenAborted.catch(() => undefined);
  }

  addEventListener(type: string, listener: () => void): void {
    if (type === 'abort') this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: () => void): void {
    if (type === 'abort') this.listeners = this.listeners.filter((l) => l !== listener);
  }

  timeOut(): void {
    if (this.timeoutError) this.abort(this.timeoutError());
  }

  abort(reason: AppError): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.rejectWaiters(reason);
    const listeners = this.listeners;
    this.listeners = [];
    // Called with `this` = the signal, as an EventTarget would: a listener may read
    // `this.reason`.
    for (const listener of listeners) listener.call(this);
  }
}
