import { expect } from "chai";
import type { Contract } from "ethers";
import fc from "fast-check";
import { network } from "hardhat";
import { getAddress, keccak256, toBytes, toHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  AGGREGATOR_ROLE,
  ATTESTATION_VALIDATOR_ROLE,
  GENESIS_COMMITMENT,
  batchCommitmentOf,
  batchHeaderDigest,
  cacDigest,
  clauseConfigDigest,
  clauseIdOf,
  jobIdOf,
  jobTokenDigest,
  jurisdictionToBytes3,
  leafHash,
  quorumConfigDigest,
  runtimeHashOf,
  tenantIdOf,
  verdictDigest,
  type AttestationVerdict,
  type Cac,
  type ExecutionLeaf,
  type JobToken,
} from "../../relayer/core/formats/index.js";
import { assembleQuorumProof } from "../../relayer/core/quorum/quorumProof.js";

/** Fixed seed and at least 50 value sets per property (STYLE.md: reproducible fuzzing). */
const RUNS = { seed: 0x4e5346, numRuns: 50 } as const;

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b));
const nonZeroBytes32 = bytes32.filter((x) => BigInt(x) !== 0n);
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(toHex(b)));
const uint = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
const uintN = (bits: number) => uint(bits).map(Number);
const jurisdiction = fc.constantFrom("KEN", "UGA", "USA", "FRA", "BRA").map((iso) => jurisdictionToBytes3(iso));
/** A valid signer config: 1..32 distinct non-zero addresses, ascending, and 1 <= k <= n. */
const signerConfig = fc
  .uniqueArray(address.filter((x) => BigInt(x) !== 0n), { minLength: 1, maxLength: 32, selector: (x) => x.toLowerCase() })
  .chain((list) => {
    const signers = [...list].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
    return fc.record({ signers: fc.constant(signers), threshold: fc.integer({ min: 1, max: signers.length }) });
  });

const cac = fc.record({
  jobId: bytes32,
  clauseId: bytes32,
  clauseVersion: uintN(48),
  codeHash: bytes32,
  tenantId: bytes32,
  attempt: uintN(32),
  inputHash: bytes32,
  outputHash: bytes32,
  runtimeHash: bytes32,
  configDigest: bytes32,
  timestamp: uint(64),
}) satisfies fc.Arbitrary<Cac>;

const verdict = fc.record({
  enclaveKey: address,
  operator: address,
  teeType: fc.integer({ min: 0, max: 5 }),
  measurement: bytes32,
  jurisdiction,
  sovereign: fc.boolean(),
  debug: fc.boolean(),
  attestationId: bytes32,
  attestedAt: uint(64),
  validUntil: uint(64),
  configDigest: bytes32,
}) satisfies fc.Arbitrary<AttestationVerdict>;

const jobToken = fc.record({
  jobId: bytes32,
  clauseId: bytes32,
  clauseVersion: uintN(48),
  codeHash: bytes32,
  tenantId: bytes32,
  executor: address,
  attempt: uintN(32),
  inputHash: bytes32,
  triggerType: fc.integer({ min: 0, max: 2 }),
  expiresAt: uint(64),
}) satisfies fc.Arbitrary<JobToken>;

const leaf = fc.record({
  jobId: bytes32,
  resultSeq: uint(64),
  clauseId: bytes32,
  tenantId: bytes32,
  inputHash: bytes32,
  outputHash: bytes32,
  cacSetHash: bytes32,
}) satisfies fc.Arbitrary<ExecutionLeaf>;

/**
 * Differential test: for random values, the digests the TypeScript core computes (viem `hashTypedData`
 * through relayer/core/formats/eip712.ts, and the plain hashes) equal what the deployed contracts compute
 * themselves: RollupAnchor.cacDigest / batchHeaderDigest / config, NodeRegistry.verdictDigest /
 * validatorConfig, ClauseRegistry's clause config digest, and ExecutionHashing through a test harness.
 */
