import { expect } from "chai";
import { sha256 } from "@noble/hashes/sha2.js";
import { Decoder } from "cbor-x";
import { getAddress, hexToBytes, recoverTypedDataAddress, toHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createCommon } from "../../../relayer/common/Common.js";
import { verdictTypedData } from "../../../relayer/core/formats/eip712.js";
import { TeeType } from "../../../relayer/core/formats/enums.js";
import { createAttestationEvidenceVerifiers } from "../../../relayer/executor/enclave/createAttestationEvidenceVerifiers.js";
import { createAttestationValidator, type AttestationPolicy } from "../../../relayer/executor/enclave/createAttestationValidator.js";
import { reportDataBinds, reportDataOf } from "../../../relayer/executor/enclave/reportData.js";
import { parseCertificate } from "../../../relayer/executor/enclave/tee/certificates.js";
import { ExecutorError } from "../../../relayer/executor/errors/ExecutorError.js";
import { applyHardwarePolicy, HARDWARE_POLICY_VERSION, hardwarePolicyId, type HardwareAttestationPolicy } from "../../../relayer/executor/enclave/tee/hardwareAttestationPolicy.js";
import { encodeTeeEvidence } from "../../../relayer/executor/enclave/tee/teeEvidenceEnvelope.js";
import { loadVendorRoots } from "../../../relayer/executor/enclave/tee/vendorRoots.js";
import { createSyntheticNitroDocument } from "./tee/syntheticNitroDocument.js";
import { CLAIMED_KEY, dcapVendorOf, envelopeFor, expectCode, fixtureBytes, nitroDocument, nitroFixtures, sevFixtures, sgxFixtures, type Fixture } from "./tee/teeFixtures.js";

const CHAIN_ID = 31337n;
const REGISTRY: Address = "0x00000000000000000000000000000000000a0003";
const NONCE = `0x${"07".repeat(32)}` as Hex;
const OPERATOR: Address = "0x00000000000000000000000000000000000000AA";
const CONFIG_DIGEST = `0x${"cc".repeat(32)}` as Hex;

// The allowlisted 32-byte measurements, computed from the raw fixture bytes at the documented offsets
// (docs/FORMATS.md §1), independently of the parsers under test.
const sha = (bytes: Uint8Array): Hex => toHex(sha256(bytes));
const sgxMeasurement = (f: Fixture): Hex => toHex(fixtureBytes(f.evidence).subarray(48 + 64, 48 + 96));
const tdxMeasurement = (f: Fixture): Hex => {
  const q = fixtureBytes(f.evidence);
  const body = q[0] === 5 ? 54 : 48;
  return sha(Buffer.concat([q.subarray(body + 136, body + 184), q.subarray(body + 328, body + 520)]));
};
const snpMeasurement = (f: Fixture): Hex => sha(fixtureBytes(f.evidence).subarray(0x90, 0xc0));
const nitroMeasurement = (doc: Uint8Array): Hex => {
  const decoder = new Decoder({ mapsAsObjects: false, useRecords: false } as ConstructorParameters<typeof Decoder>[0]);
  const pcrs = (decoder.decode((decoder.decode(doc) as Uint8Array[])[2]!) as Map<string, Map<number, Uint8Array>>).get("pcrs")!;
  return sha(Buffer.concat([pcrs.get(0)!, pcrs.get(1)!, pcrs.get(2)!]));
};

const DAY = 86_400n;
const acceptAll = Object.fromEntries(["UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate", "OutOfDateConfigurationNeeded", "NotApplicable"].map((s) => [s, { graceSeconds: null }]));
const hardwarePolicy: HardwareAttestationPolicy = {
  version: HARDWARE_POLICY_VERSION,
  measurements: {
    [TeeType.IntelSgx]: sgxFixtures.filter((f) => dcapVendorOf(f) === "sgx").map(sgxMeasurement),
    [TeeType.IntelTdx]: sgxFixtures.filter((f) => dcapVendorOf(f) === "tdx").map(tdxMeasurement),
    [TeeType.AmdSevSnp]: sevFixtures.map(snpMeasurement),
    [TeeType.AwsNitro]: nitroFixtures.map((f) => nitroMeasurement(nitroDocument(f))),
  },
  tcbStatuses: acceptAll,
  maxCollateralAgeSeconds: 30n * DAY,
  snpMinimumTcb: { Milan: { bootloader: 0, tee: 0, snp: 0, microcode: 0 }, Genoa: { bootloader: 0, tee: 0, snp: 0, microcode: 0 } },
};
const basePolicy: AttestationPolicy = {
  chainId: CHAIN_ID,
  nodeRegistry: REGISTRY,
  allowedMeasurements: [],
  maxEvidenceAgeSeconds: 600n,
  maxClockSkewSeconds: 60n,
  verdictValiditySeconds: DAY,
  allowSimulated: false,
  hardware: hardwarePolicy,
};

