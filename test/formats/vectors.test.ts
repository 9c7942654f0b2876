import { readFileSync } from "node:fs";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { domainSeparator, encodeAbiParameters, keccak256, toBytes, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  AGGREGATOR_ROLE,
  ATTESTATION_VALIDATOR_ROLE,
  AttestationVerdictTypes,
  BatchHeaderTypes,
  CacTypes,
  DOMAIN_VERSION,
  GENESIS_COMMITMENT,
  JobTokenTypes,
  LEAF_TYPES,
  actionToBytes32,
  batchCommitmentOf,
  batchHeaderDigest,
  cacDigest,
  cacSetHash,
  canonicalJson,
  canonicalJsonHash,
  clauseConfigDigest,
  clauseIdOf,
  clauseLineOf,
  daoTriggerNonce,
  decodeClauseOutput,
  encodeClauseOutput,
  jobIdOf,
  jobTokenDigest,
  jurisdictionToBytes3,
  leafHash,
  leafValues,
  outputHashOf,
  packClauseVersion,
  parseClauseId,
  quorumConfigDigest,
  referenceTree,
  runtimeHashOf,
  verdictIdOf,
  sensorInputCommitment,
  sensorTriggerNonce,
  simulationTriggerNonce,
  tenantIdOf,
  verdictDigest,
  type ExecutionLeaf,
} from "../../relayer/core/formats/index.js";
import { buildVectors, renderSolidity, SOLIDITY_PATH, vectorsToJson, VECTORS_PATH, type Vectors } from "../../scripts/vectors.js";

/** The JSON form of the vectors: bigints became decimal strings. */
type Jsonified<T> = T extends bigint
  ? string
  : T extends readonly (infer U)[]
    ? Jsonified<U>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

const raw = readFileSync(VECTORS_PATH, "utf8");
const v = JSON.parse(raw) as Jsonified<Vectors>;
const big = (x: string): bigint => BigInt(x);
const chainId = big(v.chainId);

const leafOf = (l: Jsonified<ExecutionLeaf>): ExecutionLeaf => ({ ...l, resultSeq: big(l.resultSeq) });

/**
 * Golden vectors (docs/FORMATS.md, test/vectors/formats.json): every output is recomputed here from the
 * stored inputs with the TypeScript formats core, so a change to the code that changes a format fails
 * until the vectors are regenerated on purpose (`npm run vectors`) — and then the Solidity side
 * (test/solidity/Vectors.t.sol) checks the new values against the contracts.
 */
