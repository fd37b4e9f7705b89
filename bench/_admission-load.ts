/**
 * The load generator of bench/admission.ts, run as its own process: POSTs AdmissionReviews over
 * HTTPS (keep-alive, TLS verified against the given CA) at a fixed rate, open loop, and prints
 * each request's latency measured from its scheduled send time (no coordinated omission).
 */
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';

interface LoadSpec {
  url: string;
  ca: string;
  servername: string;
  rate: number;
  count: number;
  bodies: string[];
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const u = new URL(spec.url);
const agent = new Agent({ keepAlive: true, maxSockets: 64, ca: spec.ca, servername: spec.servername });
const latencies: number[] = new Array(spec.count);
let errors = 0;
let done = 0;
const t0 = performance.now() + 50;
let sent = 0;

function send(i: number, scheduled: number): void {
  const body = spec.bodies[i % spec.bodies.length]!;
  const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on('end', () => {
      if (res.statusCode !== 200) errors++;
      latencies[i] = performance.now() - scheduled;
      if (++done === spec.count) finish();
    });
  });
  req.on('error', () => {
    errors++;
    latencies[i] = performance.now() - scheduled;
    if (++done === spec.count) finish();
  });
  req.end(body);
}

function finish(): void {
  process.stdout.write(JSON.stringify({ latencies, errors }));
  agent.destroy();
}

const tick = setInterval(() => {
  const now = performance.now();
  while (sent < spec.count && t0 + (sent * 1000) / spec.rate <= now) {
    send(sent, t0 + (sent * 1000) / spec.rate);
    sent++;
  }
  if (sent === spec.count) clearInterval(tick);
}, 1);
