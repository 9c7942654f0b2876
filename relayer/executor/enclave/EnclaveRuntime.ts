import type { Address, Hex } from "viem";
import type { Cac, Deployment } from "../../core/formats/eip712.js";
import type { TeeType } from "../../core/formats/enums.js";

/** Raw attestation evidence as the TEE produced it, plus its id (`sha256(raw)`, docs/FORMATS.md §1). */
export type EnclaveEvidence = { teeType: TeeType; raw: Uint8Array; attestationId: Hex };

/** A tenant's payload encryption key, certified by the enclave key (see docs/adr/0003-tenant-payload-keys.md). */
export type TenantPayloadKey = { tenantId: Hex; publicKey: Hex; signature: Hex };

/**
 * The one interface between the node and its trusted execution environment. Backends (the simulated one
 * today; SGX/TDX, SEV-SNP, Nitro later) generate their keys inside the enclave and never export them:
 * there is deliberately no method that returns private key material.
 */
export interface EnclaveRuntime {
  readonly teeType: TeeType;
  /** True only for the simulated backend, which is UNSAFE FOR PRODUCTION. */
  readonly simulated: boolean;
  readonly measurement: Hex;
  /** The enclave key's address: the CAC signer, the key NodeRegistry attests. */
  readonly address: Address;
  /** Uncompressed secp256k1 public key (0x04 ‖ x ‖ y) of the enclave key. */
  readonly publicKey: Hex;
  /** Fresh evidence whose report data binds this chain, the NodeRegistry, the enclave key and `nonce`. */
  evidence(nonce: Hex): Promise<EnclaveEvidence>;
  /** Signs the CAC's EIP-712 digest (docs/FORMATS.md §4) with the enclave key. */
  signCac(anchor: Deployment, cac: Cac): Promise<Hex>;
  /** The public payload key of one tenant, certified by the enclave key. */
  tenantPayloadKey(tenantId: Hex): Promise<TenantPayloadKey>;
  /** Opens an ECIES payload sealed to `tenantPayloadKey(tenantId)`; any other tenant's key fails authentication. */
  decrypt(tenantId: Hex, ciphertext: Uint8Array): Promise<Uint8Array>;
}
