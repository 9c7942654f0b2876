import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Address, Hex } from "viem";
import type { Common } from "../../common/Common.js";
import { NsfError } from "../../core/errors/NsfError.js";
import type { BundleIndex } from "./createBundleIndex.js";
import type { ExecutionVerifier } from "./ExecutionVerifier.js";
import type { ExplorerErrorBody, ExplorerInfo } from "./ExplorerApi.js";
import { ExplorerSourceError, rpc, type ExplorerChain } from "./explorerChain.js";
import { readClause } from "./readClause.js";
import { locateExecution, readExecution } from "./readExecution.js";
import { readNode } from "./readNode.js";
import { readOverview } from "./readOverview.js";
import type { RelayerMetricsReader } from "./readRelayerMetrics.js";
import { readTenant } from "./readTenant.js";

export type ExplorerServerParameters = {
  common: Common;
  chain: ExplorerChain;
  index: BundleIndex;
  verify: ExecutionVerifier;
  metrics?: RelayerMetricsReader;
  /** The built page (index.html and assets/). */
  staticDir: string;
  gateway: string;
  explorerBaseUrl?: string;
  notes?: string[];
  host?: string;
  port?: number;
};

export type ExplorerServer = { url: string; server: Server; close(): Promise<void> };

const MIME: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json" };
const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

class BadRequest extends NsfError {
  constructor(message: string) {
    super("NSF_EXPLORER_BAD_REQUEST", { shortMessage: message });
  }
}

/**
 * `nsf explorer`'s HTTP server (docs/adr/0017-proof-explorer.md): the built page and a read-only JSON API, GET only.
 * Unreachable sources answer 503 with a typed body the page shows; unknown ids 404; malformed ids 400.
 */
export async function createExplorerServer(parameters: ExplorerServerParameters): Promise<ExplorerServer> {
  const { chain, index, verify } = parameters;
  const logger = parameters.common.logger.child({ component: "explorer" });
  const staticRoot = path.resolve(parameters.staticDir);

  const routes: { pattern: RegExp; handle(match: RegExpExecArray, res: ServerResponse): Promise<unknown> }[] = [
    {
      pattern: /^\/api\/info$/,
      handle: async () =>
        ({
          schema: "nsf.explorer-info/1",
          chainId: String(await rpc("chain id", () => chain.client.getChainId())),
          contracts: Object.fromEntries(Object.entries(chain.contracts).filter(([, a]) => a !== null)) as Record<string, Address>,
          explorerBaseUrl: parameters.explorerBaseUrl?.replace(/\/+$/, "") ?? null,
          gateway: parameters.gateway,
          metricsConfigured: parameters.metrics !== undefined,
          notes: parameters.notes ?? [],
        }) satisfies ExplorerInfo,
    },
    { pattern: /^\/api\/overview$/, handle: () => readOverview({ chain, index, metrics: parameters.metrics }) },
    { pattern: /^\/api\/executions\/([^/]+)$/, handle: (m) => readExecution({ chain, index, verify, jobId: hex32(m[1]!, "execution id") }) },
    {
      pattern: /^\/api\/executions\/([^/]+)\/bundle$/,
      handle: async (m, res) => {
        const jobId = hex32(m[1]!, "execution id");
        const located = await locateExecution(index, jobId);
        if (!located) throw new NsfError("NSF_EXPLORER_NOT_FOUND", { shortMessage: `no archived bundle holds execution ${jobId}` });
        res.setHeader("content-disposition", `attachment; filename="nsf-bundle-batch-${located.batch.batchSeq}.json"`);
        return located.document;
      },
    },
    { pattern: /^\/api\/clauses\/([^/]+)$/, handle: (m) => readClause(chain, hex32(m[1]!, "clause id")) },
    { pattern: /^\/api\/nodes\/([^/]+)$/, handle: (m) => readNode({ chain, index, enclaveKey: address(m[1]!) }) },
    { pattern: /^\/api\/tenants\/([^/]+)$/, handle: (m) => readTenant({ chain, index, tenantId: hex32(m[1]!, "tenant id") }) },
  ];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://explorer.invalid");
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, { error: { code: "NSF_EXPLORER_READ_ONLY", message: "the explorer is read-only: GET only" } });
    if (url.pathname.startsWith("/api/")) {
      for (const route of routes) {
        const match = route.pattern.exec(url.pathname);
        if (!match) continue;
        try {
          return send(res, 200, await route.handle(match, res));
        } catch (error) {
          return sendError(res, error);
        }
      }
      return send(res, 404, { error: { code: "NSF_EXPLORER_NOT_FOUND", message: `no API route ${url.pathname}` } });
    }
    // Static files; anything else is the single page (it routes on the URL hash).
    const file = path.resolve(staticRoot, `.${decodeURIComponent(url.pathname)}`);
    const target = file.startsWith(staticRoot + path.sep) && existsSync(file) && statSync(file).isFile() ? file : path.join(staticRoot, "index.html");
    if (!existsSync(target)) return send(res, 500, { error: { code: "NSF_EXPLORER_PAGE_MISSING", message: `the page is not built in ${staticRoot}` } });
    res.writeHead(200, { "content-type": MIME[path.extname(target)] ?? "application/octet-stream", "cache-control": target.endsWith("index.html") ? "no-store" : "max-age=3600" });
    createReadStream(target).pipe(res);
  }

  function sendError(res: ServerResponse, error: unknown) {
    if (error instanceof ExplorerSourceError) return send(res, 503, { error: { code: error.code, message: error.shortMessage, source: error.source } } satisfies ExplorerErrorBody);
    if (error instanceof NsfError) {
      const status = error.code === "NSF_EXPLORER_NOT_FOUND" ? 404 : error.code === "NSF_EXPLORER_BAD_REQUEST" ? 400 : 500;
      return send(res, status, { error: { code: error.code, message: error.shortMessage } } satisfies ExplorerErrorBody);
    }
    logger.error({ err: error }, "explorer request failed");
    return send(res, 500, { error: { code: "NSF_EXPLORER_INTERNAL", message: error instanceof Error ? error.message.split("\n")[0]! : String(error) } } satisfies ExplorerErrorBody);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => sendError(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) => reject(new NsfError("NSF_EXPLORER_LISTEN_FAILED", { shortMessage: `cannot listen on ${parameters.host ?? "127.0.0.1"}:${parameters.port ?? 0}: ${error.message}`, cause: error })));
    server.listen(parameters.port ?? 0, parameters.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = parameters.host ?? "127.0.0.1";
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/`,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}

function hex32(value: string, what: string): Hex {
  if (!HEX32.test(value)) throw new BadRequest(`${what} must be 32 bytes of hex (0x + 64 digits), got ${value.slice(0, 80)}`);
  return value.toLowerCase() as Hex;
}

function address(value: string): Address {
  if (!ADDRESS.test(value)) throw new BadRequest(`an address must be 0x + 40 hex digits, got ${value.slice(0, 80)}`);
  return value as Address;
}
