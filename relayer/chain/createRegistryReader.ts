import { getAddress, type Address, type Hex, type PublicClient } from "viem";
import type { Common } from "../common/Common.js";
import { NsfError } from "../core/errors/NsfError.js";
import type { ClauseFacts, NodeFacts } from "../core/scheduling/types.js";
import { NodeStatus } from "../core/scheduling/types.js";
import { readZkBinding } from "./readZkBinding.js";
import { ExecutionModel } from "../core/formats/enums.js";
import { aggregatorV3Abi, clauseRegistryViewAbi, jobRouterAbi, jurisdictionRegistryAbi, nodeRegistryAbi } from "../core/abi/contractAbis.js";
import type { RegistryReader } from "./RegistryReader.js";
import { rpcCall, type RetryRuntime, type RpcPolicy } from "./rpcCall.js";

export type RegistryReaderParameters = {
  common: Common;
  /** The client is the first dependency (viem's habit); the reader adds timeouts, retries and typing. */
  client: Pick<PublicClient, "readContract" | "getBlock" | "getLogs" | "getBlockNumber">;
  contracts: { clauseRegistry: Address; nodeRegistry: Address; jurisdictionRegistry: Address; jobRouter: Address };
  rpc: RpcPolicy;
  /** Where NodeRegistry's history starts (its deployment block). */
  startBlock?: bigint;
  /** Facts are cached this long (wall clock, a transport concern); 0 disables the cache. */
  cacheMs?: number;
  runtime?: RetryRuntime;
};

/**
 * `RegistryReader` over RPC: ClauseRegistry.getClause, NodeRegistry (getNode, allowlists, schedulers, and the
 * NodeRegistered / NodeAttested / NodeStatusChanged history for the node list), JurisdictionRegistry.isTenant,
 * JobRouter.sensorTrigger, AggregatorV3Interface.getRoundData, and chain time. An unknown clause is an answer
 * (decoded `ClauseRegistryUnknownClause`), not an outage.
 */
