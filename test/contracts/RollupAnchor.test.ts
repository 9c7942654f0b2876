import { expect } from "chai";
import { encodeBytes32String, type BytesLike } from "ethers";
import { network } from "hardhat";
import { concat, encodeAbiParameters, keccak256, type Address, type Hex } from "viem";
import { AGGREGATOR_ROLE, quorumConfigDigest } from "../../relayer/core/formats/configDigest.js";
import { batchHeaderDigest, batchHeaderTypedData, cacDigest } from "../../relayer/core/formats/eip712.js";
import { batchCommitmentOf, GENESIS_COMMITMENT, leafHash, referenceTree } from "../../relayer/core/formats/leaf.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { devAccount, devAccounts } from "../../relayer/devnet/devKeys.js";
import { anchorScriptedBatch, executorProofs, leafTuple, signCacs } from "../../relayer/devnet/scriptedPipeline.js";
import type { RollupAnchor } from "../../typechain-types/index.js";
import { anchoredFixture, batchRef, headerArg, layoutProof, signHeader, signHeaderRaw, triggeredOutput, type AnchoredFixture } from "../helpers/anchoredFixture.js";
import { clauseFixture, impersonate, KEN, UGA, ZERO32, type ClauseFixture } from "../helpers/fixtures.js";

const NodeStatus = { Ejected: 3 } as const;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const ROOT1 = `0x${"11".repeat(32)}` as Hex;
const ROOT2 = `0x${"22".repeat(32)}` as Hex;
const ARWEAVE = `0x${"a7".repeat(32)}` as Hex;
const QUORUM_ERRORS = ["QuorumSignerOrder", "QuorumConfigMismatch", "QuorumInvalidSignature"];

/** FORMATS.md §8, written out independently of the TS helper: lastSeq << 192 | (H(enc(root, lastSeq)) >> 64). */
const commitmentByFormula = (root: Hex, lastSeq: bigint) =>
  `0x${((lastSeq << 192n) | (BigInt(keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint64" }], [root, lastSeq]))) >> 64n)).toString(16).padStart(64, "0")}`;
