import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, keccak256, recoverTypedDataAddress, toBytes, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { BatchCheckError, type BatchCheck } from "../../relayer/core/batching/BatchCheckError.js";
import { cacFromJson } from "../../relayer/core/cac/cacJson.js";
import { clauseIdOf, packClauseVersion, parseClauseId } from "../../relayer/core/formats/clauseRef.js";
import { batchHeaderTypedData, cacDigest, cacTypedData } from "../../relayer/core/formats/eip712.js";
import { devAccounts } from "../../relayer/devnet/devKeys.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import type { BatchStore } from "../../relayer/store/batchStore.js";
import { createBatchStore } from "../../relayer/store/batchStore.js";
import { clauseFixture, clauseSpec, chainTime, KEN, type ClauseFixture } from "../helpers/fixtures.js";
import { agreedResult, anchorOf, coSignerOf, proposeBatch, publicClientOf, rehash, reseal, tempDatabase, type Proposal } from "./aggregatorFixture.js";

describe("createCoSigner", () => {
  let connection: DevConnection;
  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });

  let f: ClauseFixture;
  let client: PublicClient;
  let store: BatchStore;
  beforeEach(async () => {
    f = await connection.networkHelpers.loadFixture(clauseFixture);
    client = await publicClientOf(f);
    store = createBatchStore({ database: tempDatabase().open() });
  });
  const coSigner = (index = 0) => coSignerOf(f, client, f.roles.aggregators[index]!, store);

  async function expectRefusal(proposal: Proposal, check: BatchCheck, index = 0): Promise<BatchCheckError> {
    try {
      await coSigner(index).sign(proposal);
    } catch (error) {
      expect(error, String(error)).to.be.instanceOf(BatchCheckError);
      expect((error as BatchCheckError).check, (error as BatchCheckError).details).to.equal(check);
      expect((error as BatchCheckError).code).to.equal(`NSF_COSIGN_${check}`);
      return error as BatchCheckError;
    }
    expect.fail(`co-signer signed; expected refusal ${check}`);
  }

  it("signs a valid batch: the signature is the co-signer's EIP-712 signature over the header", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "a"), await agreedResult(f, "b", { nodes: f.nodes.slice(1, 4) })]);
    const signature = await coSigner(0).sign(proposal);
    const signer = await recoverTypedDataAddress({ ...batchHeaderTypedData(anchorOf(f), proposal.header), signature });
    expect(signer).to.equal(f.roles.aggregators[0]!.address);
    // Each co-signer checks independently and keeps its own record.
    await coSigner(1).sign(proposal);
    expect(store.coSignerRecords(f.roles.aggregators[1]!.address).get(proposal.bundle.results[0]!.job_id as Hex)?.batchSeq).to.equal(1n);
  });

  it("re-signs the same batch after a restart (same batchSeq and root)", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "again")]);
    await coSigner(0).sign(proposal);
    await coSigner(0).sign(proposal);
  });

  it("refuses a tampered CAC field (the JSON no longer re-hashes)", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "tampered")]);
    const json = proposal.bundle.results[0]!.cacs[1]!.cac as { outputs: { amounts: string[] } };
    json.outputs.amounts = ["1"];
    await expectRefusal(rehash(proposal), "CAC_JSON_INVALID");
  });

  it("refuses a CAC whose fields were changed consistently (the signature no longer matches)", async () => {
    await expectRefusal(await forgedTimestamp(f, "consistent"), "SIGNATURE_INVALID");
  });

  it("refuses a forged signature (signed by a key that is not the CAC's enclave key)", async () => {
    const result = await agreedResult(f, "forged");
    const forger = privateKeyToAccount(keccak256(toBytes("forger")));
    const proposal = await proposeBatch(f, [result]);
    const entry = proposal.bundle.results[0]!.cacs[0]!;
    const { cac } = cacFromJson(entry.cac);
    entry.signature = (await forger.signTypedData(cacTypedData(anchorOf(f), cac))).toLowerCase();
    await expectRefusal(rehash(proposal), "SIGNATURE_INVALID");
  });

  it("refuses a duplicated signature (one enclave key counted twice)", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "dup")]);
    const cacs = proposal.bundle.results[0]!.cacs;
    cacs[2] = structuredClone(cacs[1]!);
    await expectRefusal(reseal(proposal), "DUPLICATE_SIGNER");
  });

  it("refuses an expired signer (CAC timestamp after the attestation's validity)", async () => {
    const later = (await chainTime(f.connection)) + 3n * 24n * 3600n;
    const proposal = await proposeBatch(f, [await agreedResult(f, "expired", { timestamp: later })]);
    await expectRefusal(proposal, "SIGNER_INACTIVE");
  });

  it("refuses an unregistered (never attested) signer", async () => {
    const stranger = { ...f.nodes[0]!, enclave: devAccounts("unregistered-enclave", 1)[0]! };
    const proposal = await proposeBatch(f, [await agreedResult(f, "stranger", { nodes: [stranger, f.nodes[1]!, f.nodes[2]!] })]);
    await expectRefusal(proposal, "SIGNER_INACTIVE");
  });

  it("refuses a CAC whose runtime_info names another verdict or measurement than NodeRegistry holds for its signer", async () => {
    const forgedVerdict = { ...f.nodes[2]!, verdictId: `0x${"5e".repeat(32)}` as const };
    await expectRefusal(await proposeBatch(f, [await agreedResult(f, "forged-verdict", { nodes: [f.nodes[0]!, f.nodes[1]!, forgedVerdict] })]), "SIGNER_RUNTIME");
    const otherBuild = { ...f.nodes[1]!, measurement: `0x${"5f".repeat(32)}` as const };
    await expectRefusal(await proposeBatch(f, [await agreedResult(f, "other-build", { nodes: [f.nodes[0]!, otherBuild, f.nodes[2]!] })]), "SIGNER_RUNTIME");
  });

  it("refuses a wrong code hash", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "code", { clause: { codeHash: keccak256(toBytes("other wasm")) } })]);
    await expectRefusal(proposal, "CODE_HASH");
  });

  it("refuses a wrong clause config digest", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "digest", { clause: { configDigest: keccak256(toBytes("other quorum")) } })]);
    await expectRefusal(proposal, "CONFIG_DIGEST");
  });

  it("refuses a clause version other than the clause id's (bound by the id string, so caught as CAC JSON)", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "version", { clause: { clauseVersion: f.clauseVersion + 1 } })]);
    await expectRefusal(proposal, "CAC_JSON_INVALID");
  });

  it("refuses too few agreeing signers (2 of a 3-of-5 clause)", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "few", { nodes: f.nodes.slice(0, 2) })]);
    await expectRefusal(proposal, "TOO_FEW_SIGNERS");
  });

  it("refuses a wrong cacSetHash", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "set")]);
    proposal.bundle.results[0]!.cac_set_hash = keccak256(toBytes("other set"));
    await expectRefusal(reseal(proposal), "CAC_SET_HASH");
  });

  it("refuses an input bundle that does not hash to inputHash", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "input")]);
    (proposal.bundle.results[0]!.input_bundle as { values: Record<string, string> }).values.insured_households = "9999";
    await expectRefusal(rehash(proposal), "INPUT_HASH");
  });

  it("refuses a wrong previous commitment", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "prev")]);
    const wrong = `0x${"00".repeat(7)}01${"ab".repeat(24)}` as Hex;
    proposal.bundle.batch.prev_commitment = wrong;
    await expectRefusal(rehash({ ...proposal, header: { ...proposal.header, prevCommitment: wrong } }), "PREV_COMMITMENT");
  });

  it("refuses a header whose config digest is not the aggregator config in force", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "config")]);
    const wrong = keccak256(toBytes("old config"));
    proposal.bundle.batch.config_digest = wrong;
    await expectRefusal(rehash({ ...proposal, header: { ...proposal.header, configDigest: wrong } }), "AGGREGATOR_CONFIG");
  });

  it("refuses a proof that does not lead to the root, a wrong root and a wrong bundle hash", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "p1"), await agreedResult(f, "p2"), await agreedResult(f, "p3")]);
    const badProof = structuredClone(proposal);
    badProof.bundle.results[1]!.proof[0] = keccak256(toBytes("x"));
    await expectRefusal(rehash(badProof), "PROOF");
    const badRoot = structuredClone(proposal);
    badRoot.bundle.batch.root = keccak256(toBytes("root"));
    await expectRefusal(rehash({ ...badRoot, header: { ...badRoot.header, root: badRoot.bundle.batch.root as Hex } }), "ROOT");
    await expectRefusal({ ...proposal, header: { ...proposal.header, bundleHash: keccak256(toBytes("b")) } }, "BUNDLE_HASH");
  });

  it("refuses non-contiguous sequences and a job id twice", async () => {
    const a = await agreedResult(f, "s1");
    const proposal = await proposeBatch(f, [a, await agreedResult(f, "s2")]);
    const gap = structuredClone(proposal);
    gap.bundle.results[1]!.result_seq = "3";
    await expectRefusal(reseal(gap), "SEQUENCE");
    const twice = structuredClone(proposal);
    twice.bundle.results[1] = { ...structuredClone(twice.bundle.results[0]!), result_seq: "2" };
    await expectRefusal(reseal(twice), "DUPLICATE_JOB");
  });

  it("refuses a job id it already co-signed in another batch (invariant 4)", async () => {
    const shared = await agreedResult(f, "shared");
    await coSigner(0).sign(await proposeBatch(f, [shared]));
    const other = await proposeBatch(f, [shared, await agreedResult(f, "extra")]);
    const error = await expectRefusal(other, "JOB_ALREADY_COSIGNED");
    expect(error.details).to.include(shared.jobId.toLowerCase());
    // A co-signer that never saw the first batch signs it: records are per co-signer.
    await coSigner(2).sign(other);
  });

  it("refuses an in-country clause executed by a node outside the tenant's jurisdiction", async () => {
    const id = "UNDRR::Disaster::FloodPayoutInCountry@1.0.0";
    await (await f.network.contracts.clauseRegistry.connect(f.reliefTimelock).registerClause(clauseSpec(id, { policyFlags: 1 }))).wait();
    const clauseId = clauseIdOf(id);
    const registered = await f.network.contracts.clauseRegistry.getClause(clauseId);
    const clause = { ref: id, clauseId, clauseVersion: packClauseVersion(parseClauseId(id)), configDigest: registered.configDigest as Hex };
    // Nodes 0..3 are in KEN, node 4 in UGA.
    await coSigner(0).sign(await proposeBatch(f, [await agreedResult(f, "in-country", { clause, nodes: f.nodes.slice(0, 3) })]));
    const proposal = await proposeBatch(f, [await agreedResult(f, "abroad", { clause, nodes: f.nodes.slice(2, 5) })]);
    await expectRefusal(proposal, "SIGNER_JURISDICTION", 1);
    expect(KEN).to.equal("0x4b454e");
  });

  it("signs well-formed audit heads and refuses unsorted, duplicated, zero-sequence or zero heads (bound by the bundle hash)", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "audit")]);
    const head = (tenant: string, seq: string, value = keccak256(toBytes(`head ${tenant}`))) => ({ tenant_id: keccak256(toBytes(tenant)), seq, head: value });
    const [a, b] = [head("tenant a", "3"), head("tenant b", "9")].sort((x, y) => (x.tenant_id < y.tenant_id ? -1 : 1));
    const withHeads = (heads: typeof proposal.bundle.audit_heads): Proposal => rehash({ header: proposal.header, bundle: { ...proposal.bundle, audit_heads: heads } });
    await coSigner(0).sign(withHeads([a!, b!]));
    await expectRefusal(withHeads([b!, a!]), "AUDIT_HEADS", 1);
    await expectRefusal(withHeads([a!, a!]), "AUDIT_HEADS", 1);
    await expectRefusal(withHeads([{ ...a!, seq: "0" }]), "AUDIT_HEADS", 1);
    await expectRefusal(withHeads([{ ...a!, head: `0x${"00".repeat(32)}` }]), "AUDIT_HEADS", 1);
    // Changing a head without re-hashing is a bundle-hash mismatch: the heads are bound by the signed header.
    await expectRefusal({ header: withHeads([a!, b!]).header, bundle: { ...proposal.bundle, audit_heads: [a!, { ...b!, seq: "10" }] } }, "BUNDLE_HASH", 1);
  });

  it("refuses a bundle for another RollupAnchor and a malformed bundle", async () => {
    const proposal = await proposeBatch(f, [await agreedResult(f, "deploy")]);
    proposal.bundle.rollup_anchor = getAddress(`0x${"12".repeat(20)}`);
    await expectRefusal(rehash(proposal), "WRONG_DEPLOYMENT");
    await expectRefusal({ header: proposal.header, bundle: { schema: "nsf.bundle/1" } as never }, "BUNDLE_MALFORMED");
  });
});

/** A CAC whose timestamp was changed and whose JSON was re-hashed consistently: only the signature can tell. */
async function forgedTimestamp(f: ClauseFixture, label: string): Promise<Proposal> {
  const result = await agreedResult(f, label);
  const proposal = await proposeBatch(f, [result]);
  const entry = proposal.bundle.results[0]!.cacs[0]!;
  const json = entry.cac as { timestamp: number; hash_graph: { cac_digest: string } };
  const { cac } = cacFromJson(entry.cac);
  const changed = { ...cac, timestamp: cac.timestamp - 1n };
  json.timestamp = Number(changed.timestamp);
  json.hash_graph.cac_digest = cacDigest(anchorOf(f), changed);
  return rehash(proposal);
}
