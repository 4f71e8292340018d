import net from 'node:net';

/** One HTTP/1.1 response as read off the wire. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawExchange {
  /** Every response the server wrote on the connection, in order. */
  responses: RawResponse[];
  /** Milliseconds from connecting until the server closed the connection; undefined if it did not within `waitMs`. */
  closedAfterMs: number | undefined;
}

/**
 * Opens a TCP connection to the server of `url` and writes `steps` in order: a string or buffer is written, a number
 * waits that many milliseconds; with `end`, the client then ends its side. Reads until the server closes the
 * connection or `waitMs` passes.
 */
export function rawExchange(
  url: string,
  steps: (string | Buffer | number)[],
  { waitMs = 3000, end = false }: { waitMs?: number; end?: boolean } = {},
): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const started = Date.now();
    const chunks: Buffer[] = [];
    let closedAfterMs: number | undefined;
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ responses: parseResponses(Buffer.concat(chunks).toString('latin1')), closedAfterMs });
    };
    socket.on('close', () => {
      closedAfterMs ??= Date.now() - started;
      done();
    });
    const timer = setTimeout(done, waitMs);
    void (async () => {
      for (const step of steps) {
        if (typeof step === 'number') await new Promise((r) => setTimeout(r, step));
        else if (socket.writable) socket.write(step);
      }
      if (end && socket.writable) socket.end();
    })();
  });
}

/** Splits what a server wrote into responses, each body read by its Content-Length. */
export function parseResponses(wire: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = wire;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) break;
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    // Read as latin1, one character per byte, so that Content-Length counts characters here.
    const body = Buffer.from(rest.slice(end + 4, end + 4 + length), 'latin1').toString('utf8');
    responses.push({ status: Number(statusLine?.split(' ')[1]), headers, body });
    rest = rest.slice(end + 4 + length);
  }
  return responses;
}
