import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Common } from "../../common/Common.js";
import { createCacDigester } from "../../core/batching/cacDigestFast.js";
import type { Keccak } from "../../core/batching/hashing.js";
import type { Cac, Deployment } from "../../core/formats/eip712.js";
import { createDigestSigner } from "../../crypto/digestSigner.js";
import { TeeType } from "../../core/formats/enums.js";
import { sha256Of } from "../../core/formats/ids.js";
import { ExecutorError } from "../errors/ExecutorError.js";
import type { UnsafeDevAttestationRoot } from "./createUnsafeDevAttestationRoot.js";
import type { EnclaveRuntime } from "./EnclaveRuntime.js";
import { reportDataOf } from "./reportData.js";
import { encodeSimulatedEvidence, SIMULATED_EVIDENCE_FORMAT, SIMULATED_WARNING, simulatedReportDigest, type SimulatedReport } from "./simulatedEvidence.js";
import { createPayloadOpener, deriveTenantPayloadSecret, payloadPublicKeyOf, tenantPayloadKeyDigest } from "./tenantPayloadKeys.js";

/** The SIMULATED backend. UNSAFE FOR PRODUCTION: keys live in ordinary process memory. */
export type UnsafeSimulatedEnclaveRuntime = EnclaveRuntime & { readonly simulated: true; readonly unsafeForProduction: true };

export type UnsafeSimulatedEnclaveParameters = {
  common: Common;
  /** What this simulated enclave reports as its code measurement. */
  measurement: Hex;
  /** Report data and payload-key certificates bind this chain and NodeRegistry instance. */
  chainId: bigint;
  nodeRegistry: Address;
  devRoot: UnsafeDevAttestationRoot;
  /** Chain time (seconds) for evidence timestamps. */
  now: () => Promise<bigint>;
  /** Produce debug-mode evidence (validators must refuse it); for tests. */
  debug?: boolean;
  /** How many tenant payload openers to keep (each costs an HKDF and a curve multiplication to build). */
  tenantKeyCacheSize?: number;
  /** keccak-256 for CAC digests; default pure JS (@noble), pass `loadFastKeccak()`'s WASM one on a hot path. */
  keccak?: Keccak;
};

/**
 * A simulated TEE for development: the enclave key and the payload root are generated here and held only
 * in this closure; no method or property returns them. Evidence is signed by the local dev root.
 * Every artefact says what it is: the type name, the `simulated: true` evidence field and warning, and a
 * warning log line at start-up.
 */
export function createUnsafeSimulatedEnclaveRuntime(parameters: UnsafeSimulatedEnclaveParameters): UnsafeSimulatedEnclaveRuntime {
  const { measurement, chainId, nodeRegistry, devRoot, now } = parameters;
  const logger = parameters.common.logger.child({ component: "enclave", tee: "simulated" });
  const privateKey = generatePrivateKey();
  const enclaveKey = privateKeyToAccount(privateKey);
  // CAC signatures on libsecp256k1 where it loads (byte-identical to viem's: RFC 6979, low s, v 27/28).
  const signDigest = createDigestSigner(privateKey);
  const cacDigesters = new Map<string, (cac: Cac) => Uint8Array>();
  const cacDigestOf = (anchor: Deployment, cac: Cac) => {
    const key = `${anchor.chainId}:${anchor.address.toLowerCase()}`;
    let digester = cacDigesters.get(key);
    if (!digester) {
      digester = createCacDigester(anchor, parameters.keccak);
      cacDigesters.set(key, digester);
    }
    return digester(cac);
  };
  const payloadRoot = crypto.getRandomValues(new Uint8Array(32));
  const cacheSize = parameters.tenantKeyCacheSize ?? 1024;
  const openers = new Map<Hex, (ciphertext: Uint8Array) => Uint8Array>();
  const binding = { chainId, nodeRegistry, enclaveKey: enclaveKey.address };

  logger.warn(
    { unsafeForProduction: true, enclaveKey: enclaveKey.address, measurement },
    "SIMULATED TEE backend: UNSAFE FOR PRODUCTION (keys in process memory, evidence signed by a local dev root)",
  );

  const secretOf = (tenantId: Hex) => deriveTenantPayloadSecret(payloadRoot, tenantId);

  return {
    teeType: TeeType.Simulated,
    simulated: true,
    unsafeForProduction: true,
    measurement,
    address: enclaveKey.address,
    publicKey: enclaveKey.publicKey,

    async evidence(nonce) {
      const timestamp = await now();
      const report: SimulatedReport = {
        format: SIMULATED_EVIDENCE_FORMAT,
        simulated: true,
        warning: SIMULATED_WARNING,
        teeType: TeeType.Simulated,
        measurement: measurement.toLowerCase(),
        enclaveKey: enclaveKey.address,
        enclavePublicKey: enclaveKey.publicKey.toLowerCase(),
        chainId: chainId.toString(),
        nodeRegistry,
        nonce: nonce.toLowerCase(),
        reportData: reportDataOf({ ...binding, nonce }),
        debug: parameters.debug ?? false,
        timestamp: Number(timestamp),
      };
      const rootSignature = await devRoot.signReport(simulatedReportDigest(report));
      const raw = encodeSimulatedEvidence({ report, rootSignature });
      return { teeType: TeeType.Simulated, raw, attestationId: sha256Of(raw) };
    },

    signCac: (anchor, cac) => signDigest(cacDigestOf(anchor, cac)),

    async tenantPayloadKey(tenantId) {
      const publicKey = payloadPublicKeyOf(secretOf(tenantId));
      const signature = await enclaveKey.signMessage({ message: { raw: tenantPayloadKeyDigest(binding, tenantId, publicKey) } });
      return { tenantId, publicKey, signature };
    },

    async decrypt(tenantId, ciphertext) {
      const key = tenantId.toLowerCase() as Hex;
      let open = openers.get(key);
      if (!open) {
        open = createPayloadOpener(secretOf(key));
        openers.set(key, open);
        if (openers.size > cacheSize) openers.delete(openers.keys().next().value!);
      }
      try {
        return open(ciphertext);
      } catch (cause) {
        // Never say more than "did not open": which step failed is an oracle for an attacker.
        throw new ExecutorError("PAYLOAD_DECRYPT_FAILED", `${ciphertext.length}-byte payload`, { cause });
      }
    },
  };
}

