import { expect } from "chai";
import { recoverTypedDataAddress, toBytes, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createCommon } from "../../../relayer/common/Common.js";
import { canonicalJson } from "../../../relayer/core/formats/canonicalJson.js";
import { verdictDigest, verdictTypedData } from "../../../relayer/core/formats/eip712.js";
import { TeeType } from "../../../relayer/core/formats/enums.js";
import { jurisdictionToBytes3, sha256Of } from "../../../relayer/core/formats/ids.js";
import { createAttestationValidator, type AttestationPolicy } from "../../../relayer/executor/enclave/createAttestationValidator.js";
import { createEvidenceVerifierRegistry } from "../../../relayer/executor/enclave/createEvidenceVerifierRegistry.js";
import { createUnsafeDevAttestationRoot } from "../../../relayer/executor/enclave/createUnsafeDevAttestationRoot.js";
import { createUnsafeSimulatedEnclaveRuntime } from "../../../relayer/executor/enclave/createUnsafeSimulatedEnclaveRuntime.js";
import { createUnsafeSimulatedEvidenceVerifier } from "../../../relayer/executor/enclave/createUnsafeSimulatedEvidenceVerifier.js";
import { decodeSimulatedEvidence } from "../../../relayer/executor/enclave/simulatedEvidence.js";
import { reportDataOf } from "../../../relayer/executor/enclave/reportData.js";

const CHAIN_ID = 31337n;
const REGISTRY = "0x00000000000000000000000000000000000a0003" as const;
const MEASUREMENT = sha256Of(toBytes("NSF test enclave"));
const NONCE = `0x${"07".repeat(32)}` as Hex;
const OPERATOR = "0x00000000000000000000000000000000000000AA" as const;
const CONFIG_DIGEST = `0x${"cc".repeat(32)}` as Hex;

