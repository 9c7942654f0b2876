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

export function runtimeHashOf(teeType: number, measurement: Hex, enclaveKey: Address, attestationId: Hex): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint8" }, { type: "bytes32" }, { type: "address" }, { type: "bytes32" }],
      [teeType, measurement, enclaveKey, attestationId],
    ),
  );
}

/** `sha256` of raw bytes: WASM code hashes and attestation ids. */
export function sha256Of(bytes: Uint8Array): Hex {
  return sha256(bytes);
}
