import { expect } from "chai";
import fc from "fast-check";
import { keccak256, toBytes, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { loadFastKeccak } from "../../relayer/aggregator/crypto/loadFastKeccak.js";
import { createNativeRecoverSigner } from "../../relayer/aggregator/crypto/nativeSecp256k1.js";
import { verifyResultBatch, type CompactResult } from "../../relayer/aggregator/crypto/verifyResultBatch.js";
import { buildBatchTree } from "../../relayer/core/batching/batchTree.js";
import { bytesToHexFast, hexToBytesFast, nobleKeccak } from "../../relayer/core/batching/hashing.js";
import { createNobleRecoverSigner, recoverAddressWith } from "../../relayer/core/batching/recoverSigner.js";
import { cacSetHash, leafHash } from "../../relayer/core/formats/leaf.js";
import { cacDigest, cacTypedData, type Cac } from "../../relayer/core/formats/eip712.js";
import type { Keccak } from "../../relayer/core/batching/hashing.js";

const SEED = 0x4e5346;
const h = (label: string) => keccak256(toBytes(label));
const ANCHOR = { chainId: 31337n, address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const };

describe("aggregator crypto adapters", () => {
  let fast: Keccak;
  before(async () => {
    fast = await loadFastKeccak();
  });

  it("test_fuzz_loadFastKeccak_equalsNoble: the WASM keccak equals @noble/hashes (fixed seed)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        expect(bytesToHexFast(fast(data))).to.equal(bytesToHexFast(nobleKeccak(data)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("native libsecp256k1 recovery agrees with @noble on valid, high-s and garbage signatures", async () => {
    const native = createNativeRecoverSigner(fast);
    const noble = createNobleRecoverSigner();
    for (let i = 0; i < 10; i++) {
      const account = privateKeyToAccount(h(`native-${i}`));
      const digest = h(`digest-${i}`);
      const signature = await account.sign({ hash: digest });
      expect(recoverAddressWith(native, digest, signature)).to.equal(account.address);
      expect(recoverAddressWith(noble, digest, signature)).to.equal(account.address);
    }
    const garbage = new Uint8Array(65).fill(0xff);
    garbage[64] = 27;
    expect(native(hexToBytesFast(h("d")), garbage)).to.equal(undefined);
  });

  it("verifyResultBatch yields the formats-module leaves and the same tree with either backend; a forged CAC is named", async () => {
    const nodes = [0, 1, 2].map((i) => privateKeyToAccount(h(`exec-${i}`))).sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
    const results: CompactResult[] = [];
    for (let i = 0; i < 5; i++) {
      const base = { jobId: h(`job${i}`), clauseId: h("c"), clauseVersion: 1, codeHash: h("code"), tenantId: h("t"), attempt: 1, inputHash: h(`in${i}`), outputHash: h("o"), configDigest: h("cfg"), timestamp: 100n + BigInt(i) };
      const cacs = await Promise.all(nodes.map(async (n) => {
        const cac: Cac = { ...base, runtimeHash: h(`rt-${n.address}`) };
        return { signer: n.address, cac, signature: await n.signTypedData(cacTypedData(ANCHOR, cac)) };
      }));
      results.push({ jobId: base.jobId, resultSeq: BigInt(i + 1), clauseId: base.clauseId, tenantId: base.tenantId, inputHash: base.inputHash, outputHash: base.outputHash, cacs });
    }
    const a = verifyResultBatch(results, ANCHOR, fast, createNativeRecoverSigner(fast));
    const b = verifyResultBatch(results, ANCHOR, nobleKeccak, createNobleRecoverSigner());
    if ("failedAt" in a || "failedAt" in b) expect.fail("verification failed");
    const expected = results.map((r) =>
      leafHash({ jobId: r.jobId, resultSeq: r.resultSeq, clauseId: r.clauseId, tenantId: r.tenantId, inputHash: r.inputHash, outputHash: r.outputHash, cacSetHash: cacSetHash(r.cacs.map((c) => ({ signer: c.signer, cacDigest: cacDigest(ANCHOR, c.cac) }))) }),
    );
    expect(a.leafHashes.map(bytesToHexFast)).to.deep.equal(expected);
    expect(buildBatchTree(a.leafHashes, fast).root).to.equal(buildBatchTree(expected as Hex[]).root);
    results[3]!.cacs[1]!.cac = { ...results[3]!.cacs[1]!.cac, timestamp: 1n };
    expect(verifyResultBatch(results, ANCHOR, fast, createNativeRecoverSigner(fast))).to.deep.equal({ failedAt: 3 });
  });
});