export function createRegistryReader(parameters: RegistryReaderParameters): RegistryReader {
  const { client, contracts, rpc } = parameters;
  const logger = parameters.common.logger.child({ component: "registry-reader" });
  const runtime = { ...parameters.runtime, signal: parameters.runtime?.signal ?? parameters.common.shutdown, logger };
  const cacheMs = parameters.cacheMs ?? 1_000;
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  const knownKeys = new Set<Address>();
  let scannedTo: bigint | undefined = parameters.startBlock === undefined ? undefined : parameters.startBlock - 1n;

  const call = <T>(what: string, fn: () => Promise<T>) => rpcCall(what, fn, rpc, runtime);
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (cacheMs <= 0) return load();
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < cacheMs) return hit.value as Promise<T>;
    const value = load();
    cache.set(key, { at: Date.now(), value });
    value.catch(() => cache.delete(key));
    return value;
  };

  const zkBindingOf = async (clauseId: Hex) => {
    const zkBinding = await call("ClauseRegistry.getZkBinding", () => readZkBinding(client, contracts.clauseRegistry, clauseId));
    return zkBinding ? { zkBinding } : {};
  };
  const getNode = (enclaveKey: Address) =>
    cached(`node:${getAddress(enclaveKey)}`, async (): Promise<NodeFacts | undefined> => {
      const n = await call("NodeRegistry.getNode", () => client.readContract({ address: contracts.nodeRegistry, abi: nodeRegistryAbi, functionName: "getNode", args: [enclaveKey] }));
      if (n.status === NodeStatus.None) return undefined;
      return {
        enclaveKey: getAddress(enclaveKey),
        operator: n.operator,
        status: n.status,
        teeType: n.teeType,
        jurisdiction: n.jurisdiction.toLowerCase() as Hex,
        sovereign: n.sovereign,
        attestedAt: n.attestedAt,
        attestedUntil: n.attestedUntil,
        activeSince: n.activeSince,
        measurement: n.measurement.toLowerCase() as Hex,
        attestationId: n.attestationId.toLowerCase() as Hex,
      };
    });

  return {
    async chainTime() {
      const block = await call("eth_getBlockByNumber(latest)", () => client.getBlock({ blockTag: "latest" }));
      return block.timestamp;
    },

    getClause: (clauseId) =>
      cached(`clause:${clauseId.toLowerCase()}`, async (): Promise<ClauseFacts | undefined> => {
        try {
          const c = await call("ClauseRegistry.getClause", () => client.readContract({ address: contracts.clauseRegistry, abi: clauseRegistryViewAbi, functionName: "getClause", args: [clauseId] }));
          if (c.status === 0) return undefined;
          return {
            clauseId: clauseId.toLowerCase() as Hex,
            owner: getAddress(c.owner),
            version: c.version,
            model: c.model,
            quorumK: c.quorumK,
            quorumN: c.quorumN,
            status: c.status,
            priority: c.priority,
            policyFlags: c.policyFlags,
            validFrom: c.validFrom,
            validUntil: c.validUntil,
            codeHash: c.codeHash.toLowerCase() as Hex,
            configDigest: c.configDigest.toLowerCase() as Hex,
            jurisdictions: c.jurisdictions.map((j) => j.toLowerCase() as Hex),
            ...(c.model === ExecutionModel.Zk ? await zkBindingOf(clauseId) : {}),
          };
        } catch (error) {
          if (error instanceof NsfError && error.code === "NSF_CONTRACT_REVERTED" && error.details?.includes("ClauseRegistryUnknownClause")) return undefined;
          throw error;
        }
      }),

    getNode,

    async listNodes() {
      const head = await call("eth_blockNumber", () => client.getBlockNumber({ cacheTime: 0 }));
      const from = scannedTo === undefined ? 0n : scannedTo + 1n;
      if (from <= head) {
        const logs = await call("eth_getLogs(NodeRegistry)", () =>
          client.getLogs({ address: contracts.nodeRegistry, events: nodeRegistryAbi.filter((x) => x.type === "event"), fromBlock: from, toBlock: head }),
        );
        for (const log of logs) {
          const key = (log.args as { enclaveKey?: Address }).enclaveKey;
          if (!key) continue;
          knownKeys.add(getAddress(key));
          cache.delete(`node:${getAddress(key)}`);
        }
        scannedTo = head;
      }
      const facts = await Promise.all([...knownKeys].map((k) => getNode(k)));
      return facts.filter((f): f is NodeFacts => f !== undefined);
    },

    isMeasurementAllowed: (m) =>
      cached(`measurement:${m.toLowerCase()}`, () => call("NodeRegistry.isMeasurementAllowed", () => client.readContract({ address: contracts.nodeRegistry, abi: nodeRegistryAbi, functionName: "isMeasurementAllowed", args: [m] }))),
    isTeeTypeAllowed: (t) =>
      cached(`tee:${t}`, () => call("NodeRegistry.isTeeTypeAllowed", () => client.readContract({ address: contracts.nodeRegistry, abi: nodeRegistryAbi, functionName: "isTeeTypeAllowed", args: [t] }))),
    isScheduler: (a) =>
      cached(`scheduler:${getAddress(a)}`, () => call("NodeRegistry.isScheduler", () => client.readContract({ address: contracts.nodeRegistry, abi: nodeRegistryAbi, functionName: "isScheduler", args: [a] }))),
    isTenant: (dao, j) =>
      cached(`tenant:${getAddress(dao)}:${j.toLowerCase()}`, () =>
        call("JurisdictionRegistry.isTenant", () => client.readContract({ address: contracts.jurisdictionRegistry, abi: jurisdictionRegistryAbi, functionName: "isTenant", args: [dao, j] })),
      ),
    isWorkloadSuspended: (tenantId, clauseId) =>
      cached(`suspended:${tenantId.toLowerCase()}:${clauseId.toLowerCase()}`, () =>
        call("JobRouter.isWorkloadSuspended", () => client.readContract({ address: contracts.jobRouter, abi: jobRouterAbi, functionName: "isWorkloadSuspended", args: [tenantId, clauseId] })),
      ),
    sensorMaxStaleness: (triggerId) =>
      cached(`trigger:${triggerId}`, async () => {
        const t = await call("JobRouter.sensorTrigger", () => client.readContract({ address: contracts.jobRouter, abi: jobRouterAbi, functionName: "sensorTrigger", args: [triggerId] }));
        return BigInt(t.maxStalenessSeconds);
      }),
    async getRoundData(feed, roundId) {
      const [round, answer, , updatedAt] = await call("AggregatorV3Interface.getRoundData", () => client.readContract({ address: feed, abi: aggregatorV3Abi, functionName: "getRoundData", args: [roundId] }));
      return { roundId: round, answer, updatedAt };
    },
    invalidate: () => cache.clear(),
  };
}
