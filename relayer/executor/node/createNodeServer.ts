import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { bytesToHex, type Hex } from "viem";
import type { Common } from "../../common/Common.js";
import type { ClauseStore } from "../clauseStore/createClauseStore.js";
import type { EnclaveRuntime } from "../enclave/EnclaveRuntime.js";
import { ExecutorError } from "../errors/ExecutorError.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, type JobExecutor } from "./createJobExecutor.js";

export type NodeServerParameters = {
  common: Common;
  executor: JobExecutor;
  enclave: EnclaveRuntime;
  clauses: ClauseStore;
  attestationId: Hex;
  /** Request bodies above this are refused with 413 before they are parsed. */
  maxBodyBytes?: number;
};

export type NodeServer = {
  readonly server: Server;
  listen(port: number, host?: string): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
};

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * The node's HTTP API (docs/FORMATS.md §11.2). Node's own `http` module: three routes do not need a
 * framework, and owning the body reader lets the size cap apply before a single byte is buffered past it.
 *
 *   GET  /v1/health                             liveness + what this node is (enclave key, TEE type, clauses)
 *   GET  /v1/attestation/evidence?nonce=0x…     fresh evidence binding the nonce (for registration)
 *   GET  /v1/tenants/<tenantId>/payload-key     the tenant's payload key, certified by the enclave key
 *   POST /v1/execute                            a job request → CAC JSON + signature, or a typed error
 *
 * Errors are `{ "error": { code, message, details, retryable } }` with the registry's HTTP status.
 */
export function createNodeServer(parameters: NodeServerParameters): NodeServer {
  const { executor, enclave, clauses, attestationId } = parameters;
  const logger = parameters.common.logger.child({ component: "http" });
  const maxBodyBytes = parameters.maxBodyBytes ?? 2 * DEFAULT_MAX_PAYLOAD_BYTES + 16 * 1024;

  const routes = async (req: IncomingMessage, url: URL): Promise<{ status: number; body: unknown }> => {
    if (req.method === "GET" && url.pathname === "/v1/health") {
      return {
        status: 200,
        body: {
          status: "ok",
          enclave: {
            address: enclave.address,
            teeType: enclave.teeType,
            measurement: enclave.measurement,
            attestationId,
            simulated: enclave.simulated,
            ...(enclave.simulated ? { warning: "SIMULATED TEE - UNSAFE FOR PRODUCTION" } : {}),
          },
          clauses: clauses.list().map((c) => ({ clauseId: c.manifest.clauseId, clauseIdHash: c.clauseId, codeHash: c.codeHash })),
        },
      };
    }
    if (req.method === "GET" && url.pathname === "/v1/attestation/evidence") {
      const nonce = url.searchParams.get("nonce") ?? "";
      if (!HEX32.test(nonce)) throw new ExecutorError("REQUEST_MALFORMED", "query parameter nonce must be 32-byte hex");
      const evidence = await enclave.evidence(nonce.toLowerCase() as Hex);
      return {
        status: 200,
        body: { teeType: evidence.teeType, simulated: enclave.simulated, attestationId: evidence.attestationId, evidence: bytesToHex(evidence.raw) },
      };
    }
    const payloadKey = /^\/v1\/tenants\/(0x[0-9a-fA-F]{64})\/payload-key$/.exec(url.pathname);
    if (req.method === "GET" && payloadKey) {
      return { status: 200, body: await enclave.tenantPayloadKey(payloadKey[1]!.toLowerCase() as Hex) };
    }
    if (req.method === "POST" && url.pathname === "/v1/execute") {
      const body = await readJson(req, maxBodyBytes);
      const result = await executor.execute(body);
      return { status: 200, body: result };
    }
    throw new ExecutorError("NODE_ROUTE_NOT_FOUND", `${req.method} ${url.pathname}`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? "/", "http://node.invalid");
    let status: number;
    let body: unknown;
    try {
      ({ status, body } = await routes(req, url));
    } catch (error) {
      const e = error instanceof ExecutorError ? error : new ExecutorError("NODE_INTERNAL", "unexpected failure", { cause: error });
      if (e.kind === "NODE_INTERNAL") logger.error({ err: error, path: url.pathname }, "request failed");
      status = e.httpStatus;
      // Only the typed fields: no stack, no cause, nothing from any other request.
      body = { error: { code: e.code, message: e.shortMessage, details: e.details ?? null, retryable: e.retryable } };
      if (e.kind === "REQUEST_TOO_LARGE") res.setHeader("connection", "close");
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
    logger.debug({ method: req.method, path: url.pathname, status, ms: Number(process.hrtime.bigint() - started) / 1e6 }, "request");
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  return {
    server,
    listen: (port, host = "127.0.0.1") =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as AddressInfo;
          resolve({ url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`, port: address.port });
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Reads a JSON body, refusing (413) as soon as it exceeds the cap; the rest is drained, not stored. */
function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > maxBytes) {
      req.resume();
      reject(new ExecutorError("REQUEST_TOO_LARGE", `${declared} bytes; the cap is ${maxBytes}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        reject(new ExecutorError("REQUEST_TOO_LARGE", `more than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (refused) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(new ExecutorError("REQUEST_MALFORMED", "the body is not JSON"));
      }
    });
    req.on("error", (error) => {
      if (!refused) reject(new ExecutorError("REQUEST_MALFORMED", "the request body could not be read", { cause: error }));
    });
  });
}
