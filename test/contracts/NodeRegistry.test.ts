import { expect } from "chai";
import { encodeBytes32String, ZeroHash, type Signer } from "ethers";
import { network } from "hardhat";
import type { Address, Hex, PublicClient } from "viem";
import { createGovernedTeePolicyReader } from "../../relayer/executor/chain/governedTeePolicy.js";
import { ATTESTATION_VALIDATOR_ROLE, quorumConfigDigest } from "../../relayer/core/formats/configDigest.js";
import { verdictDigest, verdictTypedData, type AttestationVerdict } from "../../relayer/core/formats/eip712.js";
import { TeeType } from "../../relayer/core/formats/enums.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { devAccount, devAccounts } from "../../relayer/devnet/devKeys.js";
import { SIMULATED_DEV_MEASUREMENT } from "../../relayer/devnet/nodes.js";
import { layoutProof, makeVerdict, signVerdict } from "../helpers/anchoredFixture.js";
import { chainTime, clauseFixture, KEN, UGA, type ClauseFixture } from "../helpers/fixtures.js";

const NodeStatus = { None: 0, Active: 1, Revoked: 2, Ejected: 3, Deregistered: 4 } as const;
const MAX_SKEW = 300n;
const MAX_VALIDITY = 7n * 24n * 3600n; // NsfNetwork's default maxAttestationSeconds
const OTHER_MEASUREMENT = `0x${"77".repeat(32)}` as Hex;

