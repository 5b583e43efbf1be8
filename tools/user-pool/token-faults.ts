import type { IncomingMessage, ServerResponse } from 'node:http';

import type { TokenFault } from './types';

/**
 * Canned answers for the next token-endpoint requests, applied in front of oidc-provider. A hung
 * request is remembered so clearFaults() and close() can end it (tests must not leak sockets).
 */
export class TokenFaultQueue {
  readonly #queue: TokenFault[] = [];
  readonly #hanging = new Set<IncomingMessage>();

  push(...faults: TokenFault[]): void {
    this.#queue.push(...faults);
  }

  take(): TokenFault | undefined {
    return this.#queue.shift();
  }

  clear(): void {
    this.#queue.length = 0;
    this.endHanging();
  }

  /** Ends every hung request by destroying its connection; queued faults stay queued. */
  endHanging(): void {
    for (const req of this.#hanging) req.socket.destroy();
    this.#hanging.clear();
  }

  apply(fault: TokenFault, req: IncomingMessage, res: ServerResponse): void {
    switch (fault.kind) {
      case 'status': {
        const body = fault.body ?? '';
        res.writeHead(fault.status, {
          'Content-Type': fault.contentType ?? 'text/plain; charset=utf-8',
          'Content-Length': Buffer.byteLength(body),
          'Access-Control-Allow-Origin': '*',
        });
        res.end(body);
        return;
      }
      case 'invalid_grant': {
        const body = JSON.stringify({ error: 'invalid_grant' });
        res.writeHead(400, {
          'Content-Type': 'application/json;charset=UTF-8',
          'Content-Length': Buffer.byteLength(body),
          'Access-Control-Allow-Origin': '*',
        });
        res.end(body);
        return;
      }
      case 'truncated': {
        // A complete HTTP message whose JSON is cut off mid-value, as from a proxy that gave up.
        const body = '{"token_type":"Bearer","expires_in":36';
        res.writeHead(200, {
          'Content-Type': 'application/json;charset=UTF-8',
          'Content-Length': Buffer.byteLength(body),
          'Access-Control-Allow-Origin': '*',
        });
        res.end(body);
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        this.#hanging.add(req);
        req.socket.once('close', () => this.#hanging.delete(req));
        return;
    }
  }
}