const common = createCommon({ logLevel: "silent" });
const validatorKey = privateKeyToAccount(generatePrivateKey());
/** The production wiring: pinned vendor roots from relayer code (not the fixtures' copies), no simulated verifier. */
const productionVerifiers = createAttestationEvidenceVerifiers();
/** `governedPolicyId` stands for NodeRegistry.teePolicy(); by default governance adopted exactly this policy. */
function validatorAt(time: bigint, overrides: Partial<AttestationPolicy> = {}, hardware: Partial<HardwareAttestationPolicy> = {}, verifiers = productionVerifiers, governedPolicyId?: () => Promise<Hex>) {
  const effective = overrides.hardware === undefined && "hardware" in overrides ? undefined : { ...hardwarePolicy, ...hardware };
  return createAttestationValidator({
    common,
    account: validatorKey,
    verifiers,
    policy: { ...basePolicy, ...overrides, hardware: effective },
    governedPolicyId: governedPolicyId ?? (async () => (effective ? hardwarePolicyId(effective) : `0x${"00".repeat(32)}`)),
    configDigest: async () => CONFIG_DIGEST,
    now: async () => time,
  });
}
const request = (teeType: number, evidence: Uint8Array, nonce: Hex = NONCE) => ({ teeType, evidence, nonce, operator: OPERATOR, jurisdiction: "KEN", sovereign: false });

type Case = { vendor: "sgx" | "tdx" | "nitro" | "sev"; teeType: number; fixture: Fixture; refusal?: string; tcbStatus?: string };
const cases: Case[] = [
  ...sgxFixtures.map((f): Case => {
    const vendor = dcapVendorOf(f);
    const refusal = f.expect.ok ? undefined : f.expect.debug ? "NSF_ATTESTATION_DEBUG" : "NSF_ATTESTATION_TCB_UNSUPPORTED";
    return { vendor, teeType: vendor === "sgx" ? TeeType.IntelSgx : TeeType.IntelTdx, fixture: f, refusal, tcbStatus: f.expect.tcb_status };
  }),
  ...nitroFixtures.map((f): Case => ({ vendor: "nitro", teeType: TeeType.AwsNitro, fixture: f, refusal: f.expect.ok ? undefined : "NSF_ATTESTATION_DEBUG", tcbStatus: "NotApplicable" })),
  ...sevFixtures.map((f): Case => ({ vendor: "sev", teeType: TeeType.AmdSevSnp, fixture: f, refusal: f.expect.ok ? undefined : "NSF_ATTESTATION_DEBUG", tcbStatus: "UpToDate" })),
];

