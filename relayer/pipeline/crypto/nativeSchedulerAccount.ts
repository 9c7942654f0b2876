import { getAddress, hashTypedData, type Hex, type LocalAccount, type TypedDataDomain } from "viem";
import { privateKeyToAccount, toAccount } from "viem/accounts";
import { hexToBytesFast, type Keccak } from "../../core/batching/hashing.js";
import { createJobTokenDigester } from "../../core/batching/jobTokenDigestFast.js";
import { DOMAIN_VERSION, DomainName, JobTokenTypes, type JobToken } from "../../core/formats/eip712.js";
import { createDigestSigner } from "../../crypto/digestSigner.js";
import { loadNativeSecp256k1 } from "../../crypto/loadNativeSecp256k1.js";

/**
 * The scheduler key as a viem LocalAccount whose `signTypedData` signs with libsecp256k1 (RFC 6979, low s —
 * libsecp256k1 always normalises) instead of pure JS; everything else is viem's own account. Same signatures,
 * byte for byte: ECDSA with RFC 6979 nonces is deterministic. Job tokens (`jobTokenTypedData`, recognised by its
 * very `JobTokenTypes` object and the JobRouter domain) are hashed by the fixed-layout digester, one per router,
 * with `keccak` (pass the WASM one from `loadFastKeccak` on a hot path); any other typed data goes through viem's
 * `hashTypedData`. Falls back to the plain account when the addon cannot be loaded.
 */
export function createSchedulerAccount(privateKey: Hex, options: { keccak?: Keccak } = {}): LocalAccount {
  const base = privateKeyToAccount(privateKey);
  const native = loadNativeSecp256k1();
  if (!native) return base;
  const signDigest = createDigestSigner(privateKey, native);
  const digesters = new Map<string, (token: JobToken) => Uint8Array>();
  const tokenDigester = (chainId: bigint | number, verifyingContract: Hex) => {
    const key = `${chainId}:${verifyingContract.toLowerCase()}`;
    let digester = digesters.get(key);
    if (!digester) {
      digester = createJobTokenDigester({ chainId, address: getAddress(verifyingContract) }, options.keccak);
      digesters.set(key, digester);
    }
    return digester;
  };
  return {
    ...toAccount({
      address: base.address,
      signMessage: (p) => base.signMessage(p),
      signTransaction: (t, o) => base.signTransaction(t, o),
      async signTypedData(typed) {
        // Loosely typed on purpose: viem's generic typed-data type does not narrow to one struct.
        const { types, primaryType, message } = typed as { types: unknown; primaryType: string; message: unknown };
        const domain = (typed as { domain?: TypedDataDomain }).domain;
        if (
          types === JobTokenTypes &&
          primaryType === "JobToken" &&
          domain?.name === DomainName.JobRouter &&
          domain.version === DOMAIN_VERSION &&
          domain.chainId !== undefined &&
          domain.verifyingContract !== undefined &&
          domain.salt === undefined
        ) {
          return signDigest(tokenDigester(domain.chainId, domain.verifyingContract)(message as JobToken));
        }
        return signDigest(hexToBytesFast(hashTypedData(typed as Parameters<typeof hashTypedData>[0])));
      },
    }),
    publicKey: base.publicKey,
    source: "nativeScheduler",
  } as LocalAccount;
}
