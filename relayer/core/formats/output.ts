import { decodeAbiParameters, encodeAbiParameters, hexToString, keccak256, stringToHex, type Hex } from "viem";
import { bytesToHexFast, hexToBytesFast, type Keccak } from "../batching/hashing.js";
import { InvalidFormatError } from "../errors/NsfError.js";

/** docs/FORMATS.md §5. */
export type ClauseOutput = { status: number; action: string; amounts: readonly bigint[] };

const OUTPUT_ABI = [{ type: "uint16" }, { type: "bytes32" }, { type: "uint256[]" }] as const;

export function actionToBytes32(action: string): Hex {
  if (!/^[\x20-\x7e]{0,31}$/.test(action)) throw new InvalidFormatError("output action", action, "at most 31 printable ASCII characters");
  return stringToHex(action, { size: 32 });
}

export function bytes32ToAction(value: Hex): string {
  return hexToString(value, { size: 32 }).replace(/\0+$/, "");
}

export function encodeClauseOutput(output: ClauseOutput): Hex {
  if (!Number.isInteger(output.status) || output.status < 0 || output.status > 0xffff) {
    throw new InvalidFormatError("output status", output.status, "a uint16");
  }
  return encodeAbiParameters(OUTPUT_ABI, [output.status, actionToBytes32(output.action), [...output.amounts]]);
}

export function decodeClauseOutput(encoded: Hex): ClauseOutput {
  try {
    const [status, action, amounts] = decodeAbiParameters(OUTPUT_ABI, encoded);
    return { status, action: bytes32ToAction(action), amounts };
  } catch (cause) {
    throw new InvalidFormatError("clause output", encoded, "abi.encode(uint16 status, bytes32 action, uint256[] amounts)");
  }
}

/** `keccak256(encoded)`; `keccak` replaces viem's pure-JS one (e.g. the WASM one on a hot path). */
export const outputHashOf = (encoded: Hex, keccak?: Keccak): Hex => (keccak ? bytesToHexFast(keccak(hexToBytesFast(encoded))) : keccak256(encoded));