describe("AttestationValidator with the simulated TEE", () => {
  const common = createCommon({ logLevel: "silent" });
  let time = 1_750_000_000n;
  const now = async () => time;
  const devRoot = createUnsafeDevAttestationRoot();
  const enclave = createUnsafeSimulatedEnclaveRuntime({ common, measurement: MEASUREMENT, chainId: CHAIN_ID, nodeRegistry: REGISTRY, devRoot, now });
  const validatorKey = privateKeyToAccount(generatePrivateKey());
  const policy: AttestationPolicy = {
    chainId: CHAIN_ID,
    nodeRegistry: REGISTRY,
    allowedMeasurements: [MEASUREMENT],
    maxEvidenceAgeSeconds: 300n,
    maxClockSkewSeconds: 30n,
    verdictValiditySeconds: 86_400n,
    allowSimulated: true,
  };
  const validatorWith = (overrides: Partial<AttestationPolicy> = {}, roots = [devRoot.address]) =>
    createAttestationValidator({
      common,
      account: validatorKey,
      verifiers: createEvidenceVerifierRegistry([createUnsafeSimulatedEvidenceVerifier({ trustedDevRoots: roots })]),
      policy: { ...policy, ...overrides },
      configDigest: async () => CONFIG_DIGEST,
      now,
    });
  const request = async (evidence?: Uint8Array) => ({
    teeType: TeeType.Simulated,
    evidence: evidence ?? (await enclave.evidence(NONCE)).raw,
    nonce: NONCE,
    operator: OPERATOR,
    jurisdiction: "KEN",
    sovereign: false,
  });

  async function expectRefused(promise: Promise<unknown>, code: string): Promise<void> {
    try {
      await promise;
    } catch (error) {
      expect(error).to.have.property("code", code);
      return;
    }
    expect.fail(`expected ${code}`);
  }

  it("signs the NodeRegistry verdict for valid evidence", async () => {
    const evidence = await enclave.evidence(NONCE);
    const { verdict, signature, digest, signer } = await validatorWith().validate(await request(evidence.raw));
    expect(verdict).to.deep.equal({
      enclaveKey: enclave.address,
      operator: OPERATOR,
      teeType: TeeType.Simulated,
      measurement: MEASUREMENT,
      jurisdiction: jurisdictionToBytes3("KEN"),
      sovereign: false,
      debug: false,
      attestationId: evidence.attestationId,
      attestedAt: time,
      validUntil: time + 86_400n,
      configDigest: CONFIG_DIGEST,
    });
    const registry = { chainId: CHAIN_ID, address: REGISTRY };
    expect(digest).to.equal(verdictDigest(registry, verdict));
    expect(signer).to.equal(validatorKey.address);
    expect(await recoverTypedDataAddress({ ...verdictTypedData(registry, verdict), signature })).to.equal(validatorKey.address);
  });

  it("labels simulated evidence as such, and binds chain, registry, key and nonce in reportData", async () => {
    const { report } = decodeSimulatedEvidence((await enclave.evidence(NONCE)).raw);
    expect(report).to.include({ simulated: true, debug: false });
    expect(report.warning).to.match(/UNSAFE FOR PRODUCTION/);
    expect(report.reportData).to.equal(reportDataOf({ chainId: CHAIN_ID, nodeRegistry: REGISTRY, enclaveKey: enclave.address, nonce: NONCE }));
  });

  it("refuses debug evidence", async () => {
    const debugEnclave = createUnsafeSimulatedEnclaveRuntime({ common, measurement: MEASUREMENT, chainId: CHAIN_ID, nodeRegistry: REGISTRY, devRoot, now, debug: true });
    await expectRefused(validatorWith().validate(await request((await debugEnclave.evidence(NONCE)).raw)), "NSF_ATTESTATION_DEBUG");
  });

  it("refuses evidence bound to another nonce, chain or registry", async () => {
    const other = await enclave.evidence(`0x${"08".repeat(32)}`);
    await expectRefused(validatorWith().validate(await request(other.raw)), "NSF_ATTESTATION_REPORT_DATA_MISMATCH");
    await expectRefused(validatorWith({ chainId: 1n }).validate(await request()), "NSF_ATTESTATION_REPORT_DATA_MISMATCH");
    await expectRefused(
      validatorWith({ nodeRegistry: "0x00000000000000000000000000000000000b0003" }).validate(await request()),
      "NSF_ATTESTATION_REPORT_DATA_MISMATCH",
    );
  });

  it("refuses a measurement that is not on the allowlist", async () => {
    await expectRefused(validatorWith({ allowedMeasurements: [sha256Of(toBytes("other build"))] }).validate(await request()), "NSF_ATTESTATION_MEASUREMENT_NOT_ALLOWED");
  });

  it("refuses stale evidence and evidence from the future (by chain time)", async () => {
    const evidence = await enclave.evidence(NONCE);
    time += 301n;
    await expectRefused(validatorWith().validate(await request(evidence.raw)), "NSF_ATTESTATION_STALE");
    time -= 301n + 31n;
    await expectRefused(validatorWith().validate(await request(evidence.raw)), "NSF_ATTESTATION_STALE");
    time += 31n;
  });

  it("refuses simulated evidence where policy allows hardware TEEs only", async () => {
    await expectRefused(validatorWith({ allowSimulated: false }).validate(await request()), "NSF_ATTESTATION_SIMULATED_NOT_ALLOWED");
  });

  it("refuses evidence signed by a root it does not pin", async () => {
    await expectRefused(validatorWith({}, [createUnsafeDevAttestationRoot().address]).validate(await request()), "NSF_ATTESTATION_SIGNATURE_INVALID");
  });

  it("refuses tampered evidence", async () => {
    const evidence = decodeSimulatedEvidence((await enclave.evidence(NONCE)).raw);
    const tampered = { ...evidence, report: { ...evidence.report, measurement: sha256Of(toBytes("x")).toLowerCase() } };
    await expectRefused(validatorWith().validate(await request(toBytes(canonicalJson(tampered)))), "NSF_ATTESTATION_SIGNATURE_INVALID");
    await expectRefused(validatorWith().validate(await request(toBytes("not json"))), "NSF_ATTESTATION_MALFORMED");
    const nonCanonical = toBytes(JSON.stringify(evidence, null, 2));
    await expectRefused(validatorWith().validate(await request(nonCanonical)), "NSF_ATTESTATION_MALFORMED");
  });

  it("refuses a TEE type with no registered verifier (SGX, SEV-SNP, Nitro come later through the registry)", async () => {
    await expectRefused(validatorWith().validate({ ...(await request()), teeType: TeeType.IntelSgx }), "NSF_ATTESTATION_TEE_UNSUPPORTED");
  });

  it("lets several validators sign the identical verdict (attestedAt comes from the evidence, not their clocks)", async () => {
    const evidence = (await enclave.evidence(NONCE)).raw;
    const first = await validatorWith().validate(await request(evidence));
    time += 5n;
    const second = await createAttestationValidator({
      common,
      account: privateKeyToAccount(generatePrivateKey()),
      verifiers: createEvidenceVerifierRegistry([createUnsafeSimulatedEvidenceVerifier({ trustedDevRoots: [devRoot.address] })]),
      policy,
      configDigest: async () => CONFIG_DIGEST,
      now,
    }).validate(await request(evidence));
    time -= 5n;
    expect(second.digest).to.equal(first.digest);
    expect(second.signer).to.not.equal(first.signer);
  });

  it("never exposes the enclave's private keys", () => {
    const text = JSON.stringify(enclave, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
    const hex32 = text.match(/0x[0-9a-fA-F]{64}(?![0-9a-fA-F])/g) ?? [];
    expect(hex32.map((h) => h.toLowerCase())).to.deep.equal([MEASUREMENT.toLowerCase()]);
    expect(Object.keys(enclave)).to.not.include.members(["privateKey", "secret", "payloadRoot", "account"]);
  });
});
