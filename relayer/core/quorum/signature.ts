import type { Hex } from "viem";
import { InvalidFormatError } from "../errors/NsfError.js";

/** secp256k1 group order / 2: signatures with a larger s are malleable twins (EIP-2) and are rejected on-chain. */
export const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

export type RsvSignature = { r: Hex; s: Hex; v: number };

/** Splits a 65-byte (r, s, v) signature into the fields the contracts take, with the on-chain checks. */
export function splitSignature(signature: Hex): RsvSignature {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new InvalidFormatError("signature", signature, "65 bytes (r, s, v) as hex");
  const r = `0x${signature.slice(2, 66)}` as Hex;
  const s = `0x${signature.slice(66, 130)}` as Hex;
  const v = Number.parseInt(signature.slice(130, 132), 16);
  if (v !== 27 && v !== 28) throw new InvalidFormatError("signature v", v, "27 or 28");
  if (BigInt(s) > HALF_ORDER) throw new InvalidFormatError("signature s", s, "low-s (s <= secp256k1n / 2)");
  return { r, s, v };
}