/** The malleable twin of an (r, s, v) signature: s' = n - s and the other recovery id. */
function splitHighS(sig: { s: Hex | string; v: number | bigint }): { s: Hex; v: number } {
  return { s: `0x${(SECP256K1_N - BigInt(sig.s)).toString(16).padStart(64, "0")}` as Hex, v: Number(sig.v) === 27 ? 28 : 27 };
}
/** The malleable twin of a valid 65-byte signature: s' = n - s and the other recovery id. */
function highS(signature: Hex): Hex {
  const r = signature.slice(2, 66);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = parseInt(signature.slice(130, 132), 16);
  return `0x${r}${(SECP256K1_N - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
}

describe("RollupAnchor", () => {
  let connection: DevConnection;
  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });

  const loadClause = () => connection.networkHelpers.loadFixture(clauseFixture);
  const loadAnchored = () => connection.networkHelpers.loadFixture(anchoredFixture);
  const anchorOf = (f: ClauseFixture) => f.network.contracts.rollupAnchor;
  const aggregators = (f: ClauseFixture) => f.roles.aggregators.map((a) => a.address);
  /** The anchor as the holder of the Dispute role (the DisputeResolver), the only caller of the freeze functions. */
  const asDisputeRole = async (f: ClauseFixture) =>
    anchorOf(f).connect(await impersonate(connection, f.network.addresses.disputeResolver));
  const batch1 = { batchSeq: 1n, lastSeq: 4n, root: ROOT1 };

  /** Reverts with one of `names` (for failures whose exact error depends on what a garbage recovery yields). */
  async function expectQuorumFailure(contract: RollupAnchor, call: Promise<unknown>, names = QUORUM_ERRORS) {
    try {
      await call;
    } catch (error) {
      const data = (error as { data?: string }).data;
      const parsed = data ? contract.interface.parseError(data) : null;
      expect(names).to.include(parsed?.name, `unexpected revert: ${String(error)}`);
      return;
    }
    expect.fail("expected a quorum failure, the call succeeded");
  }

  describe("anchor", () => {
    it("anchors batch 1: BatchAnchored with every field and the stored commitment lastSeq << 192 | H(root, lastSeq) >> 64", async () => {
      const f = await loadClause();
      const anchor = anchorOf(f);
      expect(await anchor.batchCommitment(0n)).to.equal(GENESIS_COMMITMENT);
      const { header, proof } = await signHeader(f, batch1);
      expect(header.firstSeq).to.equal(1n);
      expect(header.prevCommitment).to.equal(GENESIS_COMMITMENT);
      // firstSeq and configDigest are not emitted: both are derivable (FORMATS.md §8) and signed.
      await expect(anchor.connect(f.actors.submitter).anchor(headerArg(header), ARWEAVE, proof))
        .to.emit(anchor, "BatchAnchored")
        .withArgs(1n, ROOT1, 4n, header.bundleHash, ARWEAVE, proof.signerBitmap);
      expect(await anchor.batchCommitment(1n)).to.equal(batchCommitmentOf(ROOT1, 4n));
      expect(await anchor.batchCommitment(1n)).to.equal(commitmentByFormula(ROOT1, 4n));
      expect(proof.signerBitmap).to.equal(0b00111n);
    });

    it("chains batch 2 onto batch 1 (firstSeq = lastSeq 1 + 1, prevCommitment = commitment 1), signed by any 3 of 5", async () => {
      const f = await loadClause();
      const anchor = anchorOf(f);
      const one = await signHeader(f, batch1);
      await (await anchor.anchor(headerArg(one.header), ARWEAVE, one.proof)).wait();
      const [a0, , a2, , a4] = f.roles.aggregators;
      const two = await signHeader(f, { batchSeq: 2n, lastSeq: 5n, root: ROOT2 }, { signers: [a0!, a2!, a4!] });
      expect(two.header.firstSeq).to.equal(5n);
      expect(two.header.prevCommitment).to.equal(batchCommitmentOf(ROOT1, 4n));
      await expect(anchor.anchor(headerArg(two.header), ARWEAVE, two.proof))
        .to.emit(anchor, "BatchAnchored")
        .withArgs(2n, ROOT2, 5n, two.header.bundleHash, ARWEAVE, 0b10101n);
      expect(await anchor.batchCommitment(2n)).to.equal(batchCommitmentOf(ROOT2, 5n));
    });

    it("never accepts a zero root (RollupAnchorZeroRoot)", async () => {
      const f = await loadClause();
      const { header, proof } = await signHeader(f, { ...batch1, root: ZERO32 });
      await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, proof)).to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorZeroRoot");
    });

    it("rejects an empty batch (lastSeq below the derived firstSeq) with RollupAnchorInvalidRange(firstSeq, lastSeq)", async () => {
      const f = await loadClause();
      const empty = await signHeader(f, { ...batch1, lastSeq: 0n, firstSeq: 0n });
      await expect(anchorOf(f).anchor(headerArg(empty.header), ARWEAVE, empty.proof))
        .to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorInvalidRange")
        .withArgs(1n, 0n);
      const one = await signHeader(f, batch1);
      await (await anchorOf(f).anchor(headerArg(one.header), ARWEAVE, one.proof)).wait();
      const overlapping = await signHeader(f, { batchSeq: 2n, lastSeq: 4n, root: ROOT2, firstSeq: 4n });
      await expect(anchorOf(f).anchor(headerArg(overlapping.header), ARWEAVE, overlapping.proof))
        .to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorInvalidRange")
        .withArgs(5n, 4n);
    });

    it("invariant 4: a retried batch, or other content for the same batchSeq, reverts RollupAnchorBatchAlreadyAnchored", async () => {
      const f = await loadClause();
      const anchor = anchorOf(f);
      const { header, proof } = await signHeader(f, batch1);
      await (await anchor.anchor(headerArg(header), ARWEAVE, proof)).wait();
      await expect(anchor.anchor(headerArg(header), ARWEAVE, proof)).to.be.revertedWithCustomError(anchor, "RollupAnchorBatchAlreadyAnchored").withArgs(1n);
      const other = await signHeader(f, { ...batch1, root: ROOT2 }, {});
      await expect(anchor.anchor(headerArg(other.header), ARWEAVE, other.proof))
        .to.be.revertedWithCustomError(anchor, "RollupAnchorBatchAlreadyAnchored")
        .withArgs(1n);
      expect(await anchor.batchCommitment(1n)).to.equal(batchCommitmentOf(ROOT1, 4n));
    });

    it("batch 0 is genesis and can never be anchored (RollupAnchorBatchAlreadyAnchored(0))", async () => {
      const f = await loadClause();
      const { header, proof } = await signHeader(f, { ...batch1, batchSeq: 0n, firstSeq: 1n });
      await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, proof)).to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorBatchAlreadyAnchored").withArgs(0n);
    });

    describe("continuity (batches in order, each bound to its predecessor)", () => {
      const withBatch1 = async () => {
        const f = await loadClause();
        const one = await signHeader(f, batch1);
        await (await anchorOf(f).anchor(headerArg(one.header), ARWEAVE, one.proof)).wait();
        return f;
      };

      it("rejects a gap in batchSeq (batch 3 while 2 is missing) with RollupAnchorPreviousBatchMissing(3)", async () => {
        const f = await withBatch1();
        const three = await signHeader(f, { batchSeq: 3n, lastSeq: 6n, root: ROOT2, firstSeq: 5n, prevCommitment: batchCommitmentOf(ROOT1, 4n) });
        await expect(anchorOf(f).anchor(headerArg(three.header), ARWEAVE, three.proof))
          .to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorPreviousBatchMissing")
          .withArgs(3n);
      });

      it("signatures over another predecessor (prevCommitment) do not verify: a fork of the chain cannot be anchored", async () => {
        const f = await withBatch1();
        const forked = batchCommitmentOf(`0x${"99".repeat(32)}`, 4n);
        const two = await signHeader(f, { batchSeq: 2n, lastSeq: 6n, root: ROOT2, prevCommitment: forked });
        await expectQuorumFailure(anchorOf(f), anchorOf(f).anchor(headerArg(two.header), ARWEAVE, two.proof));
        expect(await anchorOf(f).batchCommitment(2n)).to.equal(ZERO32);
      });

      it("signatures over a firstSeq other than the previous lastSeq + 1 (overlap or gap) do not verify", async () => {
        const f = await withBatch1();
        for (const firstSeq of [4n, 6n]) {
          const two = await signHeader(f, { batchSeq: 2n, lastSeq: 8n, root: ROOT2, firstSeq });
          await expectQuorumFailure(anchorOf(f), anchorOf(f).anchor(headerArg(two.header), ARWEAVE, two.proof));
        }
        const right = await signHeader(f, { batchSeq: 2n, lastSeq: 8n, root: ROOT2 });
        expect(right.header.firstSeq).to.equal(5n);
        await expect(anchorOf(f).anchor(headerArg(right.header), ARWEAVE, right.proof)).to.emit(anchorOf(f), "BatchAnchored");
      });

      it("a header signed for batch 2 before batch 1 existed does not verify once batch 1 is anchored", async () => {
        const f = await loadClause();
        // Signed against a missing predecessor (prevCommitment 0, firstSeq 1).
        const early = await signHeader(f, { batchSeq: 2n, lastSeq: 6n, root: ROOT2 });
        expect(early.header.prevCommitment).to.equal(ZERO32);
        const one = await signHeader(f, batch1);
        await (await anchorOf(f).anchor(headerArg(one.header), ARWEAVE, one.proof)).wait();
        await expectQuorumFailure(anchorOf(f), anchorOf(f).anchor(headerArg(early.header), ARWEAVE, early.proof));
      });
    });

    describe("aggregator quorum (invariant 1)", () => {
      /** batch1 signed by aggregators `indexes` (no layout), plus the config's addresses. */
      const signed = async (f: ClauseFixture, indexes = [0, 1, 2, 3, 4]) => {
        const { header, signatures, configVersion } = await signHeaderRaw(f, batch1, { signers: indexes.map((i) => f.roles.aggregators[i]!) });
        const sig = (i: number) => signatures.get(f.roles.aggregators[i]!.address)!;
        return { header, sig, configVersion };
      };
      const proofOf = (configVersion: bigint, bitmap: bigint, nonSigners: Address[], signatures: Hex[], threshold = 3) =>
        layoutProof({ configVersion, threshold, signerBitmap: bitmap, nonSigners, signatures });

      it("rejects two signatures for a 3-of-5 config with QuorumSignatureCount(3, 2)", async () => {
        const f = await loadClause();
        const { header, sig, configVersion } = await signed(f);
        const a = aggregators(f);
        const proof = proofOf(configVersion, 0b00011n, [a[2]!, a[3]!, a[4]!], [sig(0), sig(1)]);
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, proof)).to.be.revertedWithCustomError(anchorOf(f), "QuorumSignatureCount").withArgs(3, 2);
      });

      it("rejects four signatures for a 3-of-5 config with QuorumSignatureCount(3, 4): the count is exact", async () => {
        const f = await loadClause();
        const { header, sig, configVersion } = await signed(f);
        const a = aggregators(f);
        const proof = proofOf(configVersion, 0b01111n, [a[4]!], [sig(0), sig(1), sig(2), sig(3)]);
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, proof)).to.be.revertedWithCustomError(anchorOf(f), "QuorumSignatureCount").withArgs(3, 4);
      });

      it("rejects the same aggregator's signature twice with QuorumSignerOrder(1, aggregator)", async () => {
        const f = await loadClause();
        const { header, sig, configVersion } = await signed(f);
        const a = aggregators(f);
        const proof = proofOf(configVersion, 0b00111n, [a[3]!, a[4]!], [sig(0), sig(0), sig(2)]);
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, proof)).to.be.revertedWithCustomError(anchorOf(f), "QuorumSignerOrder").withArgs(1, a[0]);
      });

      it("rejects signatures out of position order with QuorumSignerOrder(1, aggregator 0)", async () => {
        const f = await loadClause();
        const { header, sig, configVersion } = await signed(f);
        const a = aggregators(f);
        const proof = proofOf(configVersion, 0b00111n, [a[3]!, a[4]!], [sig(1), sig(0), sig(2)]);
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, proof)).to.be.revertedWithCustomError(anchorOf(f), "QuorumSignerOrder").withArgs(1, a[0]);
      });

      it("rejects the high-s twin of a valid signature with QuorumMalleableSignature(position)", async () => {
        const f = await loadClause();
        const { header, sig, configVersion } = await signed(f);
        const a = aggregators(f);
        const valid = proofOf(configVersion, 0b00111n, [a[3]!, a[4]!], [sig(0), sig(1), sig(2)]);
        const twin = proofOf(configVersion, 0b00111n, [a[3]!, a[4]!], [sig(0), highS(sig(1)), sig(2)]);
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, twin)).to.be.revertedWithCustomError(anchorOf(f), "QuorumMalleableSignature").withArgs(1);
        // The low-s original is what verifies.
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, valid)).to.emit(anchorOf(f), "BatchAnchored");
      });

      it("rejects a signature with an invalid v or one recovering to address(0) with QuorumInvalidSignature(position)", async () => {
        const f = await loadClause();
        const { header, sig, configVersion } = await signed(f);
        const a = aggregators(f);
        const badV = `${sig(0).slice(0, 130)}1d` as Hex; // v = 29
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, proofOf(configVersion, 0b00111n, [a[3]!, a[4]!], [badV, sig(1), sig(2)])))
          .to.be.revertedWithCustomError(anchorOf(f), "QuorumInvalidSignature")
          .withArgs(0);
        // r = 0 is not a curve point: ecrecover yields address(0), which never counts.
        const zeroR = `0x${"00".repeat(32)}${sig(2).slice(66)}` as Hex;
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, proofOf(configVersion, 0b00111n, [a[3]!, a[4]!], [sig(0), sig(1), zeroR])))
          .to.be.revertedWithCustomError(anchorOf(f), "QuorumInvalidSignature")
          .withArgs(2);
      });

      it("rejects a non-aggregator signer: QuorumSignerOrder when it breaks the order, QuorumConfigMismatch when it keeps it", async () => {
        const f = await loadClause();
        const { header, sig, configVersion } = await signed(f);
        const a = aggregators(f);
        const typed = batchHeaderTypedData({ chainId: f.network.chainId, address: f.network.addresses.rollupAnchor }, header);
        // Position 1 signed by a foreign key below aggregator 0: the rebuilt list is not ascending.
        const low = findForeign((x) => BigInt(x) < BigInt(a[0]!));
        const lowProof = proofOf(configVersion, 0b00111n, [a[3]!, a[4]!], [sig(0), await low.signTypedData(typed), sig(2)]);
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, lowProof))
          .to.be.revertedWithCustomError(anchorOf(f), "QuorumSignerOrder")
          .withArgs(1, low.address);
        // A foreign key between aggregators 0 and 2: ascending, but the rebuilt config is not the stored one.
        const mid = findForeign((x) => BigInt(x) > BigInt(a[0]!) && BigInt(x) < BigInt(a[2]!) && x !== a[1]);
        const midProof = proofOf(configVersion, 0b00111n, [a[3]!, a[4]!], [sig(0), await mid.signTypedData(typed), sig(2)]);
        const [expected] = await anchorOf(f).config();
        const computed = quorumConfigDigest({
          chainId: f.network.chainId,
          verifyingContract: f.network.addresses.rollupAnchor,
          role: AGGREGATOR_ROLE,
          configVersion,
          threshold: 3,
          signers: [a[0]!, mid.address, a[2]!, a[3]!, a[4]!],
        });
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, midProof))
          .to.be.revertedWithCustomError(anchorOf(f), "QuorumConfigMismatch")
          .withArgs(expected, computed);
      });

      it("rejects a wrong non-signer address with QuorumConfigMismatch (positions are bound by the digest)", async () => {
        const f = await loadClause();
        const { header, sig, configVersion } = await signed(f);
        const a = aggregators(f);
        const stranger = `0x${"f".repeat(40)}` as Address;
        const proof = proofOf(configVersion, 0b00111n, [a[3]!, stranger], [sig(0), sig(1), sig(2)]);
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, proof)).to.be.revertedWithCustomError(anchorOf(f), "QuorumConfigMismatch");
      });

      it("rejects bitmap bits beyond the signer list with QuorumBitmapOutOfRange(bitmap, n)", async () => {
        const f = await loadClause();
        const { header, sig, configVersion } = await signed(f);
        const a = aggregators(f);
        const proof = proofOf(configVersion, 0b100011n, [a[2]!, a[3]!], [sig(0), sig(1), sig(2)]);
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, proof))
          .to.be.revertedWithCustomError(anchorOf(f), "QuorumBitmapOutOfRange")
          .withArgs(0b100011n, 5n);
      });

      it("rejects a signatures blob that is not 65 bytes per signer with QuorumSignatureLength(length)", async () => {
        const f = await loadClause();
        const { header, sig, configVersion } = await signed(f);
        const a = aggregators(f);
        const short = proofOf(configVersion, 0b00111n, [a[3]!, a[4]!], [sig(0), sig(1), sig(2).slice(0, -2) as Hex]);
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, short))
          .to.be.revertedWithCustomError(anchorOf(f), "QuorumSignatureLength")
          .withArgs(blobLength(short));
        const long = proofOf(configVersion, 0b00111n, [a[3]!, a[4]!], [sig(0), sig(1), `${sig(2)}00` as Hex]);
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, long))
          .to.be.revertedWithCustomError(anchorOf(f), "QuorumSignatureLength")
          .withArgs(blobLength(long));
      });

      it("a threshold lowered in the proof does not verify: QuorumConfigMismatch", async () => {
        const f = await loadClause();
        const { header, sig, configVersion } = await signed(f);
        const a = aggregators(f);
        const proof = proofOf(configVersion, 0b00001n, [a[1]!, a[2]!, a[3]!, a[4]!], [sig(0)], 1);
        await expect(anchorOf(f).anchor(headerArg(header), ARWEAVE, proof)).to.be.revertedWithCustomError(anchorOf(f), "QuorumConfigMismatch");
      });
    });

    describe("config rotation (invariant 2)", () => {
      it("signatures made before setConfig stop counting at once, even with the same signers", async () => {
        const f = await loadClause();
        const anchor = anchorOf(f);
        const { header, proof } = await signHeader(f, batch1);
        await (await anchor.setConfig(aggregators(f), 3)).wait();
        await expectQuorumFailure(anchor, anchor.anchor(headerArg(header), ARWEAVE, proof));
        const fresh = await signHeader(f, batch1);
        expect(fresh.header.configDigest).to.not.equal(header.configDigest);
        await expect(anchor.anchor(headerArg(fresh.header), ARWEAVE, fresh.proof)).to.emit(anchor, "BatchAnchored");
      });

      it("a proof naming the superseded config version fails with QuorumConfigMismatch(current, old digest)", async () => {
        const f = await loadClause();
        const anchor = anchorOf(f);
        const [oldDigest, oldVersion] = await anchor.config();
        await (await anchor.setConfig(aggregators(f), 3)).wait();
        const { header, proof } = await signHeader(f, batch1);
        const [current] = await anchor.config();
        await expect(anchor.anchor(headerArg(header), ARWEAVE, { ...proof, configVersion: oldVersion }))
          .to.be.revertedWithCustomError(anchor, "QuorumConfigMismatch")
          .withArgs(current, oldDigest);
      });

      it("removed aggregators stop counting after a rotation; the new ones do", async () => {
        const f = await loadClause();
        const anchor = anchorOf(f);
        const next = devAccounts("aggregator-v2", 3);
        await (await anchor.setConfig(next.map((a) => a.address), 2)).wait();
        const [, configVersion] = await anchor.config();
        const layout = async (signers: typeof next) => {
          const { header, signatures } = await signHeaderRaw(f, batch1, { signers });
          const proof = layoutProof({ configVersion, threshold: 2, signerBitmap: 0b011n, nonSigners: [next[2]!.address], signatures: signers.map((s) => signatures.get(s.address)!) });
          return { header, proof };
        };
        const [old0, old1] = f.roles.aggregators;
        const byOld = await layout([old0!, old1!]);
        await expectQuorumFailure(anchor, anchor.anchor(headerArg(byOld.header), ARWEAVE, byOld.proof));
        const byNew = await layout([next[0]!, next[1]!]);
        await expect(anchor.anchor(headerArg(byNew.header), ARWEAVE, byNew.proof)).to.emit(anchor, "BatchAnchored");
      });
    });

    it("invariant 3: signatures for one RollupAnchor instance do not verify on another with the same config", async () => {
      const f = await loadClause();
      const anchorA = anchorOf(f);
      const anchorB = (await connection.ethers.deployContract("RollupAnchor", [
        f.network.addresses.accessManager,
        f.network.addresses.nodeRegistry,
      ])) as unknown as RollupAnchor;
      const addressB = (await anchorB.getAddress()) as Address;
      await (await anchorB.setConfig(aggregators(f), 3)).wait();

      const forA = await signHeader(f, batch1);
      await expectQuorumFailure(anchorB, anchorB.anchor(headerArg(forA.header), ARWEAVE, forA.proof));
      const forB = await signHeader(f, batch1, { anchorAddress: addressB });
      await expectQuorumFailure(anchorA, anchorA.anchor(headerArg(forB.header), ARWEAVE, forB.proof));
      // Each instance accepts what was signed for it.
      await expect(anchorB.anchor(headerArg(forB.header), ARWEAVE, forB.proof)).to.emit(anchorB, "BatchAnchored");
      await expect(anchorA.anchor(headerArg(forA.header), ARWEAVE, forA.proof)).to.emit(anchorA, "BatchAnchored");
    });
  });

  describe("setConfig", () => {
    it("emits ConfigSet with the TS quorumConfigDigest, bumps the version and stores the config", async () => {
      const f = await loadClause();
      const anchor = anchorOf(f);
      const signers = devAccounts("aggregator-v2", 4).map((a) => a.address);
      const [, version] = await anchor.config();
      const digest = quorumConfigDigest({
        chainId: f.network.chainId,
        verifyingContract: f.network.addresses.rollupAnchor,
        role: AGGREGATOR_ROLE,
        configVersion: version + 1n,
        threshold: 2,
        signers,
      });
      await expect(anchor.setConfig(signers, 2)).to.emit(anchor, "ConfigSet").withArgs(digest, version + 1n, 2, signers);
      const [d, v, k, s] = await anchor.config();
      expect([d, v, k, [...s]]).to.deep.equal([digest, version + 1n, 2n, signers]);
    });

    it("rejects k = 0 and k > n with QuorumInvalidThreshold(k, n), and an empty set", async () => {
      const f = await loadClause();
      const anchor = anchorOf(f);
      const signers = aggregators(f);
      await expect(anchor.setConfig(signers, 0)).to.be.revertedWithCustomError(anchor, "QuorumInvalidThreshold").withArgs(0, 5);
      await expect(anchor.setConfig(signers, 6)).to.be.revertedWithCustomError(anchor, "QuorumInvalidThreshold").withArgs(6, 5);
      await expect(anchor.setConfig([], 1)).to.be.revertedWithCustomError(anchor, "QuorumInvalidThreshold").withArgs(1, 0);
    });

    it("rejects unsorted, duplicate and zero signers with QuorumSignersNotAscending(index, signer)", async () => {
      const f = await loadClause();
      const anchor = anchorOf(f);
      const a = aggregators(f);
      await expect(anchor.setConfig([a[0]!, a[2]!, a[1]!], 2)).to.be.revertedWithCustomError(anchor, "QuorumSignersNotAscending").withArgs(2, a[1]);
      await expect(anchor.setConfig([a[0]!, a[1]!, a[1]!], 2)).to.be.revertedWithCustomError(anchor, "QuorumSignersNotAscending").withArgs(2, a[1]);
      const zero = "0x0000000000000000000000000000000000000000";
      await expect(anchor.setConfig([zero, a[0]!], 1)).to.be.revertedWithCustomError(anchor, "QuorumSignersNotAscending").withArgs(0, zero);
    });

    it("rejects 33 signers with QuorumTooManySigners(33, 32) and accepts 32", async () => {
      const f = await loadClause();
      const anchor = anchorOf(f);
      const many = devAccounts("many-aggregators", 33).map((a) => a.address);
      await expect(anchor.setConfig(many, 17)).to.be.revertedWithCustomError(anchor, "QuorumTooManySigners").withArgs(33, 32);
      await expect(anchor.setConfig(many.slice(0, 32), 17)).to.emit(anchor, "ConfigSet");
    });
  });

  describe("verifyInclusion", () => {
    it("is true for every anchored leaf with its proof", async () => {
      const f = await loadAnchored();
      for (const r of [f.sensorResult, f.mixedResult, f.noActionResult]) {
        expect(await anchorOf(f).verifyInclusion(batchRef(f.batch1), leafTuple(r.leaf), f.batch1.proofs.get(r.leaf.jobId)!)).to.equal(true);
      }
    });

    it("is false for a wrong proof, a changed leaf, a wrong lastSeq, a wrong root and an unknown batch", async () => {
      const f = await loadAnchored();
      const anchor = anchorOf(f);
      const leaf = leafTuple(f.sensorResult.leaf);
      const proof = f.batch1.proofs.get(f.sensorResult.leaf.jobId)!;
      const ref = batchRef(f.batch1);
      expect(await anchor.verifyInclusion(ref, leaf, f.batch1.proofs.get(f.mixedResult.leaf.jobId)!)).to.equal(false);
      expect(await anchor.verifyInclusion(ref, { ...leaf, outputHash: ZERO32 }, proof)).to.equal(false);
      expect(await anchor.verifyInclusion(ref, { ...leaf, resultSeq: 2n }, proof)).to.equal(false);
      expect(await anchor.verifyInclusion({ ...ref, lastSeq: ref.lastSeq + 1n }, leaf, proof)).to.equal(false);
      expect(await anchor.verifyInclusion({ ...ref, root: ROOT1 }, leaf, proof)).to.equal(false);
      expect(await anchor.verifyInclusion({ ...ref, batchSeq: 2n }, leaf, proof)).to.equal(false);
      expect(await anchor.verifyInclusion({ batchSeq: 0n, root: ZERO32, lastSeq: 0n }, leaf, [])).to.equal(false);
    });

    it("invariant 5: an internal node cannot be proven as a leaf (leaves are hashed from 7 values, twice)", async () => {
      const f = await loadAnchored();
      const tree = referenceTree([f.sensorResult.leaf, f.mixedResult.leaf, f.noActionResult.leaf]);
      // The leaf with the deepest proof, so that a proper internal node sits on its path.
      const target = [f.sensorResult, f.mixedResult, f.noActionResult].sort(
        (x, y) => f.batch1.proofs.get(y.leaf.jobId)!.length - f.batch1.proofs.get(x.leaf.jobId)!.length,
      )[0]!;
      const proof = f.batch1.proofs.get(target.leaf.jobId)!;
      expect(proof.length).to.be.greaterThan(1);
      const a = leafHash(target.leaf);
      const b = proof[0]!;
      const node = keccak256(concat(BigInt(a) < BigInt(b) ? [a, b] : [b, a]));
      // With a single-hash scheme, (node, proof[1..]) would verify against the root; here the root is OZ's.
      expect(tree.root).to.equal(f.batch1.header.root);
      const rest = proof.slice(1);
      let acc = node;
      for (const p of rest) acc = keccak256(concat(BigInt(acc) < BigInt(p) ? [acc, p as Hex] : [p as Hex, acc]));
      expect(acc).to.equal(f.batch1.header.root);
      // verifyInclusion only takes leaf values, and no leaf values hash to `node`: the shortened proof fails.
      expect(await anchorOf(f).verifyInclusion(batchRef(f.batch1), leafTuple(target.leaf), rest as Hex[])).to.equal(false);
      expect(await anchorOf(f).verifyInclusion(batchRef(f.batch1), leafTuple(target.leaf), proof)).to.equal(true);
    });
  });

  describe("verifyExecution", () => {
    const args = (f: AnchoredFixture, r = f.sensorResult) =>
      [batchRef(f.batch1), leafTuple(r.leaf), f.batch1.proofs.get(r.leaf.jobId)!, ctxOf(f), executorProofs(r)] as const;
    const ctxOf = (f: AnchoredFixture) => ({ clauseVersion: f.clauseCtx.clauseVersion, codeHash: f.clauseCtx.codeHash, configDigest: f.clauseCtx.configDigest });
    const kenQuorum = { minExecutors: 3, jurisdiction: KEN };
    const anyWhere = { minExecutors: 3, jurisdiction: "0x000000" };

    it("accepts an anchored result signed by 3 attested KEN executors (in-country requirement)", async () => {
      const f = await loadAnchored();
      await anchorOf(f).verifyExecution(...args(f), kenQuorum);
      await anchorOf(f).verifyExecution(...args(f, f.mixedResult), anyWhere);
    });

    it("rejects an unknown batch with RollupAnchorUnknownBatch (not anchored, wrong root, genesis)", async () => {
      const f = await loadAnchored();
      const [ref, leaf, proof, ctx, executors] = args(f);
      await expect(anchorOf(f).verifyExecution({ ...ref, batchSeq: 2n }, leaf, proof, ctx, executors, kenQuorum))
        .to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorUnknownBatch")
        .withArgs(2n);
      await expect(anchorOf(f).verifyExecution({ ...ref, root: ROOT1 }, leaf, proof, ctx, executors, kenQuorum))
        .to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorUnknownBatch")
        .withArgs(1n);
      await expect(anchorOf(f).verifyExecution({ batchSeq: 0n, root: ZERO32, lastSeq: 0n }, leaf, [], ctx, executors, kenQuorum))
        .to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorUnknownBatch")
        .withArgs(0n);
    });

    it("rejects a proof that does not lead to the root with RollupAnchorInvalidProof", async () => {
      const f = await loadAnchored();
      const [ref, leaf, , ctx, executors] = args(f);
      const wrong = f.batch1.proofs.get(f.mixedResult.leaf.jobId)!;
      await expect(anchorOf(f).verifyExecution(ref, leaf, wrong, ctx, executors, kenQuorum)).to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorInvalidProof");
    });

    it("rejects fewer executors than required with RollupAnchorTooFewExecutors(required, given); minExecutors 0 means 1", async () => {
      const f = await loadAnchored();
      const [ref, leaf, proof, ctx, executors] = args(f);
      await expect(anchorOf(f).verifyExecution(ref, leaf, proof, ctx, executors.slice(0, 2), kenQuorum))
        .to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorTooFewExecutors")
        .withArgs(3, 2);
      await expect(anchorOf(f).verifyExecution(ref, leaf, proof, ctx, [], { minExecutors: 0, jurisdiction: KEN }))
        .to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorTooFewExecutors")
        .withArgs(1, 0);
    });

    it("rejects unsorted or duplicate executors with RollupAnchorExecutorOrder(index, signer)", async () => {
      const f = await loadAnchored();
      const [ref, leaf, proof, ctx, executors] = args(f);
      const signers = f.sensorResult.cacs.map((c) => c.signer);
      await expect(anchorOf(f).verifyExecution(ref, leaf, proof, ctx, [executors[1]!, executors[0]!, executors[2]!], kenQuorum))
        .to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorExecutorOrder")
        .withArgs(1, signers[0]);
      await expect(anchorOf(f).verifyExecution(ref, leaf, proof, ctx, [executors[0]!, executors[0]!, executors[2]!], kenQuorum))
        .to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorExecutorOrder")
        .withArgs(1, signers[0]);
    });

    it("rejects a CAC set that is not the leaf's (one CAC dropped) with RollupAnchorCacSetMismatch(expected, computed)", async () => {
      const f = await loadAnchored();
      const [ref, leaf, proof, ctx, executors] = args(f);
      const digests = f.sensorResult.cacs.map((c) => c.digest);
      await expect(anchorOf(f).verifyExecution(ref, leaf, proof, ctx, executors.slice(0, 2), { minExecutors: 2, jurisdiction: KEN }))
        .to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorCacSetMismatch")
        .withArgs(leaf.cacSetHash, keccak256(concat(digests.slice(0, 2))));
    });

    it("rejects the high-s twin of an executor signature with QuorumMalleableSignature(index)", async () => {
      const f = await loadAnchored();
      const [ref, leaf, proof, ctx, executors] = args(f);
      const e1 = executors[1]!;
      const twin = [executors[0]!, { ...e1, ...splitHighS(e1) }, executors[2]!];
      await expect(anchorOf(f).verifyExecution(ref, leaf, proof, ctx, twin, kenQuorum)).to.be.revertedWithCustomError(anchorOf(f), "QuorumMalleableSignature").withArgs(1);
    });

    it("rejects more executor proofs than any quorum can have with RollupAnchorTooManyExecutors(33)", async () => {
      const f = await loadAnchored();
      const [ref, leaf, proof, ctx, executors] = args(f);
      const many = Array.from({ length: 33 }, (_, i) => executors[i % 3]!);
      await expect(anchorOf(f).verifyExecution(ref, leaf, proof, ctx, many, kenQuorum))
        .to.be.revertedWithCustomError(anchorOf(f), "RollupAnchorTooManyExecutors")
        .withArgs(33);
    });

    it("rejects an executor signature with an invalid v or r = 0 with QuorumInvalidSignature(index)", async () => {
      const f = await loadAnchored();
      const [ref, leaf, proof, ctx, executors] = args(f);
      const badV = [executors[0]!, { ...executors[1]!, v: 29 }, executors[2]!];
      await expect(anchorOf(f).verifyExecution(ref, leaf, proof, ctx, badV, kenQuorum)).to.be.revertedWithCustomError(anchorOf(f), "QuorumInvalidSignature").withArgs(1);
      const zeroR = [executors[0]!, executors[1]!, { ...executors[2]!, r: ZERO32 }];
      await expect(anchorOf(f).verifyExecution(ref, leaf, proof, ctx, zeroR, kenQuorum)).to.be.revertedWithCustomError(anchorOf(f), "QuorumInvalidSignature").withArgs(2);
    });

    it("rejects a CAC field changed after signing (attempt, code hash) with RollupAnchorExecutorOrder or RollupAnchorCacSetMismatch", async () => {
      const f = await loadAnchored();
      const [ref, leaf, proof, ctx, executors] = args(f);
      const tampered = executors.map((e) => ({ ...e, attempt: 2 }));
      // Each digest changes, so each recovery yields some other address: out of order, or a CAC set the leaf does not name.
      const mismatch = ["RollupAnchorExecutorOrder", "RollupAnchorCacSetMismatch"];
      await expectQuorumFailure(anchorOf(f), anchorOf(f).verifyExecution(ref, leaf, proof, ctx, tampered, kenQuorum), mismatch);
      const wrongCtx = { ...ctx, codeHash: `0x${"cd".repeat(32)}` };
      await expectQuorumFailure(anchorOf(f), anchorOf(f).verifyExecution(ref, leaf, proof, wrongCtx, executors, kenQuorum), mismatch);
    });

    it("states what happened: it still holds while the clause is frozen or the network is in safe mode", async () => {
      const f = await loadAnchored();
      await (await (await asDisputeRole(f)).setClauseFrozen(f.clauseId, true, ZERO32)).wait();
      await (await anchorOf(f).setSafeMode(true, ZERO32)).wait();
      await anchorOf(f).verifyExecution(...args(f), kenQuorum);
    });
  });

  describe("requireActionable (freezes and safe mode)", () => {
    it("reverts RollupAnchorFrozen while the clause or the tenant is frozen and passes once unfrozen (ClauseFreezeSet, TenantFreezeSet)", async () => {
      const f = await loadAnchored();
      const anchor = await asDisputeRole(f);
      const reason = encodeBytes32String("dispute 1");
      await anchor.requireActionable(f.clauseId, f.tenantId);
      await expect(anchor.setClauseFrozen(f.clauseId, true, reason)).to.emit(anchor, "ClauseFreezeSet").withArgs(f.clauseId, true, reason);
      expect(await anchor.isClauseFrozen(f.clauseId)).to.equal(true);
      await expect(anchor.requireActionable(f.clauseId, f.tenantId)).to.be.revertedWithCustomError(anchor, "RollupAnchorFrozen").withArgs(f.clauseId);
      await expect(anchor.setClauseFrozen(f.clauseId, false, reason)).to.emit(anchor, "ClauseFreezeSet").withArgs(f.clauseId, false, reason);

      await expect(anchor.setTenantFrozen(f.tenantId, true, reason)).to.emit(anchor, "TenantFreezeSet").withArgs(f.tenantId, true, reason);
      expect(await anchor.isTenantFrozen(f.tenantId)).to.equal(true);
      await expect(anchor.requireActionable(f.clauseId, f.tenantId)).to.be.revertedWithCustomError(anchor, "RollupAnchorFrozen").withArgs(f.tenantId);
      await (await anchor.setTenantFrozen(f.tenantId, false, reason)).wait();
      await anchor.requireActionable(f.clauseId, f.tenantId);
    });

    it("freezing another clause does not affect this one; freezing twice then unfreezing once unfreezes", async () => {
      const f = await loadAnchored();
      const anchor = await asDisputeRole(f);
      const other = `0x${"0c".repeat(32)}`;
      await (await anchor.setClauseFrozen(other, true, ZERO32)).wait();
      await anchor.requireActionable(f.clauseId, f.tenantId);
      await (await anchor.setClauseFrozen(f.clauseId, true, ZERO32)).wait();
      await (await anchor.setClauseFrozen(f.clauseId, true, ZERO32)).wait();
      await (await anchor.setClauseFrozen(f.clauseId, false, ZERO32)).wait();
      await anchor.requireActionable(f.clauseId, f.tenantId);
      await (await anchor.setClauseFrozen(other, false, ZERO32)).wait();
      await (await anchor.setClauseFrozen(f.clauseId, true, ZERO32)).wait();
      await expect(anchor.requireActionable(f.clauseId, f.tenantId)).to.be.revertedWithCustomError(anchor, "RollupAnchorFrozen").withArgs(f.clauseId);
    });

    it("reverts RollupAnchorSafeMode in safe mode (SafeModeSet) while anchoring continues; passes again when it ends", async () => {
      const f = await loadAnchored();
      const anchor = anchorOf(f);
      const reason = encodeBytes32String("incident");
      await expect(anchor.setSafeMode(true, reason)).to.emit(anchor, "SafeModeSet").withArgs(true, reason);
      expect(await anchor.safeMode()).to.equal(true);
      await expect(anchor.requireActionable(f.clauseId, f.tenantId)).to.be.revertedWithCustomError(anchor, "RollupAnchorSafeMode");
      const two = await signHeader(f, { batchSeq: 2n, lastSeq: 4n, root: ROOT2 });
      await expect(anchor.anchor(headerArg(two.header), ARWEAVE, two.proof)).to.emit(anchor, "BatchAnchored");
      await expect(anchor.setSafeMode(false, reason)).to.emit(anchor, "SafeModeSet").withArgs(false, reason);
      await anchor.requireActionable(f.clauseId, f.tenantId);
    });
  });

  describe("verifyExecution: executor keys must be valid in NodeRegistry (invariant 7)", () => {
    const args = (f: AnchoredFixture, r = f.sensorResult) =>
      [batchRef(f.batch1), leafTuple(r.leaf), f.batch1.proofs.get(r.leaf.jobId)!, ctxOf(f), executorProofs(r)] as const;
    const ctxOf = (f: AnchoredFixture) => ({ clauseVersion: f.clauseCtx.clauseVersion, codeHash: f.clauseCtx.codeHash, configDigest: f.clauseCtx.configDigest });
    const kenQuorum = { minExecutors: 3, jurisdiction: KEN };
    it("an ejected executor fails with NodeRegistryExecutorNotActive(key, Ejected)", async () => {
      const f = await loadAnchored();
      const registry = f.network.contracts.nodeRegistry;
      const key = f.sensorResult.cacs[1]!.signer;
      await (await registry.ejectNode(key, encodeBytes32String("equivocation"))).wait();
      await expect(anchorOf(f).verifyExecution(...args(f), kenQuorum))
        .to.be.revertedWithCustomError(registry, "NodeRegistryExecutorNotActive")
        .withArgs(key, NodeStatus.Ejected);
    });

    it("executors revoked with their measurement fail with NodeRegistryExecutorNotActive", async () => {
      const f = await loadAnchored();
      const registry = f.network.contracts.nodeRegistry;
      await (await registry.setMeasurementAllowed(f.nodes[0]!.measurement, false)).wait();
      await expect(anchorOf(f).verifyExecution(...args(f), kenQuorum)).to.be.revertedWithCustomError(registry, "NodeRegistryExecutorNotActive");
    });

    it("a CAC timestamped after the executor's attestedUntil fails with NodeRegistryAttestationExpired", async () => {
      const f = await loadAnchored();
      const registry = f.network.contracts.nodeRegistry;
      const until = (await registry.getNode(f.nodes[0]!.enclave.address)).attestedUntil;
      const late = await signCacs(
        f.network,
        f.clauseCtx,
        { jobId: f.sensorResult.leaf.jobId, tenantId: f.tenantId, inputBundle: { late: true }, resultSeq: 4n },
        f.nodes.slice(0, 3),
        triggeredOutput(),
        until + 1n,
      );
      const batch2 = await anchorScriptedBatch(f.network, f.roles, f.actors.submitter, { batchSeq: 2n, results: [late] });
      const expired = late.cacs[0]!.signer;
      const expiredUntil = (await registry.getNode(expired)).attestedUntil;
      await expect(
        anchorOf(f).verifyExecution(batchRef(batch2), leafTuple(late.leaf), batch2.proofs.get(late.leaf.jobId)!, ctxOf(f), executorProofs(late), kenQuorum),
      )
        .to.be.revertedWithCustomError(registry, "NodeRegistryAttestationExpired")
        .withArgs(expired, expiredUntil, until + 1n);
    });

    it("an executor outside the required jurisdiction fails with NodeRegistryJurisdictionMismatch(key, KEN, UGA)", async () => {
      const f = await loadAnchored();
      const registry = f.network.contracts.nodeRegistry;
      const uga = f.nodes[4]!.enclave.address;
      await expect(anchorOf(f).verifyExecution(...args(f, f.mixedResult), kenQuorum))
        .to.be.revertedWithCustomError(registry, "NodeRegistryJurisdictionMismatch")
        .withArgs(uga, KEN, UGA);
    });
  });

  describe("access control", () => {
    it("the freeze functions belong to the Dispute role: even the admin is refused (AccessManagedUnauthorized)", async () => {
      const f = await loadClause();
      const admin = await f.actors.deployer.getAddress();
      await expect(anchorOf(f).setClauseFrozen(f.clauseId, true, ZERO32)).to.be.revertedWithCustomError(anchorOf(f), "AccessManagedUnauthorized").withArgs(admin);
      await expect(anchorOf(f).setTenantFrozen(f.tenantId, true, ZERO32)).to.be.revertedWithCustomError(anchorOf(f), "AccessManagedUnauthorized").withArgs(admin);
    });

    it("setConfig, setClauseFrozen, setTenantFrozen and setSafeMode reject a non-admin with AccessManagedUnauthorized", async () => {
      const f = await loadClause();
      const anchor = anchorOf(f).connect(f.actors.stranger);
      const who = await f.actors.stranger.getAddress();
      for (const call of [
        anchor.setConfig([who], 1),
        anchor.setClauseFrozen(f.clauseId, true, ZERO32),
        anchor.setTenantFrozen(f.tenantId, true, ZERO32),
        anchor.setSafeMode(true, ZERO32),
      ]) {
        await expect(call).to.be.revertedWithCustomError(anchorOf(f), "AccessManagedUnauthorized").withArgs(who);
      }
      expect(await anchorOf(f).safeMode()).to.equal(false);
      expect(await anchorOf(f).isClauseFrozen(f.clauseId)).to.equal(false);
    });
  });

  describe("digests", () => {
    it("cacDigest equals the TS EIP-712 cacDigest of every executor's CAC", async () => {
      const f = await loadAnchored();
      const deployment = { chainId: f.network.chainId, address: f.network.addresses.rollupAnchor };
      const leaf = leafTuple(f.sensorResult.leaf);
      const executors = executorProofs(f.sensorResult);
      for (const [i, c] of f.sensorResult.cacs.entries()) {
        const onChain = await anchorOf(f).cacDigest(leaf, { clauseVersion: f.clauseVersion, codeHash: f.clauseCtx.codeHash, configDigest: f.configDigest }, executors[i]!);
        expect(onChain).to.equal(cacDigest(deployment, c.cac));
        expect(onChain).to.equal(c.digest);
      }
    });

    it("batchHeaderDigest equals the TS batchHeaderDigest over the derived firstSeq and previous commitment", async () => {
      const f = await loadAnchored();
      const deployment = { chainId: f.network.chainId, address: f.network.addresses.rollupAnchor };
      const h1 = f.batch1.header;
      expect(await anchorOf(f).batchHeaderDigest(headerArg(h1))).to.equal(batchHeaderDigest(deployment, h1));
      const { header: h2 } = await signHeaderRaw(f, { batchSeq: 2n, lastSeq: 9n, root: ROOT2 });
      expect([h2.firstSeq, h2.prevCommitment]).to.deep.equal([4n, await anchorOf(f).batchCommitment(1n)]);
      expect(await anchorOf(f).batchHeaderDigest(headerArg(h2))).to.equal(batchHeaderDigest(deployment, h2));
    });

    it("batchHeaderDigest rejects a missing predecessor (RollupAnchorPreviousBatchMissing) and an empty range (RollupAnchorInvalidRange)", async () => {
      const f = await loadAnchored();
      const anchor = anchorOf(f);
      const bundleHash = ZERO32;
      await expect(anchor.batchHeaderDigest({ batchSeq: 3n, lastSeq: 9n, root: ROOT2, bundleHash }))
        .to.be.revertedWithCustomError(anchor, "RollupAnchorPreviousBatchMissing")
        .withArgs(3n);
      await expect(anchor.batchHeaderDigest({ batchSeq: 0n, lastSeq: 9n, root: ROOT2, bundleHash }))
        .to.be.revertedWithCustomError(anchor, "RollupAnchorPreviousBatchMissing")
        .withArgs(0n);
      await expect(anchor.batchHeaderDigest({ batchSeq: 2n, lastSeq: 3n, root: ROOT2, bundleHash }))
        .to.be.revertedWithCustomError(anchor, "RollupAnchorInvalidRange")
        .withArgs(4n, 3n);
    });
  });
});

/** Byte length of the packed blob (non-signer addresses, then signatures). */
function blobLength(proof: { packed: BytesLike }): number {
  return (String(proof.packed).length - 2) / 2;
}

/** A deterministic non-aggregator key satisfying `predicate`. */
function findForeign(predicate: (address: Address) => boolean) {
  for (let i = 0; i < 10_000; i++) {
    const account = devAccount("foreign-aggregator", i);
    if (predicate(account.address)) return account;
  }
  throw new Error("no foreign key found");
}
