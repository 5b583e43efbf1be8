import type { TokenFault } from '../../../tools/user-pool/types';

/**
 * The transient faults a refresh can meet at the pool (session-refresh.test.ts), each with the
 * exact error the session must surface: code, message and, where the pool sent one, the status.
 * `down` is the pool not listening at all.
 */
export interface ExpectedError {
  code: string;
  message: string;
  status?: number;
}

// Each fault and the exact error it must surface as: unreachable (the network or the service's
// capacity: retrying later is the answer) versus a response the app could not use.
const unreachable = (message: string, status?: number) => ({
  code: 'IDP_UNREACHABLE',
  message,
  ...(status === undefined ? {} : { status }),
});
const unusable = {
  code: 'IDP_ERROR',
  message: 'The sign-in service sent a response the app could not use.',
};
export const TRANSIENT_REFRESH_FAULTS: Array<[string, TokenFault | 'down', ExpectedError]> = [
  ['pool down (connection refused)', 'down', unreachable('The sign-in service cannot be reached.')],
  [
    '503',
    { kind: 'status', status: 503, body: 'unavailable' },
    unreachable('The sign-in service is unavailable (HTTP 503).', 503),
  ],
  [
    '429',
    { kind: 'status', status: 429, body: '{"error":"too_many_requests"}', contentType: 'application/json' },
    unreachable('The sign-in service is rate limiting requests.', 429),
  ],
  ['hang past the timeout', { kind: 'hang' }, unreachable('The sign-in service did not answer in time.')],
  ['connection reset', { kind: 'reset' }, unreachable('The sign-in service cannot be reached.')],
  ['truncated JSON', { kind: 'truncated' }, unusable],
  [
    'HTML 502',
    {
      kind: 'status',
      status: 502,
      body: '<html><body>Bad gateway</body></html>',
      contentType: 'text/html',
    },
    unreachable('The sign-in service is unavailable (HTTP 502).', 502),
  ],
  [
    'HTML 200',
    { kind: 'status', status: 200, body: '<html>proxy login</html>', contentType: 'text/html' },
    { ...unusable, status: 200 },
  ],
];
