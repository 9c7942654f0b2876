import { createRequire } from "node:module";

/** The part of the `secp256k1` package's API the hot paths use (byte arrays in, byte arrays out). */
export type NativeSecp256k1 = {
  privateKeyVerify(secretKey: Uint8Array): boolean;
  publicKeyCreate(secretKey: Uint8Array, compressed?: boolean, output?: Uint8Array): Uint8Array;
  /** RFC 6979 deterministic nonce; libsecp256k1 always returns the low-s form. */
  ecdsaSign(digest: Uint8Array, secretKey: Uint8Array, options?: Record<string, never>, output?: Uint8Array): { signature: Uint8Array; recid: number };
  ecdsaRecover(signature: Uint8Array, recid: number, digest: Uint8Array, compressed?: boolean, output?: Uint8Array): Uint8Array;
  ecdh(
    publicKey: Uint8Array,
    secretKey: Uint8Array,
    options: { hashfn: (x: Uint8Array, y: Uint8Array, data?: Uint8Array) => Uint8Array; xbuf?: Uint8Array; ybuf?: Uint8Array },
    output: Uint8Array,
  ): Uint8Array;
};

/**
 * libsecp256k1 through the `secp256k1` package's N-API prebuild (linux-x64, darwin-arm64, win32-x64: no compiler
 * needed), or undefined when the addon does not load on this platform. Loaded from `secp256k1/bindings.js` on
 * purpose: the package's main entry silently falls back to the pure-JS `elliptic` library, which would make
 * every "native" path slower than our own @noble fallbacks without anyone noticing. Node's module cache makes
 * repeated calls cheap (the addon is loaded once per thread).
 */
export function loadNativeSecp256k1(): NativeSecp256k1 | undefined {
  try {
    return createRequire(import.meta.url)("secp256k1/bindings.js") as NativeSecp256k1;
  } catch {
    return undefined;
  }
}

/** As `loadNativeSecp256k1`, but throws when the addon is unavailable (callers that have no fallback). */
export function requireNativeSecp256k1(): NativeSecp256k1 {
  const native = loadNativeSecp256k1();
  if (!native) throw new Error("the secp256k1 native addon (N-API prebuild) does not load on this platform");
  return native;
}
