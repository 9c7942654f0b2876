import { expect } from "chai";
import { encrypt as eciesEncrypt, decrypt as eciesDecrypt } from "eciesjs";
import { Config } from "eciesjs/config";
import { toBytes, type Hex } from "viem";
import { loadNativeSecp256k1 } from "../../../relayer/crypto/loadNativeSecp256k1.js";
import { createNativePayloadOpener } from "../../../relayer/executor/enclave/openPayloadNative.js";
import { createEciesjsPayloadOpener, createPayloadOpener, deriveTenantPayloadSecret, payloadPublicKeyOf, sealPayload } from "../../../relayer/executor/enclave/tenantPayloadKeys.js";
import { createNativeSealPayload } from "../../../relayer/pipeline/crypto/sealPayloadNative.js";

const TENANT_A = `0x${"aa".repeat(32)}` as Hex;
const TENANT_B = `0x${"bb".repeat(32)}` as Hex;

describe("executor payload opener on libsecp256k1 (same format as eciesjs, docs/FORMATS.md §11.2)", () => {
  const native = loadNativeSecp256k1()!;
  const root = crypto.getRandomValues(new Uint8Array(32));
  const secret = deriveTenantPayloadSecret(root, TENANT_A);
  const publicKey = payloadPublicKeyOf(secret);
  const message = toBytes(JSON.stringify({ schema: "nsf.inputs/1", values: { rainfall_72h_mm_x10: "1800" } }));
  const openers = { native: createNativePayloadOpener(native, secret), eciesjs: createEciesjsPayloadOpener(secret), default: createPayloadOpener(secret) };
  const sealers = { eciesjs: (m: Uint8Array) => sealPayload(publicKey, m), native: (m: Uint8Array) => createNativeSealPayload()(publicKey, m) };

  it("opens what eciesjs and the relayer's native sealer seal, and eciesjs opens what the native sealer seals", () => {
    for (const [sealerName, seal] of Object.entries(sealers)) {
      for (const plaintext of [message, new Uint8Array(0), new Uint8Array(5000).fill(7)]) {
        const sealed = seal(plaintext);
        for (const [name, open] of Object.entries(openers)) expect(open(sealed), `${sealerName} → ${name}`).to.deep.equal(plaintext);
        expect(new Uint8Array(eciesDecrypt(secret, sealed, new Config()))).to.deep.equal(plaintext);
      }
    }
    expect(new Uint8Array(eciesDecrypt(secret, eciesEncrypt(publicKey.slice(2), message, new Config()), new Config()))).to.deep.equal(message);
  });

  it("fails, like eciesjs, when any byte is changed: ephemeral key, nonce, tag or ciphertext", () => {
    const sealed = sealers.native(message);
    // one position in each region: ephemeral prefix, ephemeral x, ephemeral y, nonce, tag, ciphertext start and end
    for (const at of [0, 1, 40, 65, 70, 81, 90, 97, sealed.length - 1]) {
      const tampered = Uint8Array.from(sealed);
      tampered[at]! ^= 0x01;
      for (const [name, open] of Object.entries(openers)) expect(() => open(tampered), `${name}, byte ${at}`).to.throw();
    }
  });

  it("refuses short payloads, compressed or hybrid ephemeral encodings and points off the curve", () => {
    const sealed = sealers.native(message);
    for (const [name, open] of Object.entries(openers)) {
      expect(() => open(sealed.subarray(0, 96)), `${name}: short`).to.throw();
      expect(() => open(new Uint8Array(0)), `${name}: empty`).to.throw();
      for (const prefix of [2, 3, 6, 7]) {
        const recoded = Uint8Array.from(sealed);
        recoded[0] = prefix;
        expect(() => open(recoded), `${name}: prefix ${prefix}`).to.throw();
      }
      const offCurve = Uint8Array.from(sealed);
      offCurve.fill(0x11, 1, 65);
      expect(() => open(offCurve), `${name}: off curve`).to.throw();
    }
  });

  it("never opens another tenant's payload", () => {
    const other = createNativePayloadOpener(native, deriveTenantPayloadSecret(root, TENANT_B));
    expect(() => other(sealers.native(message))).to.throw();
    expect(() => other(sealers.eciesjs(message))).to.throw();
  });
});