describe("formats golden vectors (test/vectors/formats.json)", () => {
  it("are exactly what scripts/vectors.ts generates", () => {
    expect(raw).to.equal(vectorsToJson(buildVectors()), "stale vectors: run `npm run vectors` and review the diff");
  });

  it("are rendered unchanged into test/solidity/generated/FormatsVectors.sol", () => {
    expect(readFileSync(SOLIDITY_PATH, "utf8")).to.equal(renderSolidity(JSON.parse(raw)), "run `npm run vectors`");
  });

  it("use keys that derive their addresses, ascending", () => {
    for (const list of [v.keys.aggregators, v.keys.validators]) {
      list.forEach((k, i) => {
        expect(privateKeyToAccount(k.key).address).to.equal(k.address);
        if (i > 0) expect(BigInt(k.address) > BigInt(list[i - 1]!.address)).to.equal(true);
      });
    }
  });

  it("clause ids, versions and lines (§1)", () => {
    for (const c of v.clauseIds) {
      const ref = parseClauseId(c.id);
      expect({ ...ref }).to.deep.equal({ namespace: c.namespace, domain: c.domain, name: c.name, major: c.major, minor: c.minor, patch: c.patch, fork: c.fork });
      expect(clauseIdOf(c.id)).to.equal(c.clauseId);
      expect(c.clauseId).to.equal(keccak256(toBytes(c.id)));
      expect(packClauseVersion(ref)).to.equal(c.version);
      expect(clauseLineOf(ref)).to.equal(c.line);
    }
  });

  it("tenant ids (§1)", () => {
    for (const t of v.tenants) {
      expect(jurisdictionToBytes3(t.jurisdiction)).to.equal(t.jurisdictionBytes3);
      expect(tenantIdOf(t.dao, t.jurisdiction)).to.equal(t.tenantId);
    }
  });

  it("trigger nonces, job ids and the sensor input commitment (§1, §6)", () => {
    for (const s of v.triggerNonces.sensor) expect(sensorTriggerNonce(s.feed, big(s.roundId))).to.equal(s.nonce);
    for (const d of v.triggerNonces.dao) expect(daoTriggerNonce(d.timelock, d.daoNonce)).to.equal(d.nonce);
    for (const s of v.triggerNonces.simulation) expect(simulationTriggerNonce(s.simulator, s.resultCommitment)).to.equal(s.nonce);
    for (const j of v.jobIds) expect(jobIdOf(big(j.chainId), j.jobRouter, j.clauseId, j.triggerNonce)).to.equal(j.jobId);
    for (const s of v.sensorInputCommitments) {
      expect(sensorInputCommitment(s.feed, big(s.roundId), big(s.answer), big(s.updatedAt))).to.equal(s.commitment);
    }
  });

  it("runtime hashes (§1)", () => {
    for (const r of v.runtimeHashes) {
      const verdictId = verdictIdOf({ chainId: big(v.chainId), nodeRegistry: v.contracts.nodeRegistry, enclaveKey: r.enclaveKey, attestationId: r.attestationId, attestedAt: big(r.attestedAt), validUntil: big(r.validUntil) });
      expect(verdictId).to.equal(r.verdictId);
      expect(runtimeHashOf({ ...r, verdictId })).to.equal(r.runtimeHash);
    }
  });

  it("quorum and clause config digests (§2, §3)", () => {
    const roles: Record<string, Hex> = { "NSF.AGGREGATOR": AGGREGATOR_ROLE, "NSF.ATTESTATION_VALIDATOR": ATTESTATION_VALIDATOR_ROLE };
    for (const q of v.quorumConfigs) {
      expect(roles[q.role]).to.equal(q.roleHash);
      expect(keccak256(toBytes(q.role))).to.equal(q.roleHash);
      const digest = quorumConfigDigest({
        chainId: big(q.chainId),
        verifyingContract: q.verifyingContract,
        role: q.roleHash,
        configVersion: big(q.configVersion),
        threshold: q.threshold,
        signers: q.signers,
      });
      expect(digest).to.equal(q.digest);
    }
    expect(v.quorumConfigs[0]!.digest).to.not.equal(v.quorumConfigs[1]!.digest, "a new version is a new digest");
    for (const c of v.clauseConfigs) {
      expect(clauseIdOf(c.clauseIdString)).to.equal(c.clauseId);
      const digest = clauseConfigDigest({ ...c, chainId: big(c.chainId) });
      expect(digest).to.equal(c.digest);
    }
  });

  it("EIP-712 domains and type hashes (§4)", () => {
    for (const d of v.eip712.domains) {
      expect(d.version).to.equal(DOMAIN_VERSION);
      expect(domainSeparator({ domain: { name: d.name, version: d.version, chainId: Number(d.chainId), verifyingContract: d.verifyingContract } })).to.equal(d.separator);
    }
    const all = [AttestationVerdictTypes, JobTokenTypes, CacTypes, BatchHeaderTypes];
    expect(v.eip712.typeHashes.map((t) => t.primaryType)).to.deep.equal(all.map((types) => Object.keys(types)[0]));
    v.eip712.typeHashes.forEach((t, i) => {
      const [fields] = Object.values(all[i]!) as [readonly { name: string; type: string }[]];
      expect(`${t.primaryType}(${fields.map((f) => `${f.type} ${f.name}`).join(",")})`).to.equal(t.type);
      expect(keccak256(toBytes(t.type))).to.equal(t.typeHash);
    });
  });

  it("EIP-712 digests: attestation verdicts, job tokens, CACs, batch headers (§4)", () => {
    const at = (address: Address) => ({ chainId, address });
    for (const { message: m, digest } of v.eip712.attestationVerdicts) {
      expect(verdictDigest(at(v.contracts.nodeRegistry), { ...m, attestedAt: big(m.attestedAt), validUntil: big(m.validUntil) })).to.equal(digest);
    }
    for (const { message: m, digest } of v.eip712.jobTokens) {
      expect(jobTokenDigest(at(v.contracts.jobRouter), { ...m, expiresAt: big(m.expiresAt) })).to.equal(digest);
    }
    for (const { message: m, digest } of v.eip712.cacs) {
      expect(cacDigest(at(v.contracts.rollupAnchor), { ...m, timestamp: big(m.timestamp) })).to.equal(digest);
    }
    for (const { message: m, digest } of v.eip712.batchHeaders) {
      const header = { ...m, batchSeq: big(m.batchSeq), firstSeq: big(m.firstSeq), lastSeq: big(m.lastSeq), count: big(m.count) };
      expect(header.count).to.equal(header.lastSeq - header.firstSeq + 1n);
      expect(batchHeaderDigest(at(v.contracts.rollupAnchor), header)).to.equal(digest);
    }
    // The first header continues genesis under the first aggregator config (the Solidity test anchors it).
    const first = v.eip712.batchHeaders[0]!.message;
    expect(first.prevCommitment).to.equal(GENESIS_COMMITMENT);
    expect(first.configDigest).to.equal(v.quorumConfigs[0]!.digest);
  });

  it("clause outputs (§5)", () => {
    for (const o of v.outputs) {
      const amounts = o.amounts.map(big);
      const encoded = encodeClauseOutput({ status: o.status, action: o.action, amounts });
      expect(actionToBytes32(o.action)).to.equal(o.actionBytes32);
      expect(encoded).to.equal(o.encoded);
      expect(encoded).to.equal(
        encodeAbiParameters([{ type: "uint16" }, { type: "bytes32" }, { type: "uint256[]" }], [o.status, o.actionBytes32, amounts]),
      );
      expect(outputHashOf(encoded)).to.equal(o.outputHash);
      expect(decodeClauseOutput(o.encoded)).to.deep.equal({ status: o.status, action: o.action, amounts });
    }
  });

  it("input bundles hash as RFC 8785 canonical JSON (§6)", () => {
    for (const b of v.inputBundles) {
      expect(canonicalJson(b.bundle)).to.equal(b.canonical);
      expect(canonicalJsonHash(b.bundle)).to.equal(b.inputHash);
      expect(keccak256(toBytes(b.canonical))).to.equal(b.inputHash);
    }
  });

  it("CAC set hashes, leaves and the StandardMerkleTree root and proofs (§7)", () => {
    for (const c of v.cacSets) {
      expect(cacSetHash(c.entries)).to.equal(c.cacSetHash);
      expect(keccak256(`0x${c.sortedCacDigests.map((d) => d.slice(2)).join("")}`)).to.equal(c.cacSetHash);
    }
    const leaves = v.merkle.leaves.map((l) => leafOf(l.values));
    const tree = referenceTree(leaves);
    expect(tree.root).to.equal(v.merkle.root);
    v.merkle.leaves.forEach((l, i) => {
      const leaf = leaves[i]!;
      const values = leafValues(leaf);
      expect(values).to.deep.equal([leaf.jobId, leaf.resultSeq, leaf.clauseId, leaf.tenantId, leaf.inputHash, leaf.outputHash, leaf.cacSetHash]);
      expect(leafHash(leaf)).to.equal(l.leafHash);
      expect(keccak256(keccak256(encodeAbiParameters(LEAF_TYPES.map((type) => ({ type })), values)))).to.equal(l.leafHash);
      expect(tree.leafHash(values)).to.equal(l.leafHash);
      expect(tree.getProof(i)).to.deep.equal(l.proof);
      expect(StandardMerkleTree.verify(v.merkle.root, [...LEAF_TYPES], values, l.proof)).to.equal(true);
    });
  });

  it("batch commitments (§8)", () => {
    expect(batchCommitmentOf(`0x${"00".repeat(32)}`, 0n)).to.equal(v.batchCommitments.genesis);
    expect(GENESIS_COMMITMENT).to.equal(v.batchCommitments.genesis);
    for (const c of v.batchCommitments.vectors) {
      const commitment = batchCommitmentOf(c.root, big(c.lastSeq));
      expect(commitment).to.equal(c.commitment);
      expect(BigInt(commitment) >> 192n).to.equal(big(c.lastSeq), "lastSeq in the clear");
    }
  });
});
