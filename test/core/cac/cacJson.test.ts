import { expect } from "chai";
import { toBytes, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { buildCacJson, cacFromJson, recoverCacSigner, type CacJson, type CacJsonParts } from "../../../relayer/core/cac/cacJson.js";
import { canonicalJsonHash } from "../../../relayer/core/formats/canonicalJson.js";
import { clauseIdOf, packClauseVersion, parseClauseId } from "../../../relayer/core/formats/clauseRef.js";
import { cacDigest, cacTypedData, type Cac } from "../../../relayer/core/formats/eip712.js";
import { runtimeHashOf, sha256Of } from "../../../relayer/core/formats/ids.js";
import { encodeClauseOutput, outputHashOf } from "../../../relayer/core/formats/output.js";

const enclave = privateKeyToAccount(generatePrivateKey());
const anchor = { chainId: 31337n, address: "0x00000000000000000000000000000000000A0002" as const };
const CLAUSE = "UNDRR::Disaster::FloodPayout@1.0.0";
const JOB = `0x${"11".repeat(32)}` as Hex;

function parts(): CacJsonParts {
  const bundle = { schema: "nsf.inputs/1", job_id: JOB, trigger: { type: "sensor", commitment: `0x${"22".repeat(32)}` }, values: { rainfall_72h_mm_x10: "1800" } };
  const encodedOutput = encodeClauseOutput({ status: 1, action: "Payout:FloodRelief", amounts: [60_000_000_000n] });
  const runtime = { teeType: 1, vendor: "simulated", simulated: true, measurement: sha256Of(toBytes("m")), enclaveKey: enclave.address, attestationId: sha256Of(toBytes("e")) };
  const cac: Cac = {
    jobId: JOB,
    clauseId: clauseIdOf(CLAUSE),
    clauseVersion: packClauseVersion(parseClauseId(CLAUSE)),
    codeHash: sha256Of(toBytes("wasm")),
    tenantId: `0x${"33".repeat(32)}`,
    attempt: 2,
    inputHash: canonicalJsonHash(bundle),
    outputHash: outputHashOf(encodedOutput),
    runtimeHash: runtimeHashOf(runtime.teeType, runtime.measurement, runtime.enclaveKey, runtime.attestationId),
    configDigest: `0x${"44".repeat(32)}`,
    timestamp: 1_750_000_000n,
  };
  return {
    clauseId: CLAUSE,
    cac,
    anchor,
    triggerType: 1,
    triggerCommitment: `0x${"22".repeat(32)}`,
    inputBundle: bundle,
    encodedOutput,
    runtime,
    sandbox: { abi: "nsf-clause/1", stepLimit: 100_000n, stepsUsed: 700n, memoryPages: 1 },
  };
}

describe("CAC JSON (docs/FORMATS.md §11)", () => {
  it("re-hashes to the EIP-712 digest of the CAC it was built from", () => {
    const p = parts();
    const json = buildCacJson(p);
    const { cac, digest } = cacFromJson(JSON.parse(JSON.stringify(json)));
    expect(cac).to.deep.equal(p.cac);
    expect(digest).to.equal(cacDigest(anchor, p.cac));
    expect(json.hash_graph.cac_digest).to.equal(digest);
  });

  it("recovers the enclave key from the signature", async () => {
    const p = parts();
    const signature = await enclave.signTypedData(cacTypedData(anchor, p.cac));
    expect(await recoverCacSigner(buildCacJson(p), signature)).to.equal(enclave.address);
  });

  it("refuses a signature by any key other than runtime_info.enclave_key", async () => {
    const p = parts();
    const other = privateKeyToAccount(generatePrivateKey());
    const signature = await other.signTypedData(cacTypedData(anchor, p.cac));
    try {
      await recoverCacSigner(buildCacJson(p), signature);
      expect.fail("expected a refusal");
    } catch (error) {
      expect(error).to.have.property("code", "NSF_INVALID_FORMAT");
    }
  });

  const tamper: [string, (j: CacJson) => void][] = [
    ["an input value", (j) => ((j.inputs.bundle.values as Record<string, string>).rainfall_72h_mm_x10 = "1801")],
    ["a readable amount", (j) => (j.outputs.amounts[0] = "1")],
    ["the encoded output", (j) => (j.outputs.encoded = encodeClauseOutput({ status: 0, action: "", amounts: [] }))],
    ["the measurement", (j) => (j.runtime_info.measurement = `0x${"55".repeat(32)}`)],
    ["the clause id string", (j) => (j.clause_id = "UNDRR::Disaster::FloodPayout@1.0.1")],
    ["the timestamp", (j) => (j.timestamp += 1)],
    ["the attempt", (j) => (j.trigger.attempt = 3)],
    ["the verifying contract", (j) => (j.hash_graph.eip712_domain.verifying_contract = "0x00000000000000000000000000000000000a0009")],
    ["the chain id", (j) => (j.hash_graph.eip712_domain.chain_id = "1")],
  ];
  for (const [what, mutate] of tamper) {
    it(`refuses a JSON after a change to ${what}`, () => {
      const json = JSON.parse(JSON.stringify(buildCacJson(parts()))) as CacJson;
      mutate(json);
      expect(() => cacFromJson(json)).to.throw().with.property("code", "NSF_INVALID_FORMAT");
    });
  }

  it("refuses unknown fields", () => {
    const json = { ...buildCacJson(parts()), extra: 1 };
    expect(() => cacFromJson(json)).to.throw().with.property("code", "NSF_INVALID_FORMAT");
  });
});
