import { hashTypedData, type Address, type Hex, type TypedDataDomain } from "viem";

/** docs/FORMATS.md §4: every signed struct is bound to a chain id and one contract instance. */
export const DomainName = {
  NodeRegistry: "NSF NodeRegistry",
  JobRouter: "NSF JobRouter",
  RollupAnchor: "NSF RollupAnchor",
} as const;
export const DOMAIN_VERSION = "1";

export function domainOf(name: (typeof DomainName)[keyof typeof DomainName], chainId: bigint | number, verifyingContract: Address): TypedDataDomain {
  return { name, version: DOMAIN_VERSION, chainId: Number(chainId), verifyingContract };
}

export const AttestationVerdictTypes = {
  AttestationVerdict: [
    { name: "enclaveKey", type: "address" },
    { name: "operator", type: "address" },
    { name: "teeType", type: "uint8" },
    { name: "measurement", type: "bytes32" },
    { name: "jurisdiction", type: "bytes3" },
    { name: "sovereign", type: "bool" },
    { name: "debug", type: "bool" },
    { name: "attestationId", type: "bytes32" },
    { name: "attestedAt", type: "uint64" },
    { name: "validUntil", type: "uint64" },
    { name: "configDigest", type: "bytes32" },
  ],
} as const;

export const JobTokenTypes = {
  JobToken: [
    { name: "jobId", type: "bytes32" },
    { name: "clauseId", type: "bytes32" },
    { name: "clauseVersion", type: "uint48" },
    { name: "codeHash", type: "bytes32" },
    { name: "tenantId", type: "bytes32" },
    { name: "executor", type: "address" },
    { name: "attempt", type: "uint32" },
    { name: "inputHash", type: "bytes32" },
    { name: "triggerType", type: "uint8" },
    { name: "expiresAt", type: "uint64" },
  ],
} as const;

export const CacTypes = {
  CAC: [
    { name: "jobId", type: "bytes32" },
    { name: "clauseId", type: "bytes32" },
    { name: "clauseVersion", type: "uint48" },
    { name: "codeHash", type: "bytes32" },
    { name: "tenantId", type: "bytes32" },
    { name: "attempt", type: "uint32" },
    { name: "inputHash", type: "bytes32" },
    { name: "outputHash", type: "bytes32" },
    { name: "runtimeHash", type: "bytes32" },
    { name: "configDigest", type: "bytes32" },
    { name: "timestamp", type: "uint64" },
  ],
} as const;

export const BatchHeaderTypes = {
  BatchHeader: [
    { name: "batchSeq", type: "uint64" },
    { name: "firstSeq", type: "uint64" },
    { name: "lastSeq", type: "uint64" },
    { name: "count", type: "uint64" },
    { name: "root", type: "bytes32" },
    { name: "prevCommitment", type: "bytes32" },
    { name: "bundleHash", type: "bytes32" },
    { name: "configDigest", type: "bytes32" },
  ],
} as const;

export type AttestationVerdict = {
  enclaveKey: Address;
  operator: Address;
  teeType: number;
  measurement: Hex;
  jurisdiction: Hex;
  sovereign: boolean;
  debug: boolean;
  attestationId: Hex;
  attestedAt: bigint;
  validUntil: bigint;
  configDigest: Hex;
};

export type JobToken = {
  jobId: Hex;
  clauseId: Hex;
  clauseVersion: number;
  codeHash: Hex;
  tenantId: Hex;
  executor: Address;
  attempt: number;
  inputHash: Hex;
  triggerType: number;
  expiresAt: bigint;
};

export type Cac = {
  jobId: Hex;
  clauseId: Hex;
  clauseVersion: number;
  codeHash: Hex;
  tenantId: Hex;
  attempt: number;
  inputHash: Hex;
  outputHash: Hex;
  runtimeHash: Hex;
  configDigest: Hex;
  timestamp: bigint;
};

export type BatchHeader = {
  batchSeq: bigint;
  firstSeq: bigint;
  lastSeq: bigint;
  count: bigint;
  root: Hex;
  prevCommitment: Hex;
  bundleHash: Hex;
  configDigest: Hex;
};

export type Deployment = { chainId: bigint | number; address: Address };

export function verdictTypedData(registry: Deployment, verdict: AttestationVerdict) {
  return {
    domain: domainOf(DomainName.NodeRegistry, registry.chainId, registry.address),
    types: AttestationVerdictTypes,
    primaryType: "AttestationVerdict",
    message: verdict,
  } as const;
}

export function jobTokenTypedData(router: Deployment, token: JobToken) {
  return {
    domain: domainOf(DomainName.JobRouter, router.chainId, router.address),
    types: JobTokenTypes,
    primaryType: "JobToken",
    message: token,
  } as const;
}

export function cacTypedData(anchor: Deployment, cac: Cac) {
  return { domain: domainOf(DomainName.RollupAnchor, anchor.chainId, anchor.address), types: CacTypes, primaryType: "CAC", message: cac } as const;
}

export function batchHeaderTypedData(anchor: Deployment, header: BatchHeader) {
  return {
    domain: domainOf(DomainName.RollupAnchor, anchor.chainId, anchor.address),
    types: BatchHeaderTypes,
    primaryType: "BatchHeader",
    message: header,
  } as const;
}

export const verdictDigest = (registry: Deployment, verdict: AttestationVerdict): Hex => hashTypedData(verdictTypedData(registry, verdict));
export const jobTokenDigest = (router: Deployment, token: JobToken): Hex => hashTypedData(jobTokenTypedData(router, token));
export const cacDigest = (anchor: Deployment, cac: Cac): Hex => hashTypedData(cacTypedData(anchor, cac));
export const batchHeaderDigest = (anchor: Deployment, header: BatchHeader): Hex => hashTypedData(batchHeaderTypedData(anchor, header));
