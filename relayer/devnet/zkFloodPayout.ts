import type { Address, Hex } from "viem";
import type { DevStablecoin, ZkParametricPayout } from "../../typechain-types/index.js";
import type { BatchBundle } from "../core/batching/batchBundle.js";
import { cacFromJson } from "../core/cac/cacJson.js";
import { NsfError } from "../core/errors/NsfError.js";
import { clauseIdOf } from "../core/formats/clauseRef.js";
import { ExecutionModel, PolicyFlag, PriorityClass } from "../core/formats/enums.js";
import { jurisdictionToBytes3 } from "../core/formats/ids.js";
import { actionToBytes32, decodeClauseOutput } from "../core/formats/output.js";
import type { InputBundle } from "../core/scheduling/inputBundle.js";
import { toSolidityProof } from "../core/zk/zkProofEnvelope.js";
import { publicSignalsToArray } from "../core/zk/zkPublicSignals.js";
import { loadBuiltClause } from "../executor/clauseStore/loadBuiltClause.js";
import type { Relayer } from "../relayer/createRelayer.js";
import { loadZkCircuit } from "../zk/loadZkCircuit.js";
import { poseidonCommitment } from "../zk/poseidonCommitment.js";
import { createZkCacVerifier } from "../zk/verifyZkCac.js";
import { ZK_CIRCUITS } from "../zk/zkCircuits.js";
import { buildClauseSpec } from "./clauseSpec.js";
import type { DevConnection } from "./connection.js";
import { passProposal } from "./dao.js";
import { revertName } from "./provePayout.js";
import type { Progress } from "./progress.js";
import { exampleClauseDir, FLOOD, short, type DevNetwork } from "./setUpDevNetwork.js";
import { requestJobThroughGovernance } from "./triggers.js";
import { waitForAnchors } from "./waitForAnchors.js";

/** The zk flood clause version `nsf dev` registers: the flood decision, private reading, 2-of-3 in-country (KEN). */
export const ZK_FLOOD = { id: ZK_CIRCUITS.flood_payout.clauseId, circuit: "flood_payout", twin: "flood-payout", jurisdiction: "KEN", quorumK: 2, quorumN: 3 } as const;

/** What the executor nodes need to serve the zk version (node config `zkClauses`). */
export const ZK_NODE_CLAUSES = [{ circuit: ZK_FLOOD.circuit, twin: exampleClauseDir(ZK_FLOOD.twin) }] as const;

export type ZkFloodOutcome = {
  clause: string;
  jobId: Hex;
  batchSeq: string;
  resultSeq: string;
  requestProposalId: string;
  requestTx: Hex;
  registerProposal: { proposalId: string; executeTx: Hex };
  verifier: Address;
  consumer: Address;
  commitment: string;
  proofsVerifiedOffChain: number;
  output: { status: number; action: string; amounts: string[] };
  claimTx: Hex;
  claimGas: string;
  paid: string;
  secondClaim: string;
};

/**
 * `nsf dev`'s zk step (issue 9, ADR 0016 close-out), end to end on the running network: the Groth16 verifier is
 * deployed; a ReliefDAO proposal registers the zk flood version (the WASM twin's code hash, execution model Zk) and
 * binds its circuit; a second proposal requests a job with a private reading; the relayer salts the bundle, the
 * in-country nodes run the WASM clause and prove the run, the relayer verifies each proof before counting it, the
 * co-signers again before signing, and the batch is anchored with the bundle withholding the inputs. Then every
 * anchored CAC's proof is verified off-chain, the tenant's input attester (here the DAO's data desk, a dev key)
 * checks the commitment against the reading it holds and records it, and `ZkParametricPayout.claimWithProof` pays
 * on the proof alone — once.
 */
