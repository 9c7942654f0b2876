import { expect } from "chai";
import type { Hex } from "viem";
import { canonicalJsonHash } from "../../relayer/core/formats/canonicalJson.js";
import { bytes32ToArweaveTxId } from "../../relayer/core/verify/arweaveTxId.js";
import { createBundleIndex, type AnchoredBatch } from "../../relayer/explorer/server/createBundleIndex.js";
import type { ExplorerChain } from "../../relayer/explorer/server/explorerChain.js";

const h = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const TENANT_A = h(0xa);
const TENANT_B = h(0xb);
const LOCATOR = h(0x1234);
const ARWEAVE_ID = bytes32ToArweaveTxId(LOCATOR);

/** The fields of an `nsf.bundle/1` the index reads; its anchored bundleHash is the hash of its canonical JSON (FORMATS §12). */
const bundle = () => ({
  schema: "nsf.bundle/1",
  results: [{ job_id: h(1), result_seq: "1", output_hash: h(2), cacs: [{ signer: "0x00000000000000000000000000000000000000c1", cac: { hash_graph: { output_hash: h(2) } } }] }],
  audit_heads: [
    { tenant_id: TENANT_A, seq: "5", head: h(0xa5) },
    { tenant_id: TENANT_B, seq: "2", head: h(0xb2) },
  ],
});

describe("explorer bundle index: audit heads and whether the gateway's copy is the anchored bundle", () => {
  // A batch with an Arweave locator: the index reads the gateway by id and never needs the chain.
  const chain = {} as ExplorerChain;
  const batch = (bundleHash: Hex): AnchoredBatch => ({ batchSeq: 3n, lastSeq: 1n, root: h(9), bundleHash, arweaveTxId: LOCATOR, txHash: h(0x77), blockNumber: 12n, logIndex: 0 });
  const serving = (document: unknown) => ({
    fetchJson: async (id: string) => (id === ARWEAVE_ID ? ({ status: "found", value: document } as const) : ({ status: "absent", reason: "no such id" } as const)),
    findByTags: async () => ({ status: "found" as const, value: [] }),
  });

  it("lists each tenant's (seq, head) and marks a copy that hashes to the anchored bundleHash", async () => {
    const doc = bundle();
    const indexed = await createBundleIndex({ chain, archive: serving(doc) }).bundleOf(batch(canonicalJsonHash(doc)));
    expect(indexed.status).to.equal("found");
    if (indexed.status !== "found") return;
    expect(indexed.value.matchesAnchor).to.equal(true);
    expect(indexed.value.arweaveTxId).to.equal(ARWEAVE_ID);
    expect(indexed.value.auditHeads).to.deep.equal([
      { tenantId: TENANT_A, seq: "5", head: h(0xa5) },
      { tenantId: TENANT_B, seq: "2", head: h(0xb2) },
    ]);
  });

  it("a copy altered anywhere (here another tenant's head) no longer matches its anchor", async () => {
    const anchored = bundle();
    const altered = bundle();
    altered.audit_heads[1]!.head = h(0xbad);
    const indexed = await createBundleIndex({ chain, archive: serving(altered) }).bundleOf(batch(canonicalJsonHash(anchored)));
    expect(indexed.status === "found" && indexed.value.matchesAnchor).to.equal(false);
  });
});
