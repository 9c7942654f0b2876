import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Arweave from "arweave";
import { freeLoopbackPort } from "../common/freeLoopbackPort.js";
import { NsfError } from "../core/errors/NsfError.js";

/** A local Arweave gateway (arlocal) this process started; development and tests only. */
export type LocalArweave = {
  /** Gateway base URL, e.g. `http://127.0.0.1:41234` (HTTP API and `/graphql`). */
  url: string;
  port: number;
  /** The arlocal process (e.g. for a last-resort SIGKILL on a second Ctrl-C; prefer `stop()`). */
  process: ChildProcess;
  /** An arweave-js client pointed at the gateway. */
  arweave: Arweave;
  /** Mines one block: pending transactions become confirmed and visible to GraphQL. */
  mine(): Promise<void>;
  /** Credits `winston` (default 10^15, i.e. 1,000 AR) to `address`; arlocal's faucet, dev only. */
  mint(address: string, winston?: bigint): Promise<void>;
  /** Stops the gateway process (SIGTERM, then SIGKILL after 5 s) and removes its temporary data directory. */
  stop(): Promise<void>;
};

export type StartLocalArweaveOptions = {
  /** Port to listen on (loopback). Default: a free port. Pass the previous port to bring a stopped gateway back. */
  port?: number;
  /**
   * Directory for the gateway's database. Default: a fresh temporary directory, deleted by `stop()`.
   * When given, the data persists across stop/start (the caller owns and removes the directory), which is how
   * tests take a gateway down and bring the same one back up.
   */
  dataDir?: string;
  /** How long to wait for the gateway to answer. Default 30 s. */
  timeoutMs?: number;
};

/**
 * Starts arlocal as a separate process on a loopback port and waits until it answers.
 *
 * A child process rather than arlocal's class in-process, because arlocal writes a `./logs` file into its working
 * directory on every request and its `stop()` does not wait for the server to close: in a child whose working
 * directory is the data directory nothing leaks into the caller's tree and stopping is a plain process exit.
 *
 * API (kept small and stable; other modules and tests depend on it):
 * `startLocalArweave(opts?) => Promise<{ url, port, process, arweave, mine(), mint(address, winston?), stop() }>`.
 */
export async function startLocalArweave(options: StartLocalArweaveOptions = {}): Promise<LocalArweave> {
  const port = options.port ?? (await freeLoopbackPort());
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "nsf-arlocal-")));
  await mkdir(dataDir, { recursive: true });
  const entry = createRequire(import.meta.url).resolve("arlocal/bin/index.js");
  const args = [entry, String(port), "--hidelogs", "--dbpath", "db"];
  if (!ownsDir) args.push("--persist");
  const child = spawn(process.execPath, args, { cwd: dataDir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));

  const url = `http://127.0.0.1:${port}`;
  const cleanUp = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    }
    if (ownsDir) await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline && child.exitCode === null && !spawnError) {
    if (await answers(`${url}/info`)) {
      const arweave = Arweave.init({ host: "127.0.0.1", port, protocol: "http", logging: false });
      let stopped: Promise<void> | undefined;
      return {
        url,
        port,
        process: child,
        arweave,
        mine: async () => {
          await getOk(`${url}/mine`);
        },
        mint: async (address, winston = 10n ** 15n) => {
          await getOk(`${url}/mint/${address}/${winston.toString()}`);
        },
        stop: () => (stopped ??= cleanUp()),
      };
    }
    await sleep(100);
  }
  await cleanUp();
  throw new NsfError("NSF_LOCAL_ARWEAVE_START_FAILED", {
    shortMessage: `The local Arweave gateway (arlocal) did not answer on ${url}`,
    details: `${spawnError ? `${spawnError.message}\n` : ""}Its last output:\n${output}\nCheck that node_modules is installed (npm install builds arlocal's sqlite3) and that port ${port} is free.`,
    retryable: true,
    cause: spawnError,
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

async function getOk(url: string): Promise<void> {
  const res = await fetch(url);
  const body = await res.text();
  if (!res.ok) {
    throw new NsfError("NSF_LOCAL_ARWEAVE_REQUEST_FAILED", {
      shortMessage: `arlocal refused ${url} (HTTP ${res.status})`,
      details: body.slice(0, 300),
      retryable: true,
    });
  }
}
