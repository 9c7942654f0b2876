import { encodeAbiParameters, keccak256, sha256, toHex, type Address, type Hex } from "viem";
import { InvalidFormatError } from "../errors/NsfError.js";
import { TriggerType } from "./enums.js";

/** ISO 3166-1 alpha-3 code → `bytes3` (e.g. KEN → 0x4b454e). */
export function jurisdictionToBytes3(iso: string): Hex {
  if (!/^[A-Z]{3}$/.test(iso)) throw new InvalidFormatError("jurisdiction", iso, "ISO 3166-1 alpha-3: three uppercase ASCII letters");
  return toHex(iso);
}

export function bytes3ToJurisdiction(value: Hex): string {
  const text = Buffer.from(value.slice(2), "hex").toString("latin1");
  if (!/^[A-Z]{3}$/.test(text)) throw new InvalidFormatError("jurisdiction bytes3", value, "three uppercase ASCII letters");
  return text;
}

export function tenantIdOf(daoTimelock: Address, iso: string): Hex {
  return keccak256(encodeAbiParameters([{ type: "address" }, { type: "bytes3" }], [daoTimelock, jurisdictionToBytes3(iso)]));
}

export function sensorTriggerNonce(feed: Address, roundId: bigint): Hex {
  return keccak256(encodeAbiParameters([{ type: "uint8" }, { type: "address" }, { type: "uint80" }], [TriggerType.Sensor, feed, roundId]));
}

export function daoTriggerNonce(timelock: Address, daoNonce: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: "uint8" }, { type: "address" }, { type: "bytes32" }], [TriggerType.Dao, timelock, daoNonce]));
}

export function simulationTriggerNonce(simulator: Address, resultCommitment: Hex): Hex {
  return keccak256(
    encodeAbiParameters([{ type: "uint8" }, { type: "address" }, { type: "bytes32" }], [TriggerType.Simulation, simulator, resultCommitment]),
  );
}

export function jobIdOf(chainId: bigint | number, jobRouter: Address, clauseId: Hex, triggerNonce: Hex): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "address" }, { type: "bytes32" }, { type: "bytes32" }],
      [BigInt(chainId), jobRouter, clauseId, triggerNonce],
    ),
  );
}

export function sensorInputCommitment(feed: Address, roundId: bigint, answer: bigint, updatedAt: bigint): Hex {
  return keccak256(
    encodeAbiParameters([{ type: "address" }, { type: "uint80" }, { type: "int256" }, { type: "uint256" }], [feed, roundId, answer, updatedAt]),
  );
}

/**
 * What every CAC's `runtimeHash` commits to (docs/FORMATS.md §1, §11): the registered runtime (TEE type,
 * measurement, enclave key, attestation id), the verdict id of the registration the node ran under and the TCB
 * status the validators accepted. Signed by the enclave inside the CAC, so a monitor can hold a node to all six.
 */
export type RuntimeFacts = { teeType: number; measurement: Hex; enclaveKey: Address; attestationId: Hex; verdictId: Hex; tcbStatus: string };

export function runtimeHashOf(r: RuntimeFacts): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint8" }, { type: "bytes32" }, { type: "address" }, { type: "bytes32" }, { type: "bytes32" }, { type: "string" }],
      [r.teeType, r.measurement, r.enclaveKey, r.attestationId, r.verdictId, r.tcbStatus],
    ),
  );
}

/**
 * The id of one NodeRegistry registration (an `AttestationVerdict` the validator quorum co-signed and the registry
 * accepted): `H(enc(uint256 chainId, address nodeRegistry, address enclaveKey, bytes32 attestationId,
 * uint64 attestedAt, uint64 validUntil))`. Every input was co-signed by the quorum and is held by
 * `NodeRegistry.getNode` (and the `NodeAttested` event), so anyone recomputes it from the chain alone; `attestedAt`
 * strictly increases per key, so each registration has its own id. (The EIP-712 digest is not used: it also covers
 * the validator config digest, which the registry keeps only in the event.)
 */
export function verdictIdOf(v: { chainId: bigint; nodeRegistry: Address; enclaveKey: Address; attestationId: Hex; attestedAt: bigint; validUntil: bigint }): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "address" }, { type: "address" }, { type: "bytes32" }, { type: "uint64" }, { type: "uint64" }],
      [v.chainId, v.nodeRegistry, v.enclaveKey, v.attestationId, v.attestedAt, v.validUntil],
    ),
  );
}

/** `sha256` of raw bytes: WASM code hashes and attestation ids. */
export function sha256Of(bytes: Uint8Array): Hex {
  return sha256(bytes);
}
