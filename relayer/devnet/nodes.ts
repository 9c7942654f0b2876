import type { Signer } from "ethers";
import { toBytes, type Address, type Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { canonicalJson } from "../core/formats/canonicalJson.js";
import { verdictTypedData, type AttestationVerdict } from "../core/formats/eip712.js";
import { TeeType } from "../core/formats/enums.js";
import { jurisdictionToBytes3, runtimeHashOf, sha256Of, verdictIdOf } from "../core/formats/ids.js";
import { SIMULATED_TCB_STATUS, type RuntimeTcbStatus } from "../core/formats/teeRuntime.js";
import { assembleQuorumProof } from "../core/quorum/quorumProof.js";
import type { NetworkRoles } from "./bootstrapNetwork.js";
import type { DeployedNetwork } from "./deployNetwork.js";

/** The measurement the scripted simulated enclave reports. UNSAFE FOR PRODUCTION: development only. */
export const SIMULATED_DEV_MEASUREMENT: Hex = sha256Of(toBytes("NSF simulated enclave runtime (UNSAFE FOR PRODUCTION) v1"));

export type DevNode = {
  enclave: PrivateKeyAccount;
  operator: Signer;
  jurisdiction: string;
  sovereign: boolean;
  measurement: Hex;
  attestationId: Hex;
  teeType: number;
  /** The registration's verdict id (docs/FORMATS.md §1) and TCB status: what its CACs' runtime_info names. */
  verdictId: Hex;
  tcbStatus: RuntimeTcbStatus;
};

/** The runtime facts a dev node's CACs commit to (docs/FORMATS.md §1). */
export function devNodeRuntimeHash(node: DevNode): Hex {
  return runtimeHashOf({ teeType: node.teeType, measurement: node.measurement, enclaveKey: node.enclave.address, attestationId: node.attestationId, verdictId: node.verdictId, tcbStatus: node.tcbStatus });
}

/**
 * Registers a node the way an operator does: the (simulated) enclave produces evidence, a quorum of
 * attestation validators signs a verdict over it, and the operator submits verdict + signatures.
 */
export async function registerDevNode(
  network: DeployedNetwork,
  roles: NetworkRoles,
  node: { enclave: PrivateKeyAccount; operator: Signer; jurisdiction: string; sovereign: boolean },
  chainTime: bigint,
  validitySeconds = 24n * 3600n,
): Promise<DevNode> {
  const evidence = {
    simulated: true,
    warning: "SIMULATED TEE EVIDENCE - UNSAFE FOR PRODUCTION",
    measurement: SIMULATED_DEV_MEASUREMENT,
    enclave_key: node.enclave.address,
    debug: false,
    timestamp: Number(chainTime),
  };
  const attestationId = sha256Of(toBytes(canonicalJson(evidence)));
  const [validatorDigest, validatorVersion] = await network.contracts.nodeRegistry.validatorConfig();
  const verdict: AttestationVerdict = {
    enclaveKey: node.enclave.address,
    operator: (await node.operator.getAddress()) as Address,
    teeType: TeeType.Simulated,
    measurement: SIMULATED_DEV_MEASUREMENT,
    jurisdiction: jurisdictionToBytes3(node.jurisdiction),
    sovereign: node.sovereign,
    debug: false,
    attestationId,
    attestedAt: chainTime,
    validUntil: chainTime + validitySeconds,
    configDigest: validatorDigest as Hex,
  };
  const typed = verdictTypedData({ chainId: network.chainId, address: network.addresses.nodeRegistry }, verdict);
  const signers = roles.validators.slice(0, roles.validatorThreshold);
  const signatures = new Map<Address, Hex>();
  for (const validator of signers) signatures.set(validator.address, await validator.signTypedData(typed));
  const proof = assembleQuorumProof({
    configVersion: validatorVersion,
    threshold: roles.validatorThreshold,
    signers: roles.validators.map((v) => v.address),
    signatures,
  });
  await (await network.contracts.nodeRegistry.connect(node.operator).submitVerdict(verdict, proof)).wait();
  const verdictId = verdictIdOf({ chainId: network.chainId, nodeRegistry: network.addresses.nodeRegistry, enclaveKey: node.enclave.address, attestationId, attestedAt: verdict.attestedAt, validUntil: verdict.validUntil });
  return { ...node, measurement: SIMULATED_DEV_MEASUREMENT, attestationId, teeType: TeeType.Simulated, verdictId, tcbStatus: SIMULATED_TCB_STATUS };
}
