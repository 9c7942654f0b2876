import { sha256 } from "@noble/hashes/sha2.js";
import type { Hex } from "viem";
import { ExecutorError } from "../../errors/ExecutorError.js";
import { isAllZero, toHex } from "./ByteReader.js";
import { parseCertificate, requireValidAt, verifyChainToPinnedRoot, type ParsedCertificate } from "./certificates.js";
import { verifyP384 } from "./ecdsa.js";
import { decodeNitroDocument, nitroSigStructure } from "./nitroDocument.js";

export type NitroRoots = { awsNitroRoot: ParsedCertificate };

/** What an authenticated Nitro document says. Genuine means: signed by a leaf that chains to the pinned AWS root. */
export type NitroVerdict = {
  vendor: "aws-nitro";
  moduleId: string;
  timestampMs: bigint;
  pcrs: ReadonlyMap<number, Hex>;
  /** PCR0, PCR1 or PCR2 all zero: the enclave was started with --debug-mode. */
  debug: boolean;
  /** `sha256(PCR0 ‖ PCR1 ‖ PCR2)`: the 32-byte measurement NodeRegistry stores (docs/FORMATS.md §1). */
  measurement: Hex;
  publicKey: Hex | undefined;
  userData: Hex | undefined;
  nonce: Hex | undefined;
  leafNotAfter: bigint;
};

/**
 * Verifies an AWS Nitro attestation document (pure: bytes, pinned root, verification time in). The chain is
 * checked at the document's own time and at `at`; the COSE_Sign1 signature (ES384) by the leaf's key.
 * Nitro documents carry no revocation data and AWS publishes no TCB status: neither is checked here.
 */
export async function verifyNitroDocument(raw: Uint8Array, roots: NitroRoots, at: bigint): Promise<NitroVerdict> {
  const doc = decodeNitroDocument(raw);
  const leaf = parseCertificate(doc.certificate, "Nitro leaf certificate");
  const bundle = doc.cabundle.map((der, i) => parseCertificate(der, `Nitro cabundle[${i}]`));
  // cabundle is root first; our chain walk is leaf first.
  const chain = [leaf, ...bundle.reverse()];
  const documentTime = doc.timestampMs / 1000n;
  await verifyChainToPinnedRoot(chain, roots.awsNitroRoot, documentTime, "Nitro certificate chain at the document's time");
  for (const cert of chain) requireValidAt(cert, at, "Nitro certificate at the verification time");
  if (leaf.isCa) throw new ExecutorError("ATTESTATION_CHAIN_INVALID", "the Nitro leaf certificate is a CA");
  if (!verifyP384(doc.signature, nitroSigStructure(doc), leaf.publicKey)) {
    throw new ExecutorError("ATTESTATION_SIGNATURE_INVALID", "the COSE_Sign1 signature does not verify under the leaf key");
  }
  const [pcr0, pcr1, pcr2] = [0, 1, 2].map((i) => doc.pcrs.get(i)!);
  const pcrs = new Map([...doc.pcrs].map(([i, v]) => [i, toHex(v)] as const));
  return {
    vendor: "aws-nitro",
    moduleId: doc.moduleId,
    timestampMs: doc.timestampMs,
    pcrs,
    // AWS zeroes all three in debug mode; any one of them zero is refused as debug too (fail closed).
    debug: isAllZero(pcr0!) || isAllZero(pcr1!) || isAllZero(pcr2!),
    measurement: toHex(sha256(Buffer.concat([pcr0!, pcr1!, pcr2!]))),
    publicKey: doc.publicKey && toHex(doc.publicKey),
    userData: doc.userData && toHex(doc.userData),
    nonce: doc.nonce && toHex(doc.nonce),
    leafNotAfter: BigInt(Math.floor(leaf.notAfter.getTime() / 1000)),
  };
}