describe("NodeRegistry", () => {
  let connection: DevConnection;
  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });

  const load = () => connection.networkHelpers.loadFixture(clauseFixture);
  const registryOf = (f: ClauseFixture) => f.network.contracts.nodeRegistry;
  /** A fresh enclave key and an operator that owns no node yet. */
  const fresh = async (index = 0) => {
    const signers = await connection.ethers.getSigners();
    return { enclave: devAccount("node-registry-test-enclave", index), operator: signers[15 + index]! as Signer };
  };
  const submit = async (f: ClauseFixture, operator: Signer, verdict: AttestationVerdict) =>
    registryOf(f).connect(operator).submitVerdict(verdict, await signVerdict(f, verdict));

  describe("submitVerdict", () => {
    it("registers a new enclave key: emits NodeRegistered, NodeAttested, NodeStatusChanged(None→Active) and stores the node", async () => {
      const f = await load();
      const registry = registryOf(f);
      const { enclave, operator } = await fresh();
      const verdict = await makeVerdict(f, enclave.address, operator, { jurisdiction: UGA, sovereign: true });
      const [validatorDigest] = await registry.validatorConfig();

      const tx = submit(f, operator, verdict);
      await expect(tx).to.emit(registry, "NodeRegistered").withArgs(enclave.address, verdict.operator, TeeType.Simulated, UGA, true);
      await expect(tx)
        .to.emit(registry, "NodeAttested")
        .withArgs(enclave.address, SIMULATED_DEV_MEASUREMENT, verdict.attestationId, verdict.attestedAt, verdict.validUntil, validatorDigest);
      await expect(tx).to.emit(registry, "NodeStatusChanged").withArgs(enclave.address, NodeStatus.None, NodeStatus.Active, encodeBytes32String("attested"));

      const node = await registry.getNode(enclave.address);
      expect(node.status).to.equal(NodeStatus.Active);
      expect(node.operator).to.equal(verdict.operator);
      expect(node.attestedAt).to.equal(verdict.attestedAt);
      expect(node.attestedUntil).to.equal(verdict.validUntil);
      expect(node.jurisdiction).to.equal(UGA);
      expect(node.sovereign).to.equal(true);
      expect(node.measurement).to.equal(SIMULATED_DEV_MEASUREMENT);
      expect(node.attestationId).to.equal(verdict.attestationId);
      expect(await registry.isActiveAt(enclave.address, verdict.validUntil)).to.equal(true);
      expect(await registry.isActiveAt(enclave.address, verdict.validUntil + 1n)).to.equal(false);
    });

    it("renews an attestation with a newer attestedAt: NodeAttested only, attestedUntil moves forward", async () => {
      const f = await load();
      const registry = registryOf(f);
      const node = f.nodes[0]!;
      const before = await registry.getNode(node.enclave.address);
      await connection.networkHelpers.time.increase(3600);
      const verdict = await makeVerdict(f, node.enclave.address, f.actors.operators[0]!, { attestationId: `0x${"99".repeat(32)}` });
      expect(verdict.attestedAt > before.attestedAt).to.equal(true);

      const tx = submit(f, f.actors.operators[0]!, verdict);
      await expect(tx).to.emit(registry, "NodeAttested");
      await expect(tx).not.to.emit(registry, "NodeRegistered");
      await expect(tx).not.to.emit(registry, "NodeStatusChanged");
      const after = await registry.getNode(node.enclave.address);
      expect(after.attestedAt).to.equal(verdict.attestedAt);
      expect(after.attestedUntil).to.equal(verdict.validUntil);
      expect(after.attestedUntil > before.attestedUntil).to.equal(true);
      expect(after.attestationId).to.equal(verdict.attestationId);
    });

    it("rejects a debug enclave with NodeRegistryDebugEnclave(key)", async () => {
      const f = await load();
      const { enclave, operator } = await fresh();
      const verdict = await makeVerdict(f, enclave.address, operator, { debug: true });
      await expect(submit(f, operator, verdict)).to.be.revertedWithCustomError(registryOf(f), "NodeRegistryDebugEnclave").withArgs(enclave.address);
      expect((await registryOf(f).getNode(enclave.address)).status).to.equal(NodeStatus.None);
    });

    it("rejects an unallowlisted measurement with NodeRegistryMeasurementNotAllowed(measurement)", async () => {
      const f = await load();
      const { enclave, operator } = await fresh();
      const verdict = await makeVerdict(f, enclave.address, operator, { measurement: OTHER_MEASUREMENT });
      await expect(submit(f, operator, verdict))
        .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryMeasurementNotAllowed")
        .withArgs(OTHER_MEASUREMENT);
    });

    it("rejects a TEE type governance has not allowed with NodeRegistryTeeTypeNotAllowed (SGX never enabled)", async () => {
      const f = await load();
      const { enclave, operator } = await fresh();
      const verdict = await makeVerdict(f, enclave.address, operator, { teeType: TeeType.IntelSgx });
      await expect(submit(f, operator, verdict))
        .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryTeeTypeNotAllowed")
        .withArgs(TeeType.IntelSgx);
    });

    it("rejects the simulated TEE once governance disallows it with NodeRegistryTeeTypeNotAllowed(Simulated)", async () => {
      const f = await load();
      const { enclave, operator } = await fresh();
      await (await registryOf(f).setTeeTypeAllowed(TeeType.Simulated, false)).wait();
      const verdict = await makeVerdict(f, enclave.address, operator);
      await expect(submit(f, operator, verdict))
        .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryTeeTypeNotAllowed")
        .withArgs(TeeType.Simulated);
    });

    it("rejects a malformed jurisdiction with JurisdictionInvalidCode", async () => {
      const f = await load();
      const { enclave, operator } = await fresh();
      const lower = "0x6b656e" as Hex; // "ken"
      const verdict = await makeVerdict(f, enclave.address, operator, { jurisdiction: lower });
      await expect(submit(f, operator, verdict)).to.be.revertedWithCustomError(registryOf(f), "JurisdictionInvalidCode").withArgs(lower);
    });

    describe("validity window (NodeRegistryInvalidValidity)", () => {
      it("rejects an already expired verdict (validUntil <= now)", async () => {
        const f = await load();
        const { enclave, operator } = await fresh();
        const t = (await chainTime(connection)) + 10n;
        const verdict = await makeVerdict(f, enclave.address, operator, { attestedAt: t - 7200n, validUntil: t });
        const proof = await signVerdict(f, verdict);
        await connection.networkHelpers.time.setNextBlockTimestamp(t);
        await expect(registryOf(f).connect(operator).submitVerdict(verdict, proof))
          .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryInvalidValidity")
          .withArgs(t - 7200n, t, t);
      });

      it("rejects a validity longer than maxAttestationValidity, accepts exactly the cap", async () => {
        const f = await load();
        const { enclave, operator } = await fresh();
        const t = (await chainTime(connection)) + 10n;
        const tooLong = await makeVerdict(f, enclave.address, operator, { attestedAt: t, validUntil: t + MAX_VALIDITY + 1n });
        const proof = await signVerdict(f, tooLong);
        await connection.networkHelpers.time.setNextBlockTimestamp(t);
        await expect(registryOf(f).connect(operator).submitVerdict(tooLong, proof))
          .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryInvalidValidity")
          .withArgs(t, t + MAX_VALIDITY + 1n, t);

        const atCap = { ...tooLong, validUntil: t + MAX_VALIDITY };
        await expect(submit(f, operator, atCap)).to.emit(registryOf(f), "NodeAttested");
      });

      it("rejects attestedAt beyond the allowed clock skew, accepts exactly the skew", async () => {
        const f = await load();
        const { enclave, operator } = await fresh();
        const t = (await chainTime(connection)) + 10n;
        const future = await makeVerdict(f, enclave.address, operator, { attestedAt: t + MAX_SKEW + 1n, validUntil: t + 7200n });
        const proof = await signVerdict(f, future);
        await connection.networkHelpers.time.setNextBlockTimestamp(t);
        await expect(registryOf(f).connect(operator).submitVerdict(future, proof))
          .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryInvalidValidity")
          .withArgs(t + MAX_SKEW + 1n, t + 7200n, t);

        const t2 = (await chainTime(connection)) + 10n;
        const atSkew = { ...future, attestedAt: t2 + MAX_SKEW, validUntil: t2 + 7200n };
        const proof2 = await signVerdict(f, atSkew);
        await connection.networkHelpers.time.setNextBlockTimestamp(t2);
        await expect(registryOf(f).connect(operator).submitVerdict(atSkew, proof2)).to.emit(registryOf(f), "NodeAttested");
      });

      it("rejects validUntil <= attestedAt even when both lie in the future", async () => {
        const f = await load();
        const { enclave, operator } = await fresh();
        const t = (await chainTime(connection)) + 10n;
        const empty = await makeVerdict(f, enclave.address, operator, { attestedAt: t + 100n, validUntil: t + 100n });
        const proof = await signVerdict(f, empty);
        await connection.networkHelpers.time.setNextBlockTimestamp(t);
        await expect(registryOf(f).connect(operator).submitVerdict(empty, proof))
          .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryInvalidValidity")
          .withArgs(t + 100n, t + 100n, t);
      });
    });

    it("rejects the same verdict twice and an older one with NodeRegistryVerdictReplayed", async () => {
      const f = await load();
      const { enclave, operator } = await fresh();
      const verdict = await makeVerdict(f, enclave.address, operator);
      await (await submit(f, operator, verdict)).wait();
      await expect(submit(f, operator, verdict))
        .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryVerdictReplayed")
        .withArgs(enclave.address, verdict.attestedAt, verdict.attestedAt);
      const older = { ...verdict, attestedAt: verdict.attestedAt - 1n };
      await expect(submit(f, operator, older))
        .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryVerdictReplayed")
        .withArgs(enclave.address, verdict.attestedAt - 1n, verdict.attestedAt);
    });

    it("rejects a caller other than the verdict's operator with NodeRegistryNotOperator", async () => {
      const f = await load();
      const { enclave, operator } = await fresh();
      const verdict = await makeVerdict(f, enclave.address, operator);
      const stranger = f.actors.stranger;
      await expect(registryOf(f).connect(stranger).submitVerdict(verdict, await signVerdict(f, verdict)))
        .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryNotOperator")
        .withArgs(enclave.address, await stranger.getAddress(), verdict.operator);
    });

    it("never moves a key to another operator: a verdict for another operator's key reverts NodeRegistryNotOperator", async () => {
      const f = await load();
      const key = f.nodes[0]!.enclave.address;
      const thief = f.actors.stranger;
      await connection.networkHelpers.time.increase(60);
      const verdict = await makeVerdict(f, key, thief);
      await expect(submit(f, thief, verdict))
        .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryNotOperator")
        .withArgs(key, await thief.getAddress(), await f.actors.operators[0]!.getAddress());
      expect((await registryOf(f).getNode(key)).operator).to.equal(await f.actors.operators[0]!.getAddress());
    });

    it("rejects a zero enclave key or zero operator with NodeRegistryZeroAddress", async () => {
      const f = await load();
      const { enclave, operator } = await fresh();
      const zero = "0x0000000000000000000000000000000000000000" as Address;
      const noKey = await makeVerdict(f, zero, operator);
      await expect(submit(f, operator, noKey)).to.be.revertedWithCustomError(registryOf(f), "NodeRegistryZeroAddress");
      const noOperator = { ...(await makeVerdict(f, enclave.address, operator)), operator: zero };
      await expect(submit(f, operator, noOperator)).to.be.revertedWithCustomError(registryOf(f), "NodeRegistryZeroAddress");
    });

    it("rejects a verdict naming another validator config digest with NodeRegistryStaleValidatorConfig(expected, given)", async () => {
      const f = await load();
      const { enclave, operator } = await fresh();
      const [current] = await registryOf(f).validatorConfig();
      const wrong = `0x${"de".repeat(32)}` as Hex;
      const verdict = await makeVerdict(f, enclave.address, operator, { configDigest: wrong });
      await expect(submit(f, operator, verdict))
        .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryStaleValidatorConfig")
        .withArgs(current, wrong);
    });

    describe("validator quorum", () => {
      it("rejects one signature where the 2-of-3 config needs two with QuorumSignatureCount(2, 1)", async () => {
        const f = await load();
        const { enclave, operator } = await fresh();
        const verdict = await makeVerdict(f, enclave.address, operator);
        // Claim threshold 2 but carry only validator 0's signature (bit 0).
        const [v0, v1, v2] = f.roles.validators;
        const typed = verdictTypedData({ chainId: f.network.chainId, address: f.network.addresses.nodeRegistry }, verdict);
        const [, version] = await registryOf(f).validatorConfig();
        const proof = layoutProof({
          configVersion: version,
          threshold: 2,
          signerBitmap: 0b001n,
          nonSigners: [v1!.address, v2!.address],
          signatures: [await v0!.signTypedData(typed)],
        });
        await expect(registryOf(f).connect(operator).submitVerdict(verdict, proof))
          .to.be.revertedWithCustomError(registryOf(f), "QuorumSignatureCount")
          .withArgs(2, 1);
      });

      it("rejects one signature claiming threshold 1 with QuorumConfigMismatch (the threshold is bound by the digest)", async () => {
        const f = await load();
        const { enclave, operator } = await fresh();
        const verdict = await makeVerdict(f, enclave.address, operator);
        const validators = f.roles.validators.map((v) => v.address);
        const proof = await signVerdict(f, verdict, { validators: [f.roles.validators[0]!], threshold: 1 });
        const [expected, version] = await registryOf(f).validatorConfig();
        const computed = quorumConfigDigest({
          chainId: f.network.chainId,
          verifyingContract: f.network.addresses.nodeRegistry,
          role: ATTESTATION_VALIDATOR_ROLE,
          configVersion: version,
          threshold: 1,
          signers: validators,
        });
        await expect(registryOf(f).connect(operator).submitVerdict(verdict, proof))
          .to.be.revertedWithCustomError(registryOf(f), "QuorumConfigMismatch")
          .withArgs(expected, computed);
      });

      it("rejects a non-validator signer that breaks the signer order with QuorumSignerOrder", async () => {
        const f = await load();
        const { enclave, operator } = await fresh();
        const verdict = await makeVerdict(f, enclave.address, operator);
        const [v0, v1, v2] = f.roles.validators;
        // A foreign key below v0, put in v1's place: the rebuilt list v0, foreign, v2 is not ascending.
        const foreign = findForeign((a) => BigInt(a) < BigInt(v0!.address));
        const proof = await foreignProof(f, verdict, [v0!, foreign], [v2!.address]);
        await expect(registryOf(f).connect(operator).submitVerdict(verdict, proof))
          .to.be.revertedWithCustomError(registryOf(f), "QuorumSignerOrder")
          .withArgs(1, foreign.address);
        expect(BigInt(v1!.address)).to.be.greaterThan(BigInt(v0!.address));
      });

      it("rejects a non-validator signer that keeps the order with QuorumConfigMismatch", async () => {
        const f = await load();
        const { enclave, operator } = await fresh();
        const verdict = await makeVerdict(f, enclave.address, operator);
        const [v0, v1, v2] = f.roles.validators;
        const foreign = findForeign((a) => BigInt(a) > BigInt(v0!.address) && BigInt(a) < BigInt(v2!.address) && a !== v1!.address);
        const proof = await foreignProof(f, verdict, [v0!, foreign], [v2!.address]);
        const [expected, version] = await registryOf(f).validatorConfig();
        const computed = quorumConfigDigest({
          chainId: f.network.chainId,
          verifyingContract: f.network.addresses.nodeRegistry,
          role: ATTESTATION_VALIDATOR_ROLE,
          configVersion: version,
          threshold: 2,
          signers: [v0!.address, foreign.address, v2!.address],
        });
        await expect(registryOf(f).connect(operator).submitVerdict(verdict, proof))
          .to.be.revertedWithCustomError(registryOf(f), "QuorumConfigMismatch")
          .withArgs(expected, computed);
      });
    });

    it("lets a key that was ejected never re-attest (NodeRegistryExecutorNotActive with status Ejected)", async () => {
      const f = await load();
      const registry = registryOf(f);
      const key = f.nodes[0]!.enclave.address;
      const reason = encodeBytes32String("equivocation");
      await expect(registry.ejectNode(key, reason)).to.emit(registry, "NodeStatusChanged").withArgs(key, NodeStatus.Active, NodeStatus.Ejected, reason);
      await connection.networkHelpers.time.increase(60);
      const verdict = await makeVerdict(f, key, f.actors.operators[0]!);
      await expect(submit(f, f.actors.operators[0]!, verdict))
        .to.be.revertedWithCustomError(registry, "NodeRegistryExecutorNotActive")
        .withArgs(key, NodeStatus.Ejected);
      expect(await registry.isActiveAt(key, 0n)).to.equal(false);
    });
  });

  describe("revocation by governance (invariant 7)", () => {
    it("setMeasurementAllowed(false) revokes every node of that measurement; re-allowing does not revive them", async () => {
      const f = await load();
      const registry = registryOf(f);
      const keys = f.nodes.map((n) => n.enclave.address);
      const tx = registry.setMeasurementAllowed(SIMULATED_DEV_MEASUREMENT, false);
      await expect(tx).to.emit(registry, "MeasurementAllowed").withArgs(SIMULATED_DEV_MEASUREMENT, false);
      for (const key of keys) {
        await expect(tx).to.emit(registry, "NodeStatusChanged").withArgs(key, NodeStatus.Active, NodeStatus.Revoked, encodeBytes32String("measurement revoked"));
      }
      for (const key of keys) {
        expect((await registry.getNode(key)).status).to.equal(NodeStatus.Revoked);
        expect(await registry.isActiveAt(key, 0n)).to.equal(false);
      }
      expect(await registry.isMeasurementAllowed(SIMULATED_DEV_MEASUREMENT)).to.equal(false);
      const now = await chainTime(connection);
      await expect(checkExecutors(registry, [keys[0]!], [now], KEN))
        .to.be.revertedWithCustomError(registry, "NodeRegistryExecutorNotActive")
        .withArgs(keys[0], NodeStatus.Revoked);

      await (await registry.setMeasurementAllowed(SIMULATED_DEV_MEASUREMENT, true)).wait();
      expect(await registry.isActiveAt(keys[0]!, 0n)).to.equal(false);
    });

    it("a revoked node becomes active again only through a fresh verdict", async () => {
      const f = await load();
      const registry = registryOf(f);
      const key = f.nodes[1]!.enclave.address;
      await (await registry.setMeasurementAllowed(SIMULATED_DEV_MEASUREMENT, false)).wait();
      await (await registry.setMeasurementAllowed(SIMULATED_DEV_MEASUREMENT, true)).wait();
      await connection.networkHelpers.time.increase(60);
      const verdict = await makeVerdict(f, key, f.actors.operators[1]!);
      const before = (await registry.getNode(key)).attestedAt;
      await expect(submit(f, f.actors.operators[1]!, verdict))
        .to.emit(registry, "NodeStatusChanged")
        .withArgs(key, NodeStatus.Revoked, NodeStatus.Active, encodeBytes32String("attested"));
      expect(await registry.isActiveAt(key, verdict.attestedAt)).to.equal(true);
      // Invariant 7: what the key signed before or while it was revoked never counts, re-attested or not.
      expect((await registry.getNode(key)).activeSince).to.equal(verdict.attestedAt);
      expect(await registry.isActiveAt(key, before)).to.equal(false);
      await expect(registry.checkExecutors([(BigInt(key) << 64n) | before], "0x000000"))
        .to.be.revertedWithCustomError(registry, "NodeRegistryNotYetAttested")
        .withArgs(key, verdict.attestedAt, before);
    });

    it("an unbroken renewal keeps the attested interval's start; a renewal after a lapse restarts it (NodeRegistryNotYetAttested)", async () => {
      const f = await load();
      const registry = registryOf(f);
      const key = f.nodes[2]!.enclave.address;
      const first = await registry.getNode(key);
      // Renew before expiry: CACs from the first interval still count.
      await connection.networkHelpers.time.increase(60);
      await (await submit(f, f.actors.operators[2]!, await makeVerdict(f, key, f.actors.operators[2]!))).wait();
      expect((await registry.getNode(key)).activeSince).to.equal(first.activeSince);
      await registry.checkExecutors([(BigInt(key) << 64n) | (first.attestedAt + 1n)], "0x000000");
      // Let it lapse, sign "during the gap", then renew: the gap's CACs never count.
      const lapsedUntil = (await registry.getNode(key)).attestedUntil;
      await connection.networkHelpers.time.increaseTo(lapsedUntil + 100n);
      const gap = lapsedUntil + 50n;
      const renewal = await makeVerdict(f, key, f.actors.operators[2]!);
      await (await submit(f, f.actors.operators[2]!, renewal)).wait();
      expect((await registry.getNode(key)).activeSince).to.equal(renewal.attestedAt);
      await expect(registry.checkExecutors([(BigInt(key) << 64n) | gap], "0x000000"))
        .to.be.revertedWithCustomError(registry, "NodeRegistryNotYetAttested")
        .withArgs(key, renewal.attestedAt, gap);
      await registry.checkExecutors([(BigInt(key) << 64n) | (renewal.attestedAt + 1n)], "0x000000");
    });

    it("setTeeTypeAllowed(Simulated, false) revokes every simulated node and checkExecutors rejects them", async () => {
      const f = await load();
      const registry = registryOf(f);
      const keys = f.nodes.map((n) => n.enclave.address);
      const tx = registry.setTeeTypeAllowed(TeeType.Simulated, false);
      await expect(tx).to.emit(registry, "TeeTypeAllowed").withArgs(TeeType.Simulated, false);
      for (const key of keys) {
        await expect(tx).to.emit(registry, "NodeStatusChanged").withArgs(key, NodeStatus.Active, NodeStatus.Revoked, encodeBytes32String("tee type disallowed"));
      }
      expect(await registry.isTeeTypeAllowed(TeeType.Simulated)).to.equal(false);
      for (const key of keys) expect(await registry.isActiveAt(key, 0n)).to.equal(false);
      const now = await chainTime(connection);
      await expect(checkExecutors(registry, keys.slice(0, 3), [now, now, now], KEN))
        .to.be.revertedWithCustomError(registry, "NodeRegistryExecutorNotActive")
        .withArgs(keys[0], NodeStatus.Revoked);
    });

    it("setTeeTypeAllowed(None) is refused with NodeRegistryTeeTypeNotAllowed(None)", async () => {
      const f = await load();
      await expect(registryOf(f).setTeeTypeAllowed(0, true)).to.be.revertedWithCustomError(registryOf(f), "NodeRegistryTeeTypeNotAllowed").withArgs(0);
    });
  });

  describe("revocation groups (MAX_GROUP_SIZE)", () => {
    /** Fills the simulated-measurement group (5 fixture nodes + `count` more) with keys of one operator. */
    const fill = async (f: ClauseFixture, count: number) => {
      const operator = (await connection.ethers.getSigners())[16]! as Signer;
      const keys: Address[] = [];
      for (let i = 0; i < count; i++) {
        const enclave = devAccount("group-filler", i);
        await (await submit(f, operator, await makeVerdict(f, enclave.address, operator))).wait();
        keys.push(enclave.address);
      }
      return { operator, keys };
    };

    it("refuses the 257th node of one measurement with NodeRegistryGroupFull(measurement)", async function () {
      this.timeout(120_000);
      const f = await load();
      const size = Number(await registryOf(f).MAX_GROUP_SIZE());
      const { operator } = await fill(f, size - f.nodes.length);
      const extra = devAccount("group-filler", 10_000);
      await expect(submit(f, operator, await makeVerdict(f, extra.address, operator)))
        .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryGroupFull")
        .withArgs(SIMULATED_DEV_MEASUREMENT);
    });

    it("a deregistered or ejected key frees its group slot, so a new node can join a full group", async function () {
      this.timeout(120_000);
      const f = await load();
      const registry = registryOf(f);
      const size = Number(await registry.MAX_GROUP_SIZE());
      const { operator, keys } = await fill(f, size - f.nodes.length);
      await (await registry.connect(operator).deregisterNode(keys[0]!)).wait();
      const first = devAccount("group-filler", 10_000);
      await expect(submit(f, operator, await makeVerdict(f, first.address, operator))).to.emit(registry, "NodeRegistered");
      await (await registry.ejectNode(keys[1]!, encodeBytes32String("equivocation"))).wait();
      const second = devAccount("group-filler", 10_001);
      await expect(submit(f, operator, await makeVerdict(f, second.address, operator))).to.emit(registry, "NodeRegistered");
      // Revoking the measurement still reaches every live node of the group.
      await (await registry.setMeasurementAllowed(SIMULATED_DEV_MEASUREMENT, false)).wait();
      expect(await registry.isActiveAt(second.address, 0n)).to.equal(false);
      expect(await registry.isActiveAt(f.nodes[0]!.enclave.address, 0n)).to.equal(false);
    });

    it("a deregistered key that re-attests rejoins its group and is revoked with it", async () => {
      const f = await load();
      const registry = registryOf(f);
      const key = f.nodes[3]!.enclave.address;
      await (await registry.connect(f.actors.operators[3]!).deregisterNode(key)).wait();
      await connection.networkHelpers.time.increase(60);
      await expect(submit(f, f.actors.operators[3]!, await makeVerdict(f, key, f.actors.operators[3]!)))
        .to.emit(registry, "NodeStatusChanged")
        .withArgs(key, NodeStatus.Deregistered, NodeStatus.Active, encodeBytes32String("attested"));
      await expect(registry.setTeeTypeAllowed(TeeType.Simulated, false))
        .to.emit(registry, "NodeStatusChanged")
        .withArgs(key, NodeStatus.Active, NodeStatus.Revoked, encodeBytes32String("tee type disallowed"));
    });
  });

  describe("checkExecutors", () => {
    it("accepts active KEN nodes whose attestation covers the timestamps (boundary: exactly attestedUntil)", async () => {
      const f = await load();
      const registry = registryOf(f);
      const keys = f.nodes.slice(0, 3).map((n) => n.enclave.address);
      const until = (await registry.getNode(keys[0]!)).attestedUntil;
      await checkExecutors(registry, keys, [until, until, until], KEN);
    });

    it("rejects a timestamp after attestedUntil with NodeRegistryAttestationExpired(key, attestedUntil, timestamp)", async () => {
      const f = await load();
      const registry = registryOf(f);
      const keys = f.nodes.slice(0, 3).map((n) => n.enclave.address);
      const until = (await registry.getNode(keys[1]!)).attestedUntil;
      await expect(checkExecutors(registry, keys, [until, until + 1n, until], KEN))
        .to.be.revertedWithCustomError(registry, "NodeRegistryAttestationExpired")
        .withArgs(keys[1], until, until + 1n);
    });

    it("rejects a node outside the required jurisdiction with NodeRegistryJurisdictionMismatch; zero jurisdiction accepts it", async () => {
      const f = await load();
      const registry = registryOf(f);
      const uga = f.nodes[4]!.enclave.address;
      const now = await chainTime(connection);
      await expect(checkExecutors(registry, [uga], [now], KEN))
        .to.be.revertedWithCustomError(registry, "NodeRegistryJurisdictionMismatch")
        .withArgs(uga, KEN, UGA);
      await checkExecutors(registry, [uga], [now], "0x000000");
    });

    it("rejects an unknown key with NodeRegistryExecutorNotActive(key, None)", async () => {
      const f = await load();
      const unknown = devAccount("never-registered", 0).address;
      await expect(checkExecutors(registryOf(f), [unknown], [1n], KEN))
        .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryExecutorNotActive")
        .withArgs(unknown, NodeStatus.None);
    });
  });

  describe("deregisterNode", () => {
    it("lets the operator retire its node (NodeStatusChanged Active→Deregistered); the key stops counting", async () => {
      const f = await load();
      const registry = registryOf(f);
      const key = f.nodes[2]!.enclave.address;
      await expect(registry.connect(f.actors.operators[2]!).deregisterNode(key))
        .to.emit(registry, "NodeStatusChanged")
        .withArgs(key, NodeStatus.Active, NodeStatus.Deregistered, encodeBytes32String("deregistered"));
      expect(await registry.isActiveAt(key, 0n)).to.equal(false);
      await expect(checkExecutors(registry, [key], [0n], KEN))
        .to.be.revertedWithCustomError(registry, "NodeRegistryExecutorNotActive")
        .withArgs(key, NodeStatus.Deregistered);
    });

    it("rejects anyone but the operator with NodeRegistryNotOperator and an unknown key with NodeRegistryUnknownNode", async () => {
      const f = await load();
      const registry = registryOf(f);
      const key = f.nodes[2]!.enclave.address;
      const stranger = f.actors.stranger;
      await expect(registry.connect(stranger).deregisterNode(key))
        .to.be.revertedWithCustomError(registry, "NodeRegistryNotOperator")
        .withArgs(key, await stranger.getAddress(), await f.actors.operators[2]!.getAddress());
      const unknown = devAccount("never-registered", 1).address;
      await expect(registry.connect(stranger).deregisterNode(unknown)).to.be.revertedWithCustomError(registry, "NodeRegistryUnknownNode").withArgs(unknown);
    });

    it("ejectNode on an unknown key reverts NodeRegistryUnknownNode", async () => {
      const f = await load();
      const unknown = devAccount("never-registered", 2).address;
      await expect(registryOf(f).ejectNode(unknown, encodeBytes32String("x")))
        .to.be.revertedWithCustomError(registryOf(f), "NodeRegistryUnknownNode")
        .withArgs(unknown);
    });
  });

  describe("schedulers", () => {
    it("setScheduler adds and removes a scheduler key (SchedulerSet) and isScheduler follows", async () => {
      const f = await load();
      const registry = registryOf(f);
      expect(await registry.isScheduler(f.roles.scheduler.address)).to.equal(true);
      const key = devAccount("scheduler-test", 0).address;
      expect(await registry.isScheduler(key)).to.equal(false);
      await expect(registry.setScheduler(key, true)).to.emit(registry, "SchedulerSet").withArgs(key, true);
      expect(await registry.isScheduler(key)).to.equal(true);
      await expect(registry.setScheduler(key, false)).to.emit(registry, "SchedulerSet").withArgs(key, false);
      expect(await registry.isScheduler(key)).to.equal(false);
    });

    it("setScheduler rejects the zero address with NodeRegistryZeroAddress", async () => {
      const f = await load();
      await expect(registryOf(f).setScheduler("0x0000000000000000000000000000000000000000", true)).to.be.revertedWithCustomError(
        registryOf(f),
        "NodeRegistryZeroAddress",
      );
    });
  });

  describe("setValidatorConfig (invariant 2)", () => {
    it("emits ValidatorConfigSet with the TS quorumConfigDigest and bumps the version", async () => {
      const f = await load();
      const registry = registryOf(f);
      const signers = devAccounts("validator-v2", 3).map((a) => a.address);
      const [, version] = await registry.validatorConfig();
      const digest = quorumConfigDigest({
        chainId: f.network.chainId,
        verifyingContract: f.network.addresses.nodeRegistry,
        role: ATTESTATION_VALIDATOR_ROLE,
        configVersion: version + 1n,
        threshold: 3,
        signers,
      });
      await expect(registry.setValidatorConfig(signers, 3)).to.emit(registry, "ValidatorConfigSet").withArgs(digest, version + 1n, 3, signers);
      const [d, v, k, s] = await registry.validatorConfig();
      expect([d, v, k, [...s]]).to.deep.equal([digest, version + 1n, 3n, signers]);
    });

    it("a new config (even with the same signers) makes a verdict naming the old digest fail with NodeRegistryStaleValidatorConfig", async () => {
      const f = await load();
      const registry = registryOf(f);
      const { enclave, operator } = await fresh();
      const verdict = await makeVerdict(f, enclave.address, operator);
      const proof = await signVerdict(f, verdict);
      await (await registry.setValidatorConfig(f.roles.validators.map((v) => v.address), f.roles.validatorThreshold)).wait();
      const [current] = await registry.validatorConfig();
      expect(current).to.not.equal(verdict.configDigest);
      await expect(registry.connect(operator).submitVerdict(verdict, proof))
        .to.be.revertedWithCustomError(registry, "NodeRegistryStaleValidatorConfig")
        .withArgs(current, verdict.configDigest);
    });

    it("signatures under the superseded config version fail with QuorumConfigMismatch even when the verdict names the new digest", async () => {
      const f = await load();
      const registry = registryOf(f);
      const { enclave, operator } = await fresh();
      const [, oldVersion] = await registry.validatorConfig();
      await (await registry.setValidatorConfig(f.roles.validators.map((v) => v.address), f.roles.validatorThreshold)).wait();
      const verdict = await makeVerdict(f, enclave.address, operator);
      const stale = await signVerdict(f, verdict, { configVersion: oldVersion, threshold: f.roles.validatorThreshold });
      const [expected] = await registry.validatorConfig();
      const computed = quorumConfigDigest({
        chainId: f.network.chainId,
        verifyingContract: f.network.addresses.nodeRegistry,
        role: ATTESTATION_VALIDATOR_ROLE,
        configVersion: oldVersion,
        threshold: f.roles.validatorThreshold,
        signers: f.roles.validators.map((v) => v.address),
      });
      await expect(registry.connect(operator).submitVerdict(verdict, stale))
        .to.be.revertedWithCustomError(registry, "QuorumConfigMismatch")
        .withArgs(expected, computed);
      // The same verdict with a proof under the current version is accepted.
      await expect(registry.connect(operator).submitVerdict(verdict, await signVerdict(f, verdict))).to.emit(registry, "NodeAttested");
    });

    it("a replaced validator set stops counting: the old validators' verdict fails, the new validators' passes", async () => {
      const f = await load();
      const registry = registryOf(f);
      const { enclave, operator } = await fresh();
      const next = devAccounts("validator-v2", 3);
      await (await registry.setValidatorConfig(next.map((a) => a.address), 2)).wait();
      const verdict = await makeVerdict(f, enclave.address, operator);
      const byOld = await signVerdict(f, verdict);
      await expect(registry.connect(operator).submitVerdict(verdict, byOld)).to.be.revertedWithCustomError(registry, "QuorumConfigMismatch");
      const byNew = await signVerdict(f, verdict, { validators: next.slice(0, 2), configSigners: next.map((a) => a.address) });
      await expect(registry.connect(operator).submitVerdict(verdict, byNew)).to.emit(registry, "NodeRegistered");
    });

    it("rejects invalid configs: k=0 and k>n (QuorumInvalidThreshold), unsorted (QuorumSignersNotAscending)", async () => {
      const f = await load();
      const registry = registryOf(f);
      const signers = f.roles.validators.map((v) => v.address);
      await expect(registry.setValidatorConfig(signers, 0)).to.be.revertedWithCustomError(registry, "QuorumInvalidThreshold").withArgs(0, 3);
      await expect(registry.setValidatorConfig(signers, 4)).to.be.revertedWithCustomError(registry, "QuorumInvalidThreshold").withArgs(4, 3);
      const unsorted = [signers[1]!, signers[0]!, signers[2]!];
      await expect(registry.setValidatorConfig(unsorted, 2)).to.be.revertedWithCustomError(registry, "QuorumSignersNotAscending").withArgs(1, signers[0]);
    });
  });

  describe("access control", () => {
    it("every governance function rejects a non-admin with AccessManagedUnauthorized(caller)", async () => {
      const f = await load();
      const registry = registryOf(f).connect(f.actors.stranger);
      const who = await f.actors.stranger.getAddress();
      const calls = [
        registry.ejectNode(f.nodes[0]!.enclave.address, encodeBytes32String("x")),
        registry.setMeasurementAllowed(OTHER_MEASUREMENT, true),
        registry.setTeeTypeAllowed(TeeType.IntelSgx, true),
        registry.setValidatorConfig([who], 1),
        registry.setScheduler(who, true),
        registry.setMaxAttestationValidity(3600n),
        registry.setTeePolicy(OTHER_MEASUREMENT),
      ];
      for (const call of calls) {
        await expect(call).to.be.revertedWithCustomError(registryOf(f), "AccessManagedUnauthorized").withArgs(who);
      }
      expect(await registryOf(f).isScheduler(who)).to.equal(false);
      expect(await registryOf(f).isActiveAt(f.nodes[0]!.enclave.address, await chainTime(f.connection))).to.equal(true);
    });
  });

  describe("setTeePolicy", () => {
    it("records the adopted nsf.tee-policy/1 id (TeePolicySet), zero until governance adopts one", async () => {
      const f = await load();
      const registry = registryOf(f);
      expect(await registry.teePolicy()).to.equal(ZeroHash);
      await expect(registry.setTeePolicy(OTHER_MEASUREMENT)).to.emit(registry, "TeePolicySet").withArgs(OTHER_MEASUREMENT);
      expect(await registry.teePolicy()).to.equal(OTHER_MEASUREMENT);
      // What attestation validators read (their hand-written ABI against the deployed contract).
      const client = await (f.connection as unknown as { viem: { getPublicClient(): Promise<PublicClient> } }).viem.getPublicClient();
      const read = createGovernedTeePolicyReader({ client, nodeRegistry: f.network.addresses.nodeRegistry });
      expect(await read()).to.equal(OTHER_MEASUREMENT.toLowerCase());
    });
  });

  describe("setMaxAttestationValidity", () => {
    it("accepts the bounds 1 hour and 365 days (MaxAttestationValiditySet) and rejects just outside with NodeRegistryInvalidParameter", async () => {
      const f = await load();
      const registry = registryOf(f);
      const year = 365n * 24n * 3600n;
      await expect(registry.setMaxAttestationValidity(3599n)).to.be.revertedWithCustomError(registry, "NodeRegistryInvalidParameter").withArgs(3599n);
      await expect(registry.setMaxAttestationValidity(year + 1n)).to.be.revertedWithCustomError(registry, "NodeRegistryInvalidParameter").withArgs(year + 1n);
      await expect(registry.setMaxAttestationValidity(year)).to.emit(registry, "MaxAttestationValiditySet").withArgs(year);
      await expect(registry.setMaxAttestationValidity(3600n)).to.emit(registry, "MaxAttestationValiditySet").withArgs(3600n);
      expect(await registry.maxAttestationValidity()).to.equal(3600n);
    });

    it("a lowered cap rejects a verdict valid for longer with NodeRegistryInvalidValidity", async () => {
      const f = await load();
      const registry = registryOf(f);
      await (await registry.setMaxAttestationValidity(3600n)).wait();
      const { enclave, operator } = await fresh();
      const t = (await chainTime(connection)) + 10n;
      const verdict = await makeVerdict(f, enclave.address, operator, { attestedAt: t, validUntil: t + 3601n });
      const proof = await signVerdict(f, verdict);
      await connection.networkHelpers.time.setNextBlockTimestamp(t);
      await expect(registry.connect(operator).submitVerdict(verdict, proof))
        .to.be.revertedWithCustomError(registry, "NodeRegistryInvalidValidity")
        .withArgs(t, t + 3601n, t);
    });
  });

  it("verdictDigest equals the TypeScript EIP-712 verdictDigest", async () => {
    const f = await load();
    const { enclave, operator } = await fresh();
    const verdict = await makeVerdict(f, enclave.address, operator, { jurisdiction: UGA, sovereign: true });
    expect(await registryOf(f).verdictDigest(verdict)).to.equal(
      verdictDigest({ chainId: f.network.chainId, address: f.network.addresses.nodeRegistry }, verdict),
    );
  });
});

