import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Common } from "../common/Common.js";
import { NsfError } from "../core/errors/NsfError.js";

export type StatusServer = {
  /** Resolves with the URL the server listens on (port 0 picks a free one). */
  listen(): Promise<string>;
  close(): Promise<void>;
};

/**
 * The relayer's operator endpoint (node:http; three read-only routes need no framework):
 *
 *   GET /metrics   Prometheus text format from `common.metrics` (this process's own registry)
 *   GET /status    the JSON status (`nsf.relayer-status/1`, relayerStatus.ts)
 *   GET /healthz   200 "ok" while the relayer runs
 *
 * Nothing is writable and nothing secret is served. Bind it to loopback (the default) or put it behind the
 * operator's own network policy.
 */
export function createStatusServer(parameters: { common: Common; host: string; port: number; status: () => unknown }): StatusServer {
  const { common } = parameters;
  const logger = common.logger.child({ component: "status-server" });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://relayer.invalid").pathname;
    const send = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
      res.end(body);
    };
    if (req.method !== "GET") return send(405, "application/json", JSON.stringify({ error: { code: "NSF_HTTP_METHOD_NOT_ALLOWED", message: "read-only endpoint" } }));
    try {
      switch (path) {
        case "/metrics":
          return send(200, common.metrics.contentType, await common.metrics.metrics());
        case "/status":
          return send(200, "application/json; charset=utf-8", JSON.stringify(parameters.status(), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
        case "/healthz":
          return send(200, "text/plain; charset=utf-8", "ok\n");
        default:
          return send(404, "application/json", JSON.stringify({ error: { code: "NSF_HTTP_NOT_FOUND", message: `${path}: try /metrics, /status or /healthz` } }));
      }
    } catch (error) {
      logger.error({ err: error, path }, "status request failed");
      return send(500, "application/json", JSON.stringify({ error: { code: "NSF_HTTP_INTERNAL", message: "status unavailable" } }));
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once("error", (cause: NodeJS.ErrnoException) =>
          reject(
            new NsfError("NSF_HTTP_LISTEN_FAILED", {
              shortMessage: `The relayer's status endpoint cannot listen on ${parameters.host}:${parameters.port}`,
              details: `${cause.code ?? "error"}: set http.port (or NSF_RELAYER_HTTP_PORT) to a free port, 0 for any, or http.enabled = false.`,
              cause,
            }),
          ),
        );
        server.listen(parameters.port, parameters.host, () => {
          const address = server.address() as AddressInfo;
          const host = parameters.host.includes(":") ? `[${parameters.host}]` : parameters.host;
          resolve(`http://${host}:${address.port}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
