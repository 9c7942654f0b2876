import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export type NsfProcess = {
  child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stdout (or stderr) contains `text`; rejects if the process exits first or after `timeoutMs`. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
};

/** Runs the `nsf` CLI as its own process (`node --import tsx relayer/cli/nsf.ts …`), as a user would. */
export function spawnNsf(args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): NsfProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "relayer/cli/nsf.ts"), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(text, timeoutMs = 60_000) {
      const seen = () => (typeof text === "string" ? out.includes(text) || err.includes(text) : text.test(out) || text.test(err));
      return new Promise((resolve, reject) => {
        if (seen()) return resolve();
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${String(text)}; stdout tail: ${out.slice(-2000)}; stderr tail: ${err.slice(-2000)}`)), timeoutMs);
        const onData = () => {
          if (seen()) finish();
        };
        const onExit = () => finish(seen() ? undefined : new Error(`nsf exited before printing ${String(text)}; stdout tail: ${out.slice(-2000)}; stderr tail: ${err.slice(-2000)}`));
        const finish = (error?: Error) => {
          clearTimeout(timer);
          child.stdout!.off("data", onData);
          child.stderr!.off("data", onData);
          child.off("exit", onExit);
          if (error) reject(error);
          else resolve();
        };
        child.stdout!.on("data", onData);
        child.stderr!.on("data", onData);
        child.once("exit", onExit);
      });
    },
  };
}

/** True while a process with this pid exists (signal 0 probes without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
