// A light AWS JSON client for the benchmarks: plain node:http with a keep-alive agent, so the
// figures are the server's rather than the SDK's (which needs most of a core at these rates).
import http from 'node:http';

export const ROLE = 'arn:aws:iam::123456789012:role/bench';

/** `call(action, body)` against `endpoint`, resolving with the parsed answer; non-200 rejects. */
export function caller(endpoint, maxSockets = 256) {
  const url = new URL(endpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return function call(action, body) {
    const data = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/',
          agent,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}`, 'content-length': Buffer.byteLength(data) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${action}: ${res.statusCode} ${text}`))));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  };
}

/** The q-quantile of xs, to 0.1; null when empty. */
export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 10) / 10 : null;
};
export const median = (xs) => quantile(xs, 0.5);

/**
 * Runs `measure(run)` `repeat` times, printing each run as a JSON line, then one line with the
 * median of each figure `summary` picks (name -> run => number).
 */
export async function repeatRuns(repeat, measure, summary) {
  const runs = [];
  for (let run = 1; run <= repeat; run++) {
    const r = { run, ...(await measure(run)) };
    console.log(JSON.stringify(r));
    runs.push(r);
  }
  const medians = Object.fromEntries(Object.entries(summary).map(([name, f]) => [name, median(runs.map(f))]));
  console.log(JSON.stringify({ medians_of: runs.length, ...medians }));
}
