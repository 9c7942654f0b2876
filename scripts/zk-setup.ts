/**
 * `npm run zk:setup`: the development trusted setup for every circuit in relayer/zk/zkCircuits.ts (docs/ZK.md).
 *
 *   1. compile circuits/<name>.circom with circom2 (circom 2.2 as WASM, --O2) → r1cs + witness WASM;
 *   2. powers of tau on BN254 at the smallest power that fits every circuit, made deterministic with a
 *      public beacon instead of secret entropy → phase 2 preparation;
 *   3. per circuit: Groth16 zkey from the r1cs, one more beacon contribution, verification key, Solidity
 *      verifier (contracts/zk/<Verifier>.sol, renamed and pinned to the project's compiler) and circuit.json
 *      (circuit hash, verification-key hash, constraint count, public signals).
 *
 * Everything is derived from public data, so anyone can recompute the toxic waste: UNSAFE outside
 * development. It is also why the output is reproducible. CI never runs this (minutes on two cores);
 * it checks the committed artifacts against each other instead (test/zk/committedArtifacts.test.ts).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import { circuitHash, verificationKeyHash } from "../relayer/core/zk/zkHashes.js";
import { ZK_PUBLIC_SIGNALS } from "../relayer/core/zk/zkPublicSignals.js";
import { ZK_CIRCUIT_NAMES, ZK_CIRCUITS, zkArtifactPaths, type ZkCircuitName } from "../relayer/zk/zkCircuits.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const at = (relative: string) => path.join(root, relative);
const work = at("circuits/build/.setup");
/** Public beacon values: fixed strings, so the setup is reproducible (and insecure by construction). */
const PTAU_BEACON = "4e53462d646576656c6f706d656e742d6f6e6c792d70746175000000000000ff";
const ZKEY_BEACON = "4e53462d646576656c6f706d656e742d6f6e6c792d7a6b6579000000000000ff";
const BEACON_ITERATIONS_EXP = 10;

function compile(name: ZkCircuitName): void {
  const out = path.join(work, name);
  mkdirSync(out, { recursive: true });
  const circom = at("node_modules/.bin/circom2");
  // Paths relative to the repository root, so the compiled artifacts do not depend on where it is checked out.
  execFileSync(circom, [zkArtifactPaths(name).source, "--r1cs", "--wasm", "--O2", "-l", "node_modules", "-o", path.relative(root, out)], {
    cwd: root,
    stdio: "inherit",
  });
  const paths = zkArtifactPaths(name);
  mkdirSync(at(paths.dir), { recursive: true });
  copyFileSync(path.join(out, `${name}.r1cs`), at(paths.r1cs));
  copyFileSync(path.join(out, `${name}_js`, `${name}.wasm`), at(paths.wasm));
}

async function constraintCount(name: ZkCircuitName): Promise<{ constraints: number; publics: number }> {
  const info = await snarkjs.r1cs.info(at(zkArtifactPaths(name).r1cs));
  return { constraints: Number(info.nConstraints), publics: Number(info.nOutputs) + Number(info.nPubInputs) };
}

/** Groth16 needs a domain of at least constraints + public signals + 1 rows. */
function powerFor(rows: number): number {
  let power = 1;
  while (2 ** power < rows) power++;
  return power;
}

async function main(): Promise<void> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const name of ZK_CIRCUIT_NAMES) compile(name);

  const sizes = await Promise.all(ZK_CIRCUIT_NAMES.map(constraintCount));
  const power = powerFor(Math.max(...sizes.map((s) => s.constraints + s.publics + 1)));
  console.log(`[zk-setup] powers of tau 2^${power} on bn128`);
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  const ptau0 = path.join(work, "pot_0.ptau");
  const ptau1 = path.join(work, "pot_1.ptau");
  const ptauFinal = path.join(work, "pot_final.ptau");
  await snarkjs.powersOfTau.newAccumulator(curve, power, ptau0);
  await snarkjs.powersOfTau.beacon(ptau0, ptau1, "NSF development beacon (public, unsafe)", PTAU_BEACON, BEACON_ITERATIONS_EXP);
  await snarkjs.powersOfTau.preparePhase2(ptau1, ptauFinal);

  const template = readFileSync(at("node_modules/snarkjs/templates/verifier_groth16.sol.ejs"), "utf8");
  for (const [index, name] of ZK_CIRCUIT_NAMES.entries()) {
    const paths = zkArtifactPaths(name);
    const spec = ZK_CIRCUITS[name];
    const zkey0 = path.join(work, `${name}_0.zkey`);
    await snarkjs.zKey.newZKey(at(paths.r1cs), ptauFinal, zkey0);
    await snarkjs.zKey.beacon(zkey0, at(paths.zkey), "NSF development beacon (public, unsafe)", ZKEY_BEACON, BEACON_ITERATIONS_EXP);
    const vkey = await snarkjs.zKey.exportVerificationKey(at(paths.zkey));
    writeFileSync(at(paths.vkey), `${JSON.stringify(vkey, null, 2)}\n`);

    const generated = await snarkjs.zKey.exportSolidityVerifier(at(paths.zkey), { groth16: template });
    const solidity = generated
      .replace(/pragma solidity [^;]+;/, "pragma solidity 0.8.28;")
      .replace("contract Groth16Verifier", `contract ${spec.verifierContract}`)
      .replace(
        /^/,
        `// GENERATED by scripts/zk-setup.ts from ${paths.zkey} (snarkjs 0.7.6 template). Do not edit.\n` +
          "// Development setup only (public beacon, no ceremony): see docs/ZK.md.\n",
      );
    mkdirSync(path.dirname(at(paths.verifier)), { recursive: true });
    writeFileSync(at(paths.verifier), solidity);

    const { constraints, publics } = sizes[index]!;
    const manifest = {
      schema: "nsf.zk-circuit/1",
      name,
      clause_id: spec.clauseId,
      proving_system: "groth16",
      curve: "bn128",
      compiler: "circom 2.2 (circom2 0.2.23, --O2)",
      constraints,
      public_signals: ZK_PUBLIC_SIGNALS,
      private_inputs: spec.privateInputs,
      ptau_power: power,
      setup: "development: deterministic public beacons, UNSAFE for production (docs/ZK.md)",
      circuit_hash: circuitHash(readFileSync(at(paths.r1cs))),
      vkey_hash: verificationKeyHash(vkey),
      verifier_contract: spec.verifierContract,
    };
    if (publics !== ZK_PUBLIC_SIGNALS.length) throw new Error(`${name}: ${publics} public signals, expected ${ZK_PUBLIC_SIGNALS.length}`);
    writeFileSync(at(paths.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`[zk-setup] ${name}: ${constraints} constraints, circuit ${manifest.circuit_hash}, vkey ${manifest.vkey_hash}`);
  }
  rmSync(work, { recursive: true, force: true });
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  // snarkjs keeps one BN254 instance with worker threads per process; without this the script never exits.
  await (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128?.terminate();
  // Some snarkjs setup steps leave further worker handles behind; this is a one-shot script, so end it here.
  process.exit(process.exitCode ?? 0);
}
