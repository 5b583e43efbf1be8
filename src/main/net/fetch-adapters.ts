import type { AxiosRequestConfig } from 'axios';
import type { NetTransport, TransportRequestInit } from './transport';

/**
 * The NetTransport in the shapes the libraries ask for, so none of them opens a socket itself:
 *  - openid-client 6: `config[customFetch]` / the `[customFetch]` discovery option
 *    (url, { body, headers, method, redirect: 'manual', signal }).
 *  - jose 6: `createRemoteJWKSet(url, { [customFetch] })` (url, { headers, method, redirect,
 *    signal }).
 *  - axios: its own fetch adapter with `env.fetch` set to the transport. `env.Request` is set
 *    to null so axios passes (url, init) rather than a Request object of the global fetch
 *    implementation. axios's http adapter (the one that follows http_proxy/HTTPS_PROXY through
 *    proxy-from-env) is never used.
 */
export type FetchLike = (url: string, init: TransportRequestInit) => Promise<Response>;

export function asFetch(transport: NetTransport): FetchLike {
  return (url, init) => transport.fetch(url, init);
}

/** axios request config that sends through the transport (merge into axios.create or a request). */
export function axiosTransportConfig(transport: NetTransport): AxiosRequestConfig {
  return {
    adapter: 'fetch',
    // No proxy of axios's own, from config or environment.
    proxy: false,
    env: {
      fetch: (input: unknown, init?: unknown) =>
        transport.fetch(input as string, (init ?? {}) as TransportRequestInit),
      // null, not undefined: axios skips undefined and would take the global Request.
      Request: null as unknown as undefined,
    },
  };
}
