import { z } from "zod";
import { getAddress, type Address, type Hex } from "viem";
import { RelayerError } from "../errors/RelayerError.js";
import { canonicalJsonHash } from "../formats/canonicalJson.js";
import { TriggerType } from "../formats/enums.js";
import { sensorInputCommitment } from "../formats/ids.js";

/**
 * Input bundles (docs/FORMATS.md §6), pure. The bundle's `trigger.commitment` is always the job's on-chain
 * `inputCommitment`, and the relayer proves it before dispatching anything:
 *
 * - sensor jobs: the commitment is `H(enc(feed, roundId, answer, updatedAt))` of the round the trigger fired
 *   on, recomputed from the round read back from the feed;
 * - DAO and simulation jobs: the commitment is `H(utf8(JCS(document)))` of the DAO's (or simulator's) input
 *   document (`nsf.input-document/1`), so the document itself is what was committed (docs/adr/0010-relayer-watch-to-agreement.md).
 */
export const INPUT_SCHEMA = "nsf.inputs/1";
export const INPUT_DOCUMENT_SCHEMA = "nsf.input-document/1";

export type InputBundle = {
  schema: typeof INPUT_SCHEMA;
  job_id: Hex;
  trigger: Record<string, unknown> & { type: "dao" | "sensor" | "simulation"; commitment: Hex };
  values: Record<string, string>;
  /** zk clause versions only: the salt of the input commitment, a decimal field element (docs/FORMATS.md §6). */
  salt?: string;
};

/**
 * The bundle of a zk clause version: the same bundle with a fresh salt (31 random bytes, below the BN254 scalar
 * field), so the Poseidon commitment and the input hash of a low-entropy reading cannot be found by guessing.
 * Every executor of the job receives these same bytes, so all of them commit to the same value.
 */
export function withZkSalt(bundle: InputBundle, random31: Uint8Array): InputBundle {
  if (random31.length !== 31) throw new RangeError("a zk salt is 31 random bytes");
  let salt = 0n;
  for (const byte of random31) salt = (salt << 8n) | BigInt(byte);
  return { ...bundle, salt: salt.toString() };
}

const valueName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "lowercase snake_case input name");
const valueText = z.string().max(256);

/** A DAO's or simulator's input document: what its `inputCommitment` hashes. */
export const InputDocumentSchema = z.strictObject({
  schema: z.literal(INPUT_DOCUMENT_SCHEMA),
  values: z.record(valueName, valueText),
  /** Free-form, hashed with the rest (e.g. the proposal it belongs to). */
  memo: z.string().max(1024).optional(),
});
export type InputDocument = z.infer<typeof InputDocumentSchema>;

/** How a sensor clause's inputs are filled: the feed answer goes to one input, the DAO supplies the rest. */
export const SensorBindingSchema = z.strictObject({
  answerInput: valueName,
  values: z.record(valueName, valueText).default({}),
});
export type SensorBinding = z.infer<typeof SensorBindingSchema>;

export type FeedRound = { roundId: bigint; answer: bigint; updatedAt: bigint };

export type SensorTrigger = { feed: Address; roundId: bigint; answer: bigint; updatedAt: bigint };

/**
 * The sensor job's bundle from the round the trigger fired on (`fired`), the same round read back from the feed
 * (`read`), and the DAO's binding. Checks: the round read back equals the event's; the round was not stale when
 * the trigger fired (`firedAt` = the trigger block's timestamp); the commitment recomputes to the on-chain one.
 */
export function buildSensorBundle(parameters: {
  jobId: Hex;
  commitment: Hex;
  fired: SensorTrigger;
  read: FeedRound;
  firedAt: bigint;
  maxStalenessSeconds: bigint;
  binding: SensorBinding;
}): InputBundle {
  const { jobId, commitment, fired, read, firedAt, maxStalenessSeconds, binding } = parameters;
  if (read.roundId !== fired.roundId || read.answer !== fired.answer || read.updatedAt !== fired.updatedAt) {
    throw new RelayerError(
      "INPUT_FEED_MISMATCH",
      `feed ${getAddress(fired.feed)} round ${fired.roundId}: event (${fired.answer}, ${fired.updatedAt}), feed (${read.roundId}, ${read.answer}, ${read.updatedAt})`,
    );
  }
  if (fired.updatedAt === 0n || fired.updatedAt > firedAt || firedAt - fired.updatedAt > maxStalenessSeconds) {
    throw new RelayerError("INPUT_STALE", `round ${fired.roundId} updated at ${fired.updatedAt}, trigger fired at ${firedAt}, max staleness ${maxStalenessSeconds} s`);
  }
  const recomputed = sensorInputCommitment(getAddress(fired.feed), fired.roundId, fired.answer, fired.updatedAt);
  if (recomputed !== commitment.toLowerCase()) {
    throw new RelayerError("INPUT_COMMITMENT_MISMATCH", `H(feed, round, answer, updatedAt) = ${recomputed}, on-chain inputCommitment ${commitment}`);
  }
  if (binding.answerInput in binding.values) {
    throw new RelayerError("INPUT_INVALID", `the sensor binding sets ${binding.answerInput} itself; the feed answer fills it`);
  }
  return {
    schema: INPUT_SCHEMA,
    job_id: jobId.toLowerCase() as Hex,
    trigger: {
      type: "sensor",
      commitment: recomputed,
      feed: getAddress(fired.feed),
      round_id: fired.roundId.toString(),
      answer: fired.answer.toString(),
      updated_at: Number(fired.updatedAt),
    },
    values: { ...binding.values, [binding.answerInput]: fired.answer.toString() },
  };
}

/** Parses an input document (untrusted file or message). */
export function parseInputDocument(value: unknown): InputDocument {
  const result = InputDocumentSchema.safeParse(value);
  if (!result.success) {
    throw new RelayerError("INPUT_INVALID", result.error.issues.map((i) => `${i.path.join(".") || "(document)"}: ${i.message}`).join("; "));
  }
  return result.data;
}

/** The DAO or simulation job's bundle; the document must hash to the on-chain commitment. */
export function buildDocumentBundle(parameters: {
  jobId: Hex;
  triggerType: number;
  commitment: Hex;
  document: InputDocument;
  simulator?: Address;
}): InputBundle {
  const { jobId, triggerType, commitment, document } = parameters;
  const hash = canonicalJsonHash(document);
  if (hash !== commitment.toLowerCase()) {
    throw new RelayerError("INPUT_COMMITMENT_MISMATCH", `the input document hashes to ${hash}, on-chain inputCommitment ${commitment}`);
  }
  if (triggerType !== TriggerType.Dao && triggerType !== TriggerType.Simulation) {
    throw new RelayerError("INPUT_INVALID", `trigger type ${triggerType} does not take an input document`);
  }
  const trigger: InputBundle["trigger"] =
    triggerType === TriggerType.Dao
      ? { type: "dao", commitment: hash }
      : { type: "simulation", commitment: hash, ...(parameters.simulator ? { simulator: getAddress(parameters.simulator) } : {}) };
  return { schema: INPUT_SCHEMA, job_id: jobId.toLowerCase() as Hex, trigger, values: { ...document.values } };
}

/** `inputHash = H(utf8(JCS(bundle)))`. */
export const inputHashOf = (bundle: InputBundle): Hex => canonicalJsonHash(bundle);
