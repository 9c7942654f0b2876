import { expect } from "chai";
import { keccak256, recoverAddress, toBytes, type Hex } from "viem";
import { InvalidFormatError } from "../../../relayer/core/errors/NsfError.js";
import { HALF_ORDER, splitSignature } from "../../../relayer/core/quorum/signature.js";
import { devAccount } from "../../../relayer/devnet/devKeys.js";

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const DIGEST = keccak256(toBytes("signature split test"));

describe("splitSignature", () => {
  it("splits r ‖ s ‖ v into the fields the contracts take, and they recover to the signer", async () => {
    const account = devAccount("signature-split", 0);
    const signature = await account.sign({ hash: DIGEST });
    const { r, s, v } = splitSignature(signature);
    expect(`0x${r.slice(2)}${s.slice(2)}${v.toString(16)}`).to.equal(signature);
    expect([27, 28]).to.include(v);
    expect(BigInt(s) <= HALF_ORDER).to.equal(true);
    expect(await recoverAddress({ hash: DIGEST, signature: { r, s, v: BigInt(v) } })).to.equal(account.address);
  });

  it("HALF_ORDER is secp256k1n / 2", () => {
    expect(HALF_ORDER).to.equal(N / 2n);
  });

  it("throws InvalidFormatError (NSF_INVALID_FORMAT) for a malformed signature, v outside {27, 28}, and a high-s twin", async () => {
    const signature = await devAccount("signature-split", 1).sign({ hash: DIGEST });
    const { r, s, v } = splitSignature(signature);
    const twin = `0x${r.slice(2)}${(N - BigInt(s)).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    const cases: [Hex, string][] = [
      [signature.slice(0, -2) as Hex, "Invalid signature"],
      [`${signature.slice(0, -2)}1d` as Hex, "Invalid signature v"],
      [`${signature.slice(0, -2)}01` as Hex, "Invalid signature v"],
      [twin, "Invalid signature s"],
    ];
    for (const [bad, fragment] of cases) {
      expect(() => splitSignature(bad)).to.throw(InvalidFormatError, fragment).with.property("code", "NSF_INVALID_FORMAT");
    }
  });
});
