import { expect } from "chai";
import fc from "fast-check";
import { keccak256, recoverAddress, toBytes, type Hex } from "viem";
import { privateKeyToAccount, sign } from "viem/accounts";
import { hexToBytesFast } from "../../../relayer/core/batching/hashing.js";
import { HALF_ORDER } from "../../../relayer/core/quorum/signature.js";
import { createDigestSigner } from "../../../relayer/crypto/digestSigner.js";
import { loadNativeSecp256k1 } from "../../../relayer/crypto/loadNativeSecp256k1.js";

const SEED = 0x4e5346;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
const secretKey = fc.bigInt({ min: 1n, max: N - 1n }).map((k) => `0x${k.toString(16).padStart(64, "0")}` as Hex);

describe("relayer/crypto/digestSigner", () => {
  it("loads libsecp256k1 itself, never the package's silent pure-JS fallback", () => {
    expect(loadNativeSecp256k1(), "the linux-x64 prebuild must load here").to.not.equal(undefined);
  });

  it("test_fuzz_digestSigner_equalsViemSign: native and fallback produce viem's bytes (RFC 6979, low s, v 27/28; fixed seed)", async () => {
    await fc.assert(
      fc.asyncProperty(secretKey, bytes32, async (key, digest) => {
        const expected = await sign({ hash: digest, privateKey: key, to: "hex" });
        const native = await createDigestSigner(key)(hexToBytesFast(digest));
        const fallback = await createDigestSigner(key, undefined)(hexToBytesFast(digest));
        expect(native).to.equal(expected);
        expect(fallback).to.equal(expected);
        expect(native).to.match(/^0x[0-9a-f]{128}(1b|1c)$/);
        expect(BigInt(`0x${native.slice(66, 130)}`) <= HALF_ORDER, "low s").to.equal(true);
        expect(await recoverAddress({ hash: digest, signature: native })).to.equal(privateKeyToAccount(key).address);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("covers both recovery ids and keys at the ends of the range", async () => {
    const seen = new Set<string>();
    for (const key of [`0x${"00".repeat(31)}01`, `0x${(N - 1n).toString(16)}`, keccak256(toBytes("k"))] as Hex[]) {
      const signDigest = createDigestSigner(key);
      for (let i = 0; i < 16; i++) {
        const digest = keccak256(toBytes(`digest ${i}`));
        const signature = await signDigest(hexToBytesFast(digest));
        expect(signature).to.equal(await sign({ hash: digest, privateKey: key, to: "hex" }));
        seen.add(signature.slice(130));
      }
    }
    expect([...seen].sort()).to.deep.equal(["1b", "1c"]);
  });
});
