/**
 * A self-signed certificate for loopback servers (Redis TLS, HTTPS), made with `openssl`: valid for
 * `127.0.0.1` and `localhost`, one day. Clients trust it by passing `certificatePem` as their CA.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate, its key and their files (servers such as redis-server read files). */
export interface TlsCertificate {
  readonly certificatePem: string;
  readonly keyPem: string;
  readonly certificateFile: string;
  readonly keyFile: string;
  /** Deletes the files. */
  remove(): void;
}

/** Writes a fresh self-signed certificate for 127.0.0.1 into a temp directory. */
export function createSelfSignedCertificate(): TlsCertificate {
  const directory = mkdtempSync(join(tmpdir(), 'tls-cert-'));
  const certificateFile = join(directory, 'cert.pem');
  const keyFile = join(directory, 'key.pem');
  // An EC key: generated in milliseconds, where RSA 2048 takes a noticeable share of a test's time.
  const result = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certificateFile,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { encoding: 'utf8' },
  );
  if (result.error || result.status !== 0) {
    rmSync(directory, { recursive: true, force: true });
    throw new Error(
      `openssl could not create a test certificate (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr ?? ''}`,
    );
  }
  return {
    certificatePem: readFileSync(certificateFile, 'utf8'),
    keyPem: readFileSync(keyFile, 'utf8'),
    certificateFile,
    keyFile,
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
