/**
 * Verification time per TEE vendor (issue 8): one piece of real evidence per vendor from test/fixtures/tee, through
 * the EvidenceVerifier each validator uses (nsf.tee-evidence/1 envelope decode + the pure vendor verifier) at the
 * fixture's pinned time, against the pinned vendor roots in relayer code. Sequential calls, one verification in
 * flight at a time ("one core"). The headline figure is the p50 of the CPU time each verification costs the
 * process (`process.cpuUsage`, user + system, which also counts WebCrypto's work on the libuv pool): on a machine
 * shared with other jobs, wall time mostly measures the neighbours, so it is reported beside it (`*_wall_ms`).
 * Runnable on its own:
 * `sh scripts/with-node22.sh tsx bench/teeVerification.ts`.
 */
import { realpathSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { TeeType } from "../relayer/core/formats/enums.js";
import { createHardwareEvidenceVerifiers } from "../relayer/executor/enclave/tee/createHardwareEvidenceVerifiers.js";
import { envelopeFor, nitroFixtures, sevFixtures, sgxFixtures } from "../test/executor/enclave/tee/teeFixtures.js";

type Section = { metrics: Record<string, number>; units: Record<string, string>; notes: Record<string, string> };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function runTeeVerificationBench(options: { runs?: number; warmup?: number } = {}): Promise<Section> {
  const runs = options.runs ?? 60;
  const warmup = options.warmup ?? 5;
  const verifiers = new Map(createHardwareEvidenceVerifiers().map((v) => [v.teeType, v]));
  const sgx = sgxFixtures.find((f) => f.name === "dcapqvl_sgx_quote_v3.bin")!;
  const tdx = sgxFixtures.find((f) => f.name === "dcapqvl_tdx_quote_v4.bin")!;
  const nitro = nitroFixtures.find((f) => f.name.startsWith("anchorage_aws_nitro_document"))!;
  const snp = sevFixtures.find((f) => f.name === "virtee_report_milan_v2.bin")!;
  const cases = [
    { metric: "verify_sgx_quote_ms", teeType: TeeType.IntelSgx, raw: envelopeFor("sgx", sgx), at: BigInt(sgx.pin), what: `${sgx.name} (quote v3, Processor CA, 4 TCB levels walked)` },
    { metric: "verify_tdx_quote_ms", teeType: TeeType.IntelTdx, raw: envelopeFor("tdx", tdx), at: BigInt(tdx.pin), what: `${tdx.name} (quote v4, TD 1.0, Platform CA)` },
    { metric: "verify_nitro_doc_ms", teeType: TeeType.AwsNitro, raw: envelopeFor("nitro", nitro), at: BigInt(nitro.pin), what: `${nitro.name} (4-certificate cabundle + leaf)` },
    { metric: "verify_snp_report_ms", teeType: TeeType.AmdSevSnp, raw: envelopeFor("sev", snp), at: BigInt(snp.pin), what: `${snp.name} (Milan, VCEK <- ASK <- ARK)` },
  ];
  const metrics: Record<string, number> = {};
  const units: Record<string, string> = {};
  const notes: Record<string, string> = {};
  for (const c of cases) {
    const verifier = verifiers.get(c.teeType)!;
    for (let i = 0; i < warmup; i++) await verifier.verify(c.raw, { at: c.at });
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < runs; i++) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await verifier.verify(c.raw, { at: c.at });
      wall.push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1000);
    }
    cpu.sort((a, b) => a - b);
    wall.sort((a, b) => a - b);
    const wallMetric = c.metric.replace(/_ms$/, "_wall_ms");
    metrics[c.metric] = Number(percentile(cpu, 50).toFixed(2));
    metrics[wallMetric] = Number(percentile(wall, 50).toFixed(2));
    units[c.metric] = "ms";
    units[wallMetric] = "ms";
    notes[c.metric] = `p50 CPU time (user + system) of ${runs} sequential verifications after ${warmup} warm-up: ${c.what}; pinned-root signature checks are cached per process, everything that comes with the evidence is checked each time`;
    notes[wallMetric] = "p50 wall time of the same runs; depends on the machine's other load";
  }
  return { metrics, units, notes };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isMain) {
  const result = await runTeeVerificationBench();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
