import { spawn, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { freeLoopbackPort } from "../common/freeLoopbackPort.js";
import { NsfError } from "../core/errors/NsfError.js";

export type LocalNode = { url: string; port: number; process: ChildProcess; stop(): Promise<void> };

async function rpcReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts `hardhat node` as a separate process on a free loopback port and waits for its RPC. */
export async function startLocalNode(options: { cwd: string; timeoutMs?: number }): Promise<LocalNode> {
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["node_modules/hardhat/dist/src/cli.js", "node", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await rpcReady(url)) {
      return {
        url,
        port,
        process: child,
        stop: async () => {
          if (child.exitCode === null) {
            child.kill("SIGTERM");
            await Promise.race([new Promise((r) => child.once("exit", r)), sleep(5000)]);
            if (child.exitCode === null) child.kill("SIGKILL");
          }
        },
      };
    }
    await sleep(250);
  }
  child.kill("SIGKILL");
  throw new NsfError("NSF_LOCAL_NODE_START_FAILED", {
    shortMessage: `The local Hardhat node did not answer on ${url}`,
    details: `Its last output:\n${output}\nCheck that node_modules is installed (npm install) and that port ${port} is free.`,
    retryable: true,
  });
}
