/**
 * Run by loopback-listener.test.ts inside runInLanNamespace(): opens the real loopback listener
 * for an IP-literal URI and for a `localhost` URI, then tries to reach each port on every address
 * the namespace has. Prints {addresses, outcomes} as one JSON line.
 */
import { openLoopbackListener } from '../../../src/main/auth/loopback-listener';
import { LAN_IPV4, LAN_IPV6 } from '../../support/lan-namespace';
import { connectionOutcome } from './http';
import { freePort } from '../../../tools/support/ports';

const accept = () => ({
  kind: 'accept' as const,
  completion: Promise.resolve({ ok: true, message: 'You are signed in.' }),
});

const literalPort = await freePort();
const localhostPort = await freePort();
const literal = await openLoopbackListener({
  redirectUris: [`http://127.0.0.1:${literalPort}/callback`],
  onCallback: accept,
});
const localhost = await openLoopbackListener({
  redirectUris: [`http://localhost:${localhostPort}/callback`],
  onCallback: accept,
});

// Non-loopback addresses first: a successful loopback request closes its single-use listener.
const outcomes: Record<string, string> = {};
for (const [name, port] of [
  ['literal', literalPort],
  ['localhost', localhostPort],
] as const) {
  for (const address of [LAN_IPV4, LAN_IPV6]) {
    outcomes[`${name} via ${address}`] = await connectionOutcome(
      `http://localhost:${port}/callback?code=1&state=2`,
      address,
    );
  }
}
const addresses = {
  literal: literal.addresses.map((a) => a.address),
  localhost: localhost.addresses.map((a) => a.address).sort(),
};
outcomes['localhost via ::1'] = await connectionOutcome(
  `http://localhost:${localhostPort}/callback?code=1&state=2`,
  '::1',
);
outcomes['literal via 127.0.0.1'] = await connectionOutcome(
  `http://127.0.0.1:${literalPort}/callback?code=1&state=2`,
);
await Promise.all([literal.close(), localhost.close()]);
process.stdout.write(`${JSON.stringify({ addresses, outcomes })}\n`);
