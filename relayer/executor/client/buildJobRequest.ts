import { toBytes, type Address, type Hex, type LocalAccount } from "viem";
import { canonicalJson } from "../../core/formats/canonicalJson.js";
import { jobTokenTypedData, type Deployment, type JobToken } from "../../core/formats/eip712.js";
import type { TenantPayloadKey } from "../enclave/EnclaveRuntime.js";
import { sealPayload, verifyTenantPayloadKey } from "../enclave/tenantPayloadKeys.js";
import { ExecutorError } from "../errors/ExecutorError.js";
import { encodeJobRequest } from "../node/jobRequest.js";

export type BuildJobRequestParameters = {
  /** A registered scheduler key (signs the token, EIP-712). */
  scheduler: LocalAccount;
  router: Deployment;
  token: JobToken;
  /** The nsf.inputs/1 bundle whose JCS hash is `token.inputHash`. */
  bundle: Record<string, unknown>;
  /** The executor's certified payload key for `token.tenantId`, as served by the node. */
  payloadKey: TenantPayloadKey;
  /** Where the certificate must point: this chain, this NodeRegistry, the token's executor. */
  nodeRegistry: Address;
  /**
   * Seals the bundle's JCS bytes to the payload key; default `sealPayload` (eciesjs). A replacement must produce
   * the same format (the relayer passes a libsecp256k1 implementation, ~100× faster on its hot path).
   */
  seal?: (publicKey: Hex, plaintext: Uint8Array) => Uint8Array;
  /**
   * The caller has already verified this exact key's certificate against the same binding (e.g. once per node and
   * tenant, cached); skips the repeated signature recovery. The tenant id is still compared.
   */
  payloadKeyVerified?: boolean;
};

/**
 * Scheduler side of one dispatch: checks the payload key is certified by the token's executor for the
 * token's tenant, seals the bundle to it, signs the token. Returns the `POST /v1/execute` body.
 */
export async function buildJobRequest(parameters: BuildJobRequestParameters) {
  const { scheduler, router, token, bundle, payloadKey } = parameters;
  const binding = { chainId: BigInt(router.chainId), nodeRegistry: parameters.nodeRegistry, enclaveKey: token.executor };
  if (payloadKey.tenantId.toLowerCase() !== token.tenantId.toLowerCase() || (!parameters.payloadKeyVerified && !(await verifyTenantPayloadKey(payloadKey, binding)))) {
    throw new ExecutorError("PAYLOAD_KEY_UNCERTIFIED", "the payload key is not certified by the token's executor for the token's tenant");
  }
  const signature: Hex = await scheduler.signTypedData(jobTokenTypedData(router, token));
  const payload = (parameters.seal ?? sealPayload)(payloadKey.publicKey, toBytes(canonicalJson(bundle)));
  return encodeJobRequest(token, signature, payload);
}
