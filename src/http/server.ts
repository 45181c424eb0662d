import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';

export interface RunningServer {
  server: Server;
  port: number;
  /**
   * Stops taking new connections, lets requests in flight finish (idle keep-alive connections
   * are closed at once), and cuts whatever is left after `graceMs`.
   */
  stop(graceMs?: number): Promise<void>;
}

export async function listen(app: express.Express, port: number, host: string): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    stop: (graceMs = 8000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        // A keep-alive connection becomes idle once its last response is sent: close it then.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => {
          clearTimeout(timer);
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
