import type { GenericAbortSignal } from 'axios';
import { AppError } from '../../shared/errors';

/**
 * The abort handle of one API request (cancel by request id, or the overall timeout).
 *
 * Why not a Node AbortController: a listener on a Node AbortSignal is tracked for
 * AbortSignal.any, and a request needs two (axios's and ours): together a large share of the
 * pipeline's budget against bare axios (docs/performance.md, the IPC steps). axios accepts any
 * GenericAbortSignal ({ aborted, addEventListener, removeEventListener }), so this small one
 * serves axios, and `race` lets a wait of the client's own (the token, the AWS credentials) be
 * cut short too.
 */
export class RequestAbort implements GenericAbortSignal {
  aborted = false;
  reason: AppError | undefined;
  private listeners: Array<() => void> = [];

  /**
   * @param deadline performance.now() time after which the client's sweeper times it out
   * @param timeout what a timeout reports (the error is built only if it happens; no closure per
   *   request)
   */
  constructor(
    readonly deadline: number = Number.POSITIVE_INFINITY,
    private readonly timeout?: { api: string; timeoutMs: number },
  ) {}

  /**
   * `work`, or this abort's reason if the abort comes first. Cheaper than Promise.race with an
   * abort promise made for every request (one promise here, where that is six): the common path
   * never aborts. The rejecting listener is not removed when `work` settles: rejecting a settled
   * promise does nothing, and the handle lives only as long as its request.
   */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.aborted) return Promise.reject(this.reason as AppError);
    return new Promise<T>((resolve, reject) => {
      this.listeners.push(() => reject(this.reason));
      work.then(resolve, reject);
    });
  }

  addEventListener(type: string, listener: () => void): void {
    if (type === 'abort') this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: () => void): void {
    if (type !== 'abort') return;
    // In place: called once per request (axios's listener), where a filtered copy allocates twice.
    const at = this.listeners.indexOf(listener);
    if (at !== -1) this.listeners.splice(at, 1);
  }

  timeOut(): void {
    if (!this.timeout) return;
    const { api, timeoutMs } = this.timeout;
    this.abort(new AppError('TIMEOUT', `The API "${api}" did not answer within ${timeoutMs} ms.`));
  }

  abort(reason: AppError): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    // Called with `this` = the signal, as an EventTarget would: a listener may read
    // `this.reason`.
    for (const listener of listeners) listener.call(this);
  }
}
