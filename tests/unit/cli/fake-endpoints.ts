/**
 * Loopback stand-ins for AWS endpoints, for tests that run the real CLI process: a tiny Step
 * Functions (JSON 1.0 protocol: `X-Amz-Target: AWSStepFunctions.<Operation>`) and a TCP server that
 * accepts connections and never answers.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';

/** A running loopback server. */
export interface FakeEndpoint {
  readonly url: string;
  /** Operations received, in order. */
  readonly operations: string[];
  close(): Promise<void>;
}

/** Answers of the fake Step Functions, by operation; a missing one answers 400 UnknownOperationException. */
export type SfnAnswers = Readonly<Record<string, (body: Record<string, unknown>) => unknown>>;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

/** Starts a fake Step Functions endpoint on 127.0.0.1 answering with `answers`. */
export async function startFakeStepFunctions(answers: SfnAnswers): Promise<FakeEndpoint> {
  const operations: string[] = [];
  const server = createHttpServer(async (request: IncomingMessage, response: ServerResponse) => {
    const operation = String(request.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
    operations.push(operation);
    const body = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
    const answer = answers[operation];
    response.setHeader('content-type', 'application/x-amz-json-1.0');
    if (!answer) {
      response.statusCode = 400;
      response.end(JSON.stringify({ __type: 'UnknownOperationException', message: operation }));
      return;
    }
    response.end(JSON.stringify(answer(body)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    operations,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts a TCP server on 127.0.0.1 that accepts every connection and never sends a byte. */
export async function startSilentEndpoint(): Promise<FakeEndpoint> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    operations: [],
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
