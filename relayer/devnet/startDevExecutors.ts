import type { Signer } from "ethers";
import { hexToBytes, keccak256, toBytes, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Common } from "../common/Common.js";
import { assembleQuorumProof } from "../core/quorum/quorumProof.js";
import { createAttestationValidator, type AttestationValidator } from "../executor/enclave/createAttestationValidator.js";
import { createAttestationEvidenceVerifiers } from "../executor/enclave/createAttestationEvidenceVerifiers.js";
import { resolveNodeConfig } from "../executor/node/nodeConfig.js";
import { startNode, type RunningNode } from "../executor/node/startNode.js";
import type { NetworkRoles } from "./bootstrapNetwork.js";
import type { DeployedNetwork } from "./deployNetwork.js";
import { devPrivateKey } from "./devKeys.js";
import { SIMULATED_DEV_MEASUREMENT } from "./nodes.js";

export type DevExecutor = {
  url: string;
  enclaveKey: Address;
  jurisdiction: string;
  operator: Address;
  attestationId: Hex;
  registrationTx: Hex;
  close(): Promise<void>;
};

export type StartDevExecutorsParameters = {
  common: Common;
  rpcUrl: string;
  network: DeployedNetwork;
  roles: NetworkRoles;
  /** One entry per node: where it is located and which operator account registers (and pays for) it. */
  plan: readonly { jurisdiction: string; operator: Signer }[];
  /** Clause directories with a build/ (default: the four examples). */
  clauseDirs: readonly string[];
  /** zk clause versions the nodes also prove (node config `zkClauses`); none by default. */
  zkClauses?: readonly { circuit: "flood_payout" | "cash_transfer_eligibility"; twin: string }[];
  /** Chain time in seconds (latest block), for the validators' freshness check. */
  chainTime: () => Promise<bigint>;
};

/**
 * Starts REAL executor nodes in this process (`startNode`: simulated enclave, metered WASM sandbox in a worker
 * thread, HTTP API) against the chain at `rpcUrl`, and registers each the way an operator does: the node's
 * start-up evidence (bound to this chain, NodeRegistry, its enclave key and a registration nonce) is checked by
 * each attestation validator of the quorum on its own — its own key, its own verifier, its own policy — and the
 * operator submits the verdict with the validators' signatures to NodeRegistry. UNSAFE FOR PRODUCTION: the
 * enclaves are simulated and the keys are the public dev keys.
 */
export async function startDevExecutors(parameters: StartDevExecutorsParameters): Promise<DevExecutor[]> {
  const { common, network, roles } = parameters;
  const registry = network.addresses.nodeRegistry;
  // The node's default dev attestation root (nodeConfig.ts); validators pin its address and nothing else.
  const devRoot = privateKeyToAccount(devPrivateKey("dev-attestation-root", 0)).address;
  const validators: AttestationValidator[] = roles.validators.slice(0, roles.validatorThreshold).map((account) =>
    createAttestationValidator({
      common,
      account,
      // The same registry a production validator uses (SGX, TDX, SEV-SNP, Nitro), plus the simulated TEE: dev only.
      verifiers: createAttestationEvidenceVerifiers({ unsafeSimulatedDevRoots: [devRoot] }),
      policy: { chainId: network.chainId, nodeRegistry: registry, allowedMeasurements: [SIMULATED_DEV_MEASUREMENT], maxEvidenceAgeSeconds: 600n, maxClockSkewSeconds: 60n, verdictValiditySeconds: 86_400n, allowSimulated: true },
      configDigest: async () => (await network.contracts.nodeRegistry.validatorConfig())[0] as Hex,
      now: parameters.chainTime,
    }),
  );

  const started: DevExecutor[] = [];
  try {
    for (const [index, { jurisdiction, operator }] of parameters.plan.entries()) {
      const nonce = keccak256(toBytes(`nsf dev executor registration ${index}`));
      const config = resolveNodeConfig({
        host: "127.0.0.1",
        port: 0,
        logLevel: "info",
        chain: { mode: "rpc", rpcUrl: parameters.rpcUrl },
        deployments: { jobRouter: network.addresses.jobRouter, rollupAnchor: network.addresses.rollupAnchor, nodeRegistry: registry, clauseRegistry: network.addresses.clauseRegistry },
        attestation: { nonce },
        clauses: [...parameters.clauseDirs],
        zkClauses: (parameters.zkClauses ?? []).map((z) => ({ ...z })),
      });
      const node: RunningNode = await startNode({ config, common: { ...common, logger: common.logger.child({ executor: index, jurisdiction }) } });
      const close = () => node.close();
      try {
        const operatorAddress = (await operator.getAddress()) as Address;
        const request = { teeType: node.enclave.teeType, evidence: hexToBytes(node.evidence), nonce, operator: operatorAddress, jurisdiction, sovereign: false };
        const signed = await Promise.all(validators.map((v) => v.validate(request)));
        const [, configVersion] = await network.contracts.nodeRegistry.validatorConfig();
        const proof = assembleQuorumProof({
          configVersion,
          threshold: roles.validatorThreshold,
          signers: roles.validators.map((v) => v.address),
          signatures: new Map(signed.map((s) => [s.signer, s.signature])),
        });
        const receipt = await (await network.contracts.nodeRegistry.connect(operator).submitVerdict(signed[0]!.verdict, proof)).wait();
        started.push({ url: node.url, enclaveKey: node.enclave.address, jurisdiction, operator: operatorAddress, attestationId: node.attestationId, registrationTx: receipt!.hash as Hex, close });
      } catch (error) {
        await close();
        throw error;
      }
    }
  } catch (error) {
    await Promise.all(started.map((e) => e.close().catch(() => undefined)));
    throw error;
  }
  return started;
}
