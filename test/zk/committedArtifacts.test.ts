import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import * as snarkjs from "snarkjs";
import { circuitHash, verificationKeyHash } from "../../relayer/core/zk/zkHashes.js";
import { ZK_PUBLIC_SIGNALS } from "../../relayer/core/zk/zkPublicSignals.js";
import { loadZkCircuit, REPO_ROOT } from "../../relayer/zk/loadZkCircuit.js";
import { ZK_CIRCUIT_NAMES, zkArtifactPaths } from "../../relayer/zk/zkCircuits.js";
import { terminateSnarkjsCurve } from "./zkTestKit.js";

/**
 * CI never reruns the setup (scripts/zk-setup.ts); instead the committed artifacts must agree with each
 * other: the verification key is the one in the zkey, the manifest's hashes are those of the committed r1cs
 * and key, and the Solidity verifier's constants are the key's numbers.
 */
describe("zk: committed setup artifacts agree with each other", function () {
  this.timeout(60_000);
  after(terminateSnarkjsCurve);

  for (const name of ZK_CIRCUIT_NAMES) {
    describe(name, () => {
      const circuit = loadZkCircuit(name);
      const paths = zkArtifactPaths(name);

      it("the committed verification key is the one exported from the committed zkey", async () => {
        const fromZkey = await snarkjs.zKey.exportVerificationKey(circuit.zkey);
        expect(JSON.parse(JSON.stringify(fromZkey))).to.deep.equal(circuit.vkey);
      });

      it("circuit.json records the r1cs hash, the vkey hash, the constraint count and the public signal layout", async () => {
        expect(circuit.manifest.circuit_hash).to.equal(circuitHash(readFileSync(circuit.r1csPath)));
        expect(circuit.manifest.vkey_hash).to.equal(verificationKeyHash(circuit.vkey));
        const info = await snarkjs.r1cs.info(circuit.r1csPath);
        expect(circuit.manifest.constraints).to.equal(Number(info.nConstraints));
        expect(circuit.manifest.public_signals).to.deep.equal([...ZK_PUBLIC_SIGNALS]);
        expect(Number(info.nOutputs) + Number(info.nPubInputs)).to.equal(ZK_PUBLIC_SIGNALS.length);
        expect((circuit.vkey as { nPublic: number }).nPublic).to.equal(ZK_PUBLIC_SIGNALS.length);
      });

      it("the Solidity verifier's constants are the verification key's", () => {
        const source = readFileSync(path.join(REPO_ROOT, paths.verifier), "utf8");
        expect(source).to.contain(`contract ${circuit.spec.verifierContract} {`);
        const constant = (label: string): string => {
          const match = new RegExp(`uint256 constant ${label}\\s*=\\s*(\\d+);`).exec(source);
          if (!match) throw new Error(`constant ${label} missing`);
          return match[1]!;
        };
        const vk = circuit.vkey as Record<string, string[] & string[][]>;
        const g2 = (key: string, label: string) => {
          const point = vk[key] as unknown as string[][];
          // The EVM pairing precompile takes G2 coordinates as (c1, c0).
          expect([constant(`${label}x1`), constant(`${label}x2`), constant(`${label}y1`), constant(`${label}y2`)]).to.deep.equal([
            point[0]![1], point[0]![0], point[1]![1], point[1]![0],
          ]);
        };
        const alpha = vk.vk_alpha_1 as unknown as string[];
        expect([constant("alphax"), constant("alphay")]).to.deep.equal([alpha[0], alpha[1]]);
        g2("vk_beta_2", "beta");
        g2("vk_gamma_2", "gamma");
        g2("vk_delta_2", "delta");
        const ic = vk.IC as unknown as string[][];
        expect(ic.length).to.equal(ZK_PUBLIC_SIGNALS.length + 1);
        ic.forEach((point, i) => expect([constant(`IC${i}x`), constant(`IC${i}y`)]).to.deep.equal([point[0], point[1]]));
        expect(source).not.to.match(/uint256 constant IC6x/);
      });
    });
  }
});
