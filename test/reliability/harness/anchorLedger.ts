import { DatabaseSync } from "node:sqlite";
import type { Hex } from "viem";
import type { BatchBundle } from "../../../relayer/core/batching/batchBundle.js";
import type { RollupAnchor } from "../../../typechain-types/index.js";

export type AnchoredJob = { jobId: Hex; batchSeq: bigint; output: Hex; outputHash: Hex };

/** What the chain holds, checked against the relayer's bundles: the ground truth every fault test compares. */
export type AnchorLedger = {
  /** BatchAnchored events in chain order. */
  batches: { batchSeq: bigint; root: Hex; lastSeq: bigint; blockNumber: number }[];
  /** Every job in an anchored leaf, once per leaf (a job anchored twice appears twice). */
  leaves: AnchoredJob[];
  /** Jobs found in more than one anchored leaf. */
  duplicates: Hex[];
  /** Problems with the ledger itself: a gap in batchSeq, a bundle missing or not matching the anchored root. */
  problems: string[];
};

/**
 * Reads every BatchAnchored event of the RollupAnchor and, for each, the bundle the relayer stored for it (read-only,
 * beside a possibly running relayer: WAL readers never block the writer); the bundle's root must equal the anchored
 * root and the result sequences must tile 1..lastSeq without gaps.
 */
export async function readAnchorLedger(parameters: { rollupAnchor: RollupAnchor; databaseFile: string }): Promise<AnchorLedger> {
  const { rollupAnchor } = parameters;
  const events = await rollupAnchor.queryFilter(rollupAnchor.filters.BatchAnchored());
  const batches = events.map((e) => ({ batchSeq: e.args.batchSeq, root: (e.args.root as string).toLowerCase() as Hex, lastSeq: e.args.lastSeq, blockNumber: e.blockNumber }));
  const problems: string[] = [];
  const leaves: AnchoredJob[] = [];
  const db = new DatabaseSync(parameters.databaseFile, { readOnly: true });
  try {
    const bundleOf = db.prepare("SELECT bundle_json AS b FROM agg_batches WHERE batch_seq = ?");
    let previousLastSeq = 0n;
    batches.forEach((batch, i) => {
      if (batch.batchSeq !== BigInt(i + 1)) problems.push(`batch ${i + 1} is anchored as batchSeq ${batch.batchSeq}`);
      const row = bundleOf.get(batch.batchSeq) as { b: string | null } | undefined;
      if (!row?.b) {
        problems.push(`no bundle stored for anchored batch ${batch.batchSeq}`);
        return;
      }
      const bundle = JSON.parse(row.b) as BatchBundle;
      if (bundle.batch.root.toLowerCase() !== batch.root) problems.push(`batch ${batch.batchSeq}: bundle root ${bundle.batch.root} is not the anchored ${batch.root}`);
      if (BigInt(bundle.batch.first_seq) !== previousLastSeq + 1n || BigInt(bundle.batch.last_seq) !== batch.lastSeq) problems.push(`batch ${batch.batchSeq}: result sequences ${bundle.batch.first_seq}..${bundle.batch.last_seq} do not follow ${previousLastSeq}`);
      previousLastSeq = batch.lastSeq;
      for (const r of bundle.results) leaves.push({ jobId: r.job_id.toLowerCase() as Hex, batchSeq: batch.batchSeq, output: r.output as Hex, outputHash: r.output_hash as Hex });
    });
  } finally {
    db.close();
  }
  const count = new Map<Hex, number>();
  for (const l of leaves) count.set(l.jobId, (count.get(l.jobId) ?? 0) + 1);
  return { batches, leaves, duplicates: [...count].filter(([, n]) => n > 1).map(([j]) => j), problems };
}

/** The relayer's verdict on every job it saw: state, and for the terminal ones without an anchor, the reason. */
export function readJobOutcomes(databaseFile: string): Map<Hex, { state: string; code: string | null; reason: string | null }> {
  const db = new DatabaseSync(databaseFile, { readOnly: true });
  try {
    const rows = db.prepare("SELECT job_id, state, outcome_code, outcome_reason FROM jobs").all() as { job_id: string; state: string; outcome_code: string | null; outcome_reason: string | null }[];
    return new Map(rows.map((r) => [r.job_id.toLowerCase() as Hex, { state: r.state, code: r.outcome_code, reason: r.outcome_reason }]));
  } finally {
    db.close();
  }
}
