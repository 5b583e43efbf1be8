import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A private test CA made at test start with the openssl CLI (Debian's; present wherever Node
 * builds keytar), and server certificates it signs. Nothing is written outside a temporary
 * folder and nothing is installed in any trust store: each client is told about the CA
 * explicitly (the transport's caFile; Chromium through --ignore-certificate-errors-spki-list).
 */
export interface TestCa {
  dir: string;
  caFile: string;
  caPem: string;
  /** A server key and certificate for these DNS names and IP addresses. */
  issue(names: { dns?: string[]; ip?: string[] }): ServerCert;
  close(): void;
}

export interface ServerCert {
  key: string;
  cert: string;
  /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo (Chromium's SPKI pin format). */
  spki: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function spkiHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

export function createTestCa(label = 'Cognito Desktop Test CA'): TestCa {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'test-ca-'));
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-sha256',
      '-days',
      '2',
      '-subj',
      `/CN=${label}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'ca.pem',
    ],
    dir,
  );
  const caFile = path.join(dir, 'ca.pem');
  const caPem = readFileSync(caFile, 'utf8');
  let serial = 0;
  return {
    dir,
    caFile,
    caPem,
    issue(names) {
      const n = ++serial;
      const san = [...(names.dns ?? []).map((d) => `DNS:${d}`), ...(names.ip ?? []).map((i) => `IP:${i}`)];
      writeFileSync(
        path.join(dir, `leaf${n}.ext`),
        `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${san.join(',')}\n`,
      );
      openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `leaf${n}.key`], dir);
      openssl(
        ['req', '-new', '-key', `leaf${n}.key`, '-subj', '/CN=test server', '-out', `leaf${n}.csr`],
        dir,
      );
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `leaf${n}.csr`,
          '-CA',
          'ca.pem',
          '-CAkey',
          'ca.key',
          '-CAcreateserial',
          '-days',
          '2',
          '-sha256',
          '-extfile',
          `leaf${n}.ext`,
          '-out',
          `leaf${n}.pem`,
        ],
        dir,
      );
      const cert = readFileSync(path.join(dir, `leaf${n}.pem`), 'utf8');
      return { key: readFileSync(path.join(dir, `leaf${n}.key`), 'utf8'), cert, spki: spkiHash(cert) };
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
