import type { Hex } from "viem";
import { InvalidFormatError } from "../core/errors/NsfError.js";

/** The anchor's `arweaveTxId` when a batch has no Arweave transaction (docs/FORMATS.md §8). */
export const NO_ARWEAVE_LOCATOR: Hex = `0x${"00".repeat(32)}`;

/**
 * An Arweave transaction id (43 base64url characters, the SHA-256 of its signature) as the 32-byte locator
 * RollupAnchor emits (docs/FORMATS.md §8), and back.
 */
export function arweaveIdToLocator(id: string): Hex {
  if (!/^[A-Za-z0-9_-]{43}$/.test(id)) throw new InvalidFormatError("Arweave transaction id", id, "43 base64url characters");
  const bytes = Buffer.from(id, "base64url");
  if (bytes.length !== 32) throw new InvalidFormatError("Arweave transaction id", id, "32 bytes once decoded");
  return `0x${bytes.toString("hex")}`;
}

export function locatorToArweaveId(locator: Hex): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(locator)) throw new InvalidFormatError("Arweave locator", locator, "32 bytes hex");
  return Buffer.from(locator.slice(2), "hex").toString("base64url");
}
