import { expect } from "chai";
import { decrypt as eciesDecrypt } from "eciesjs";
import { Config } from "eciesjs/config";
import { toBytes, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { cacTypedData, jobTokenTypedData } from "../../../../relayer/core/formats/eip712.js";
import { loadFastKeccak } from "../../../../relayer/crypto/loadFastKeccak.js";
import { createPayloadOpener, deriveTenantPayloadSecret, payloadPublicKeyOf } from "../../../../relayer/executor/enclave/tenantPayloadKeys.js";
import { createSchedulerAccount } from "../../../../relayer/pipeline/crypto/nativeSchedulerAccount.js";
import { createNativeSealPayload } from "../../../../relayer/pipeline/crypto/sealPayloadNative.js";

const TENANT = `0x${"aa".repeat(32)}` as Hex;

describe("relayer/pipeline/crypto (libsecp256k1 hot path, same bytes as the pure-JS one)", () => {
  it("seals payloads that the executor's opener and eciesjs's own decrypt both open", () => {
    const seal = createNativeSealPayload();
    const secret = deriveTenantPayloadSecret(crypto.getRandomValues(new Uint8Array(32)), TENANT);
    const message = toBytes(JSON.stringify({ schema: "nsf.inputs/1", values: { x: "1".repeat(500) } }));
    for (let i = 0; i < 20; i++) {
      const sealed = seal(payloadPublicKeyOf(secret), message);
      expect(sealed.length).to.equal(65 + 16 + 16 + message.length);
      expect(createPayloadOpener(secret)(sealed)).to.deep.equal(message);
      expect(new Uint8Array(eciesDecrypt(secret, sealed, new Config()))).to.deep.equal(message);
    }
  });

  it("fails authentication under any other tenant's key", () => {
    const seal = createNativeSealPayload();
    const root = crypto.getRandomValues(new Uint8Array(32));
    const sealed = seal(payloadPublicKeyOf(deriveTenantPayloadSecret(root, TENANT)), toBytes("secret inputs"));
    expect(() => createPayloadOpener(deriveTenantPayloadSecret(root, `0x${"bb".repeat(32)}`))(sealed)).to.throw();
  });

  it("signs job tokens exactly as viem's pure-JS account does (RFC 6979, low s, v 27/28)", async () => {
    const key = generatePrivateKey();
    const typed = jobTokenTypedData(
      { chainId: 31337n, address: "0x000000000000000000000000000000000000a001" },
      {
        jobId: `0x${"01".repeat(32)}`,
        clauseId: `0x${"02".repeat(32)}`,
        clauseVersion: 2 ** 32,
        codeHash: `0x${"03".repeat(32)}`,
        tenantId: TENANT,
        executor: "0x000000000000000000000000000000000000b001",
        attempt: 7,
        inputHash: `0x${"04".repeat(32)}`,
        triggerType: 1,
        expiresAt: 1_750_000_600n,
      },
    );
    const native = createSchedulerAccount(key);
    const fast = createSchedulerAccount(key, { keccak: await loadFastKeccak() });
    const viemAccount = privateKeyToAccount(key);
    expect(native.address).to.equal(viemAccount.address);
    expect(await native.signTypedData(typed)).to.equal(await viemAccount.signTypedData(typed));
    expect(await fast.signTypedData(typed)).to.equal(await viemAccount.signTypedData(typed));
    // Other routers (digester per domain), other structs (generic path), a look-alike domain (generic path).
    const other = { ...typed, domain: { ...typed.domain, chainId: 1, verifyingContract: "0x000000000000000000000000000000000000b002" as const } };
    expect(await fast.signTypedData(other)).to.equal(await viemAccount.signTypedData(other));
    const renamed = { ...typed, domain: { ...typed.domain, name: "Not JobRouter" } };
    expect(await fast.signTypedData(renamed)).to.equal(await viemAccount.signTypedData(renamed));
    const cac = cacTypedData(
      { chainId: 31337n, address: "0x000000000000000000000000000000000000a002" },
      { ...typed.message, attempt: 7, outputHash: `0x${"05".repeat(32)}`, runtimeHash: `0x${"06".repeat(32)}`, configDigest: `0x${"07".repeat(32)}`, timestamp: 1_750_000_000n },
    );
    expect(await fast.signTypedData(cac)).to.equal(await viemAccount.signTypedData(cac));
  });
});
