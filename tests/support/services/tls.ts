/**
 * TLS material for the test servers (PostgreSQL, Redis): a throwaway certificate authority and a
 * server certificate it signs, generated with `openssl` into a directory the test owns. The server
 * certificate names `localhost` and `127.0.0.1`, so clients can verify it in full (`verify-full`,
 * `rejectUnauthorized: true` with `ca`) as they would verify RDS or ElastiCache.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Files written by `createTlsMaterial`, and the CA in PEM for clients. */
export interface TlsMaterial {
  /** The CA certificate file (PEM): what a verifying client trusts. */
  readonly caFile: string;
  /** The server certificate file (PEM), signed by the CA. */
  readonly certFile: string;
  /** The server's private key file (PEM, mode 0600). */
  readonly keyFile: string;
  /** The CA certificate's text (PEM), for a client's `ca` option. */
  readonly ca: string;
}

/** What the certificate names. */
export interface TlsMaterialOptions {
  /** Host names in the certificate's subjectAltName. @default ['localhost'] */
  readonly dnsNames?: readonly string[];
  /** IP addresses in the certificate's subjectAltName. @default ['127.0.0.1'] */
  readonly ipAddresses?: readonly string[];
}

function openssl(args: readonly string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed (is openssl installed?): ${stderr || String(error)}`);
  }
}

/**
 * Writes a CA (`ca.crt`) and a server key and certificate (`server.key`, `server.crt`) into
 * `directory`. EC P-256 keys keep generation to a few milliseconds.
 */
export function createTlsMaterial(directory: string, options: TlsMaterialOptions = {}): TlsMaterial {
  const dnsNames = options.dnsNames ?? ['localhost'];
  const ipAddresses = options.ipAddresses ?? ['127.0.0.1'];
  const caKey = join(directory, 'ca.key');
  const caFile = join(directory, 'ca.crt');
  const keyFile = join(directory, 'server.key');
  const csrFile = join(directory, 'server.csr');
  const certFile = join(directory, 'server.crt');
  const extFile = join(directory, 'server.ext');
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  openssl([
    'req',
    '-x509',
    ...ecKey,
    '-keyout',
    caKey,
    '-out',
    caFile,
    '-days',
    '2',
    '-subj',
    '/CN=interactions test CA',
  ]);
  openssl(['req', '-new', ...ecKey, '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${dnsNames[0] ?? 'localhost'}`]);
  const altNames = [...dnsNames.map((name) => `DNS:${name}`), ...ipAddresses.map((ip) => `IP:${ip}`)];
  writeFileSync(
    extFile,
    `subjectAltName=${altNames.join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  openssl([
    'x509',
    '-req',
    '-in',
    csrFile,
    '-CA',
    caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    '2',
    '-extfile',
    extFile,
  ]);
  return { caFile, certFile, keyFile, ca: readFileSync(caFile, 'utf8') };
}
