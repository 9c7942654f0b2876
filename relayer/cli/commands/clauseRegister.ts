import path from "node:path";
import type { Hex } from "viem";
import { clauseIdOf } from "../../core/formats/clauseRef.js";
import { PolicyFlag, PriorityClass } from "../../core/formats/enums.js";
import { NsfError } from "../../core/errors/NsfError.js";
import { buildClauseSpec } from "../../devnet/clauseSpec.js";
import { passProposal } from "../../devnet/dao.js";
import { loadBuiltClause } from "../../executor/clauseStore/loadBuiltClause.js";
import { connectDevDeployment } from "./devDeploymentConnection.js";

export type ClauseRegisterOptions = {
  deployment: string;
  dao: string;
  /** Where the JSON result goes (stdout by default). */
  write?: (text: string) => void;
  clause: string;
  jurisdiction: string[];
  quorum: string;
  inCountry: boolean;
  priority: "disaster" | "finance" | "planning";
};

export type ClauseRegisterResult = { clause: string; clauseId: Hex; codeHash: Hex; configDigest: Hex; owner: string; proposalId: string; transactions: { propose: Hex; votes: Hex[]; queue: Hex; execute: Hex } };

/**
 * `nsf clause register`: registers a built clause (its manifest's id and WASM code hash) in ClauseRegistry through
 * a real proposal of the named DAO — propose → every voter votes for → queue → execute — on a running dev network.
 * What it does NOT do: it is not a governance client for a real chain. It votes with the local node's unlocked
 * accounts and skips the voting period and the timelock delay with evm_mine / evm_increaseTime.
 */
export async function runClauseRegister(options: ClauseRegisterOptions): Promise<ClauseRegisterResult> {
  const match = /^([0-9]{1,2})\/([0-9]{1,2})$/.exec(options.quorum);
  if (!match || Number(match[1]) < 1 || Number(match[1]) > Number(match[2])) {
    throw new NsfError("NSF_CLI_INVALID_ARGUMENT", { shortMessage: `--quorum must be k/n with 1 <= k <= n, got ${JSON.stringify(options.quorum)}` });
  }
  const built = await loadBuiltClause(path.resolve(options.clause)).catch((cause: unknown) => {
    throw new NsfError("NSF_CLI_INVALID_ARGUMENT", { shortMessage: `${options.clause} has no build/manifest.json`, details: "Run `nsf clause build <dir>` first.", cause });
  });
  const { network, dao, connection } = await connectDevDeployment(options);
  const ref = built.manifest.clauseId;
  const spec = buildClauseSpec(ref, built.manifest.codeHash as Hex, {
    jurisdictions: options.jurisdiction,
    quorumK: Number(match[1]),
    quorumN: Number(match[2]),
    policyFlags: options.inCountry ? PolicyFlag.InCountry : 0,
    priority: { disaster: PriorityClass.Disaster, finance: PriorityClass.Finance, planning: PriorityClass.Planning }[options.priority],
  });
  const registry = network.contracts.clauseRegistry;
  const data = registry.interface.encodeFunctionData("registerClause", [spec]) as Hex;
  const proposal = await passProposal(connection, dao, [{ target: network.addresses.clauseRegistry, data }], `Register ${ref} (${options.quorum} executors, ${options.jurisdiction.join(", ")}) [nsf clause register]`);
  const clauseId = clauseIdOf(ref);
  const clause = await registry.getClause(clauseId);
  const result: ClauseRegisterResult = {
    clause: ref,
    clauseId,
    codeHash: clause.codeHash as Hex,
    configDigest: clause.configDigest as Hex,
    owner: clause.owner,
    proposalId: proposal.proposalId.toString(),
    transactions: proposal.transactions,
  };
  (options.write ?? ((text: string) => void process.stdout.write(text)))(`${JSON.stringify(result, null, 2)}\n`);
  return result;
}
