// A loopback HTTP proxy that adds a fixed latency to every request, standing in for the network and
// service time of a real endpoint (S3 answers a CopyObject in tens of milliseconds).
// Run as its own process: `node bench/latency-proxy.mjs <upstream port> <latency ms>` prints its port.
import http from 'node:http';

const [upstreamPort, latencyMs] = process.argv.slice(2).map(Number);
if (!Number.isInteger(upstreamPort) || !(latencyMs >= 0)) throw new Error('usage: node bench/latency-proxy.mjs <upstream port> <latency ms>');
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

// Each request waits the latency, then goes to the server: the latency adds to the server's own time.
const server = http.createServer((request, response) => {
  setTimeout(() => {
    const upstream = http.request({ host: '127.0.0.1', port: upstreamPort, method: request.method, path: request.url, headers: request.headers, agent }, (answer) => {
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
