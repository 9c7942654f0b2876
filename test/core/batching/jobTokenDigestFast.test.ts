import { expect } from "chai";
import fc from "fast-check";
import { getAddress, type Hex } from "viem";
import { loadFastKeccak } from "../../../relayer/crypto/loadFastKeccak.js";
import { bytesToHexFast, hexToBytesFast, writeHex } from "../../../relayer/core/batching/hashing.js";
import { createJobTokenDigester } from "../../../relayer/core/batching/jobTokenDigestFast.js";
import { jobTokenDigest, type JobToken } from "../../../relayer/core/formats/eip712.js";

const SEED = 0x4e5346;
const ROUTER = { chainId: 31337n, address: "0x000000000000000000000000000000000000a001" as const };
const word = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(`0x${Buffer.from(b).toString("hex")}`));
const token = fc.record({
  jobId: word,
  clauseId: word,
  clauseVersion: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  codeHash: word,
  tenantId: word,
  executor: address,
  attempt: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  inputHash: word,
  triggerType: fc.integer({ min: 0, max: 255 }),
  expiresAt: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
}) as fc.Arbitrary<JobToken>;

describe("createJobTokenDigester", () => {
  it("test_fuzz_jobTokenDigester_equalsHashTypedData: pure-JS and WASM keccak, several routers (fixed seed)", async () => {
    const fast = await loadFastKeccak();
    const routers = [ROUTER, { chainId: 1, address: getAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3") }, { chainId: 2n ** 40n, address: getAddress(`0x${"ff".repeat(20)}`) }];
    for (const router of routers) {
      const noble = createJobTokenDigester(router);
      const wasm = createJobTokenDigester(router, fast);
      fc.assert(
        fc.property(token, (t) => {
          const expected = jobTokenDigest(router, t);
          expect(bytesToHexFast(noble(t))).to.equal(expected);
          expect(bytesToHexFast(wasm(t))).to.equal(expected);
        }),
        { seed: SEED, numRuns: 100 },
      );
    }
  });

  it("hashes mixed-case and lowercase hex alike, and the digest of one token never leaks into the next", () => {
    const digest = createJobTokenDigester(ROUTER);
    const t: JobToken = {
      jobId: `0x${"Ab".repeat(32)}`,
      clauseId: `0x${"01".repeat(32)}`,
      clauseVersion: 2 ** 32 + 1,
      codeHash: `0x${"02".repeat(32)}`,
      tenantId: `0x${"03".repeat(32)}`,
      executor: getAddress(`0x${"0a".repeat(20)}`),
      attempt: 3,
      inputHash: `0x${"04".repeat(32)}`,
      triggerType: 1,
      expiresAt: 1_750_000_600n,
    };
    const first = bytesToHexFast(digest(t));
    expect(first).to.equal(jobTokenDigest(ROUTER, t));
    expect(bytesToHexFast(digest({ ...t, jobId: t.jobId.toLowerCase() as Hex, executor: t.executor.toLowerCase() as Hex }))).to.equal(first);
    expect(bytesToHexFast(digest({ ...t, attempt: 4 }))).to.equal(jobTokenDigest(ROUTER, { ...t, attempt: 4 }));
    expect(bytesToHexFast(digest(t))).to.equal(first);
  });

  it("refuses what viem refuses to encode: out-of-range integers and malformed hex", () => {
    const digest = createJobTokenDigester(ROUTER);
    const t: JobToken = {
      jobId: `0x${"01".repeat(32)}`,
      clauseId: `0x${"01".repeat(32)}`,
      clauseVersion: 1,
      codeHash: `0x${"02".repeat(32)}`,
      tenantId: `0x${"03".repeat(32)}`,
      executor: getAddress(`0x${"0a".repeat(20)}`),
      attempt: 1,
      inputHash: `0x${"04".repeat(32)}`,
      triggerType: 1,
      expiresAt: 1n,
    };
    for (const bad of [{ clauseVersion: 2 ** 48 }, { attempt: 2 ** 32 }, { triggerType: 256 }, { expiresAt: 2n ** 64n }, { attempt: -1 }]) {
      expect(() => digest({ ...t, ...bad }), JSON.stringify(bad, (_, v) => (typeof v === "bigint" ? v.toString() : v))).to.throw(RangeError);
      expect(() => jobTokenDigest(ROUTER, { ...t, ...bad })).to.throw();
    }
    for (const bad of [{ jobId: `0x${"zz".repeat(32)}` }, { inputHash: `0x${"01".repeat(31)}` }, { executor: `0x${"0a".repeat(19)}` }]) {
      expect(() => digest({ ...t, ...bad } as JobToken)).to.throw(RangeError);
    }
  });
});

describe("writeHex / hexToBytesFast", () => {
  it("decode both cases and refuse non-hex characters, a missing 0x and wrong lengths", () => {
    expect(bytesToHexFast(hexToBytesFast("0x00ff0aA0Ff"))).to.equal("0x00ff0aa0ff");
    const out = new Uint8Array(2);
    for (const bad of ["0x0g00", "0x 000", "1x0000", "0x000", "0x00000", "0x00\u00ff0"]) expect(() => writeHex(out, 0, bad, 2), bad).to.throw(RangeError);
  });
});