type Registry = ClauseFixture["network"]["contracts"]["nodeRegistry"];
/** checkExecutors takes one word per executor: `uint256(uint160(key)) << 64 | timestamp` (INodeRegistry). */
function checkExecutors(registry: Registry, keys: string[], timestamps: bigint[], jurisdiction: string): Promise<void> {
  return registry.checkExecutors(
    keys.map((k, i) => (BigInt(k) << 64n) | timestamps[i]!),
    jurisdiction,
  );
}

/** A deterministic non-validator key satisfying `predicate`. */
function findForeign(predicate: (address: Address) => boolean) {
  for (let i = 0; i < 10_000; i++) {
    const account = devAccount("foreign-signer", i);
    if (predicate(account.address)) return account;
  }
  throw new Error("no foreign key found");
}

/** A proof whose bitmap marks positions 0 and 1 as signed, with signatures made by `signers` (any keys). */
async function foreignProof(f: ClauseFixture, verdict: AttestationVerdict, signers: { signTypedData: (t: never) => Promise<Hex> }[], nonSigners: Address[]) {
  const typed = verdictTypedData({ chainId: f.network.chainId, address: f.network.addresses.nodeRegistry }, verdict);
  const signatures: Hex[] = [];
  for (const s of signers) signatures.push(await s.signTypedData(typed as never));
  const [, version] = await f.network.contracts.nodeRegistry.validatorConfig();
  return layoutProof({ configVersion: version, threshold: 2, signerBitmap: 0b011n, nonSigners, signatures });
}
