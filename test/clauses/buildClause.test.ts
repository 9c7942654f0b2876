import { expect } from "chai";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildClause } from "../../relayer/clauses/buildClause.js";
import { parseClauseManifest } from "../../relayer/clauses/clauseManifest.js";
import { sha256Of } from "../../relayer/core/formats/ids.js";
import { EXAMPLES, exampleDir } from "./exampleClause.js";

const SDK_DIR = fileURLToPath(new URL("../../clauses/sdk", import.meta.url));

describe("buildClause (nsf clause build)", function () {
  this.timeout(60_000);
  let root: string;

  before(async () => {
    // A copy of the clause tree somewhere else: the output must not depend on the checkout path.
    root = await mkdtemp(join(tmpdir(), "nsf-clauses-"));
    await cp(SDK_DIR, join(root, "sdk"), { recursive: true });
    for (const name of EXAMPLES) {
      await cp(join(exampleDir(name), "assembly"), join(root, "examples", name, "assembly"), { recursive: true });
      await cp(join(exampleDir(name), "clause.json"), join(root, "examples", name, "clause.json"));
    }
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const name of EXAMPLES) {
    it(`reproduces the committed ${name} module and code hash byte for byte`, async () => {
      const built = await buildClause(join(root, "examples", name));
      const committedWasm = new Uint8Array(await readFile(join(exampleDir(name), "build", `${name}.wasm`)));
      const committed = parseClauseManifest(JSON.parse(await readFile(join(exampleDir(name), "build", "manifest.json"), "utf8")), "built");
      expect(built.codeHash).to.equal(sha256Of(committedWasm));
      expect(built.manifest.codeHash).to.equal(committed.codeHash);
      expect(Buffer.from(built.wasm).equals(Buffer.from(committedWasm))).to.equal(true);
      expect(JSON.parse(await readFile(built.manifestPath, "utf8"))).to.deep.equal(committed);
    });
  }

  it("is deterministic: two builds give identical bytes", async () => {
    const dir = join(root, "examples", "food-toxin");
    const first = await buildClause(dir);
    const second = await buildClause(dir);
    expect(second.codeHash).to.equal(first.codeHash);
  });

  it("fails the build of a clause that uses floating point, with NSF_WASM_FLOAT_FORBIDDEN", async () => {
    const dir = join(root, "examples", "float-clause");
    await mkdir(join(dir, "assembly"), { recursive: true });
    const manifest = JSON.parse(await readFile(join(exampleDir("food-toxin"), "clause.json"), "utf8"));
    await writeFile(join(dir, "clause.json"), JSON.stringify({ ...manifest, name: "float-clause" }));
    await writeFile(
      join(dir, "assembly", "index.ts"),
      [
        'import { begin, emit, finish, input, pushAmount, nsf_input_ptr } from "../../../sdk/index";',
        "export { nsf_input_ptr };",
        "export function nsf_run(count: i32): usize {",
        "  begin(count, 2);",
        "  const ratio: f64 = <f64>input(1) / 3.0;",
        '  emit(0, "");',
        "  pushAmount(<u64>input(0)); pushAmount(<u64>ratio); pushAmount(15);",
        "  return finish();",
        "}",
      ].join("\n"),
    );
    try {
      await buildClause(dir);
      expect.fail("expected the build to fail");
    } catch (error) {
      expect(error).to.have.property("code", "NSF_WASM_FLOAT_FORBIDDEN");
    }
  });

  it("fails with NSF_CLAUSE_BUILD_FAILED on a compile error", async () => {
    const dir = join(root, "examples", "broken");
    await mkdir(join(dir, "assembly"), { recursive: true });
    const manifest = JSON.parse(await readFile(join(exampleDir("food-toxin"), "clause.json"), "utf8"));
    await writeFile(join(dir, "clause.json"), JSON.stringify({ ...manifest, name: "broken" }));
    await writeFile(join(dir, "assembly", "index.ts"), "export function nsf_run(count: i32): usize { return undefinedThing; }\n");
    try {
      await buildClause(dir);
      expect.fail("expected the build to fail");
    } catch (error) {
      expect(error).to.have.property("code", "NSF_CLAUSE_BUILD_FAILED");
    }
  });
});

describe("parseClauseManifest", () => {
  const valid = async () => JSON.parse(await readFile(join(exampleDir("flood-payout"), "clause.json"), "utf8"));

  it("accepts every example manifest", async () => {
    for (const name of EXAMPLES) {
      parseClauseManifest(JSON.parse(await readFile(join(exampleDir(name), "clause.json"), "utf8")), "source");
    }
  });

  const rejects = async (mutate: (m: Record<string, unknown>) => void, path: string) => {
    const manifest = await valid();
    mutate(manifest);
    try {
      parseClauseManifest(manifest, "source");
      expect.fail("expected NSF_CLAUSE_MANIFEST_INVALID");
    } catch (error) {
      expect(error).to.have.property("code", "NSF_CLAUSE_MANIFEST_INVALID");
      expect(String((error as { details: string }).details)).to.contain(path);
    }
  };

  it("rejects a version that differs from the clause id", () => rejects((m) => (m.version = "1.0.1"), "version"));
  it("rejects a malformed clause id", () => rejects((m) => (m.clauseId = "UNDRR::FloodPayout@1.0.0"), "clauseId"));
  it("rejects duplicate input names", () =>
    rejects((m) => {
      const inputs = m.inputs as unknown[];
      inputs.push(inputs[0]);
    }, "inputs.2.name"));
  it("rejects a step limit above the network cap", () => rejects((m) => ((m.limits as { steps: number }).steps = 10_000_001), "limits.steps"));
  it("rejects a non-ASCII action", () => rejects((m) => ((m.outputs as { actions: string[] }).actions = ["Payout:Überschwemmung"]), "outputs.actions.0"));
});
