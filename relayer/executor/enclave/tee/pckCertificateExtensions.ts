import * as asn1js from "asn1js";
import { ExecutorError } from "../../errors/ExecutorError.js";
import type { ParsedCertificate } from "./certificates.js";

/**
 * The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1; Intel "PCK Certificate and CRL
 * Profile"): the platform's 16 TCB component SVNs, PCESVN, PCE-ID and FMSPC, which select the TCB level in the
 * TCB Info. Read with asn1js.
 */
export type PckExtensions = { cpuSvnComponents: readonly number[]; pceSvn: number; pceId: string; fmspc: string };

const SGX_EXTENSIONS = "1.2.840.113741.1.13.1";
const fail = (details: string) => new ExecutorError("ATTESTATION_COLLATERAL_INVALID", `PCK certificate SGX extension: ${details}`);

/** SEQUENCE OF SEQUENCE { OID, value } → Map(oid → value). */
function pairs(node: asn1js.AsnType): Map<string, asn1js.AsnType> {
  if (!(node instanceof asn1js.Sequence)) throw fail("not a SEQUENCE");
  const map = new Map<string, asn1js.AsnType>();
  for (const entry of node.valueBlock.value) {
    if (!(entry instanceof asn1js.Sequence) || entry.valueBlock.value.length !== 2) throw fail("entry is not an (OID, value) pair");
    const [oid, value] = entry.valueBlock.value;
    if (!(oid instanceof asn1js.ObjectIdentifier)) throw fail("entry without an OID");
    map.set(oid.valueBlock.toString(), value!);
  }
  return map;
}

function integer(node: asn1js.AsnType | undefined, name: string): number {
  if (!(node instanceof asn1js.Integer)) throw fail(`${name} is not an INTEGER`);
  const value = node.valueBlock.valueDec;
  if (!Number.isSafeInteger(value) || value < 0 || value > 0xffff) throw fail(`${name} = ${value}`);
  return value;
}

function octets(node: asn1js.AsnType | undefined, name: string, length: number): string {
  if (!(node instanceof asn1js.OctetString) || node.valueBlock.valueHexView.length !== length) throw fail(`${name} is not ${length} bytes`);
  return Buffer.from(node.valueBlock.valueHexView).toString("hex");
}

export function pckExtensionsOf(leaf: ParsedCertificate): PckExtensions {
  const ext = leaf.cert.extensions?.find((e) => e.extnID === SGX_EXTENSIONS);
  if (!ext) throw fail("missing");
  const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
  if (parsed.offset === -1) throw fail("not DER");
  const top = pairs(parsed.result);
  const tcb = pairs(top.get(`${SGX_EXTENSIONS}.2`) ?? new asn1js.Null());
  const cpuSvnComponents = Array.from({ length: 16 }, (_, i) => integer(tcb.get(`${SGX_EXTENSIONS}.2.${i + 1}`), `TCB component ${i + 1}`));
  return {
    cpuSvnComponents,
    pceSvn: integer(tcb.get(`${SGX_EXTENSIONS}.2.17`), "PCESVN"),
    pceId: octets(top.get(`${SGX_EXTENSIONS}.3`), "PCE-ID", 2),
    fmspc: octets(top.get(`${SGX_EXTENSIONS}.4`), "FMSPC", 6),
  };
}