describe("AttestationValidator with real TEE evidence (the path nsf dev and the relayer's registration use)", function () {
  this.timeout(60_000);

  describe("every manifest fixture gives its expected verdict at its pinned time", () => {
    for (const c of cases) {
      it(`${c.vendor} ${c.fixture.name}: ${c.refusal ?? "genuine and acceptable, but not bound to an NSF key"}`, async () => {
        const validator = validatorAt(BigInt(c.fixture.pin));
        const evidence = envelopeFor(c.vendor, c.fixture);
        if (c.refusal) {
          await expectCode(validator.assess(request(c.teeType, evidence)), c.refusal);
          await expectCode(validator.validate(request(c.teeType, evidence)), c.refusal);
          return;
        }
        const assessment = await validator.assess(request(c.teeType, evidence));
        expect(assessment.evidence).to.include({ teeType: c.teeType, debug: false, simulated: false, enclaveKey: CLAIMED_KEY });
        expect(assessment.tcbStatus).to.equal(c.tcbStatus ?? "UpToDate");
        expect(assessment.policyId).to.equal(hardwarePolicyId(hardwarePolicy));
        // The fixtures' report data was chosen by their authors: genuine, but bound to nothing of ours.
        expect(assessment.binding.ok).to.equal(false);
        await expectCode(validator.validate(request(c.teeType, evidence)), "NSF_ATTESTATION_REPORT_DATA_MISMATCH");
      });
    }
  });

  describe("policy (nsf.tee-policy/1): TCB table with grace, collateral age, allowlist, fail closed", () => {
    const sgx = sgxFixtures.find((f) => f.name === "dcapqvl_sgx_quote_v3.bin")!;
    const at = BigInt(sgx.pin);
    const evidence = envelopeFor("sgx", sgx);

    it("accepts a TCB status only when the table lists it, and only within its grace period", async () => {
      await expectCode(validatorAt(at, {}, { tcbStatuses: { UpToDate: { graceSeconds: null } } }).assess(request(TeeType.IntelSgx, evidence)), "NSF_ATTESTATION_TCB_NOT_ALLOWED");
      // The platform has been behind since the newer level's tcbDate (2024-03-13): 30 days are long over, 2 years are not.
      await expectCode(validatorAt(at, {}, { tcbStatuses: { ConfigurationAndSWHardeningNeeded: { graceSeconds: 30n * DAY } } }).assess(request(TeeType.IntelSgx, evidence)), "NSF_ATTESTATION_TCB_NOT_ALLOWED");
      const ok = await validatorAt(at, {}, { tcbStatuses: { ConfigurationAndSWHardeningNeeded: { graceSeconds: 730n * DAY } } }).assess(request(TeeType.IntelSgx, evidence));
      expect(ok.advisories).to.deep.equal(["INTEL-SA-00289", "INTEL-SA-00615"]);
      // Revoked is refused even when a table lists it.
      const revoked = { ...ok.evidence, hardware: { ...ok.evidence.hardware!, tcb: { kind: "intel" as const, status: "Revoked" as const, advisories: [], since: undefined, evaluationDataNumber: 17 } } };
      expect(() => applyHardwarePolicy(revoked, { ...hardwarePolicy, tcbStatuses: { Revoked: { graceSeconds: null } } }, at)).to.throw(ExecutorError).with.property("code", "NSF_ATTESTATION_TCB_NOT_ALLOWED");
    });

    it("refuses collateral older than the policy allows, and every item once it has expired", async () => {
      await expectCode(validatorAt(at, {}, { maxCollateralAgeSeconds: DAY }).assess(request(TeeType.IntelSgx, evidence)), "NSF_ATTESTATION_COLLATERAL_TOO_OLD");
      await expectCode(validatorAt(BigInt(sgx.valid_until + 1)).assess(request(TeeType.IntelSgx, evidence)), "NSF_ATTESTATION_OUTSIDE_VALIDITY");
      const nitro = nitroFixtures[0]!;
      await expectCode(validatorAt(BigInt(nitro.valid_until + 1)).assess(request(TeeType.AwsNitro, envelopeFor("nitro", nitro))), "NSF_ATTESTATION_OUTSIDE_VALIDITY");
      // Inside the leaf's life but older than the evidence age limit: stale.
      await expectCode(validatorAt(BigInt(nitro.pin + 700)).assess(request(TeeType.AwsNitro, envelopeFor("nitro", nitro))), "NSF_ATTESTATION_STALE");
    });

    it("checks measurements against the allowlist of the evidence's TEE type only", async () => {
      await expectCode(validatorAt(at, {}, { measurements: { ...hardwarePolicy.measurements, [TeeType.IntelSgx]: [] } }).assess(request(TeeType.IntelSgx, evidence)), "NSF_ATTESTATION_MEASUREMENT_NOT_ALLOWED");
      await expectCode(validatorAt(at, {}, { measurements: { [TeeType.IntelTdx]: [sgxMeasurement(sgx)] } }).assess(request(TeeType.IntelSgx, evidence)), "NSF_ATTESTATION_MEASUREMENT_NOT_ALLOWED");
    });

    it("fails closed: no hardware policy, no SEV-SNP minimum for the product, a minimum above the reported TCB, Nitro without NotApplicable", async () => {
      await expectCode(validatorAt(at, { hardware: undefined }).assess(request(TeeType.IntelSgx, evidence)), "NSF_ATTESTATION_POLICY_MISSING");
      const milan = sevFixtures.find((f) => f.name === "virtee_report_milan_v2.bin")!;
      const snp = envelopeFor("sev", milan);
      await expectCode(validatorAt(BigInt(milan.pin), {}, { snpMinimumTcb: { Genoa: { bootloader: 0, tee: 0, snp: 0, microcode: 0 } } }).assess(request(TeeType.AmdSevSnp, snp)), "NSF_ATTESTATION_POLICY_MISSING");
      await expectCode(validatorAt(BigInt(milan.pin), {}, { tcbStatuses: { UpToDate: { graceSeconds: null } }, snpMinimumTcb: { Milan: { bootloader: 3, tee: 0, snp: 9, microcode: 115 } } }).assess(request(TeeType.AmdSevSnp, snp)), "NSF_ATTESTATION_TCB_NOT_ALLOWED");
      const nitro = nitroFixtures[0]!;
      await expectCode(validatorAt(BigInt(nitro.pin), {}, { tcbStatuses: { UpToDate: { graceSeconds: null } } }).assess(request(TeeType.AwsNitro, envelopeFor("nitro", nitro))), "NSF_ATTESTATION_TCB_NOT_ALLOWED");
      // No simulated verifier is registered in the production wiring at all.
      await expectCode(validatorAt(at).assess(request(TeeType.Simulated, new Uint8Array(10))), "NSF_ATTESTATION_TEE_UNSUPPORTED");
    });

    it("refuses malformed envelopes and type confusion with typed errors", async () => {
      const v = validatorAt(at);
      await expectCode(v.assess(request(TeeType.IntelTdx, evidence)), "NSF_ATTESTATION_MALFORMED"); // an SGX envelope submitted as TDX
      await expectCode(v.assess(request(TeeType.IntelSgx, new TextEncoder().encode("{}"))), "NSF_ATTESTATION_MALFORMED");
      await expectCode(v.assess(request(TeeType.IntelSgx, new Uint8Array([0xff, 0xfe]))), "NSF_ATTESTATION_MALFORMED");
      await expectCode(v.assess(request(TeeType.IntelSgx, new Uint8Array(300 * 1024).fill(0x20))), "NSF_ATTESTATION_MALFORMED");
      const pretty = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(evidence)), null, 1));
      await expectCode(v.assess(request(TeeType.IntelSgx, pretty)), "NSF_ATTESTATION_MALFORMED");
      const quote = fixtureBytes(sgx.evidence);
      await expectCode(v.assess(request(TeeType.IntelSgx, envelopeFor("sgx", sgx, { evidence: quote.subarray(0, 600) }))), "NSF_ATTESTATION_MALFORMED");
    });
  });

  describe("report data binds chain, registry, enclave key and nonce (constructed evidence under a test root)", () => {
    const T = 1_750_000_000_000;
    const enclaveKey: Address = getAddress("0x00000000000000000000000000000000000e0002");
    const bound = reportDataOf({ chainId: CHAIN_ID, nodeRegistry: REGISTRY, enclaveKey, nonce: NONCE });
    let synthetic: Awaited<ReturnType<typeof createSyntheticNitroDocument>>;
    let testVerifiers: ReturnType<typeof createAttestationEvidenceVerifiers>;
    let measurement: Hex;
    before(async () => {
      synthetic = await createSyntheticNitroDocument({ timestampMs: T, userData: hexToBytes(bound) });
      testVerifiers = createAttestationEvidenceVerifiers({ vendorRoots: { ...loadVendorRoots(), nitro: { awsNitroRoot: parseCertificate(synthetic.rootDer, "test root") } } });
      measurement = sha(Buffer.concat(synthetic.pcrs));
    });
    const envelope = (key: Address = enclaveKey) => encodeTeeEvidence({ format: "nsf.tee-evidence/1", teeType: TeeType.AwsNitro, enclaveKey: key, evidence: toHex(synthetic.document), collateral: {} });
    const validator = (overrides: Partial<AttestationPolicy> = {}) => validatorAt(BigInt(T / 1000) + 5n, overrides, { measurements: { [TeeType.AwsNitro]: [measurement] } }, testVerifiers);

    it("signs the NodeRegistry verdict when everything binds", async () => {
      const signed = await validator().validate(request(TeeType.AwsNitro, envelope()));
      expect(signed.verdict).to.include({ enclaveKey, teeType: TeeType.AwsNitro, measurement, debug: false, attestedAt: BigInt(T / 1000) });
      expect(signed.assessment).to.include({ tcbStatus: "NotApplicable" });
      expect(signed.assessment.evidence.hardware?.vendor).to.equal("aws-nitro");
      const typed = verdictTypedData({ chainId: CHAIN_ID, address: REGISTRY }, signed.verdict);
      expect(await recoverTypedDataAddress({ ...typed, signature: signed.signature })).to.equal(validatorKey.address);
    });

    it("judges only under the policy governance recorded in NodeRegistry, and the verdict records its id", async () => {
      const nitroPolicy = { ...hardwarePolicy, measurements: { [TeeType.AwsNitro]: [measurement] } };
      const adopted = hardwarePolicyId(nitroPolicy);
      const signed = await validator().validate(request(TeeType.AwsNitro, envelope()));
      expect(signed.assessment.policyId).to.equal(adopted);
      const under = (governed: (() => Promise<Hex>) | undefined) => validatorAt(BigInt(T / 1000) + 5n, {}, { measurements: { [TeeType.AwsNitro]: [measurement] } }, testVerifiers, governed);
      // Governance adopted another policy (e.g. this one with a longer grace), or none yet, or the validator cannot ask.
      await expectCode(under(async () => hardwarePolicyId({ ...nitroPolicy, maxCollateralAgeSeconds: 31n * DAY })).validate(request(TeeType.AwsNitro, envelope())), "NSF_ATTESTATION_POLICY_NOT_GOVERNED");
      await expectCode(under(async () => `0x${"00".repeat(32)}`).assess(request(TeeType.AwsNitro, envelope())), "NSF_ATTESTATION_POLICY_NOT_GOVERNED");
      const noReader = createAttestationValidator({ common, account: validatorKey, verifiers: testVerifiers, policy: { ...basePolicy, hardware: nitroPolicy }, configDigest: async () => CONFIG_DIGEST, now: async () => BigInt(T / 1000) + 5n });
      await expectCode(noReader.validate(request(TeeType.AwsNitro, envelope())), "NSF_ATTESTATION_POLICY_NOT_GOVERNED");
      // The id is case-insensitive hex: an upper-case answer from a client is the same id.
      expect((await under(async () => adopted.toUpperCase().replace("0X", "0x") as Hex).validate(request(TeeType.AwsNitro, envelope()))).assessment.policyId).to.equal(adopted);
    });

    it("refuses the same evidence for another enclave key, nonce, chain or registry", async () => {
      await expectCode(validator().validate(request(TeeType.AwsNitro, envelope("0x00000000000000000000000000000000000e0003"))), "NSF_ATTESTATION_REPORT_DATA_MISMATCH");
      await expectCode(validator().validate(request(TeeType.AwsNitro, envelope(), `0x${"08".repeat(32)}`)), "NSF_ATTESTATION_REPORT_DATA_MISMATCH");
      await expectCode(validator({ chainId: 1n }).validate(request(TeeType.AwsNitro, envelope())), "NSF_ATTESTATION_REPORT_DATA_MISMATCH");
      await expectCode(validator({ nodeRegistry: "0x00000000000000000000000000000000000b0003" }).validate(request(TeeType.AwsNitro, envelope())), "NSF_ATTESTATION_REPORT_DATA_MISMATCH");
    });

    it("refuses it under the real AWS root (wrong root)", async () => {
      await expectCode(validatorAt(BigInt(T / 1000) + 5n, {}, { measurements: { [TeeType.AwsNitro]: [measurement] } }).assess(request(TeeType.AwsNitro, envelope())), "NSF_ATTESTATION_CHAIN_INVALID");
    });

    it("takes 64-byte report data only as the binding followed by 32 zero bytes", () => {
      expect(reportDataBinds(`${bound}${"00".repeat(32)}` as Hex, bound)).to.equal(true);
      expect(reportDataBinds(bound, bound)).to.equal(true);
      expect(reportDataBinds(`${bound}${"00".repeat(31)}01` as Hex, bound)).to.equal(false);
      expect(reportDataBinds(`0x${"00".repeat(32)}${bound.slice(2)}` as Hex, bound)).to.equal(false);
    });
  });
});