export async function runZkFloodPayout(
  connection: DevConnection,
  parameters: { dev: DevNetwork; relayer: Relayer; inputsDirectory: string; progress: Progress; signal: AbortSignal; timeoutMs: number },
): Promise<ZkFloodOutcome> {
  const { dev, relayer, progress } = parameters;
  const { network, daos, accounts } = dev;
  const circuit = loadZkCircuit(ZK_FLOOD.circuit);
  const verifierContract = await connection.ethers.deployContract(ZK_CIRCUITS.flood_payout.verifierContract, [], accounts.deployer);
  await verifierContract.waitForDeployment();
  const verifier = (await verifierContract.getAddress()) as Address;

  const twin = await loadBuiltClause(exampleClauseDir(ZK_FLOOD.twin));
  const clauseId = clauseIdOf(ZK_FLOOD.id);
  const spec = buildClauseSpec(ZK_FLOOD.id, twin.manifest.codeHash as Hex, {
    jurisdictions: [ZK_FLOOD.jurisdiction],
    quorumK: ZK_FLOOD.quorumK,
    quorumN: ZK_FLOOD.quorumN,
    model: ExecutionModel.Zk,
    policyFlags: PolicyFlag.InCountry,
    priority: PriorityClass.Disaster,
  });
  const registry = network.contracts.clauseRegistry;
  const binding = { circuitHash: circuit.manifest.circuit_hash, vkeyHash: circuit.manifest.vkey_hash, verifier };
  const registered = await passProposal(
    connection,
    daos.relief,
    [
      { target: network.addresses.clauseRegistry as Address, data: registry.interface.encodeFunctionData("registerClause", [spec]) as Hex },
      { target: network.addresses.clauseRegistry as Address, data: registry.interface.encodeFunctionData("setZkBinding", [clauseId, binding]) as Hex },
    ],
    `Register ${ZK_FLOOD.id} (zk, 2-of-3 in-country KEN) and bind circuit ${circuit.manifest.circuit_hash}`,
  );
  progress.detail(`verifier ${verifier}; proposal ${short(registered.proposalId.toString())} executed (tx ${registered.transactions.execute}): ${ZK_FLOOD.id} bound to circuit ${short(circuit.manifest.circuit_hash)}`);

  const document = { schema: "nsf.input-document/1" as const, values: { rainfall_72h_mm_x10: "2630", insured_households: "800" }, memo: "Tana River gauge, 72 h to 06:00 (private reading)" };
  const job = await requestJobThroughGovernance(connection, {
    dao: daos.relief,
    network,
    clause: ZK_FLOOD.id,
    jurisdiction: ZK_FLOOD.jurisdiction,
    document,
    inputsDirectory: parameters.inputsDirectory,
    description: `Assess ${ZK_FLOOD.id} for KEN`,
  });
  progress.detail(`job ${job.jobId} (proposal ${short(job.proposal.proposalId.toString())}); waiting for proofs, agreement and the anchor`);
  const [anchored] = await waitForAnchors({
    jobs: relayer.jobs,
    batches: relayer.batches,
    watch: [{ jobId: job.jobId, label: "flood (zk)" }],
    progress,
    signal: parameters.signal,
    timeoutMs: parameters.timeoutMs,
  });
  const bundle = JSON.parse(relayer.batches.bundleJson(anchored!.batchSeq)!) as BatchBundle;
  const result = bundle.results.find((r) => r.job_id === job.jobId)!;
  if (result.input_bundle !== null) throw failure("the anchored zk result publishes its input bundle");

  // Off-chain: every anchored CAC's proof, as a co-signer or `nsf verify` checks it.
  const verify = createZkCacVerifier({ circuits: [circuit] });
  const parsed = result.cacs.map((c) => cacFromJson(c.cac));
  for (const p of parsed) await verify(p, { model: ExecutionModel.Zk, zkBinding: binding });
  const proven = parsed[0]!.zk!;
  progress.detail(`${parsed.length} CACs anchored in batch ${anchored!.batchSeq}, each with a Groth16 proof that verifies off-chain; no input in the bundle`);

  // The input attester: recomputes the commitment from the reading and salt it holds (the relayer's resolved bundle).
  const held = relayer.jobs.getJob(job.jobId)?.inputBundle as InputBundle | undefined;
  if (!held?.salt) throw failure("the relayer holds no salted bundle for the zk job");
  const commitment = await poseidonCommitment([BigInt(held.values.rainfall_72h_mm_x10!), BigInt(held.values.insured_households!), BigInt(held.salt)]);
  if (commitment !== proven.publicSignals.input_commitment) throw failure(`the proof commits to ${proven.publicSignals.input_commitment}, the reading to ${commitment}`);

  const attester = accounts.spare[2] ?? accounts.deployer;
  const beneficiary = (await accounts.beneficiary.getAddress()) as Address;
  const maxPayout = 1_000_000n * 10n ** 6n;
  const stablecoin = dev.stablecoin as DevStablecoin;
  const payout = (await connection.ethers.deployContract(
    "ZkParametricPayout",
    [
      network.addresses.rollupAnchor,
      await stablecoin.getAddress(),
      network.addresses.clauseRegistry,
      clauseId,
      daos.relief.timelockAddress,
      jurisdictionToBytes3(ZK_FLOOD.jurisdiction),
      beneficiary,
      actionToBytes32("Payout:FloodRelief"),
      maxPayout,
      true,
      await attester.getAddress(),
    ],
    accounts.deployer,
  )) as unknown as ZkParametricPayout;
  await payout.waitForDeployment();
  const consumer = (await payout.getAddress()) as Address;
  await (await stablecoin.mint(consumer, maxPayout)).wait();
  await (await payout.connect(attester).attestInputCommitment(job.jobId, commitment)).wait();

  const s = toSolidityProof(proven.proof);
  const signals = publicSignalsToArray(proven.publicSignals);
  const claimant = payout.connect(accounts.spare[1] ?? accounts.deployer);
  const before = await stablecoin.balanceOf(beneficiary);
  const receipt = (await (await claimant.claimWithProof(job.jobId, { a: s.a, b: s.b, c: s.c }, signals)).wait())!;
  const paid = (await stablecoin.balanceOf(beneficiary)) - before;
  let secondClaim = "accepted";
  try {
    await claimant.claimWithProof.staticCall(job.jobId, { a: s.a, b: s.b, c: s.c }, signals);
  } catch (error) {
    secondClaim = revertName(error, payout) ?? "reverted";
  }
  const output = decodeClauseOutput(result.output as Hex);
  if (paid !== output.amounts[0] || secondClaim !== "ParametricPayoutAlreadyPaid") {
    throw failure(`paid ${paid} (the agreed output says ${output.amounts[0]}), second claim: ${secondClaim}`);
  }
  return {
    clause: ZK_FLOOD.id,
    jobId: job.jobId,
    batchSeq: anchored!.batchSeq.toString(),
    resultSeq: anchored!.resultSeq.toString(),
    requestProposalId: job.proposal.proposalId.toString(),
    requestTx: job.proposal.transactions.execute,
    registerProposal: { proposalId: registered.proposalId.toString(), executeTx: registered.transactions.execute },
    verifier,
    consumer,
    commitment: commitment.toString(),
    proofsVerifiedOffChain: parsed.length,
    output: { status: output.status, action: output.action, amounts: output.amounts.map(String) },
    claimTx: receipt.hash as Hex,
    claimGas: receipt.gasUsed.toString(),
    paid: paid.toString(),
    secondClaim,
  };
}

const failure = (details: string) => new NsfError("NSF_DEV_ZK_FAILED", { shortMessage: "the zk flood step did not complete as expected", details });
