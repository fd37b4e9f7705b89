import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestOf } from '../digest.js';
import { RegistryClient } from './client.js';
import type { RetryEvent } from '../../http/index.js';
import { blobExists, pushBlob, pushManifest } from './push.js';

// A scripted registry: answers each request from a queue of statuses, records what it saw.
let server: Server;
let host: string;
const seen: string[] = [];
let failures: Record<string, number[]> = {};

function handler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const key = `${req.method} ${req.url!.split('?')[0]}`;
    seen.push(key);
    const fail = failures[key]?.shift();
    if (fail) {
      res.writeHead(fail, fail === 429 ? { 'retry-after': '0' } : {}).end('{"errors":[{"code":"UNAVAILABLE"}]}');
      return;
    }
    if (key === 'GET /v2/') res.writeHead(200).end('{}');
    else if (key === 'POST /v2/repo/blobs/uploads/') res.writeHead(202, { location: '/v2/repo/blobs/uploads/u1' }).end();
    else if (key === 'PUT /v2/repo/blobs/uploads/u1') {
      const digest = new URL(req.url!, 'http://x').searchParams.get('digest')!;
      res.writeHead(201, { 'docker-content-digest': digestOf(Buffer.concat(chunks)) === digest ? digest : 'sha256:' + '0'.repeat(64) }).end();
    } else if (req.method === 'PUT' && key.startsWith('PUT /v2/repo/manifests/')) res.writeHead(201, { 'docker-content-digest': digestOf(Buffer.concat(chunks)) }).end();
    else res.writeHead(404).end();
  });
}

beforeAll(async () => {
  server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('push retries', () => {
  it('retries uploads after 429 and 5xx answers, then succeeds', async () => {
    seen.length = 0;
    failures = { 'POST /v2/repo/blobs/uploads/': [503, 429], 'PUT /v2/repo/blobs/uploads/u1': [502] };
    const client = new RegistryClient(host);
    try {
      const data = Buffer.from('hello');
      expect(await pushBlob(client, 'repo', data, { retry: { baseDelayMs: 1 } })).toBe(digestOf(data));
      expect(seen.filter((s) => s.startsWith('POST')).length).toBe(4);
      expect(seen.filter((s) => s.startsWith('PUT')).length).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('gives up after the retry budget with REGISTRY_ERROR (RATE_LIMITED for 429)', async () => {
    failures = { 'PUT /v2/repo/manifests/t': [500, 500, 500, 500, 500], 'POST /v2/repo/blobs/uploads/': [429, 429] };
    const client = new RegistryClient(host);
    try {
      await expect(pushManifest(client, 'repo', 't', Buffer.from('{}'), 'application/vnd.oci.image.manifest.v1+json')).rejects.toMatchObject({ code: 'REGISTRY_ERROR' });
      await expect(pushBlob(client, 'repo', Buffer.from('x'), { retry: { maxAttempts: 2, baseDelayMs: 1 } })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    } finally {
      await client.close();
    }
  }, 30_000);

  it('reads are retried by the client itself, writes as whole sequences; both tell onRetry', async () => {
    const absent = digestOf(Buffer.from('absent'));
    failures = { [`HEAD /v2/repo/blobs/${absent}`]: [503, 502], 'PUT /v2/repo/blobs/uploads/u1': [504] };
    const told: RetryEvent[] = [];
    const client = new RegistryClient(host, { retry: { baseDelayMs: 1, onRetry: (e) => told.push(e) } });
    try {
      seen.length = 0;
      expect(await blobExists(client, 'repo', absent)).toBeUndefined();
      expect(seen.filter((s) => s.startsWith('HEAD')).length).toBe(3);
      await pushBlob(client, 'repo', Buffer.from('again'));
      expect(told.map((e) => [e.attempt, e.status])).toEqual([
        [1, 503],
        [2, 502],
        [1, 504],
      ]);
    } finally {
      await client.close();
    }
  });

  it('refuses a manifest pushed under a digest that is not its own', async () => {
    const client = new RegistryClient(host);
    try {
      await expect(pushManifest(client, 'repo', `sha256:${'1'.repeat(64)}`, Buffer.from('{}'), 'application/json')).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    } finally {
      await client.close();
    }
  });
});
