/**
 * The README's main command (`npm start`) until the relayer exists: one scripted run of the whole
 * lifecycle against a separately started local Hardhat node. Every contract call, signature and hash
 * is real; what is scripted is the orchestration the relayer will take over (issue 4) and the clause
 * computation that the executor's WASM runtime will take over (issue 3).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { formatUnits, type Signer } from "ethers";
import hre from "hardhat";
import type { Address, Hex } from "viem";
import DevAssetsModule from "../ignition/modules/DevAssets.js";
import ParametricPayoutModule from "../ignition/modules/ParametricPayout.js";
import { NsfError } from "../relayer/core/errors/NsfError.js";
import { actionToBytes32 } from "../relayer/core/formats/output.js";
import { clauseIdOf, packClauseVersion, parseClauseId } from "../relayer/core/formats/clauseRef.js";
import { ExecutionModel, PriorityClass, TriggerType } from "../relayer/core/formats/enums.js";
import { jurisdictionToBytes3, sensorInputCommitment, tenantIdOf } from "../relayer/core/formats/ids.js";
import { bootstrapNetwork, devNetworkRoles, handOverAdmin } from "../relayer/devnet/bootstrapNetwork.js";
import type { DevConnection } from "../relayer/devnet/connection.js";
import { deployDao, passProposal } from "../relayer/devnet/dao.js";
import { deployNetwork } from "../relayer/devnet/deployNetwork.js";
import { devAccounts } from "../relayer/devnet/devKeys.js";
import { startLocalNode } from "../relayer/devnet/localNode.js";
import { registerDevNode, SIMULATED_DEV_MEASUREMENT } from "../relayer/devnet/nodes.js";
import { anchorScriptedBatch, executorProofs, leafTuple, signCacs } from "../relayer/devnet/scriptedPipeline.js";
import { floodPayout, FLOOD_CLAUSE } from "../relayer/devnet/exampleClauses.js";
import type { DevPriceFeed, DevStablecoin, ParametricPayout } from "../typechain-types/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOTAL_STEPS = 10;
/** Households the ReliefDAO insured in the flood zone (an input the DAO supplies with the clause). */
const INSURED_HOUSEHOLDS = 1_200n;
let step = 0;
const progress = (text: string) => console.log(`[${++step}/${TOTAL_STEPS}] ${text}`);
const detail = (text: string) => console.log(`       ${text}`);

async function chainTime(connection: DevConnection): Promise<bigint> {
  return BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp);
}

async function main(): Promise<void> {
  progress("Compiling contracts and starting a local Hardhat node");
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const node = await startLocalNode({ cwd: root });
  const stop = async () => node.stop();
  process.once("SIGINT", () => void stop().then(() => process.exit(130)));
  try {
    detail(`node: ${node.url} (pid ${node.process.pid})`);
    // Ignition journals deployments per chain id; each run starts a fresh chain, so start a fresh journal.
    rmSync(path.join(root, "ignition", "deployments", "chain-31337"), { recursive: true, force: true });
    const connection = (await hre.network.create({ network: "localhost", override: { url: node.url } })) as unknown as DevConnection;
    await run(connection);
  } finally {
    await stop();
  }
}

