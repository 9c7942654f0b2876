import path from "node:path";
import { createZkCacVerifier } from "../../zk/verifyZkCac.js";
import { releaseSnarkjsCurve } from "../../zk/releaseSnarkjsCurve.js";
import { fileURLToPath } from "node:url";
import { createPublicClient, getAddress, http, isAddress, type Address, type PublicClient } from "viem";
import { NsfError } from "../../core/errors/NsfError.js";
import type { VerificationReport } from "../../core/verify/VerificationReport.js";
import { readDevDeployment } from "../../devnet/devDeployment.js";
import { createDirectoryCodeSource } from "../../verify/createDirectoryCodeSource.js";
import { createGatewayArweaveSource } from "../../verify/createGatewayArweaveSource.js";
import { createRpcChainSource } from "../../verify/createRpcChainSource.js";
import { createSandboxReplayer } from "../../verify/createSandboxReplayer.js";
import { resolveSubject, verifyFromPublicData } from "../../verify/verifyFromPublicData.js";
import { renderVerificationReport } from "./verifyReportText.js";

export type VerifyOptions = {
  rpc?: string;
  gateway?: string;
  anchor?: string;
  deployment?: string;
  chainId?: number;
  clauseRegistry?: string;
  jobRouter?: string;
  clauses: string[];
  fromBlock?: number;
  json: boolean;
};

/** Exit codes (issue 5): the verdict, or 2 when the command could not verify at all (unusable arguments included). */
export const VerifyExitCode = { valid: 0, invalid: 1, unverifiable: 2 } as const;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const DEFAULT_GATEWAY = "http://127.0.0.1:1984";

/**
 * `nsf verify <execution id | anchor tx hash | arweave tx id>`: verifies from public data only — an RPC endpoint
 * and an Arweave gateway, never a relayer's database. The contracts come from `--anchor` (and optionally
 * `--job-router`, `--clause-registry`) or from a deployment file (`nsf dev` writes one); the clause modules
 * to replay from built clause directories (`--clauses`, default clauses/examples), checked against the
 * registered code hash. Prints the report (human-readable or `--json`) and sets the exit code.
 */
export async function runVerify(target: string, options: VerifyOptions): Promise<void> {
  let report: VerificationReport;
  try {
    report = await verifyTarget(target, options);
  } catch (error) {
    if (!(error instanceof NsfError)) throw error;
    if (options.json) process.stdout.write(`${JSON.stringify({ schema: "nsf.verify-report/1", verdict: "unverifiable", error: { code: error.code, message: error.shortMessage } }, null, 2)}\n`);
    process.stderr.write(`nsf verify: ${error.code}: ${error.message}\n`);
    process.exitCode = VerifyExitCode.unverifiable;
    return;
  }
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderVerificationReport(report));
  process.exitCode = VerifyExitCode[report.verdict];
}

async function verifyTarget(target: string, options: VerifyOptions): Promise<VerificationReport> {
  const deployment = options.deployment ? await readDevDeployment(options.deployment) : undefined;
  const rpc = options.rpc ?? deployment?.rpcUrl;
  if (!rpc) throw usage("give --rpc <url> (or --deployment <file>)");
  const anchorText = options.anchor ?? deployment?.contracts.rollupAnchor;
  if (!anchorText || !isAddress(anchorText)) throw usage(`give --anchor <RollupAnchor address> (or --deployment <file>)${anchorText ? `: ${anchorText} is not an address` : ""}`);
  const optionalAddress = (value: string | undefined, flag: string): Address | undefined => {
    if (value === undefined) return undefined;
    if (!isAddress(value)) throw usage(`${flag} ${value} is not an address`);
    return getAddress(value);
  };
  const jobRouter = optionalAddress(options.jobRouter ?? deployment?.contracts.jobRouter, "--job-router");
  const clauseRegistry = optionalAddress(options.clauseRegistry ?? deployment?.contracts.clauseRegistry, "--clause-registry");
  const chainId = options.chainId !== undefined ? BigInt(options.chainId) : deployment ? BigInt(deployment.chainId) : undefined;

  const client = createPublicClient({ transport: http(rpc, { timeout: 15_000, retryCount: 1 }), cacheTime: 0 }) as PublicClient;
  const chain = createRpcChainSource({ client, ...(options.fromBlock !== undefined ? { fromBlock: BigInt(options.fromBlock) } : {}) });
  const sources = {
    chain,
    arweave: createGatewayArweaveSource({ gateway: options.gateway ?? DEFAULT_GATEWAY }),
    code: createDirectoryCodeSource(options.clauses.length > 0 ? options.clauses : [path.join(root, "clauses", "examples")]),
  };
  const subject = await resolveSubject(target, sources);
  if (!subject) throw usage(`${target} is neither a 32-byte hex execution id / anchor transaction hash nor a 43-character Arweave transaction id`);
  if ("unavailable" in subject) throw new NsfError("NSF_VERIFY_CHAIN_UNAVAILABLE", { shortMessage: `the RPC ${new URL(rpc).origin} could not be read`, details: subject.unavailable, retryable: true });

  const replay = createSandboxReplayer();
  try {
    return await verifyFromPublicData(subject, {
      sources,
      rollupAnchor: getAddress(anchorText),
      ...(chainId !== undefined ? { chainId } : {}),
      ...(jobRouter ? { jobRouter } : {}),
      ...(clauseRegistry ? { clauseRegistry } : {}),
      replay,
      verifyZk: createZkCacVerifier(),
    });
  } finally {
    await replay.close();
    await releaseSnarkjsCurve();
  }
}

const usage = (message: string) => new NsfError("NSF_VERIFY_USAGE", { shortMessage: message });
