import { createNodeTransport } from './node-transport';
import type { NetTransport } from './transport';

/**
 * The transport used when none is injected (plain-Node runs of the engine: tests, tools): direct,
 * Node's bundled roots, no proxy from anywhere. The app always injects Electron's.
 */
let shared: NetTransport | undefined;

export function defaultNodeTransport(): NetTransport {
  shared ??= createNodeTransport();
  return shared;
}
