import type { Address, Hex } from "viem";
import type { ParsedCacJson } from "../cac/cacJson.js";

/** What the chain says about a CAC's clause version: its execution model and, for zk, its bound circuit. */
export type ZkClauseFacts = { model: number; zkBinding?: { circuitHash: Hex; vkeyHash: Hex; verifier: Address } | undefined };

/**
 * Checks the proof of a parsed CAC (`cacFromJson` already tied its public signals to the CAC's job, clause,
 * commitment, status and amount). Throws a `ZkError` naming the first failed check; resolves for a valid zk
 * CAC and for a CAC of a non-zk version that carries no proof. Implemented at the edge, with snarkjs
 * (relayer/zk/verifyZkCac.ts); injected into the pure verification core.
 */
export type ZkCacVerifier = (parsed: Pick<ParsedCacJson, "cac" | "json" | "zk">, clause: ZkClauseFacts) => Promise<void>;
