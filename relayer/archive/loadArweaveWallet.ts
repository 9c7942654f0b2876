import { readFile } from "node:fs/promises";
import type { JWKInterface } from "arweave/node/lib/wallet.js";
import { z } from "zod";
import { NsfError } from "../core/errors/NsfError.js";

const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/);
/** An Arweave RSA private key (JWK). Extra members (e.g. `kid`) are ignored. */
const JwkSchema = z.object({ kty: z.literal("RSA"), e: b64url, n: b64url, d: b64url, p: b64url, q: b64url, dp: b64url, dq: b64url, qi: b64url });
/** A wallet file: the JWK itself (what arweave tools write) or `{ label?, address?, jwk }` (the project's dev wallet). */
const WalletFileSchema = z.union([z.object({ jwk: JwkSchema }).transform((w) => w.jwk), JwkSchema]);

/**
 * Reads the Arweave wallet the archiver signs and pays with (`archive.walletFile` in the relayer config).
 * The key is never logged; errors name the file and the problem only.
 */
export async function loadArweaveWallet(file: string): Promise<JWKInterface> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new NsfError("NSF_ARWEAVE_WALLET_INVALID", { shortMessage: `Cannot read the Arweave wallet ${file}`, details: (cause as NodeJS.ErrnoException).code ?? "read error", cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new NsfError("NSF_ARWEAVE_WALLET_INVALID", { shortMessage: `The Arweave wallet ${file} is not JSON` });
  }
  const result = WalletFileSchema.safeParse(parsed);
  if (!result.success) throw new NsfError("NSF_ARWEAVE_WALLET_INVALID", { shortMessage: `The Arweave wallet ${file} is not an RSA JWK`, details: result.error.issues.slice(0, 3).map((i) => i.path.join(".") || "(file)").join(", ") });
  return result.data as JWKInterface;
}
