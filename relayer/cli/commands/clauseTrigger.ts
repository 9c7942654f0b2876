import type { Hex } from "viem";
import { NsfError } from "../../core/errors/NsfError.js";
import { requestJobThroughGovernance } from "../../devnet/triggers.js";
import { connectDevDeployment } from "./devDeploymentConnection.js";

export type ClauseTriggerOptions = {
  deployment: string;
  dao: string;
  /** Where the JSON result goes (stdout by default). */
  write?: (text: string) => void;
  clause: string;
  jurisdiction: string;
  set: string[];
  memo?: string;
  inputs?: string;
};

export type ClauseTriggerResult = { jobId: Hex; tenantId: Hex; commitment: Hex; documentFile: string; proposalId: string; executeTx: Hex; deadline: string };

/**
 * `nsf clause trigger`: a DAO-triggered job on a running dev network. Writes the input document
 * (`nsf.input-document/1` with the `--set` values) where the relayer reads it, then passes a real proposal of the
 * DAO calling `JobRouter.requestJob(clause, jurisdiction, daoNonce, H(JCS(document)), deadline)`. Local development
 * chains only, for the same reasons as `nsf clause register`.
 */
export async function runClauseTrigger(options: ClauseTriggerOptions): Promise<ClauseTriggerResult> {
  const values: Record<string, string> = {};
  for (const pair of options.set) {
    const at = pair.indexOf("=");
    if (at < 1) throw new NsfError("NSF_CLI_INVALID_ARGUMENT", { shortMessage: `--set expects name=value, got ${JSON.stringify(pair)}` });
    values[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (Object.keys(values).length === 0) throw new NsfError("NSF_CLI_INVALID_ARGUMENT", { shortMessage: "give the clause's inputs with --set name=value" });
  const { deployment, network, dao, connection } = await connectDevDeployment(options);
  const document = { schema: "nsf.input-document/1" as const, values, ...(options.memo ? { memo: options.memo } : {}) };
  const request = await requestJobThroughGovernance(connection, {
    dao,
    network,
    clause: options.clause,
    jurisdiction: options.jurisdiction,
    document,
    inputsDirectory: options.inputs ?? deployment.inputsDirectory,
    // The block number makes each decision distinct (daoNonce = H(description)), even with the same document.
    description: `Run ${options.clause} in ${options.jurisdiction} [nsf clause trigger at block ${await connection.ethers.provider.getBlockNumber()}]`,
  });
  const result: ClauseTriggerResult = {
    jobId: request.jobId,
    tenantId: request.tenantId,
    commitment: request.commitment,
    documentFile: request.documentFile,
    proposalId: request.proposal.proposalId.toString(),
    executeTx: request.proposal.transactions.execute,
    deadline: request.deadline.toString(),
  };
  (options.write ?? ((text: string) => void process.stdout.write(text)))(`${JSON.stringify(result, null, 2)}\n`);
  return result;
}
