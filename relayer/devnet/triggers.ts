import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AbiCoder } from "ethers";
import { keccak256, toBytes, type Address, type Hex } from "viem";
import type { JobRouter } from "../../typechain-types/index.js";
import { canonicalJson, canonicalJsonHash } from "../core/formats/canonicalJson.js";
import { clauseIdOf } from "../core/formats/clauseRef.js";
import { daoTriggerNonce, jobIdOf, jurisdictionToBytes3, tenantIdOf } from "../core/formats/ids.js";
import { NsfError } from "../core/errors/NsfError.js";
import type { DevConnection } from "./connection.js";
import { passProposal, type Dao, type PassedProposal } from "./dao.js";
import type { DeployedNetwork } from "./deployNetwork.js";

export type SensorFiring = { jobId: Hex; txHash: Hex; roundId: bigint; answer: bigint; gasUsed: bigint };

/**
 * Chainlink Automation's two calls, made by hand: `checkUpkeep(abi.encode(triggerId))` (a view, off-chain in
 * Automation) says whether the trigger's condition holds; `performUpkeep(performData)` fires it and creates the job.
 */
export async function performSensorUpkeep(router: JobRouter, triggerId: bigint): Promise<SensorFiring> {
  const checkData = AbiCoder.defaultAbiCoder().encode(["uint256"], [triggerId]);
  const [upkeepNeeded, performData] = await router.checkUpkeep(checkData);
  if (!upkeepNeeded) {
    const reason = await router.sensorConditionReason(triggerId);
    throw new NsfError("NSF_DEV_UPKEEP_NOT_NEEDED", { shortMessage: `checkUpkeep(${triggerId}) says the trigger would not fire`, details: `JobRouter.sensorConditionReason = ${reason} (see IJobRouter.sol)` });
  }
  const receipt = (await (await router.performUpkeep(performData)).wait())!;
  const parsed = receipt.logs.map((l) => router.interface.parseLog(l));
  const requested = parsed.find((l) => l?.name === "JobRequested");
  const fired = parsed.find((l) => l?.name === "SensorTriggerFired");
  if (!requested || !fired) throw new NsfError("NSF_DEV_NO_JOB", { shortMessage: "performUpkeep emitted no JobRequested/SensorTriggerFired", details: `tx ${receipt.hash}` });
  return { jobId: (requested.args.jobId as string).toLowerCase() as Hex, txHash: receipt.hash as Hex, roundId: fired.args.roundId as bigint, answer: fired.args.answer as bigint, gasUsed: receipt.gasUsed };
}

/** An `nsf.input-document/1` (docs/FORMATS.md §6): the values a DAO decision commits to. */
export type InputDocument = { schema: "nsf.input-document/1"; values: Record<string, string>; memo?: string };

export type DaoJobRequest = {
  jobId: Hex;
  tenantId: Hex;
  commitment: Hex;
  documentFile: string;
  daoNonce: Hex;
  deadline: bigint;
  proposal: PassedProposal;
};

/**
 * A DAO-triggered job, the way a DAO decides one: the input document is written where the relayer's input
 * provider reads it (`<inputs>/<tenantId>/<commitment>.json`, commitment = H(utf8(JCS(document)))), then a real
 * proposal of the DAO — propose → vote → queue → execute — calls `JobRouter.requestJob(clause, jurisdiction,
 * daoNonce, commitment, deadline)` from its timelock. `daoNonce` is the proposal's description hash, unique
 * per decision. Time and blocks advance with the local chain's helpers (as in passProposal).
 */
export async function requestJobThroughGovernance(
  connection: DevConnection,
  parameters: { dao: Dao; network: DeployedNetwork; clause: string; jurisdiction: string; document: InputDocument; inputsDirectory: string; description: string; jobWindowSeconds?: bigint },
): Promise<DaoJobRequest> {
  const { dao, network } = parameters;
  const commitment = canonicalJsonHash(parameters.document);
  const tenantId = tenantIdOf(dao.timelockAddress, parameters.jurisdiction);
  const directory = path.join(parameters.inputsDirectory, tenantId.toLowerCase());
  mkdirSync(directory, { recursive: true });
  const documentFile = path.join(directory, `${commitment.toLowerCase()}.json`);
  writeFileSync(documentFile, canonicalJson(parameters.document));

  const description = `${parameters.description} (input document ${commitment})`;
  const daoNonce = keccak256(toBytes(description));
  const latest = await connection.ethers.provider.getBlock("latest");
  // The proposal's own path (voting blocks, timelock delay) plus the job's window, all in chain time.
  const deadline = BigInt(latest!.timestamp) + dao.settings.timelockDelaySeconds + dao.settings.votingDelayBlocks + dao.settings.votingPeriodBlocks + 64n + (parameters.jobWindowSeconds ?? 3600n);
  const clauseId = clauseIdOf(parameters.clause);
  const router = network.contracts.jobRouter;
  const data = router.interface.encodeFunctionData("requestJob", [clauseId, jurisdictionToBytes3(parameters.jurisdiction), daoNonce, commitment, deadline]) as Hex;
  const proposal = await passProposal(connection, dao, [{ target: network.addresses.jobRouter as Address, data }], description);

  const jobId = jobIdOf(network.chainId, network.addresses.jobRouter, clauseId, daoTriggerNonce(dao.timelockAddress, daoNonce)).toLowerCase() as Hex;
  const receipt = await connection.ethers.provider.getTransactionReceipt(proposal.transactions.execute);
  const requested = receipt?.logs.map((l) => { try { return router.interface.parseLog(l); } catch { return null; } }).find((l) => l?.name === "JobRequested");
  if (!requested || (requested.args.jobId as string).toLowerCase() !== jobId) {
    throw new NsfError("NSF_DEV_NO_JOB", { shortMessage: "the executed proposal did not create the expected job", details: `expected ${jobId}, execute tx ${proposal.transactions.execute}` });
  }
  return { jobId, tenantId, commitment, documentFile, daoNonce, deadline, proposal };
}
