import { randomBytes } from "node:crypto";
import type { Signer } from "ethers";
import { bytesToBigInt, keccak256, stringToHex, type Address, type Hex } from "viem";
import type { DevStablecoin, ZkParametricPayout } from "../../typechain-types/index.js";
import { clauseIdOf } from "../core/formats/clauseRef.js";
import { ExecutionModel } from "../core/formats/enums.js";
import { jurisdictionToBytes3 } from "../core/formats/ids.js";
import { actionToBytes32, encodeClauseOutput } from "../core/formats/output.js";
import { checkZkBindings, zkClauseOutput } from "../core/zk/zkOutput.js";
import { toSolidityProof } from "../core/zk/zkProofEnvelope.js";
import { publicSignalsToArray, SNARK_SCALAR_FIELD } from "../core/zk/zkPublicSignals.js";
import { loadBuiltClause } from "../executor/clauseStore/loadBuiltClause.js";
import { loadZkCircuit } from "../zk/loadZkCircuit.js";
import { poseidonCommitment } from "../zk/poseidonCommitment.js";
import { proveZkClause } from "../zk/proveZkClause.js";
import { verifyZkProof } from "../zk/verifyZkProof.js";
import { buildClauseSpec } from "./clauseSpec.js";
import type { DevConnection } from "./connection.js";
import { passProposal, type Dao, type PassedProposal } from "./dao.js";
import type { DeployedNetwork } from "./deployNetwork.js";
import { exampleClauseDir } from "./setUpDevNetwork.js";

export const ZK_FLOOD = { id: "UNDRR::Disaster::FloodPayoutZk@1.0.0", jurisdiction: "KEN", rainfallTenthsMm: 1875n, insuredHouseholds: 1200n } as const;

export type ZkPayoutOutcome = {
  clauseId: Hex;
  proposal: PassedProposal;
  verifier: Address;
  consumer: Address;
  jobId: Hex;
  commitment: bigint;
  proveMs: number;
  claimTx: Hex;
  claimGas: bigint;
  paid: bigint;
  secondClaim: string;
};

/**
 * One zk clause end to end on the dev network (docs/ZK.md): ReliefDAO registers the zk flood clause version and
 * binds its circuit, key and verifier through one real proposal; a ZkParametricPayout consumer is deployed and
 * funded; the sensor operator attests the salted Poseidon commitment of its private reading; the proof is made
 * (snarkjs, committed development keys), verified off-chain against the registered circuit and the expected
 * output, then on-chain through the consumer, which pays once.
 *
 * The job id is derived as a DAO trigger's would be but is not requested through JobRouter: proving inside the
 * executor nodes (and so the relayer path for zk clauses) is not built yet (ADR 0016).
 */
