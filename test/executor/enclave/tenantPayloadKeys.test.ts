import { expect } from "chai";
import { recoverTypedDataAddress, toBytes, type Hex } from "viem";
import { cacTypedData, type Cac } from "../../../relayer/core/formats/eip712.js";
import { HALF_ORDER } from "../../../relayer/core/quorum/signature.js";
import { createCommon } from "../../../relayer/common/Common.js";
import { sha256Of } from "../../../relayer/core/formats/ids.js";
import { createUnsafeDevAttestationRoot } from "../../../relayer/executor/enclave/createUnsafeDevAttestationRoot.js";
import { createUnsafeSimulatedEnclaveRuntime } from "../../../relayer/executor/enclave/createUnsafeSimulatedEnclaveRuntime.js";
import {
  createPayloadOpener,
  deriveTenantPayloadSecret,
  payloadPublicKeyOf,
  sealPayload,
  verifyTenantPayloadKey,
} from "../../../relayer/executor/enclave/tenantPayloadKeys.js";

const TENANT_A = `0x${"aa".repeat(32)}` as Hex;
const TENANT_B = `0x${"bb".repeat(32)}` as Hex;
const REGISTRY = "0x00000000000000000000000000000000000a0003" as const;

describe("tenant payload keys", () => {
  it("derives one deterministic key per (payload root, tenant), distinct across tenants and roots", () => {
    const root = new Uint8Array(32).fill(1);
    expect(deriveTenantPayloadSecret(root, TENANT_A)).to.deep.equal(deriveTenantPayloadSecret(root, TENANT_A));
    expect(payloadPublicKeyOf(deriveTenantPayloadSecret(root, TENANT_A))).to.not.equal(payloadPublicKeyOf(deriveTenantPayloadSecret(root, TENANT_B)));
    expect(payloadPublicKeyOf(deriveTenantPayloadSecret(new Uint8Array(32).fill(2), TENANT_A))).to.not.equal(
      payloadPublicKeyOf(deriveTenantPayloadSecret(root, TENANT_A)),
    );
  });

  it("seals to one tenant's key; no other tenant's key opens it", () => {
    const root = crypto.getRandomValues(new Uint8Array(32));
    const a = deriveTenantPayloadSecret(root, TENANT_A);
    const b = deriveTenantPayloadSecret(root, TENANT_B);
    const sealed = sealPayload(payloadPublicKeyOf(a), toBytes("confidential inputs"));
    expect(new TextDecoder().decode(createPayloadOpener(a)(sealed))).to.equal("confidential inputs");
    expect(() => createPayloadOpener(b)(sealed)).to.throw();
  });

  it("is certified by the enclave key for one chain and registry; the node decrypts per tenant", async () => {
    const common = createCommon({ logLevel: "silent" });
    const enclave = createUnsafeSimulatedEnclaveRuntime({
      common,
      measurement: sha256Of(toBytes("m")),
      chainId: 31337n,
      nodeRegistry: REGISTRY,
      devRoot: createUnsafeDevAttestationRoot(),
      now: async () => 1n,
    });
    const key = await enclave.tenantPayloadKey(TENANT_A);
    const binding = { chainId: 31337n, nodeRegistry: REGISTRY, enclaveKey: enclave.address };
    expect(await verifyTenantPayloadKey(key, binding)).to.equal(true);
    expect(await verifyTenantPayloadKey(key, { ...binding, chainId: 1n })).to.equal(false);
    expect(await verifyTenantPayloadKey({ ...key, tenantId: TENANT_B }, binding)).to.equal(false);

    // CACs are signed on the fixed-layout digest with libsecp256k1: viem recovers the enclave key from them.
    const anchor = { chainId: 31337n, address: "0x000000000000000000000000000000000000a002" } as const;
    const cac: Cac = {
      jobId: `0x${"01".repeat(32)}`,
      clauseId: `0x${"02".repeat(32)}`,
      clauseVersion: 65536,
      codeHash: `0x${"03".repeat(32)}`,
      tenantId: TENANT_A,
      attempt: 2,
      inputHash: `0x${"04".repeat(32)}`,
      outputHash: `0x${"05".repeat(32)}`,
      runtimeHash: `0x${"06".repeat(32)}`,
      configDigest: `0x${"07".repeat(32)}`,
      timestamp: 1_750_000_000n,
    };
    const signature = await enclave.signCac(anchor, cac);
    expect(await recoverTypedDataAddress({ ...cacTypedData(anchor, cac), signature })).to.equal(enclave.address);
    expect(BigInt(`0x${signature.slice(66, 130)}`) <= HALF_ORDER).to.equal(true);

    const sealed = sealPayload(key.publicKey, toBytes("hello"));
    expect(new TextDecoder().decode(await enclave.decrypt(TENANT_A, sealed))).to.equal("hello");
    try {
      await enclave.decrypt(TENANT_B, sealed);
      expect.fail("tenant B must not open tenant A's payload");
    } catch (error) {
      expect(error).to.have.property("code", "NSF_PAYLOAD_DECRYPT_FAILED");
    }
  });
});
