import type { Signer } from "ethers";
import { concat, type Address, type Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { actionToBytes32, type ClauseOutput } from "../../relayer/core/formats/output.js";
import { batchHeaderTypedData, verdictTypedData, type AttestationVerdict, type BatchHeader } from "../../relayer/core/formats/eip712.js";
import { OutputStatus, TeeType } from "../../relayer/core/formats/enums.js";
import { jurisdictionToBytes3 } from "../../relayer/core/formats/ids.js";
import { assembleQuorumProof, type QuorumProof } from "../../relayer/core/quorum/quorumProof.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { SIMULATED_DEV_MEASUREMENT } from "../../relayer/devnet/nodes.js";
import { anchorScriptedBatch, signCacs, type AnchoredBatch, type ScriptedResult } from "../../relayer/devnet/scriptedPipeline.js";
import type { DevStablecoin, ParametricPayout } from "../../typechain-types/index.js";
import type { QuorumVerifier } from "../../typechain-types/contracts/NodeRegistry.js";
import { chainTime, clauseFixture, FLOOD_CODE_HASH, KEN, ZERO32, type ClauseFixture } from "./fixtures.js";

// Helpers and the anchored fixture for the contract tests in test/contracts/ (NodeRegistry, JobRouter,
// RollupAnchor, ParametricPayout). Kept beside fixtures.ts rather than inside it so concurrent edits
// to the shared fixture file never collide.

export const FLOOD_ACTION = "Payout:FloodRelief";
/** 1,200 households × 50 DEVUSD (6 decimals): what the flood clause pays at tier 1. */
export const PAYOUT_AMOUNT = 1_200n * 50_000_000n;
export const MAX_PAYOUT = 1_000_000n * 10n ** 6n;

export const triggeredOutput = (amount = PAYOUT_AMOUNT): ClauseOutput => ({ status: OutputStatus.Triggered, action: FLOOD_ACTION, amounts: [amount] });
export const noActionOutput: ClauseOutput = { status: OutputStatus.NoAction, action: "", amounts: [0n] };

/** Signs `verdict` with `validators` (default: the first `threshold` validators) and lays out the proof. */
export async function signVerdict(
  f: ClauseFixture,
  verdict: AttestationVerdict,
  options: { validators?: PrivateKeyAccount[]; configSigners?: Address[]; configVersion?: bigint; threshold?: number } = {},
): Promise<QuorumProof> {
  const { roles, network } = f;
  const validators = options.validators ?? roles.validators.slice(0, roles.validatorThreshold);
  const [, currentVersion] = await network.contracts.nodeRegistry.validatorConfig();
  const typed = verdictTypedData({ chainId: network.chainId, address: network.addresses.nodeRegistry }, verdict);
  const signatures = new Map<Address, Hex>();
  for (const v of validators) signatures.set(v.address, await v.signTypedData(typed));
  return assembleQuorumProof({
    configVersion: options.configVersion ?? currentVersion,
    threshold: options.threshold ?? validators.length,
    signers: options.configSigners ?? roles.validators.map((v) => v.address),
    signatures,
  });
}

/** A valid verdict for a fresh simulated enclave operated by `operator`, attested now. */
export async function makeVerdict(
  f: ClauseFixture,
  enclave: Address,
  operator: Signer,
  overrides: Partial<AttestationVerdict> = {},
): Promise<AttestationVerdict> {
  const now = await chainTime(f.connection);
  const [configDigest] = await f.network.contracts.nodeRegistry.validatorConfig();
  return {
    enclaveKey: enclave,
    operator: (await operator.getAddress()) as Address,
    teeType: TeeType.Simulated,
    measurement: SIMULATED_DEV_MEASUREMENT,
    jurisdiction: KEN,
    sovereign: false,
    debug: false,
    attestationId: `0x${"5a".repeat(32)}`,
    attestedAt: now,
    validUntil: now + 24n * 3600n,
    configDigest: configDigest as Hex,
    ...overrides,
  };
}

/** A quorum proof by its parts, before it is laid out for calldata. */
export type ProofParts = { configVersion: bigint; threshold: number; signerBitmap: bigint; nonSigners: Address[]; signatures: Hex[] };

/** Lays `parts` out as `QuorumVerifier.Proof`: one `packed` blob, non-signer addresses then signatures (FORMATS.md §3). */
export function layoutProof(parts: ProofParts): QuorumVerifier.ProofStruct {
  return {
    configVersion: parts.configVersion,
    threshold: parts.threshold,
    signerBitmap: parts.signerBitmap,
    packed: concat([...parts.nonSigners, ...parts.signatures]),
  };
}

/** The calldata header `anchor` and `batchHeaderDigest` take; the rest of the signed header is derived on-chain. */
export function headerArg(h: Pick<BatchHeader, "batchSeq" | "lastSeq" | "root" | "bundleHash">) {
  return { batchSeq: h.batchSeq, lastSeq: h.lastSeq, root: h.root, bundleHash: h.bundleHash };
}

export type HeaderFields = {
  batchSeq: bigint;
  lastSeq: bigint;
  root: Hex;
  bundleHash?: Hex;
  /** Default: the previous batch's lastSeq + 1, as the contract derives it. */
  firstSeq?: bigint;
  /** Default: the stored commitment of batch `batchSeq - 1` (zero when missing). */
  prevCommitment?: Hex;
};

/**
 * The full signed header for `anchorAddress` under its current aggregator config and chain state, signed
 * by `signers` (default: the first `threshold` aggregators); signatures are returned unordered, by signer.
 * `firstSeq` / `prevCommitment` may be overridden to sign a header over some other chain state.
 */
export async function signHeaderRaw(
  f: ClauseFixture,
  fields: HeaderFields,
  options: { anchorAddress?: Address; signers?: PrivateKeyAccount[] } = {},
): Promise<{ header: BatchHeader; signatures: Map<Address, Hex>; configVersion: bigint; threshold: number }> {
  const anchorAddress = options.anchorAddress ?? f.network.addresses.rollupAnchor;
  const anchor = f.network.contracts.rollupAnchor.attach(anchorAddress) as typeof f.network.contracts.rollupAnchor;
  const [configDigest, configVersion, threshold] = await anchor.config();
  const stored = fields.batchSeq === 0n ? ZERO32 : ((await anchor.batchCommitment(fields.batchSeq - 1n)) as Hex);
  const prevCommitment = fields.prevCommitment ?? stored;
  const firstSeq = fields.firstSeq ?? (BigInt(stored) >> 192n) + 1n;
  const header: BatchHeader = {
    batchSeq: fields.batchSeq,
    firstSeq,
    lastSeq: fields.lastSeq,
    count: fields.lastSeq - firstSeq + 1n,
    root: fields.root,
    prevCommitment,
    bundleHash: fields.bundleHash ?? (`0x${"b0".repeat(32)}` as Hex),
    configDigest: configDigest as Hex,
  };
  const typed = batchHeaderTypedData({ chainId: f.network.chainId, address: anchorAddress }, header);
  const signers = options.signers ?? f.roles.aggregators.slice(0, Number(threshold));
  const signatures = new Map<Address, Hex>();
  for (const s of signers) signatures.set(s.address, await s.signTypedData(typed));
  return { header, signatures, configVersion, threshold: Number(threshold) };
}

/** `signHeaderRaw` with the proof laid out as the contract expects (exactly `threshold` config aggregators must sign). */
export async function signHeader(
  f: ClauseFixture,
  fields: HeaderFields,
  options: { anchorAddress?: Address; signers?: PrivateKeyAccount[] } = {},
): Promise<{ header: BatchHeader; proof: QuorumProof; signatures: Map<Address, Hex> }> {
  const { header, signatures, configVersion, threshold } = await signHeaderRaw(f, fields, options);
  const proof = assembleQuorumProof({ configVersion, threshold, signers: f.roles.aggregators.map((a) => a.address), signatures });
  return { header, proof, signatures };
}

export type AnchoredFixture = ClauseFixture & {
  clauseCtx: { clauseId: Hex; clauseVersion: number; codeHash: Hex; configDigest: Hex };
  /** Sensor-triggered job, executed by KEN nodes 0..2, triggered output (resultSeq 1). */
  sensorResult: ScriptedResult;
  /** DAO-triggered job, executed by nodes 2..4 (node 4 is in UGA), triggered output (resultSeq 2). */
  mixedResult: ScriptedResult;
  /** DAO-triggered job, executed by KEN nodes 0..2, status 0 "no action" (resultSeq 3). */
  noActionResult: ScriptedResult;
  batch1: AnchoredBatch;
  stablecoin: DevStablecoin;
  payout: ParametricPayout;
  payoutAddress: Address;
  beneficiaryAddress: Address;
};

/**
 * clauseFixture + the demo's flow: the feed crosses the threshold and the upkeep creates a job, three
 * KEN executors sign CACs, batch 1 (three results) is anchored by 3 of 5 aggregators, and a funded
 * ParametricPayout (in-country executors required) pays ReliefDAO's beneficiary.
 */
export async function anchoredFixture(connection: DevConnection): Promise<AnchoredFixture> {
  const f = await clauseFixture(connection);
  const { network, roles, actors, reliefTimelock, nodes } = f;
  const router = network.contracts.jobRouter;
  const feedAddress = (await f.feed.getAddress()) as Address;

  await (await f.feed.updateAnswer(1875n)).wait();
  const checkData = connection.ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [f.sensorTriggerId]);
  const receipt = await (await router.performUpkeep(checkData)).wait();
  const fired = receipt!.logs.map((l) => router.interface.parseLog(l)).find((l) => l?.name === "SensorTriggerFired")!;
  const sensorJobId = fired.args.jobId as Hex;

  const now = await chainTime(connection);
  const daoJob = async (nonce: Hex): Promise<Hex> => {
    const rcpt = await (await router.connect(reliefTimelock).requestJob(f.clauseId, KEN, nonce, `0x${"c0".repeat(32)}`, now + 3600n)).wait();
    return router.interface.parseLog(rcpt!.logs.find((l) => router.interface.parseLog(l)?.name === "JobRequested")!)!.args.jobId as Hex;
  };
  const mixedJobId = await daoJob(`0x${"01".repeat(32)}`);
  const noActionJobId = await daoJob(`0x${"02".repeat(32)}`);

  const clauseCtx = { clauseId: f.clauseId, clauseVersion: f.clauseVersion, codeHash: FLOOD_CODE_HASH, configDigest: f.configDigest };
  const execTime = await chainTime(connection);
  const inputs = (jobId: Hex) => ({ schema: "nsf.inputs/1", job_id: jobId, trigger: { type: "sensor", feed: feedAddress }, values: { insured_households: "1200" } });
  const sensorResult = await signCacs(network, clauseCtx, { jobId: sensorJobId, tenantId: f.tenantId, inputBundle: inputs(sensorJobId), resultSeq: 1n }, nodes.slice(0, 3), triggeredOutput(), execTime);
  const mixedResult = await signCacs(network, clauseCtx, { jobId: mixedJobId, tenantId: f.tenantId, inputBundle: inputs(mixedJobId), resultSeq: 2n }, nodes.slice(2, 5), triggeredOutput(), execTime);
  const noActionResult = await signCacs(network, clauseCtx, { jobId: noActionJobId, tenantId: f.tenantId, inputBundle: inputs(noActionJobId), resultSeq: 3n }, nodes.slice(0, 3), noActionOutput, execTime);
  const batch1 = await anchorScriptedBatch(network, roles, actors.submitter, { batchSeq: 1n, results: [sensorResult, mixedResult, noActionResult] });

  const stablecoin = (await connection.ethers.deployContract("DevStablecoin")) as unknown as DevStablecoin;
  const beneficiaryAddress = (await actors.beneficiary.getAddress()) as Address;
  const payout = await deployPayout(f, stablecoin, {});
  const payoutAddress = (await payout.getAddress()) as Address;
  await (await stablecoin.mint(payoutAddress, MAX_PAYOUT)).wait();
  return { ...f, clauseCtx, sensorResult, mixedResult, noActionResult, batch1, stablecoin, payout, payoutAddress, beneficiaryAddress };
}

/** Deploys a ParametricPayout for the flood clause; defaults: ReliefDAO in KEN, the beneficiary actor, in-country required. */
export async function deployPayout(
  f: ClauseFixture,
  stablecoin: DevStablecoin,
  options: { dao?: Address; jurisdiction?: string; beneficiary?: Address; maxPayout?: bigint; requireInCountry?: boolean },
): Promise<ParametricPayout> {
  return (await f.connection.ethers.deployContract("ParametricPayout", [
    f.network.addresses.rollupAnchor,
    await stablecoin.getAddress(),
    f.network.addresses.clauseRegistry,
    f.clauseId,
    options.dao ?? f.relief.timelockAddress,
    jurisdictionToBytes3(options.jurisdiction ?? "KEN"),
    options.beneficiary ?? ((await f.actors.beneficiary.getAddress()) as Address),
    actionToBytes32(FLOOD_ACTION),
    options.maxPayout ?? MAX_PAYOUT,
    options.requireInCountry ?? true,
  ])) as unknown as ParametricPayout;
}

/** The BatchRef consumers name for batch 1. */
export const batchRef = (b: AnchoredBatch) => ({ batchSeq: b.header.batchSeq, root: b.header.root, lastSeq: b.header.lastSeq });
