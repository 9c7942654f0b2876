/**
 * Peer gas benchmark: what comparable systems pay on-chain for one "anchor-like" write.
 *
 *  - `peer_keystone_report_gas`: Chainlink's KeystoneForwarder (@chainlink/contracts 1.5.0)
 *    delivering ONE report carrying 3 oracle signatures to a do-nothing receiver
 *    (contracts/bench/KeystoneReceiverStub.sol). First delivery of a fresh report, so the
 *    forwarder writes one new transmission slot (zero -> non-zero), like our anchor tx.
 *  - `peer_eas_attest_gas`: EAS 1.9.0 `attest(...)` of one attestation on a registered schema
 *    (no resolver, revocable, no expiration), first attestation from the attesting account.
 *
 * Every figure is the `gasUsed` of a real transaction's receipt on Hardhat's in-process EDR
 * network. Run: `sh scripts/with-node22.sh tsx bench/peers.ts` (after `hardhat build`).
 */
import { readFile } from "node:fs/promises";
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { artifacts, network } from "hardhat";
import type { ArtifactManager } from "hardhat/types/artifacts";
import { AbiCoder, Wallet, concat, getBytes, id, keccak256, solidityPacked, toBeHex, zeroPadValue } from "ethers";
import type { Contract, ContractTransactionResponse, TransactionReceipt } from "ethers";

export interface PeerBenchResult {
  metrics: Record<string, number>;
  units: Record<string, string>;
  notes: Record<string, string>;
}

const FORWARDER_FQN = "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol:KeystoneForwarder";
const RECEIVER_FQN = "contracts/bench/KeystoneReceiverStub.sol:KeystoneReceiverStub";
const REGISTRY_FQN = "@ethereum-attestation-service/eas-contracts/contracts/SchemaRegistry.sol:SchemaRegistry";
const EAS_FQN = "@ethereum-attestation-service/eas-contracts/contracts/EAS.sol:EAS";

/** The payload both peers carry: the same fields our anchor transaction commits to. */
const SCHEMA = "bytes32 root,uint64 batchSeq,bytes32 bundleHash";

/**
 * Keystone DON configuration. The forwarder requires `signers.length > 3f` and EXACTLY `f + 1`
 * signatures per report, so 3 signatures means f = 2, and the smallest valid DON for f = 2 is
 * 3f + 1 = 7 signers.
 */
const KEYSTONE_F = 2;
const KEYSTONE_SIGNERS = 3 * KEYSTONE_F + 1; // 7
const KEYSTONE_SIGNATURES = KEYSTONE_F + 1; // 3
const DON_ID = 1;
const CONFIG_VERSION = 1;

/** A fixed gas limit so the forwarder's gas-dependent routing is reproducible (gasUsed does not depend on it). */
const TX_GAS_LIMIT = 1_000_000n;

async function waitReceipt(txPromise: Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
  const tx = await txPromise;
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
  return receipt;
}

/**
 * Calldata composition (zero and non-zero bytes price differently) and the EIP-7623 calldata floor
 * (Prague onwards): gasUsed = max(execution gas, 21000 + 10 * tokens), tokens = zeros + 4 * non-zeros.
 */
function calldataShape(data: string, gasUsed: bigint): string {
  const bytes = Buffer.from(data.slice(2), "hex");
  const zeros = bytes.filter((b) => b === 0).length;
  const nonZeros = bytes.length - zeros;
  const floor = 21_000 + 10 * (zeros + 4 * nonZeros);
  return (
    `${bytes.length} bytes (${zeros} zero, ${nonZeros} non-zero); EIP-7623 floor ${floor} gas ` +
    `${gasUsed > BigInt(floor) ? "not binding" : "BINDING"}`
  );
}

