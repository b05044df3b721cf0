import {createServer, connect, type Server, type Socket} from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a server, that can cut connections like a flaky network:
 * `cutUploadsAfter(n)` resets any connection once it has carried n bytes towards the server,
 * `cutDownloadsAfter(n)` once it has carried n bytes back, `down()` resets everything at once and
 * refuses new connections until `up()`.
 */
export class FlakyProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private upLimit = Infinity;
  private downLimit = Infinity;
  private isDown = false;
  /** Connections reset so far. */
  cuts = 0;
  /** Bytes passed towards the server, all connections together. */
  bytesUp = 0;
  /** When set, the proxy goes down by itself once this many bytes went up in total. */
  downAfterTotalBytes = Infinity;
  /** When set, cut limits are lifted once `cuts` reaches this number. */
  maxCuts = Infinity;
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<this> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as {port: number}).port;
    return this;
  }

  get host(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  cutUploadsAfter(bytes: number): void {
    this.upLimit = bytes;
  }
  cutDownloadsAfter(bytes: number): void {
    this.downLimit = bytes;
  }
  down(): void {
    this.isDown = true;
    for (const socket of this.sockets) socket.resetAndDestroy();
  }
  up(): void {
    this.isDown = false;
    this.upLimit = Infinity;
    this.downLimit = Infinity;
    this.downAfterTotalBytes = Infinity;
    this.maxCuts = Infinity;
  }

  private accept(client: Socket): void {
    if (this.isDown) {
      this.cuts++;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.targetPort, '127.0.0.1');
    this.sockets.add(client);
    this.sockets.add(upstream);
    let sent = 0;
    let received = 0;
    const cut = (): void => {
      this.cuts++;
      if (this.cuts >= this.maxCuts) {
        this.upLimit = Infinity;
        this.downLimit = Infinity;
      }
      client.resetAndDestroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      this.bytesUp += chunk.length;
      if (this.bytesUp > this.downAfterTotalBytes && !this.isDown) {
        this.down();
        return;
      }
      if (sent > this.upLimit) return cut();
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > this.downLimit) {
        // Let part of the body through first, so the client is mid-download when it breaks.
        client.write(chunk.subarray(0, Math.max(0, chunk.length - (received - this.downLimit))));
        return cut();
      }
      client.write(chunk);
    });
    const close = (): void => {
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
