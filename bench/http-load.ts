// The load process of the HTTP benchmark: keeps `connections` keep-alive requests in flight for `seconds`,
// each connection sending PUTs with its own bearer token, and reports throughput and latency percentiles.
import http from 'node:http';

interface Plan {
  url: string;
  path: string;
  method: string;
  tokens: string[];
  bodies: string[];
  connections: number;
  seconds: number;
}

const [, , planJson] = process.argv;
if (planJson === undefined) throw new Error('usage: http-load.ts <plan as JSON>');
const plan = JSON.parse(planJson) as Plan;
const target = new URL(plan.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections });
const latencies: number[] = [];
let errors = 0;
let firstError = '';
const deadline = performance.now() + plan.seconds * 1000;
const warmupEnd = performance.now() + Math.min(1000, plan.seconds * 200);

function once(conn: number, i: number): Promise<void> {
  return new Promise((resolve) => {
    const body = plan.bodies[i % plan.bodies.length]!; // a plan has at least one body
    const started = performance.now();
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: plan.path,
        method: plan.method,
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${plan.tokens[conn % plan.tokens.length]}`,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          if (started >= warmupEnd) {
            if (res.statusCode === 200) latencies.push(performance.now() - started);
            else {
              errors++;
              firstError ||= `${res.statusCode} ${text.slice(0, 200)}`;
            }
          }
          resolve();
        });
      },
    );
    req.on('error', (e) => {
      errors++;
      firstError ||= String(e);
      resolve();
    });
    req.end(body);
  });
}

async function worker(conn: number): Promise<void> {
  for (let i = 0; performance.now() < deadline; i++) await once(conn, i);
}

await Promise.all(Array.from({ length: plan.connections }, (_, c) => worker(c)));
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
const measured = plan.seconds * 1000 - (warmupEnd - (deadline - plan.seconds * 1000));
console.log(
  JSON.stringify({
    ok: latencies.length,
    errors,
    firstError,
    perSecond: Math.round(latencies.length / (measured / 1000)),
    p50: +q(0.5).toFixed(2),
    p99: +q(0.99).toFixed(2),
  }),
);
agent.destroy();
