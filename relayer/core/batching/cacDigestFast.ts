import { hashDomain, keccak256, toBytes, type Hex } from "viem";
import { CacTypes, domainOf, DomainName, type Cac, type Deployment } from "../formats/eip712.js";
import { hexToBytesFast, nobleKeccak, writeHex, writeUint, type Keccak } from "./hashing.js";

const CAC_TYPE_STRING =
  "CAC(bytes32 jobId,bytes32 clauseId,uint48 clauseVersion,bytes32 codeHash,bytes32 tenantId,uint32 attempt,bytes32 inputHash,bytes32 outputHash,bytes32 runtimeHash,bytes32 configDigest,uint64 timestamp)";
const CAC_TYPEHASH = hexToBytesFast(keccak256(toBytes(CAC_TYPE_STRING)));

/**
 * The EIP-712 digest of a CAC (docs/FORMATS.md §4) without the generic typed-data encoder: 12 words for
 * the struct hash, then `0x1901 ‖ domainSeparator ‖ structHash`. Equal to `cacDigest` of
 * relayer/core/formats/eip712.ts (the tests compare both); this one runs per CAC on the aggregator hot path.
 */
export function createCacDigester(anchor: Deployment, keccak: Keccak = nobleKeccak): (cac: Cac) => Uint8Array {
  // The type string above must be the one the formats module declares; fail at construction if not.
  const declared = `CAC(${CacTypes.CAC.map((f) => `${f.type} ${f.name}`).join(",")})`;
  if (declared !== CAC_TYPE_STRING) throw new Error("CAC type string drifted from relayer/core/formats/eip712.ts");
  const domain = domainOf(DomainName.RollupAnchor, anchor.chainId, anchor.address);
  const separator = hexToBytesFast(
    hashDomain({
      domain: { name: domain.name!, version: domain.version!, chainId: BigInt(anchor.chainId), verifyingContract: anchor.address },
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
  const struct = new Uint8Array(384);
  const envelope = new Uint8Array(66);
  envelope[0] = 0x19;
  envelope[1] = 0x01;
  envelope.set(separator, 2);
  struct.set(CAC_TYPEHASH, 0);
  return (cac) => {
    writeHex(struct, 32, cac.jobId);
    writeHex(struct, 64, cac.clauseId);
    writeUint(struct, 96, cac.clauseVersion);
    writeHex(struct, 128, cac.codeHash);
    writeHex(struct, 160, cac.tenantId);
    writeUint(struct, 192, cac.attempt);
    writeHex(struct, 224, cac.inputHash);
    writeHex(struct, 256, cac.outputHash);
    writeHex(struct, 288, cac.runtimeHash);
    writeHex(struct, 320, cac.configDigest);
    writeUint(struct, 352, cac.timestamp);
    envelope.set(keccak(struct), 34);
    return keccak(envelope);
  };
}
