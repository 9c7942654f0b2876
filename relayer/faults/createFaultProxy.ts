import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What the proxy does to the traffic it forwards (ADR 0018). Probabilities are per request, in [0, 1].
 * JSON-RPC-aware faults (`emptyLogs`, `lagBlocks`) apply only to JSON-RPC bodies; the rest to any HTTP request,
 * so the same proxy sits in front of the chain's RPC endpoint and of an executor node's API.
 */
export type ProxyFaults = {
  /** Close the connection without answering (the client sees a socket error). */
  drop?: number;
  /** Hold every request this long before forwarding it. */
  delayMs?: number;
  /** Answer with the first half of the upstream body (the client sees invalid JSON). */
  truncate?: number;
  /** Hold each reply a random 0..reorderMs, so concurrent replies arrive out of order; JSON-RPC batch replies are reversed. */
  reorderMs?: number;
  /** Answer eth_getLogs with an empty list, as a node behind a load balancer that has not indexed the range does. */
  emptyLogs?: number;
  /** Behave as a node this many blocks behind: eth_blockNumber is lower, newer blocks are null, their logs empty. */
  lagBlocks?: number;
  /** Refuse everything (a partition between the client and this upstream). */
  partition?: boolean;
};

export type FaultKind = "drop" | "delay" | "truncate" | "reorder" | "emptyLogs" | "lag" | "partition";

export type FaultProxy = {
  readonly url: string;
  /** Replaces the active faults (`{}` heals everything). */
  setFaults(faults: ProxyFaults): void;
  /**
   * A per-request decision made before the faults above (undefined clears it): "cut" closes the connection after the
   * request arrived, as a process dying mid-request does. Lets a test kill exactly the nodes the relayer picked.
   */
  setInterceptor(decide: (() => "cut" | undefined) | undefined): void;
  readonly faults: ProxyFaults;
  /** How many requests each fault touched so far. */
  readonly injected: Readonly<Record<FaultKind, number>>;
  readonly forwarded: number;
  close(): Promise<void>;
};