describe("differential: TypeScript formats core vs the contracts (fast-check, fixed seed)", function () {
  this.timeout(600_000);

  let chainId: bigint;
  let deployer: Address;
  let manager: Contract;
  let nodeRegistry: Contract;
  let anchor: Contract;
  let clauseRegistry: Contract;
  let harness: Contract;
  let deployContract: (name: string, args?: unknown[]) => Promise<Contract>;

  before(async () => {
    const { ethers } = await network.create();
    deployContract = async (name, args = []) => {
      const contract = (await ethers.deployContract(name, args)) as unknown as Contract;
      await contract.waitForDeployment();
      return contract;
    };
    chainId = (await ethers.provider.getNetwork()).chainId;
    deployer = getAddress(await (await ethers.provider.getSigner(0)).getAddress());
    manager = await deployContract("NSFAccessManager", [deployer]);
    nodeRegistry = await deployContract("NodeRegistry", [await manager.getAddress(), 30n * 86400n]);
    anchor = await deployContract("RollupAnchor", [await manager.getAddress(), await nodeRegistry.getAddress()]);
    const jurisdictions = await deployContract("JurisdictionRegistry", [await manager.getAddress()]);
    clauseRegistry = await deployContract("ClauseRegistry", [await manager.getAddress(), await jurisdictions.getAddress()]);
    harness = await deployContract("FormatsHarness");
    // The deployer is a tenant of KEN, so it can register clause versions.
    await (await jurisdictions.getFunction("setJurisdictionAuthority")(jurisdictionToBytes3("KEN"), deployer)).wait();
    await (await jurisdictions.getFunction("admitTenant")(deployer, jurisdictionToBytes3("KEN"))).wait();
  });

  const at = async (contract: Contract) => ({ chainId, address: getAddress(await contract.getAddress()) });

  it("CAC digest: RollupAnchor.cacDigest equals viem's", async () => {
    const deployment = await at(anchor);
    await fc.assert(
      fc.asyncProperty(cac, uint(64), bytes32, async (c, resultSeq, cacSet) => {
        const onChain = await anchor.getFunction("cacDigest")(
          { jobId: c.jobId, resultSeq, clauseId: c.clauseId, tenantId: c.tenantId, inputHash: c.inputHash, outputHash: c.outputHash, cacSetHash: cacSet },
          { clauseVersion: c.clauseVersion, codeHash: c.codeHash, configDigest: c.configDigest },
          { attempt: c.attempt, runtimeHash: c.runtimeHash, timestamp: c.timestamp, r: cacSet, s: c.jobId, v: 27 },
        );
        expect(onChain).to.equal(cacDigest(deployment, c));
      }),
      RUNS,
    );
  });

  it("attestation verdict digest: NodeRegistry.verdictDigest equals viem's", async () => {
    const deployment = await at(nodeRegistry);
    await fc.assert(
      fc.asyncProperty(verdict, async (message) => {
        expect(await nodeRegistry.getFunction("verdictDigest")(message)).to.equal(verdictDigest(deployment, message));
      }),
      RUNS,
    );
  });

  it("aggregator config digest and batch header digest: RollupAnchor equals viem's", async () => {
    const deployment = await at(anchor);
    await fc.assert(
      fc.asyncProperty(signerConfig, uint(64).filter((x) => x > 0n), bytes32, bytes32, async (config, lastSeq, root, bundleHash) => {
        await (await anchor.getFunction("setConfig")(config.signers, config.threshold)).wait();
        const [storedDigest, version] = (await anchor.getFunction("config")()) as [Hex, bigint];
        const configDigest = quorumConfigDigest({ ...config, chainId, verifyingContract: deployment.address, role: AGGREGATOR_ROLE, configVersion: version });
        expect(storedDigest).to.equal(configDigest);
        const onChain = await anchor.getFunction("batchHeaderDigest")({ batchSeq: 1n, lastSeq, root, bundleHash });
        const header = { batchSeq: 1n, firstSeq: 1n, lastSeq, count: lastSeq, root, prevCommitment: GENESIS_COMMITMENT, bundleHash, configDigest };
        expect(onChain).to.equal(batchHeaderDigest(deployment, header));
      }),
      RUNS,
    );
  });

  it("validator config digest: NodeRegistry equals the TypeScript core's", async () => {
    const deployment = await at(nodeRegistry);
    await fc.assert(
      fc.asyncProperty(signerConfig, async (config) => {
        await (await nodeRegistry.getFunction("setValidatorConfig")(config.signers, config.threshold)).wait();
        const [storedDigest, version] = (await nodeRegistry.getFunction("validatorConfig")()) as [Hex, bigint];
        expect(storedDigest).to.equal(
          quorumConfigDigest({ ...config, chainId, verifyingContract: deployment.address, role: ATTESTATION_VALIDATOR_ROLE, configVersion: version }),
        );
      }),
      RUNS,
    );
  });

  it("batches signed with viem over TypeScript header digests anchor, and store the TypeScript commitment", async () => {
    const fresh = await deployContract("RollupAnchor", [await manager.getAddress(), await nodeRegistry.getAddress()]);
    const deployment = await at(fresh);
    const accounts = Array.from({ length: 5 }, (_, i) => privateKeyToAccount(keccak256(toBytes(`nsf.differential.aggregator.${i}`)))).sort(
      (x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1),
    );
    const signers = accounts.map((x) => x.address);
    await (await fresh.getFunction("setConfig")(signers, 3)).wait();
    const configDigest = quorumConfigDigest({ chainId, verifyingContract: deployment.address, role: AGGREGATOR_ROLE, configVersion: 1n, threshold: 3, signers });
    let tip = { batchSeq: 0n, lastSeq: 0n, commitment: GENESIS_COMMITMENT };
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: 1024n }),
        nonZeroBytes32,
        bytes32,
        fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 3, maxLength: 3 }),
        async (count, root, bundleHash, who) => {
          const batchSeq = tip.batchSeq + 1n;
          const lastSeq = tip.lastSeq + count;
          const digest = batchHeaderDigest(deployment, {
            batchSeq,
            firstSeq: tip.lastSeq + 1n,
            lastSeq,
            count,
            root,
            prevCommitment: tip.commitment,
            bundleHash,
            configDigest,
          });
          const signatures = new Map<Address, Hex>();
          for (const i of who) signatures.set(accounts[i]!.address, await accounts[i]!.sign({ hash: digest }));
          const proof = assembleQuorumProof({ configVersion: 1n, threshold: 3, signers, signatures });
          await (await fresh.getFunction("anchor")({ batchSeq, lastSeq, root, bundleHash }, keccak256(root), proof)).wait();
          const commitment = batchCommitmentOf(root, lastSeq);
          expect(await fresh.getFunction("batchCommitment")(batchSeq)).to.equal(commitment);
          tip = { batchSeq, lastSeq, commitment };
        },
      ),
      RUNS,
    );
    expect(tip.batchSeq).to.equal(BigInt(RUNS.numRuns));
  });

  it("clause config digest: ClauseRegistry equals the TypeScript core's", async () => {
    const deployment = await at(clauseRegistry);
    let patch = 0;
    const quorum = fc.oneof(
      fc.constant({ model: 0, k: 1, n: 1 }),
      fc.record({ model: fc.constantFrom(1, 2), n: fc.integer({ min: 1, max: 32 }) }).chain(({ model, n }) =>
        fc.integer({ min: 1, max: n }).map((k) => ({ model, k, n })),
      ),
    );
    await fc.assert(
      fc.asyncProperty(nonZeroBytes32, quorum, uintN(32), async (codeHash, q, policyFlags) => {
        patch += 1;
        const id = `NSF::Differential::Clause@1.0.${patch}`;
        await (
          await clauseRegistry.getFunction("registerClause")({
            namespace_: "NSF",
            domain: "Differential",
            name: "Clause",
            major: 1,
            minor: 0,
            patch,
            fork: "",
            parent: `0x${"00".repeat(32)}`,
            codeHash,
            model: q.model,
            quorumK: q.k,
            quorumN: q.n,
            priority: 0,
            policyFlags,
            validFrom: 0,
            validUntil: 0,
            jurisdictions: [jurisdictionToBytes3("KEN")],
          })
        ).wait();
        const clauseId = clauseIdOf(id);
        const stored = (await clauseRegistry.getFunction("getClause")(clauseId)) as { configDigest: Hex };
        expect(stored.configDigest).to.equal(
          clauseConfigDigest({
            chainId,
            clauseRegistry: deployment.address,
            clauseId,
            codeHash,
            executionModel: q.model,
            quorumK: q.k,
            quorumN: q.n,
            policyFlags,
          }),
        );
      }),
      RUNS,
    );
  });

  it("ExecutionHashing (leaf, batch commitment, ids, job token digest) equals the TypeScript core", async () => {
    await fc.assert(
      fc.asyncProperty(
        leaf,
        fc.record({ root: bytes32, lastSeq: uint(64) }),
        fc.record({ dao: address, jurisdiction: fc.constantFrom("KEN", "UGA", "USA") }),
        fc.record({ router: address, clauseId: bytes32, nonce: bytes32 }),
        fc.record({ teeType: uintN(8), measurement: bytes32, enclaveKey: address, attestationId: bytes32, verdictId: bytes32, tcbStatus: fc.string({ maxLength: 40 }) }),
        jobToken,
        async (l, c, t, j, r, token) => {
          expect(await harness.getFunction("leafHash")(l)).to.equal(leafHash(l));
          expect(await harness.getFunction("batchCommitment")(c.root, c.lastSeq)).to.equal(batchCommitmentOf(c.root, c.lastSeq));
          expect(await harness.getFunction("tenantId")(t.dao, jurisdictionToBytes3(t.jurisdiction))).to.equal(tenantIdOf(t.dao, t.jurisdiction));
          expect(await harness.getFunction("jobId")(j.router, j.clauseId, j.nonce)).to.equal(jobIdOf(chainId, j.router, j.clauseId, j.nonce));
          expect(await harness.getFunction("runtimeHash")(r.teeType, r.measurement, r.enclaveKey, r.attestationId, r.verdictId, r.tcbStatus)).to.equal(
            runtimeHashOf(r),
          );
          expect(await harness.getFunction("jobTokenDigest")(chainId, j.router, token)).to.equal(
            jobTokenDigest({ chainId, address: j.router }, token),
          );
        },
      ),
      RUNS,
    );
  });
});
