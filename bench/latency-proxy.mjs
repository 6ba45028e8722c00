// A loopback HTTP proxy that adds a fixed latency to every request, standing in for the network and
// service time of a real endpoint (S3 answers a CopyObject in tens of milliseconds).
// Run as its own process: `node bench/latency-proxy.mjs <latency ms> <upstream port>...` prints its port.
// With several upstream ports (server processes sharing one directory), requests take turns among
// them, as S3 spreads requests over many hosts.
import http from 'node:http';

const [latencyMs, ...upstreamPorts] = process.argv.slice(2).map(Number);
if (!(latencyMs >= 0) || upstreamPorts.length === 0 || !upstreamPorts.every(Number.isInteger)) {
  throw new Error('usage: node bench/latency-proxy.mjs <latency ms> <upstream port>...');
}
let nextUpstream = 0;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

// Each request waits the latency, then goes to the server: the latency adds to the server's own time.
const server = http.createServer((request, response) => {
  setTimeout(() => {
    const port = upstreamPorts[nextUpstream++ % upstreamPorts.length];
    const upstream = http.request({ host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers, agent }, (answer) => {
      response.writeHead(answer.statusCode, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', (error) => {
      response.writeHead(502);
      response.end(String(error));
    });
    request.pipe(upstream);
  }, latencyMs);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