async function run(connection: DevConnection): Promise<void> {
  const { ethers } = connection;
  const signers = await ethers.getSigners();
  const [deployer, kenAuthority, submitter, beneficiary, ...rest] = signers as unknown as [Signer, Signer, Signer, Signer, ...Signer[]];
  const operators = rest.slice(0, 5);
  const reliefVoters = rest.slice(5, 8);
  const networkVoters = rest.slice(8, 10);
  const roles = devNetworkRoles();
  const summary: Record<string, unknown> = {};

  progress("Deploying the network with Ignition");
  const network = await deployNetwork(connection);
  for (const [name, address] of Object.entries(network.addresses)) detail(`${name.padEnd(22)} ${address}`);
  summary.contracts = network.addresses;

  progress("Creating two DAOs (network governance, ReliefDAO) and bootstrapping the network");
  const networkDao = await deployDao(connection, { name: "NetworkDAO", voters: networkVoters });
  const relief = await deployDao(connection, { name: "ReliefDAO", voters: reliefVoters });
  await bootstrapNetwork(network, {
    roles,
    measurements: [SIMULATED_DEV_MEASUREMENT],
    allowSimulatedTee: true,
    authorities: { KEN: kenAuthority },
    tenants: [{ dao: relief.timelockAddress, jurisdiction: "KEN", jobsPerEpoch: 100 }],
  });
  await handOverAdmin(connection, network, networkDao.timelockAddress);
  detail(`ReliefDAO timelock ${relief.timelockAddress} admitted in KEN by its authority; quota 100 jobs/day`);
  detail(`validators 2-of-3, aggregators 3-of-5, simulated TEE allowed (development chain only)`);
  detail(`network admin handed to NetworkDAO timelock ${networkDao.timelockAddress}; deployer renounced`);

  progress("Registering the flood clause and its sensor trigger through a ReliefDAO proposal");
  const devAssets = (await connection.ignition.deploy(DevAssetsModule, {
    parameters: { DevAssets: { decimals: 1n, initialAnswer: 800n } },
    displayUi: false,
  })) as unknown as { feed: DevPriceFeed; stablecoin: DevStablecoin };
  const { feed, stablecoin } = devAssets;
  const feedAddress = (await feed.getAddress()) as Address;
  const ref = parseClauseId(FLOOD_CLAUSE.id);
  const clauseId = clauseIdOf(FLOOD_CLAUSE.id);
  const spec = {
    namespace_: ref.namespace,
    domain: ref.domain,
    name: ref.name,
    major: ref.major,
    minor: ref.minor,
    patch: ref.patch,
    fork: ref.fork,
    parent: `0x${"00".repeat(32)}`,
    codeHash: FLOOD_CLAUSE.codeHash,
    model: ExecutionModel.Quorum,
    quorumK: 3,
    quorumN: 5,
    priority: PriorityClass.Disaster,
    policyFlags: 0,
    validFrom: 0n,
    validUntil: 0n,
    jurisdictions: [jurisdictionToBytes3("KEN")],
  };
  const registry = network.contracts.clauseRegistry;
  const router = network.contracts.jobRouter;
  const proposal = await passProposal(
    connection,
    relief,
    [
      { target: network.addresses.clauseRegistry, data: registry.interface.encodeFunctionData("registerClause", [spec]) as Hex },
      {
        target: network.addresses.jobRouter,
        data: router.interface.encodeFunctionData("registerSensorTrigger", [
          clauseId,
          jurisdictionToBytes3("KEN"),
          feedAddress,
          FLOOD_CLAUSE.thresholdTenthsMm,
          true,
          3600,
          86_400,
          3600,
        ]) as Hex,
      },
    ],
    `Register ${FLOOD_CLAUSE.id} (3-of-5 executors, KEN) and fire it when rainfall reaches ${Number(FLOOD_CLAUSE.thresholdTenthsMm) / 10} mm`,
  );
  const clause = await registry.getClause(clauseId);
  detail(`proposal ${proposal.proposalId.toString().slice(0, 12)}… proposed → voted (3 for) → queued → executed`);
  detail(`clause ${FLOOD_CLAUSE.id}  id ${clauseId}`);
  detail(`owner ${clause.owner} (ReliefDAO timelock), code hash ${clause.codeHash}`);
  summary.clause = { id: FLOOD_CLAUSE.id, clauseId, owner: clause.owner, proposal: proposal.transactions };

  progress("Registering five executor nodes with validator-signed attestation verdicts");
  const enclaves = devAccounts("simulated-enclave", 5);
  const nodes = [];
  const now = await chainTime(connection);
  for (const [i, enclave] of enclaves.entries()) {
    const jurisdiction = i < 4 ? "KEN" : "UGA";
    nodes.push(await registerDevNode(network, roles, { enclave, operator: operators[i]!, jurisdiction, sovereign: i < 2 }, now));
    detail(`node ${enclave.address} ${jurisdiction} operator ${await operators[i]!.getAddress()}`);
  }

  progress("Rainfall feed crosses the threshold: Chainlink-Automation-style upkeep creates the job");
  await (await feed.updateAnswer(1875n)).wait();
  const checkData = ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [0n]);
  const [upkeepNeeded, performData] = await router.checkUpkeep(checkData);
  if (!upkeepNeeded) throw new NsfError("NSF_DEMO_UPKEEP_NOT_NEEDED", { shortMessage: "checkUpkeep said no upkeep is needed after the threshold was crossed" });
  const upkeepReceipt = await (await router.performUpkeep(performData)).wait();
  const requested = upkeepReceipt!.logs.map((l) => router.interface.parseLog(l)).find((l) => l?.name === "JobRequested")!;
  const fired = upkeepReceipt!.logs.map((l) => router.interface.parseLog(l)).find((l) => l?.name === "SensorTriggerFired")!;
  const jobId = requested.args.jobId as Hex;
  const tenantId = tenantIdOf(relief.timelockAddress, "KEN");
  detail(`rainfall 187.5 mm ≥ 150.0 mm → JobRequested ${jobId}`);
  detail(`tx ${upkeepReceipt!.hash}`);

  progress("Three KEN executors compute the clause and sign CACs (scripted until the executor runtime lands)");
  const execTime = await chainTime(connection);
  const inputBundle = {
    schema: "nsf.inputs/1",
    job_id: jobId,
    trigger: {
      type: "sensor",
      commitment: sensorInputCommitment(feedAddress, fired.args.roundId, fired.args.answer, fired.args.updatedAt),
      feed: feedAddress,
      round_id: fired.args.roundId.toString(),
      answer: fired.args.answer.toString(),
      updated_at: Number(fired.args.updatedAt),
    },
    values: { rainfall_72h_mm_x10: fired.args.answer.toString(), insured_households: INSURED_HOUSEHOLDS.toString() },
  };
  const output = floodPayout(fired.args.answer as bigint, INSURED_HOUSEHOLDS);
  const result = await signCacs(
    network,
    { clauseId, clauseVersion: packClauseVersion(ref), codeHash: FLOOD_CLAUSE.codeHash, configDigest: clause.configDigest as Hex },
    { jobId, tenantId, inputBundle, resultSeq: 1n },
    nodes.slice(0, 3),
    output,
    execTime,
  );
  detail(`output: status ${output.status} (triggered), action ${output.action}, amount ${formatUnits(output.amounts[0]!, 6)} DEVUSD`);
  detail(`agreement: 3 of 3 CACs on output hash ${result.leaf.outputHash}`);

  progress("Anchoring the batch: Merkle root co-signed by 3 of 5 aggregators");
  const anchored = await anchorScriptedBatch(network, roles, submitter, { batchSeq: 1n, results: [result] });
  detail(`batch 1 root ${anchored.header.root}`);
  detail(`anchor tx ${anchored.txHash} (${anchored.gasUsed} gas)`);
  summary.anchor = { batchSeq: 1, root: anchored.header.root, tx: anchored.txHash, gasUsed: anchored.gasUsed.toString() };

  progress("Proving the execution through the ParametricPayout consumer");
  const payoutDeployment = (await connection.ignition.deploy(ParametricPayoutModule, {
    parameters: {
      ParametricPayout: {
        rollupAnchor: network.addresses.rollupAnchor,
        token: await stablecoin.getAddress(),
        clauseRegistry: network.addresses.clauseRegistry,
        clauseId,
        dao: relief.timelockAddress,
        jurisdiction: jurisdictionToBytes3("KEN"),
        beneficiary: await beneficiary.getAddress(),
        action: actionToBytes32(FLOOD_CLAUSE.action),
        maxPayout: 1_000_000n * 10n ** 6n,
        requireInCountry: true,
      },
    },
    displayUi: false,
  })) as unknown as { payout: ParametricPayout };
  const payout = payoutDeployment.payout;
  // The DAO funds its consumer; DevStablecoin is mintable by anyone (development only).
  await (await stablecoin.connect(deployer).mint(await payout.getAddress(), 1_000_000n * 10n ** 6n)).wait();
  const before = await stablecoin.balanceOf(await beneficiary.getAddress());
  const claimReceipt = await (
    await payout.connect(submitter).claim(
      { batchSeq: 1n, root: anchored.header.root, lastSeq: anchored.header.lastSeq },
      leafTuple(result.leaf),
      anchored.proofs.get(jobId) ?? [],
      executorProofs(result),
      result.output,
    )
  ).wait();
  const after = await stablecoin.balanceOf(await beneficiary.getAddress());
  detail(`claim tx ${claimReceipt!.hash} (${claimReceipt!.gasUsed} gas)`);
  detail(`beneficiary ${await beneficiary.getAddress()} received ${formatUnits(after - before, 6)} DEVUSD`);
  let replayRejected = false;
  try {
    await payout.connect(submitter).claim.staticCall(
      { batchSeq: 1n, root: anchored.header.root, lastSeq: anchored.header.lastSeq },
      leafTuple(result.leaf),
      anchored.proofs.get(jobId) ?? [],
      executorProofs(result),
      result.output,
    );
  } catch (error) {
    replayRejected = String(error).includes("ParametricPayoutAlreadyPaid");
  }
  detail(`a second claim for the same execution is rejected: ${replayRejected ? "yes (ParametricPayoutAlreadyPaid)" : "NO"}`);
  if (!replayRejected || after - before !== output.amounts[0]) {
    throw new NsfError("NSF_DEMO_PAYOUT_MISMATCH", { shortMessage: "The payout did not behave as proven (see the lines above)" });
  }
  summary.payout = { consumer: await payout.getAddress(), claimTx: claimReceipt!.hash, paid: (after - before).toString(), replayRejected };

  progress("Done");
  const outDir = path.join(root, ".nsf");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "demo-summary.json"), JSON.stringify({ ...summary, jobId, tenantId, triggerType: TriggerType.Sensor }, null, 2));
  detail(`one sensor-triggered execution: job ${jobId}`);
  detail(`executed by 3 attested enclaves, anchored in batch 1, proven on-chain, paid once`);
  detail(`summary written to .nsf/demo-summary.json`);
}

main().catch((error: unknown) => {
  if (error instanceof NsfError) {
    console.error(`\nerror ${error.code}: ${error.shortMessage}${error.details ? `\n${error.details}` : ""}`);
  } else {
    console.error("\nThe demo failed:", error);
  }
  process.exitCode = 1;
});
