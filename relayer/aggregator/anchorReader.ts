import type { Address, Hex, PublicClient } from "viem";
import { AggregatorError } from "./AggregatorError.js";
import { clauseRegistryViewAbi, nodeRegistryAbi, rollupAnchorAbi } from "../core/abi/contractAbis.js";
import { ExecutionModel } from "../core/formats/enums.js";
import { readZkBinding, type ZkBinding } from "../chain/readZkBinding.js";

/** A registered clause version, as the co-signers check CACs against it. */
export type ClauseFacts = {
  version: number;
  status: number;
  codeHash: Hex;
  configDigest: Hex;
  quorumK: number;
  model: number;
  policyFlags: number;
  /** Model Zk only: the bound circuit, against which a co-signer verifies each CAC's proof. */
  zkBinding?: ZkBinding;
};
export type AggregatorConfig = { configDigest: Hex; configVersion: bigint; threshold: number; signers: readonly Address[] };

/**
 * The chain reads of the aggregator half (RollupAnchor, ClauseRegistry, NodeRegistry), minimal and typed.
 * Every co-signer gets its own instance (its own reads), even when several share a client in one process.
 */
export type AnchorReader = {
  batchCommitment(batchSeq: bigint): Promise<Hex>;
  aggregatorConfig(): Promise<AggregatorConfig>;
  /** The first batch sequence with no stored commitment (batch 0 is genesis and always set). */
  nextBatchSeq(): Promise<bigint>;
  getClause(clauseId: Hex): Promise<ClauseFacts | undefined>;
  isActiveAt(enclaveKey: Address, time: bigint): Promise<boolean>;
  nodeJurisdiction(enclaveKey: Address): Promise<Hex>;
  /** The node's current NodeRegistry registration, as a CAC's runtime_info must name it (docs/FORMATS.md §11). */
  nodeRegistration(enclaveKey: Address): Promise<{ nodeRegistry: Address; teeType: number; measurement: Hex; attestationId: Hex; attestedAt: bigint; attestedUntil: bigint }>;
};

export type AnchorReaderParameters = {
  client: Pick<PublicClient, "readContract">;
  rollupAnchor: Address;
  clauseRegistry: Address;
  nodeRegistry: Address;
};

const ZERO = /^0x0{64}$/;


export function createAnchorReader(parameters: AnchorReaderParameters): AnchorReader {
  const { client, rollupAnchor, clauseRegistry, nodeRegistry } = parameters;
  const read = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (cause) {
      throw new AggregatorError("CHAIN_UNAVAILABLE", `${what} failed`, { cause });
    }
  };
  const batchCommitment = (batchSeq: bigint) =>
    read(`RollupAnchor.batchCommitment(${batchSeq})`, () => client.readContract({ address: rollupAnchor, abi: rollupAnchorAbi, functionName: "batchCommitment", args: [batchSeq] }));
  return {
    batchCommitment,
    async aggregatorConfig() {
      const [configDigest, configVersion, threshold, signers] = await read("RollupAnchor.config()", () =>
        client.readContract({ address: rollupAnchor, abi: rollupAnchorAbi, functionName: "config" }),
      );
      return { configDigest, configVersion, threshold, signers };
    },
    async nextBatchSeq() {
      // Commitments are set contiguously from 0: gallop to an unset one, then bisect.
      let low = 0n; // known set
      let high = 1n;
      while (!ZERO.test(await batchCommitment(high))) {
        low = high;
        high *= 2n;
      }
      while (high - low > 1n) {
        const mid = (low + high) / 2n;
        if (ZERO.test(await batchCommitment(mid))) high = mid;
        else low = mid;
      }
      return high;
    },
    async getClause(clauseId) {
      const clause = await read(`ClauseRegistry.getClause(${clauseId})`, async () => {
        try {
          return await client.readContract({ address: clauseRegistry, abi: clauseRegistryViewAbi, functionName: "getClause", args: [clauseId] });
        } catch (error) {
          // An unknown clause reverts with ClauseRegistryUnknownClause: an answer, not an outage.
          if (isUnknownClause(error)) return undefined;
          throw error;
        }
      });
      if (!clause || clause.status === 0) return undefined;
      return {
        version: clause.version,
        status: clause.status,
        codeHash: clause.codeHash,
        configDigest: clause.configDigest,
        quorumK: clause.quorumK,
        model: clause.model,
        policyFlags: clause.policyFlags,
        ...(clause.model === ExecutionModel.Zk ? await read(`ClauseRegistry.getZkBinding(${clauseId})`, async () => {
          const zkBinding = await readZkBinding(client, clauseRegistry, clauseId);
          return zkBinding ? { zkBinding } : {};
        }) : {}),
      };
    },
    isActiveAt: (enclaveKey, time) =>
      read(`NodeRegistry.isActiveAt(${enclaveKey}, ${time})`, () => client.readContract({ address: nodeRegistry, abi: nodeRegistryAbi, functionName: "isActiveAt", args: [enclaveKey, time] })),
    async nodeJurisdiction(enclaveKey) {
      const node = await read(`NodeRegistry.getNode(${enclaveKey})`, () => client.readContract({ address: nodeRegistry, abi: nodeRegistryAbi, functionName: "getNode", args: [enclaveKey] }));
      return node.jurisdiction;
    },
    async nodeRegistration(enclaveKey) {
      const node = await read(`NodeRegistry.getNode(${enclaveKey})`, () => client.readContract({ address: nodeRegistry, abi: nodeRegistryAbi, functionName: "getNode", args: [enclaveKey] }));
      return { nodeRegistry, teeType: node.teeType, measurement: node.measurement, attestationId: node.attestationId, attestedAt: node.attestedAt, attestedUntil: node.attestedUntil };
    },
  };
}

function isUnknownClause(error: unknown): boolean {
  const walk = (error as { walk?: (fn: (e: unknown) => boolean) => unknown }).walk;
  if (typeof walk !== "function") return false;
  const found = walk.call(error, (e) => (e as { data?: { errorName?: string } }).data?.errorName === "ClauseRegistryUnknownClause") as unknown;
  return Boolean(found);
}
