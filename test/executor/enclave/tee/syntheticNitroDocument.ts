import { webcrypto } from "node:crypto";

type CryptoKey = webcrypto.CryptoKey;
import * as asn1js from "asn1js";
import { encode } from "cbor-x";
import * as pkijs from "pkijs";
import { nitroSigStructure } from "../../../../relayer/executor/enclave/tee/nitroDocument.js";

/**
 * A Nitro-shaped attestation document signed by a throw-away P-384 CA made here (test only: no real key, no
 * AWS): real vendor documents carry report data their authors chose, so the only way to test that a validator
 * accepts evidence bound to *our* chain, registry, key and nonce — and refuses it for any other — is evidence we
 * sign ourselves, verified under a root the test pins instead of AWS's.
 */
export type SyntheticNitro = { document: Uint8Array; rootDer: Uint8Array; pcrs: Uint8Array[] };

const subtle = webcrypto.subtle;
export const ALG = { name: "ECDSA", namedCurve: "P-384" } as const;

export async function certificate(p: { serial: number; subject: string; issuer: string; publicKey: CryptoKey; signingKey: CryptoKey; ca: boolean; notBefore: Date; notAfter: Date }): Promise<Uint8Array> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: p.serial });
  const name = (cn: string) => new pkijs.AttributeTypeAndValue({ type: "2.5.4.3", value: new asn1js.Utf8String({ value: cn }) });
  cert.issuer.typesAndValues.push(name(p.issuer));
  cert.subject.typesAndValues.push(name(p.subject));
  cert.notBefore.value = p.notBefore;
  cert.notAfter.value = p.notAfter;
  const basic = new pkijs.BasicConstraints({ cA: p.ca });
  cert.extensions = [new pkijs.Extension({ extnID: "2.5.29.19", critical: true, extnValue: basic.toSchema().toBER(false), parsedValue: basic })];
  await cert.subjectPublicKeyInfo.importKey(p.publicKey);
  await cert.sign(p.signingKey, "SHA-384");
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

export async function createSyntheticNitroDocument(p: { timestampMs: number; userData: Uint8Array; pcrs?: Uint8Array[] }): Promise<SyntheticNitro> {
  const [root, leaf] = await Promise.all([subtle.generateKey(ALG, true, ["sign", "verify"]), subtle.generateKey(ALG, true, ["sign", "verify"])]);
  const t = p.timestampMs;
  const rootDer = await certificate({ serial: 1, subject: "NSF TEST Nitro root - not AWS", issuer: "NSF TEST Nitro root - not AWS", publicKey: root.publicKey, signingKey: root.privateKey, ca: true, notBefore: new Date(t - 86_400_000), notAfter: new Date(t + 86_400_000) });
  const leafDer = await certificate({ serial: 2, subject: "NSF TEST enclave", issuer: "NSF TEST Nitro root - not AWS", publicKey: leaf.publicKey, signingKey: root.privateKey, ca: false, notBefore: new Date(t - 60_000), notAfter: new Date(t + 3 * 3_600_000) });
  const pcrs = p.pcrs ?? [0x11, 0x22, 0x33].map((b) => new Uint8Array(48).fill(b));
  const payload = encode(
    new Map<string, unknown>([
      ["module_id", "i-0nsf-test-enc0"],
      ["digest", "SHA384"],
      ["timestamp", BigInt(t)], // a bigint, so cbor-x writes a uint64 (a number this large would become a float)
      ["pcrs", new Map(pcrs.map((v, i) => [i, Buffer.from(v)]))],
      ["certificate", Buffer.from(leafDer)],
      ["cabundle", [Buffer.from(rootDer)]],
      ["public_key", null],
      ["user_data", Buffer.from(p.userData)],
      ["nonce", null],
    ]),
  );
  const protectedHeader = Buffer.from([0xa1, 0x01, 0x38, 0x22]);
  const signature = new Uint8Array(await subtle.sign({ name: "ECDSA", hash: "SHA-384" }, leaf.privateKey, nitroSigStructure({ protectedHeader, payload })));
  return { document: encode([protectedHeader, new Map(), Buffer.from(payload), Buffer.from(signature)]), rootDer, pcrs };
}
