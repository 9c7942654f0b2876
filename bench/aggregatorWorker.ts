import { parentPort } from "node:worker_threads";
import { loadFastKeccak } from "../relayer/aggregator/crypto/loadFastKeccak.js";
import { createNativeRecoverSigner } from "../relayer/aggregator/crypto/nativeSecp256k1.js";
import { verifyResultBatch, type CompactResult } from "../relayer/aggregator/crypto/verifyResultBatch.js";
import type { Deployment } from "../relayer/core/formats/eip712.js";

const keccak = await loadFastKeccak();
const recover = createNativeRecoverSigner(keccak);
parentPort!.on("message", (message: { id: number; anchor: Deployment; results: CompactResult[] }) => {
  const outcome = verifyResultBatch(message.results, message.anchor, keccak, recover);
  if ("failedAt" in outcome) parentPort!.postMessage({ id: message.id, failedAt: outcome.failedAt });
  else {
    // One transferable buffer for all leaf hashes.
    const packed = new Uint8Array(outcome.leafHashes.length * 32);
    outcome.leafHashes.forEach((h, i) => packed.set(h, i * 32));
    parentPort!.postMessage({ id: message.id, leaves: packed }, [packed.buffer]);
  }
});
parentPort!.postMessage({ ready: true });
