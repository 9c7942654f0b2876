/**
 * Every check `nsf verify` runs (docs/FORMATS.md §15 "Verification procedure"), in the order it runs them, with a
 * stable name. A report names the check that failed; callers, tests and a web explorer branch on `name`, never on
 * the reason's text. `scope: "batch"` checks run once per anchored batch, `"execution"` checks once per execution.
 */
export const VerificationChecks = {
  "anchor.located": { scope: "batch", title: "A BatchAnchored event and its successful transaction exist" },
  "deployment.chain": { scope: "batch", title: "The RPC serves the expected chain, and the anchor names it" },
  "deployment.contract": { scope: "batch", title: "The batch was anchored by the expected RollupAnchor" },
  "anchor.calldata": { scope: "batch", title: "The transaction's anchor(header, arweaveTxId, quorum) calldata matches the event and the stored commitment" },
  "aggregator.config": { scope: "batch", title: "The aggregator config in force (last ConfigSet before the anchor) re-hashes to its digest (§3)" },
  "aggregator.signatures": { scope: "batch", title: "Exactly threshold aggregators of that config signed the BatchHeader (§4, §8)" },
  "bundle.available": { scope: "batch", title: "The batch bundle is archived on Arweave (by locator or by tags)" },
  "bundle.hash": { scope: "batch", title: "The bundle hashes to the anchored bundleHash (§12)" },
  "bundle.schema": { scope: "batch", title: "The bundle is a valid nsf.bundle/1 document" },
  "bundle.deployment": { scope: "batch", title: "The bundle names this chain and RollupAnchor" },
  "bundle.header": { scope: "batch", title: "The bundle's batch fields equal the signed header; results tile firstSeq..lastSeq once each" },
  "merkle.root": { scope: "batch", title: "The tree of every leaf has the anchored root (§7)" },
  "execution.included": { scope: "execution", title: "The execution is in the anchored bundle exactly once" },
  "job.requested": { scope: "execution", title: "JobRequested for this execution id names the same clause, version, tenant and input commitment" },
  "execution.tenant": { scope: "execution", title: "The tenant id is H(dao, jurisdiction) (§1)" },
  "execution.input_hash": { scope: "execution", title: "The input bundle hashes to inputHash (§6); a zk result withholds its bundle (§12)" },
  "execution.output_hash": { scope: "execution", title: "The output hashes to outputHash (§5)" },
  "cac.json": { scope: "execution", title: "Every CAC JSON re-hashes to its own digest (§11)" },
  "cac.domain": { scope: "execution", title: "Every CAC is signed for this chain and RollupAnchor" },
  "cac.fields": { scope: "execution", title: "Every CAC names this execution, clause, tenant, inputs and output" },
  "cac.signatures": { scope: "execution", title: "Every CAC signature recovers (low s) to its enclave key; signers strictly ascending" },
  "clause.version": { scope: "execution", title: "The CAC's clause version and config digest are the registered ones at the anchor block (§2)" },
  "clause.code_hash": { scope: "execution", title: "The CAC's code hash is the registered one" },
  "executors.quorum": { scope: "execution", title: "At least k distinct executors agreed (k from the clause version's config)" },
  "executors.attestation": { scope: "execution", title: "Every signer was an active, attested enclave key at its CAC timestamp (and in-country when required)" },
  "executors.runtime": { scope: "execution", title: "Every CAC's runtime_info names the signer's NodeRegistry registration at its CAC time: TEE type, measurement, attestation id and verdict id (§11)" },
  "execution.cac_set_hash": { scope: "execution", title: "The leaf's cacSetHash is the hash of the agreeing CAC digests (§7)" },
  "merkle.leaf": { scope: "execution", title: "The leaf hash is the double hash of its values (§7)" },
  "merkle.inclusion": { scope: "execution", title: "The leaf's proof leads to the anchored root" },
  "zk.proof": { scope: "execution", title: "A zk clause version's result withholds its inputs and every CAC's proof verifies against the bound circuit and says the CAC's output (§18); other versions carry their bundle and no proof" },
  replay: { scope: "execution", title: "Re-executing the registered WASM on the input bundle gives the same output hash" },
} as const;

export type VerificationCheckName = keyof typeof VerificationChecks;

export const VERIFICATION_CHECK_ORDER = Object.keys(VerificationChecks) as VerificationCheckName[];
