import { hashDomain, keccak256, toBytes } from "viem";
import { domainOf, DomainName, JobTokenTypes, type Deployment, type JobToken } from "../formats/eip712.js";
import { hexToBytesFast, nobleKeccak, writeHex, writeUint, type Keccak } from "./hashing.js";

const JOB_TOKEN_TYPE_STRING =
  "JobToken(bytes32 jobId,bytes32 clauseId,uint48 clauseVersion,bytes32 codeHash,bytes32 tenantId,address executor,uint32 attempt,bytes32 inputHash,uint8 triggerType,uint64 expiresAt)";
const JOB_TOKEN_TYPEHASH = hexToBytesFast(keccak256(toBytes(JOB_TOKEN_TYPE_STRING)));

function checkUint(name: string, value: bigint | number, bits: number): void {
  const v = BigInt(value);
  if (v < 0n || v >> BigInt(bits) !== 0n) throw new RangeError(`${name} ${value} is not a uint${bits}`);
}

/**
 * The EIP-712 digest of a job token (docs/FORMATS.md §4) without the generic typed-data encoder: the type hash
 * and 10 words for the struct hash, then `keccak(0x1901 ‖ domainSeparator ‖ structHash)`. Equal to
 * `jobTokenDigest` of relayer/core/formats/eip712.ts for every valid token (the tests compare both on random
 * tokens); it refuses the same out-of-range integers. The scheduler signs and every executor recovers one per
 * dispatch, so this runs three times per 3-of-5 job on each side. The returned function reuses its buffers:
 * it is synchronous, so interleaved callers on one thread are safe, but keep one per thread.
 */
export function createJobTokenDigester(router: Deployment, keccak: Keccak = nobleKeccak): (token: JobToken) => Uint8Array {
  // The type string above must be the one the formats module declares; fail at construction if not.
  const declared = `JobToken(${JobTokenTypes.JobToken.map((f) => `${f.type} ${f.name}`).join(",")})`;
  if (declared !== JOB_TOKEN_TYPE_STRING) throw new Error("JobToken type string drifted from relayer/core/formats/eip712.ts");
  const domain = domainOf(DomainName.JobRouter, router.chainId, router.address);
  const separator = hexToBytesFast(
    hashDomain({
      domain: { name: domain.name!, version: domain.version!, chainId: BigInt(router.chainId), verifyingContract: router.address },
      types: {
        EIP712Domain: [
          { name: "name", type: "string" },
          { name: "version", type: "string" },
          { name: "chainId", type: "uint256" },
          { name: "verifyingContract", type: "address" },
        ],
      },
    }),
  );
  const struct = new Uint8Array(352);
  const envelope = new Uint8Array(66);
  envelope[0] = 0x19;
  envelope[1] = 0x01;
  envelope.set(separator, 2);
  struct.set(JOB_TOKEN_TYPEHASH, 0);
  return (token) => {
    checkUint("clauseVersion", token.clauseVersion, 48);
    checkUint("attempt", token.attempt, 32);
    checkUint("triggerType", token.triggerType, 8);
    checkUint("expiresAt", token.expiresAt, 64);
    writeHex(struct, 32, token.jobId);
    writeHex(struct, 64, token.clauseId);
    writeUint(struct, 96, token.clauseVersion);
    writeHex(struct, 128, token.codeHash);
    writeHex(struct, 160, token.tenantId);
    // address: 12 zero bytes (never written) then the 20 address bytes
    writeHex(struct, 204, token.executor, 20);
    writeUint(struct, 224, token.attempt);
    writeHex(struct, 256, token.inputHash);
    writeUint(struct, 288, token.triggerType);
    writeUint(struct, 320, token.expiresAt);
    envelope.set(keccak(struct), 34);
    return keccak(envelope);
  };
}
