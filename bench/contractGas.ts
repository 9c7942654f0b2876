/**
 * On-chain gas of the anchor and of consumer-side verification (issue 2's figures).
 *
 *  - anchor_gas_3of5: receipt gasUsed of one anchor transaction for a 1,024-leaf batch signed by 3 of 5
 *    aggregators, steady state (batch 2: the previous batch exists, the aggregator config is set).
 *  - anchor_gas_per_cac_1024: that figure divided by the 1,024 agreed results the batch anchors.
 *  - verify_inclusion_gas_depth10 / verify_execution_gas_depth10_3of5: gas measured with gasleft() around
 *    the call inside a consumer-shaped contract (contracts/bench/VerificationGasProbe.sol): cold anchor and
 *    registry accounts, calldata already paid by the outer transaction.
 *
 * Run: `sh scripts/with-node22.sh tsx bench/contractGas.ts`.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { network } from "hardhat";
import { keccak256, toBytes, type Hex } from "viem";
import type { DevConnection } from "../relayer/devnet/connection.js";
import { anchorScriptedBatch, executorProofs, leafTuple, signCacs, type ScriptedResult } from "../relayer/devnet/scriptedPipeline.js";
import { OutputStatus } from "../relayer/core/formats/enums.js";
import { encodeClauseOutput, outputHashOf } from "../relayer/core/formats/output.js";
import { chainTime, clauseFixture, KEN } from "../test/helpers/fixtures.js";
import type { VerificationGasProbe } from "../typechain-types/index.js";

export type BenchSection = { metrics: Record<string, number>; units: Record<string, string>; notes: Record<string, string> };

const LEAVES = 1024;
const FIXED_START_SECONDS = 2_000_000_000n;

function fillerResult(seed: string, resultSeq: bigint, clauseId: Hex, tenantId: Hex): ScriptedResult {
  const h = (label: string) => keccak256(toBytes(`${seed}/${label}/${resultSeq}`));
  const output = encodeClauseOutput({ status: OutputStatus.NoAction, action: "", amounts: [0n] });
  return {
    leaf: { jobId: h("job"), resultSeq, clauseId, tenantId, inputHash: h("in"), outputHash: outputHashOf(output), cacSetHash: h("cacs") },
    output,
    decodedOutput: { status: 0, action: "", amounts: [0n] },
    inputHash: h("in"),
    cacs: [],
  };
}

function calldataGas(data: string): { zero: number; nonZero: number; gas: number } {
  const bytes = Buffer.from(data.slice(2), "hex");
  const zero = bytes.filter((b) => b === 0).length;
  const nonZero = bytes.length - zero;
  return { zero, nonZero, gas: zero * 4 + nonZero * 16 };
}

export async function runContractGasBench(): Promise<BenchSection> {
  const connection = (await network.create()) as unknown as DevConnection;
  try {
    // A fixed far-future start makes every block timestamp (and so every signature and calldata byte)
    // independent of the wall clock: the figures are reproducible to the gas unit.
    await connection.networkHelpers.time.increaseTo(FIXED_START_SECONDS);
    const f = await clauseFixture(connection);
    const { network: net, roles, actors } = f;

    await (await f.feed.updateAnswer(1875n)).wait();
    const receipt = await (await net.contracts.jobRouter.fireSensorTrigger(f.sensorTriggerId)).wait();
    const requested = receipt!.logs.map((l) => net.contracts.jobRouter.interface.parseLog(l)).find((l) => l?.name === "JobRequested")!;
    const jobId = requested.args.jobId as Hex;

    const realSeq = 1500n; // inside batch 2, the steady-state batch we measure
    const real = await signCacs(
      net,
      { clauseId: f.clauseId, clauseVersion: f.clauseVersion, codeHash: (await net.contracts.clauseRegistry.getClause(f.clauseId)).codeHash as Hex, configDigest: f.configDigest },
      { jobId, tenantId: f.tenantId, inputBundle: { schema: "nsf.inputs/1", job_id: jobId, values: { rainfall_72h_mm_x10: "1875" } }, resultSeq: realSeq },
      f.nodes.slice(0, 3),
      { status: OutputStatus.Triggered, action: "Payout:FloodRelief", amounts: [60_000n * 10n ** 6n] },
      await chainTime(connection),
    );

    const batch = (first: bigint) =>
      Array.from({ length: LEAVES }, (_, i) => {
        const seq = first + BigInt(i);
        return seq === realSeq ? real : fillerResult("bench", seq, f.clauseId, f.tenantId);
      });
    // A realistic Arweave locator: 32 random-looking bytes, as a base64url-decoded tx id is.
    const arweaveTxId = (n: number) => keccak256(toBytes(`arweave-tx-${n}`));
    const first = await anchorScriptedBatch(net, roles, actors.submitter, { batchSeq: 1n, results: batch(1n), arweaveTxId: arweaveTxId(1) });
    const second = await anchorScriptedBatch(net, roles, actors.submitter, { batchSeq: 2n, results: batch(1025n), arweaveTxId: arweaveTxId(2) });
    const anchorTx = await connection.ethers.provider.getTransaction(second.txHash);
    const calldata = calldataGas(anchorTx!.data);

    const probe = (await connection.ethers.deployContract("VerificationGasProbe")) as unknown as VerificationGasProbe;
    const batchRef = { batchSeq: 2n, root: second.header.root, lastSeq: second.header.lastSeq };
    const proof = second.proofs.get(jobId)!;
    const inclusionGas = await probe.measureInclusion.staticCall(net.addresses.rollupAnchor, batchRef, leafTuple(real.leaf), proof);
    const executionGas = await probe.measureExecution.staticCall(
      net.addresses.rollupAnchor,
      batchRef,
      leafTuple(real.leaf),
      proof,
      { clauseVersion: f.clauseVersion, codeHash: real.cacs[0]!.cac.codeHash, configDigest: f.configDigest },
      executorProofs(real),
      { minExecutors: 3, jurisdiction: KEN },
    );

    return {
      metrics: {
        anchor_gas_3of5: Number(second.gasUsed),
        anchor_gas_3of5_first_batch: Number(first.gasUsed),
        anchor_gas_per_cac_1024: Math.round((Number(second.gasUsed) / LEAVES) * 100) / 100,
        anchor_calldata_gas: calldata.gas,
        verify_inclusion_gas_depth10: Number(inclusionGas),
        verify_execution_gas_depth10_3of5: Number(executionGas),
      },
      units: {
        anchor_gas_3of5: "gas",
        anchor_gas_3of5_first_batch: "gas",
        anchor_gas_per_cac_1024: "gas per anchored result",
        anchor_calldata_gas: "gas",
        verify_inclusion_gas_depth10: "gas",
        verify_execution_gas_depth10_3of5: "gas",
      },
      notes: {
        anchor: `batch 2 of 1,024 leaves (tree depth 10), 3-of-5 aggregator signatures, non-zero Arweave locator; calldata ${anchorTx!.data.length / 2 - 1} bytes (${calldata.nonZero} non-zero)`,
        hardfork: String((connection as unknown as { networkConfig: { hardfork?: string } }).networkConfig.hardfork ?? "default"),
        proof_depth: String(proof.length),
      },
    };
  } finally {
    await connection.close();
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  console.log(JSON.stringify(await runContractGasBench(), null, 2));
}
