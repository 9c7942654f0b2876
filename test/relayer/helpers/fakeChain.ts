import { BlockNotFoundError, bytesToHex, encodeAbiParameters, hexToBytes, encodeEventTopics, getAddress, keccak256, toHex, type Address, type Hex, type Log } from "viem";
import { jobRouterAbi } from "../../../relayer/core/abi/contractAbis.js";
import { jurisdictionToBytes3, tenantIdOf } from "../../../relayer/core/formats/ids.js";

export const ROUTER = getAddress("0x000000000000000000000000000000000000a001");
export const DAO = getAddress("0x00000000000000000000000000000000000da0a0");

type FakeBlock = { number: bigint; hash: Hex; parentHash: Hex; timestamp: bigint; logs: Log[] };

/** A JobRequested log as the chain would emit it (topics + ABI data), for the fake chain. */
export function jobRequestedLog(jobId: Hex, overrides: { deadline?: bigint; clauseId?: Hex } = {}): Pick<Log, "address" | "data" | "topics"> {
  const jurisdiction = jurisdictionToBytes3("KEN");
  const topics = encodeEventTopics({
    abi: jobRouterAbi,
    eventName: "JobRequested",
    args: { jobId, clauseId: overrides.clauseId ?? `0x${"77".repeat(32)}`, tenantId: tenantIdOf(DAO, "KEN") },
  });
  const data = encodeAbiParameters(
    [{ type: "uint48" }, { type: "uint8" }, { type: "bytes32" }, { type: "uint64" }, { type: "address" }, { type: "bytes3" }, { type: "bytes32" }],
    [2 ** 32, 1, `0x${"ee".repeat(32)}`, overrides.deadline ?? 1_750_003_600n, DAO, jurisdiction, `0x${"99".repeat(32)}`],
  );
  return { address: ROUTER, data, topics: topics as Log["topics"] };
}

/**
 * An in-memory chain behind the three PublicClient methods the watcher uses. Tests mine blocks (with logs),
 * replace the tip with another fork, and inject failures.
 */
export function createFakeChain() {
  const blocks: FakeBlock[] = [];
  let fork = 0;
  let failures: { method: string; error: () => unknown; times: number }[] = [];
  const hashOf = (n: bigint, parent: Hex) => keccak256(toHex(`${n}:${parent}:${fork}`));
  const fail = (method: string) => {
    const f = failures.find((x) => x.method === method && x.times > 0);
    if (f) {
      f.times--;
      throw f.error();
    }
  };
  const genesis: FakeBlock = { number: 0n, hash: keccak256(toHex("genesis")), parentHash: `0x${"00".repeat(32)}`, timestamp: 1_750_000_000n, logs: [] };
  blocks.push(genesis);
  let onGetLogs: (() => void) | undefined;
  let emptyLogs = 0;
  const bloomOverride = new Map<bigint, Hex>();

  const chain = {
    blocks,
    head: () => blocks.at(-1)!,
    /** Appends one block holding `logs` (index order). */
    mine(logs: Pick<Log, "address" | "data" | "topics">[] = []): FakeBlock {
      const parent = blocks.at(-1)!;
      const number = parent.number + 1n;
      const hash = hashOf(number, parent.hash);
      const block: FakeBlock = { number, hash, parentHash: parent.hash, timestamp: parent.timestamp + 12n, logs: [] };
      block.logs = logs.map((l, i) => ({ ...l, blockHash: hash, blockNumber: number, logIndex: i, transactionHash: keccak256(toHex(`${hash}:${i}`)), transactionIndex: i, removed: false }) as Log);
      blocks.push(block);
      return block;
    },
    mineEmpty(count: number): void {
      for (let i = 0; i < count; i++) chain.mine();
    },
    /** Drops every block above `number` (a revert); new blocks get new hashes. */
    rewind(number: bigint): void {
      fork++;
      while (blocks.at(-1)!.number > number) blocks.pop();
    },
    failNext(method: "getBlockNumber" | "getBlock" | "getLogs", times: number, error: () => unknown): void {
      failures.push({ method, error, times });
    },
    clearFailures(): void {
      failures = [];
    },
    /** The next `times` getLogs calls answer [] (an RPC node that lags or drops logs). */
    emptyLogsNext(times: number): void {
      emptyLogs = times;
    },
    /** Reports this bloom for a block instead of the one its logs give (a bloom false positive). */
    setBloom(number: bigint, bloom: Hex): void {
      bloomOverride.set(number, bloom);
    },
    /** Runs during the next getLogs call (to move the chain under a read). */
    duringGetLogs(fn: () => void): void {
      onGetLogs = fn;
    },
    client: {
      async getBlockNumber(): Promise<bigint> {
        fail("getBlockNumber");
        return blocks.at(-1)!.number;
      },
      async getBlock(args?: { blockNumber?: bigint; blockTag?: string }) {
        fail("getBlock");
        const n = args?.blockNumber ?? blocks.at(-1)!.number;
        const block = blocks[Number(n)];
        if (!block) throw new BlockNotFoundError({ blockNumber: n });
        return { number: block.number, hash: block.hash, parentHash: block.parentHash, timestamp: block.timestamp, logsBloom: bloomOverride.get(block.number) ?? bloomOf(block.logs) };
      },
      async getLogs(args: { address?: Address; fromBlock?: bigint; toBlock?: bigint }) {
        fail("getLogs");
        const from = Number(args.fromBlock ?? 0n);
        const to = Number(args.toBlock ?? blocks.at(-1)!.number);
        if (emptyLogs > 0) {
          emptyLogs--;
          return [];
        }
        const logs = blocks.slice(from, to + 1).flatMap((b) => b.logs);
        const hook = onGetLogs;
        onGetLogs = undefined;
        hook?.();
        return logs;
      },
    },
  };
  return chain;
}

/** The 2048-bit logs bloom of a block's logs (Yellow Paper §4.3.1): address and every topic of each log. */
export function bloomOf(logs: readonly Pick<Log, "address" | "topics">[]): Hex {
  const bloom = new Uint8Array(256);
  for (const log of logs) {
    for (const item of [log.address as Hex, ...(log.topics as Hex[])]) {
      const hash = hexToBytes(keccak256(item));
      for (let i = 0; i < 6; i += 2) {
        const bit = ((hash[i]! << 8) | hash[i + 1]!) & 2047;
        bloom[255 - (bit >> 3)]! |= 1 << (bit & 7);
      }
    }
  }
  return bytesToHex(bloom);
}
