/** Consecutive runs of one queue rank (the input is rank-ordered), each cut into chunks of at most `size`. */
export function chunksByRank<T extends { qosRank: number | undefined }>(jobs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (const job of jobs) {
    const last = out[out.length - 1];
    if (last && last.length < size && last[0]!.qosRank === job.qosRank) last.push(job);
    else out.push([job]);
  }
  return out;
}
