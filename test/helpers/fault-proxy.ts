// A real loopback HTTP proxy in front of Azurite that fails a share of upload requests: 503s, connection resets and stalls, or refuses everything (storage down).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultPlan {
  /** Out of every `cycle` write requests (PUT), which positions get which fault. */
  cycle: number;
  status503?: number[];
  reset?: number[];
  stall?: number[];
  /** Answer every request with 503 (storage down). */
  down?: boolean;
}

export interface FaultProxy { endpoint: string; counts: Record<string, number>; close(): Promise<void> }

export async function startFaultProxy(target: string, plan: FaultPlan): Promise<FaultProxy> {
  const upstream = new URL(target);
  const counts: Record<string, number> = { forwarded: 0, status503: 0, reset: 0, stall: 0, writes: 0 };
  const stalled = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    if (plan.down) { counts.status503! += 1; res.writeHead(503); res.end('ServerBusy'); return; }
    let fault: string | null = null;
    if (req.method === 'PUT') {
      const position = counts.writes! % plan.cycle;
      counts.writes! += 1;
      if (plan.status503?.includes(position)) fault = 'status503';
      else if (plan.reset?.includes(position)) fault = 'reset';
      else if (plan.stall?.includes(position)) fault = 'stall';
    }
    if (fault) {
      counts[fault]! += 1;
      req.resume();
      if (fault === 'status503') { res.writeHead(503, { 'x-ms-error-code': 'ServerBusy' }); res.end(); }
      else if (fault === 'reset') req.socket.destroy();
      else stalled.add(res); // never answers: the client's attempt timeout must fire
      return;
    }
    counts.forwarded! += 1;
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => req.socket.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}${upstream.pathname.replace(/\/$/, '')}`;
  return {
    endpoint, counts,
    close: () => new Promise((r) => { for (const s of stalled) s.socket?.destroy(); server.closeAllConnections(); server.close(() => r()); }),
  };
}
