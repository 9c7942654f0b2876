import { expect } from "chai";
import { getAddress, type Hex } from "viem";
import { canonicalJsonHash } from "../../../../relayer/core/formats/canonicalJson.js";
import { TriggerType } from "../../../../relayer/core/formats/enums.js";
import { sensorInputCommitment } from "../../../../relayer/core/formats/ids.js";
import { buildDocumentBundle, buildSensorBundle, inputHashOf, parseInputDocument, withZkSalt } from "../../../../relayer/core/scheduling/inputBundle.js";
import { SNARK_SCALAR_FIELD } from "../../../../relayer/core/zk/zkPublicSignals.js";
import { parseInputBundle } from "../../../../relayer/executor/node/inputBundle.js";

const FEED = getAddress("0x00000000000000000000000000000000000feed0");
const JOB = `0x${"0b".repeat(32)}` as Hex;
const fired = { feed: FEED, roundId: 7n, answer: 1875n, updatedAt: 1_000n };
const commitment = sensorInputCommitment(FEED, 7n, 1875n, 1_000n);
const binding = { answerInput: "rainfall_72h_mm_x10", values: { insured_households: "1200" } };
const sensor = (o: Partial<Parameters<typeof buildSensorBundle>[0]> = {}) =>
  buildSensorBundle({ jobId: JOB, commitment, fired, read: { roundId: 7n, answer: 1875n, updatedAt: 1_000n }, firedAt: 1_100n, maxStalenessSeconds: 3600n, binding, ...o });

describe("relayer/core/scheduling/inputBundle", () => {
  it("builds the sensor bundle of docs/FORMATS.md §6 whose trigger.commitment is the on-chain one", () => {
    const bundle = sensor();
    expect(bundle.trigger).to.deep.equal({ type: "sensor", commitment, feed: FEED, round_id: "7", answer: "1875", updated_at: 1000 });
    expect(bundle.values).to.deep.equal({ insured_households: "1200", rainfall_72h_mm_x10: "1875" });
    // What the executor node accepts, byte for byte the same hash.
    const { json } = parseInputBundle(new TextEncoder().encode(JSON.stringify(bundle)));
    expect(canonicalJsonHash(json)).to.equal(inputHashOf(bundle));
  });

  it("refuses a commitment that does not recompute, a round that reads back differently, and a stale round", () => {
    expect(() => sensor({ commitment: `0x${"00".repeat(32)}` })).to.throw().with.property("code", "NSF_INPUT_COMMITMENT_MISMATCH");
    expect(() => sensor({ read: { roundId: 7n, answer: 1874n, updatedAt: 1_000n } })).to.throw().with.property("code", "NSF_INPUT_FEED_MISMATCH");
    expect(() => sensor({ firedAt: 1_000n + 3601n })).to.throw().with.property("code", "NSF_INPUT_STALE");
    expect(() => sensor({ firedAt: 999n })).to.throw().with.property("code", "NSF_INPUT_STALE");
  });

  it("refuses a binding that tries to set the feed's own input", () => {
    expect(() => sensor({ binding: { answerInput: "x", values: { x: "1" } } })).to.throw().with.property("code", "NSF_INPUT_INVALID");
  });

  it("builds DAO and simulation bundles only from a document that hashes to the commitment", () => {
    const document = parseInputDocument({ schema: "nsf.input-document/1", values: { lot_id: "4242" } });
    const c = canonicalJsonHash(document);
    const dao = buildDocumentBundle({ jobId: JOB, triggerType: TriggerType.Dao, commitment: c, document });
    expect(dao).to.deep.equal({ schema: "nsf.inputs/1", job_id: JOB, trigger: { type: "dao", commitment: c }, values: { lot_id: "4242" } });
    const sim = buildDocumentBundle({ jobId: JOB, triggerType: TriggerType.Simulation, commitment: c, document, simulator: FEED });
    expect(sim.trigger).to.deep.equal({ type: "simulation", commitment: c, simulator: FEED });
    expect(() => buildDocumentBundle({ jobId: JOB, triggerType: TriggerType.Dao, commitment: `0x${"01".repeat(32)}`, document })).to.throw().with.property("code", "NSF_INPUT_COMMITMENT_MISMATCH");
  });

  it("rejects malformed input documents with a typed error", () => {
    expect(() => parseInputDocument({ values: {} })).to.throw().with.property("code", "NSF_INPUT_INVALID");
    expect(() => parseInputDocument({ schema: "nsf.input-document/1", values: { "Bad Name": "1" } })).to.throw().with.property("code", "NSF_INPUT_INVALID");
  });

  it("salts a zk clause's bundle with a field element the node accepts, changing its input hash (FORMATS §6)", () => {
    const bundle = sensor();
    const max = withZkSalt(bundle, new Uint8Array(31).fill(0xff));
    expect(BigInt(max.salt!)).to.equal((1n << 248n) - 1n);
    expect(BigInt(max.salt!) < SNARK_SCALAR_FIELD).to.equal(true);
    expect(inputHashOf(max)).to.not.equal(inputHashOf(bundle));
    expect(parseInputBundle(new TextEncoder().encode(JSON.stringify(max))).bundle.salt).to.equal(max.salt);
    expect(() => withZkSalt(bundle, new Uint8Array(32))).to.throw(RangeError);
  });
});
