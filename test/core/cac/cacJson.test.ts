import { expect } from "chai";
import { toBytes, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { buildCacJson, cacFromJson, createCacJsonParser, recoverCacSigner, type CacJson, type CacJsonParts } from "../../../relayer/core/cac/cacJson.js";
import { loadFastKeccak } from "../../../relayer/crypto/loadFastKeccak.js";
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
  const runtime = { teeType: 1, simulated: true, measurement: sha256Of(toBytes("m")), enclaveKey: enclave.address, attestationId: sha256Of(toBytes("e")), verdictId: sha256Of(toBytes("v")), tcbStatus: "NotApplicable" as const };
  const cac: Cac = {
    jobId: JOB,
    clauseId: clauseIdOf(CLAUSE),
    clauseVersion: packClauseVersion(parseClauseId(CLAUSE)),
    codeHash: sha256Of(toBytes("wasm")),
    tenantId: `0x${"33".repeat(32)}`,
    attempt: 2,
    inputHash: canonicalJsonHash(bundle),
    outputHash: outputHashOf(encodedOutput),
    runtimeHash: runtimeHashOf(runtime),
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
    ["an input value", (j) => (((j.inputs as { bundle: Record<string, unknown> }).bundle.values as Record<string, string>).rainfall_72h_mm_x10 = "1801")],
    ["a readable amount", (j) => (j.outputs.amounts[0] = "1")],
    ["the encoded output", (j) => (j.outputs.encoded = encodeClauseOutput({ status: 0, action: "", amounts: [] }))],
    ["the measurement", (j) => (j.runtime_info.measurement = `0x${"55".repeat(32)}`)],
    ["the verdict id", (j) => (j.runtime_info.verdict_id = `0x${"56".repeat(32)}`)],
    ["the TCB status", (j) => (j.runtime_info.tcb_status = "UpToDate")],
    ["the vendor (it must be the TEE type's)", (j) => (j.runtime_info.vendor = "intel-sgx")],
    ["the simulated flag", (j) => (j.runtime_info.simulated = false)],
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

  describe("createCacJsonParser (WASM keccak, fixed-layout digest, caches)", () => {
    let parse: ReturnType<typeof createCacJsonParser>;
    before(async () => {
      parse = createCacJsonParser({ keccak: await loadFastKeccak(), cacheSize: 2 });
    });

    it("returns exactly what cacFromJson returns, also from its caches and for other anchors and clauses", () => {
      const variants: CacJsonParts[] = [];
      for (const [i, clause] of ["UNDRR::Disaster::FloodPayout@1.0.0", "UNDRR::Disaster::FloodPayout@2.1.3", "WHO::Health::Outbreak@1.0.0-fork1"].entries()) {
        const p = parts();
        const cac = { ...p.cac, clauseId: clauseIdOf(clause), clauseVersion: packClauseVersion(parseClauseId(clause)), attempt: i + 1 };
        variants.push({ ...p, clauseId: clause, cac, anchor: i === 2 ? { chainId: 1n, address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" } : anchor });
      }
      for (let round = 0; round < 3; round++) {
        for (const p of variants) {
          const json = JSON.parse(JSON.stringify(buildCacJson(p)));
          expect(parse(json)).to.deep.equal(cacFromJson(json));
        }
      }
      // buildCacJson with a precomputed digest (as the executor does) builds the same JSON.
      const p = parts();
      expect(buildCacJson(p, { cacDigest: cacDigest(anchor, p.cac) })).to.deep.equal(buildCacJson(p));
    });

    for (const [what, mutate] of tamper) {
      it(`refuses, like cacFromJson, a JSON after a change to ${what} (also once the original is cached)`, () => {
        const original = JSON.parse(JSON.stringify(buildCacJson(parts()))) as CacJson;
        parse(original);
        const json = JSON.parse(JSON.stringify(original)) as CacJson;
        mutate(json);
        expect(() => parse(json)).to.throw().with.property("code", "NSF_INVALID_FORMAT");
      });
    }

    it("does not let a cached runtime hash vouch for a differently spelled (bad-checksum) enclave key", () => {
      const json = JSON.parse(JSON.stringify(buildCacJson(parts()))) as CacJson;
      parse(json);
      const key = json.runtime_info.enclave_key;
      // flip the case of one letter: a checksum error for viem, so cacFromJson refuses it
      const i = [...key].findIndex((c, j) => j > 1 && /[a-fA-F]/.test(c));
      json.runtime_info.enclave_key = key.slice(0, i) + (key[i] === key[i]!.toUpperCase() ? key[i]!.toLowerCase() : key[i]!.toUpperCase()) + key.slice(i + 1);
      expect(() => cacFromJson(json)).to.throw();
      expect(() => parse(json)).to.throw();
    });
  });

  it("refuses unknown fields", () => {
    const json = { ...buildCacJson(parts()), extra: 1 };
    expect(() => cacFromJson(json)).to.throw().with.property("code", "NSF_INVALID_FORMAT");
  });
});
