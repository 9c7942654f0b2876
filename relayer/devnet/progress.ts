/** Where the local-network tooling reports what it does: numbered steps and indented details. */
export type Progress = {
  step(title: string): void;
  detail(line: string): void;
};

/** Lines on a stream (stdout by default): `[3/11] title` then `       detail`. Plain text, so CI logs read the same. */
export function createLineProgress(parameters: { total: number; write?: (text: string) => void }): Progress {
  const write = parameters.write ?? ((text: string) => void process.stdout.write(text));
  let step = 0;
  return {
    step: (title) => write(`[${++step}/${parameters.total}] ${title}\n`),
    detail: (line) => write(`       ${line}\n`),
  };
}

/** Says nothing (tests, benchmarks). */
export const silentProgress: Progress = { step: () => undefined, detail: () => undefined };
