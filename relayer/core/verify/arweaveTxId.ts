import type { Hex } from "viem";
import { InvalidFormatError } from "../errors/NsfError.js";

/**
 * Arweave transaction ids are 32 bytes written as 43 characters of unpadded base64url; RollupAnchor carries the
 * raw 32 bytes as `arweaveTxId` (docs/FORMATS.md §8). Zero means "no locator".
 */
export const ZERO_ARWEAVE_TX_ID: Hex = `0x${"00".repeat(32)}`;

export function isArweaveTxId(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

export function arweaveTxIdToBytes32(id: string): Hex {
  if (!isArweaveTxId(id)) throw new InvalidFormatError("Arweave transaction id", id, "43 characters of base64url (32 bytes)");
  return `0x${Buffer.from(id, "base64url").toString("hex")}`;
}

export function bytes32ToArweaveTxId(value: Hex): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new InvalidFormatError("arweaveTxId", value, "32 bytes");
  return Buffer.from(value.slice(2), "hex").toString("base64url");
}