export async function runPeerBench(): Promise<PeerBenchResult> {
  const connection = await network.create();
  try {
    const { ethers } = connection;
    const coder = AbiCoder.defaultAbiCoder();
    const [deployer, transmitter, attester] = await ethers.getSigners();
    if (deployer === undefined || transmitter === undefined || attester === undefined) {
      throw new Error("the in-process network must provide at least 3 funded accounts");
    }

    const metrics: Record<string, number> = {};
    const units: Record<string, string> = {};
    const notes: Record<string, string> = {};

    // --- Environment -----------------------------------------------------------------------
    const chainId = (await ethers.provider.getNetwork()).chainId;
    // hardhat_metadata reports the client (EDR) version but not the hardfork; the resolved
    // network config carries the hardfork the in-process chain runs.
    const metadata = (await ethers.provider.send("hardhat_metadata", [])) as { clientVersion?: string };
    notes.network = `${connection.networkName} (${connection.networkConfig.type}, chainType ${connection.chainType}, chainId ${chainId})`;
    const hardfork = String((connection.networkConfig as { hardfork?: unknown }).hardfork ?? "unknown");
    notes.hardfork = `${hardfork} (connection.networkConfig.hardfork; Hardhat default, not set in hardhat.config.ts)`;
    notes.client = metadata.clientVersion ?? "unknown";

    for (const [key, fqn] of [
      ["compiler_keystone_forwarder", FORWARDER_FQN],
      ["compiler_keystone_receiver_stub", RECEIVER_FQN],
      ["compiler_eas", EAS_FQN],
    ] as const) {
      notes[key] = await compilerSettings(artifacts, fqn);
    }

    // --- 1. Chainlink KeystoneForwarder ----------------------------------------------------
    // DEV KEYS ONLY: deterministic private keys derived from public labels, for this benchmark.
    // They are public knowledge by construction; never use them to hold anything of value.
    const oracleKeys = Array.from({ length: KEYSTONE_SIGNERS }, (_, i) =>
      id(`NSF DEV KEY - bench/peers.ts keystone oracle signer #${i} - public, never fund`),
    );
    const oracles = oracleKeys.map((pk) => new Wallet(pk));

    const forwarder = (await ethers.deployContract(FORWARDER_FQN, [], deployer)) as unknown as Contract;
    const receiver = (await ethers.deployContract(RECEIVER_FQN, [], deployer)) as unknown as Contract;
    await forwarder.waitForDeployment();
    await receiver.waitForDeployment();
    await waitReceipt(
      forwarder.getFunction("setConfig")(
        DON_ID,
        CONFIG_VERSION,
        KEYSTONE_F,
        oracles.map((w) => w.address),
      ) as Promise<ContractTransactionResponse>,
    );

    const receiverAddress = await receiver.getAddress();
    // A fixed report timestamp (the forwarder does not check it): with deterministic (RFC 6979)
    // signatures the calldata, and so the gas, is then identical on every run.
    const timestamp = 1_767_225_600; // 2026-01-01T00:00:00Z

    /**
     * rawReport = 109-byte metadata header + body, laid out as KeystoneForwarder._getMetadata reads it:
     *   version(1) | workflow_execution_id(32) | timestamp(4) | don_id(4) | don_config_version(4)
     *   | workflow_cid(32) | workflow_name(10) | workflow_owner(20) | report_id(2) | body
     * The forwarder passes bytes [45, 109) to the receiver as `metadata` and bytes [109, end) as `report`.
     */
    const buildReport = (executionLabel: string, batchSeq: bigint) => {
      const body = coder.encode(
        ["bytes32", "uint64", "bytes32"],
        [id(`bench root ${batchSeq}`), batchSeq, id(`bench bundle ${batchSeq}`)],
      );
      const rawReport = solidityPacked(
        ["uint8", "bytes32", "uint32", "uint32", "uint32", "bytes32", "bytes10", "address", "bytes2", "bytes"],
        [
          1, // version
          id(executionLabel), // workflow_execution_id: fresh per report => fresh transmission slot
          timestamp,
          DON_ID,
          CONFIG_VERSION,
          id("nsf bench workflow cid"), // workflow_cid
          zeroPadValue("0x6e73662d62656e6368", 10), // workflow_name: "nsf-bench" left-padded to bytes10
          deployer.address, // workflow_owner
          "0x0001", // report_id
          body,
        ],
      );
      if (getBytes(rawReport).length !== 109 + 96) throw new Error("unexpected Keystone report length");
      // OCR3-style report context: configDigest | sequence number | extra hash (3 x 32 bytes).
      const reportContext = coder.encode(
        ["bytes32", "uint256", "bytes32"],
        [id("nsf bench config digest"), batchSeq, id("nsf bench extra")],
      );
      const completeHash = keccak256(concat([keccak256(rawReport), reportContext]));
      // The forwarder calls ecrecover(completeHash, sig[64] + 27, r, s) on the RAW hash (no EIP-191
      // prefix), so signatures are r | s | recoveryId(0/1), 65 bytes each.
      const signatures = oracles.slice(0, KEYSTONE_SIGNATURES).map((w) => {
        const sig = w.signingKey.sign(completeHash);
        return concat([sig.r, sig.s, toBeHex(sig.yParity, 1)]);
      });
      return { rawReport, reportContext, signatures };
    };

    const deliver = async (executionLabel: string, batchSeq: bigint) => {
      const { rawReport, reportContext, signatures } = buildReport(executionLabel, batchSeq);
      const asTransmitter = forwarder.connect(transmitter) as Contract;
      const receipt = await waitReceipt(
        asTransmitter.getFunction("report")(receiverAddress, rawReport, reportContext, signatures, {
          gasLimit: TX_GAS_LIMIT,
        }) as Promise<ContractTransactionResponse>,
      );
      const processed = receipt.logs
        .map((log) => forwarder.interface.parseLog(log))
        .find((parsed) => parsed?.name === "ReportProcessed");
      if (processed?.args.result !== true) throw new Error("KeystoneForwarder did not deliver the report");
      const tx = await ethers.provider.getTransaction(receipt.hash);
      return { gas: Number(receipt.gasUsed), calldata: calldataShape(tx?.data ?? "0x", receipt.gasUsed) };
    };

    const firstReport = await deliver("nsf bench workflow execution #1", 1n);
    const secondReport = await deliver("nsf bench workflow execution #2", 2n);

    metrics.peer_keystone_report_gas = firstReport.gas;
    units.peer_keystone_report_gas = "gas";
    notes.peer_keystone_report_gas =
      `KeystoneForwarder.report(...) gasUsed, first delivery of a fresh report (new workflowExecutionId => ` +
      `one new s_transmissions slot written zero->non-zero, then updated warm). DON config: f=${KEYSTONE_F}, ` +
      `${KEYSTONE_SIGNERS} signers (the forwarder needs signers > 3f), ${KEYSTONE_SIGNATURES} signatures ` +
      `(it requires exactly f+1). f=1 would mean 4 signers and only 2 signatures. Report = 109-byte metadata ` +
      `+ 96-byte body abi.encode(bytes32 root, uint64 batchSeq, bytes32 bundleHash); reportContext = 96 bytes. ` +
      `Receiver: contracts/bench/KeystoneReceiverStub.sol (empty onReport, ERC-165 only). Calldata ${firstReport.calldata}.`;
    notes.peer_keystone_report_gas_second_fresh_report = `${secondReport.gas} gas (another fresh report, same config)`;
    notes.peer_keystone_signer_keys =
      `DEV KEYS ONLY: ${KEYSTONE_SIGNERS} oracle keys = keccak256("NSF DEV KEY - bench/peers.ts keystone oracle ` +
      `signer #i - public, never fund"), i = 0..${KEYSTONE_SIGNERS - 1}; the first ${KEYSTONE_SIGNATURES} sign.`;

    // --- 2. Ethereum Attestation Service ---------------------------------------------------
    const registry = (await ethers.deployContract(REGISTRY_FQN, [], deployer)) as unknown as Contract;
    await registry.waitForDeployment();
    const eas = (await ethers.deployContract(EAS_FQN, [await registry.getAddress()], deployer)) as unknown as Contract;
    await eas.waitForDeployment();

    const registerReceipt = await waitReceipt(
      registry.getFunction("register")(SCHEMA, ethers.ZeroAddress, true) as Promise<ContractTransactionResponse>,
    );
    const registered = registerReceipt.logs
      .map((log) => registry.interface.parseLog(log))
      .find((parsed) => parsed?.name === "Registered");
    const schemaUid = registered?.args.uid as string | undefined;
    if (schemaUid === undefined) throw new Error("SchemaRegistry.register emitted no Registered event");

    const attest = async (batchSeq: bigint) => {
      const data = coder.encode(
        ["bytes32", "uint64", "bytes32"],
        [id(`bench root ${batchSeq}`), batchSeq, id(`bench bundle ${batchSeq}`)],
      );
      const request = {
        schema: schemaUid,
        data: {
          recipient: ethers.ZeroAddress,
          expirationTime: 0n, // NO_EXPIRATION_TIME
          revocable: true,
          refUID: ethers.ZeroHash,
          data,
          value: 0n,
        },
      };
      const asAttester = eas.connect(attester) as Contract;
      const receipt = await waitReceipt(
        asAttester.getFunction("attest")(request, { gasLimit: TX_GAS_LIMIT }) as Promise<ContractTransactionResponse>,
      );
      if (!receipt.logs.some((log) => eas.interface.parseLog(log)?.name === "Attested")) {
        throw new Error("EAS.attest emitted no Attested event");
      }
      const tx = await ethers.provider.getTransaction(receipt.hash);
      return { gas: Number(receipt.gasUsed), calldata: calldataShape(tx?.data ?? "0x", receipt.gasUsed) };
    };

    const firstAttest = await attest(1n);
    const secondAttest = await attest(2n);

    metrics.peer_eas_attest_gas = firstAttest.gas;
    units.peer_eas_attest_gas = "gas";
    notes.peer_eas_attest_gas =
      `EAS.attest(...) gasUsed, first attestation from the attesting account, schema "${SCHEMA}" ` +
      `(no resolver, revocable=true), request: recipient=0x0, expirationTime=0 (none), refUID=0, value=0, ` +
      `data = 96-byte abi.encode of the schema fields. Calldata ${firstAttest.calldata}.`;
    notes.peer_eas_attest_gas_second =
      `${secondAttest.gas} gas (second attestation from the same account, same schema; EAS.attest keeps no ` +
      `per-attester state - nonces exist only for delegated attestations - so first and second match unless calldata differs)`;
    notes.peer_eas_register_schema_gas = `${Number(registerReceipt.gasUsed)} gas (one-off SchemaRegistry.register, not counted)`;

    return { metrics, units, notes };
  } finally {
    await connection.close();
  }
}

/** Compiler version and optimizer settings of the build that produced an artifact. */
async function compilerSettings(manager: ArtifactManager, fqn: string): Promise<string> {
  const buildInfoId = await manager.getBuildInfoId(fqn);
  const path = buildInfoId === undefined ? undefined : await manager.getBuildInfoPath(buildInfoId);
  if (path === undefined) return "unknown (no build info)";
  const info = JSON.parse(await readFile(path, "utf8")) as {
    solcVersion?: string;
    input?: { settings?: { optimizer?: { enabled?: boolean; runs?: number }; evmVersion?: string; viaIR?: boolean } };
  };
  const s = info.input?.settings;
  return (
    `solc ${info.solcVersion ?? "?"}, optimizer ${s?.optimizer?.enabled === true ? `on, runs ${s.optimizer.runs}` : "off"}, ` +
    `evmVersion ${s?.evmVersion ?? "compiler default"}${s?.viaIR === true ? ", viaIR" : ""}`
  );
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  const result = await runPeerBench();
  console.log(JSON.stringify(result, null, 2));
}