export async function runZkFloodPayout(
  connection: DevConnection,
  parameters: { network: DeployedNetwork; relief: Dao; stablecoin: DevStablecoin; beneficiary: Signer; attester: Signer; claimant: Signer },
): Promise<ZkPayoutOutcome> {
  const { network, stablecoin } = parameters;
  const circuit = loadZkCircuit("flood_payout");
  // The zk version shares the WASM flood clause's code (its code hash): the same clause in both backends.
  const floodBuild = await loadBuiltClause(exampleClauseDir("flood-payout"));
  const verifierContract = await connection.ethers.deployContract("FloodPayoutVerifier");
  const verifier = (await verifierContract.getAddress()) as Address;

  const registry = network.contracts.clauseRegistry;
  const clauseId = clauseIdOf(ZK_FLOOD.id);
  const spec = buildClauseSpec(ZK_FLOOD.id, floodBuild.manifest.codeHash as Hex, { jurisdictions: [ZK_FLOOD.jurisdiction], quorumK: 1, quorumN: 1, model: ExecutionModel.Zk });
  const binding = { circuitHash: circuit.manifest.circuit_hash, vkeyHash: circuit.manifest.vkey_hash, verifier };
  const proposal = await passProposal(
    connection,
    parameters.relief,
    [
      { target: network.addresses.clauseRegistry, data: registry.interface.encodeFunctionData("registerClause", [spec]) as Hex },
      { target: network.addresses.clauseRegistry, data: registry.interface.encodeFunctionData("setZkBinding", [clauseId, binding]) as Hex },
    ],
    `Register ${ZK_FLOOD.id} (zk: Groth16 circuit ${circuit.manifest.circuit_hash}) and bind its verifier`,
  );

  const attesterAddress = (await parameters.attester.getAddress()) as Address;
  const beneficiary = (await parameters.beneficiary.getAddress()) as Address;
  const maxPayout = 1_000_000n * 10n ** 6n;
  const payout = (await connection.ethers.deployContract("ZkParametricPayout", [
    network.addresses.rollupAnchor,
    await stablecoin.getAddress(),
    network.addresses.clauseRegistry,
    clauseId,
    parameters.relief.timelockAddress,
    jurisdictionToBytes3(ZK_FLOOD.jurisdiction),
    beneficiary,
    actionToBytes32("Payout:FloodRelief"),
    maxPayout,
    true,
    attesterAddress,
  ])) as unknown as ZkParametricPayout;
  const consumer = (await payout.getAddress()) as Address;
  await (await stablecoin.mint(consumer, maxPayout)).wait();

  // The sensor operator keeps reading and salt private and publishes only the commitment for the job.
  const jobId = keccak256(stringToHex(`nsf dev zk flood ${Date.now()}`));
  const salt = bytesToBigInt(randomBytes(31)) % SNARK_SCALAR_FIELD;
  const inputs = { rainfall_72h_mm_x10: ZK_FLOOD.rainfallTenthsMm, insured_households: ZK_FLOOD.insuredHouseholds, salt };
  const commitment = await poseidonCommitment([inputs.rainfall_72h_mm_x10, inputs.insured_households, salt]);
  await (await payout.connect(parameters.attester).attestInputCommitment(jobId, commitment)).wait();

  const started = process.hrtime.bigint();
  const proof = await proveZkClause(circuit, { inputs, clauseIdHash: clauseId, jobId });
  const proveMs = Number(process.hrtime.bigint() - started) / 1e6;
  // Off-chain first, as a relayer would: the registered circuit, the pairing, then what the proof is about.
  const registered = await registry.getZkBinding(clauseId);
  if (registered.circuitHash !== circuit.manifest.circuit_hash || registered.vkeyHash !== circuit.manifest.vkey_hash) {
    throw new Error("the registry's zk binding is not the committed circuit");
  }
  await verifyZkProof(circuit, proof);
  const expectedOutput = encodeClauseOutput(zkClauseOutput(proof.publicSignals, circuit.spec.actions));
  checkZkBindings(proof.publicSignals, { clauseIdHash: clauseId, jobId, output: expectedOutput, actions: circuit.spec.actions });

  const s = toSolidityProof(proof.proof);
  const args = [jobId, { a: s.a, b: s.b, c: s.c }, publicSignalsToArray(proof.publicSignals)] as const;
  const claimant = payout.connect(parameters.claimant);
  const before = await stablecoin.balanceOf(beneficiary);
  const receipt = (await (await claimant.claimWithProof(...args)).wait())!;
  const paid = (await stablecoin.balanceOf(beneficiary)) - before;
  let secondClaim = "accepted";
  try {
    await claimant.claimWithProof.staticCall(...args);
  } catch (error) {
    const e = error as { revert?: { name?: string }; data?: string };
    secondClaim = e.revert?.name ?? (typeof e.data === "string" ? (payout.interface.parseError(e.data)?.name ?? "reverted") : "reverted");
  }
  return { clauseId, proposal, verifier, consumer, jobId, commitment, proveMs, claimTx: receipt.hash as Hex, claimGas: receipt.gasUsed, paid, secondClaim };
}