type RpcRequest = { jsonrpc: "2.0"; id: unknown; method: string; params?: unknown[] };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An HTTP reverse proxy on a loopback port in front of `target`, injecting the faults currently set. */
export async function createFaultProxy(parameters: { target: string; faults?: ProxyFaults; random?: () => number }): Promise<FaultProxy> {
  const target = new URL(parameters.target);
  const random = parameters.random ?? Math.random;
  let faults: ProxyFaults = parameters.faults ?? {};
  const injected: Record<FaultKind, number> = { drop: 0, delay: 0, truncate: 0, reorder: 0, emptyLogs: 0, lag: 0, partition: 0 };
  let forwarded = 0;
  let interceptor: (() => "cut" | undefined) | undefined;
  const chance = (p: number | undefined) => p !== undefined && p > 0 && random() < p;

  async function upstream(method: string, path: string, headers: Record<string, string>, body: Buffer | undefined): Promise<{ status: number; type: string; body: Buffer }> {
    const response = await fetch(new URL(path, target), { method, headers, ...(body && body.length > 0 ? { body } : {}) });
    return { status: response.status, type: response.headers.get("content-type") ?? "application/json", body: Buffer.from(await response.arrayBuffer()) };
  }

  async function rpcHead(): Promise<bigint> {
    const reply = await upstream("POST", target.pathname, { "content-type": "application/json" }, Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: 0, method: "eth_blockNumber", params: [] })));
    return BigInt((JSON.parse(reply.body.toString()) as { result: string }).result);
  }

  /** A lagging node's answer to one call, or undefined to forward it. */
  async function lagged(call: RpcRequest, lag: number): Promise<unknown> {
    const visible = (await rpcHead()) - BigInt(lag);
    const blockParam = (p: unknown) => (typeof p === "string" && p.startsWith("0x") ? BigInt(p) : p === "latest" ? visible : undefined);
    switch (call.method) {
      case "eth_blockNumber":
        return { jsonrpc: "2.0", id: call.id, result: `0x${(visible > 0n ? visible : 0n).toString(16)}` };
      case "eth_getBlockByNumber": {
        const n = blockParam(call.params?.[0]);
        if (n !== undefined && n > visible) return { jsonrpc: "2.0", id: call.id, result: null };
        if (call.params?.[0] !== "latest") return undefined;
        // "latest" of a lagging node is its own head.
        const substituted = { ...call, params: [`0x${visible.toString(16)}`, ...(call.params ?? []).slice(1)] };
        const reply = await upstream("POST", target.pathname, { "content-type": "application/json" }, Buffer.from(JSON.stringify(substituted)));
        return JSON.parse(reply.body.toString()) as unknown;
      }
      case "eth_getLogs": {
        const filter = (call.params?.[0] ?? {}) as { toBlock?: unknown };
        const to = blockParam(filter.toBlock);
        if (to !== undefined && to > visible) return { jsonrpc: "2.0", id: call.id, result: [] };
        return undefined;
      }
      default:
        return undefined;
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const active = faults;
    if (interceptor?.() === "cut") {
      injected.drop += 1;
      request.socket.destroy();
      return;
    }
    if (active.partition) {
      injected.partition += 1;
      request.socket.destroy();
      return;
    }
    if (chance(active.drop)) {
      injected.drop += 1;
      request.socket.destroy();
      return;
    }
    if (active.delayMs) {
      injected.delay += 1;
      await sleep(active.delayMs);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) if (typeof v === "string" && !["host", "content-length", "connection"].includes(k)) headers[k] = v;

    let rpc: RpcRequest | RpcRequest[] | undefined;
    if (body.length > 0 && (request.headers["content-type"] ?? "").includes("json")) {
      try {
        const parsed = JSON.parse(body.toString()) as unknown;
        if (Array.isArray(parsed) ? parsed.every((c) => typeof (c as RpcRequest)?.method === "string") : typeof (parsed as RpcRequest)?.method === "string") rpc = parsed as RpcRequest | RpcRequest[];
      } catch {
        // not JSON-RPC: forwarded as it is
      }
    }
    let reply: { status: number; type: string; body: Buffer } | undefined;
    if (rpc && !Array.isArray(rpc)) {
      if (rpc.method === "eth_getLogs" && chance(active.emptyLogs)) {
        injected.emptyLogs += 1;
        reply = { status: 200, type: "application/json", body: Buffer.from(JSON.stringify({ jsonrpc: "2.0", id: rpc.id, result: [] })) };
      } else if (active.lagBlocks && active.lagBlocks > 0) {
        const answer = await lagged(rpc, active.lagBlocks);
        if (answer !== undefined) {
          injected.lag += 1;
          reply = { status: 200, type: "application/json", body: Buffer.from(JSON.stringify(answer)) };
        }
      }
    }
    reply ??= await upstream(request.method ?? "GET", request.url ?? "/", headers, body);
    forwarded += 1;
    let out = reply.body;
    if (active.reorderMs && active.reorderMs > 0) {
      injected.reorder += 1;
      await sleep(Math.floor(random() * active.reorderMs));
      if (Array.isArray(rpc)) {
        try {
          out = Buffer.from(JSON.stringify((JSON.parse(out.toString()) as unknown[]).reverse()));
        } catch {
          // an error object instead of a list: left as it is
        }
      }
    }
    if (chance(active.truncate)) {
      injected.truncate += 1;
      out = out.subarray(0, Math.floor(out.length / 2));
    }
    response.writeHead(reply.status, { "content-type": reply.type, "content-length": out.length });
    response.end(out);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      // The upstream itself failed: answer as a gateway would.
      if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
      response.end("upstream unavailable");
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname === "/" ? "" : target.pathname}`,
    setFaults(next) {
      faults = { ...next };
    },
    setInterceptor(decide) {
      interceptor = decide;
    },
    get faults() {
      return faults;
    },
    injected,
    get forwarded() {
      return forwarded;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
