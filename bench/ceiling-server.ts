import { createServer } from 'node:http';

/**
 * The ceiling: bare node:http on this machine, doing the least a create can do. It reads and parses the JSON body
 * and answers 201 with a JSON body as large as graphmeet's answer to the same create (the size comes in argv[2]).
 * Started as its own process, like every other target.
 */
const size = Number(process.argv[2] ?? 5000);
const answer = JSON.stringify({ id: 'x', padding: 'x'.repeat(Math.max(0, size - 30)) });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString() || '{}');
    } catch {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
