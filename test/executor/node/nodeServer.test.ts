import { expect } from "chai";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import type { Hex } from "viem";
import { cacFromJson, recoverCacSigner } from "../../../relayer/core/cac/cacJson.js";
import { clauseIdOf } from "../../../relayer/core/formats/clauseRef.js";
import { ClauseStatus } from "../../../relayer/core/formats/enums.js";
import { decodeClauseOutput } from "../../../relayer/core/formats/output.js";
import { createNodeClient } from "../../../relayer/executor/client/createNodeClient.js";
import { createNodeServer, type NodeServer } from "../../../relayer/executor/node/createNodeServer.js";
import { createClauseStore } from "../../../relayer/executor/clauseStore/createClauseStore.js";
import { createNodeFixture, HOSTILE_CLAUSES, TENANT_A, TENANT_B, type NodeFixture } from "./nodeFixture.js";

type Client = ReturnType<typeof createNodeClient>;
type ErrorBody = { error: { code: string; message: string; details: string | null; retryable: boolean } };

describe("nsf node: HTTP API and job execution", function () {
  this.timeout(30_000);
  let node: NodeFixture;
  let server: NodeServer;
  let client: Client;

  before(async () => {
    node = await createNodeFixture();
    server = createNodeServer({
      common: node.common,
      executor: node.executor,
      enclave: node.enclave,
      clauses: createClauseStore([]),
      attestationId: node.attestationId,
    });
    const { url } = await server.listen(0);
    client = createNodeClient({ url });
  });
  after(async () => {
    await server.close();
  });

  /** Sends a request, expects a typed refusal, and checks nothing was signed and the node still serves. */
  async function expectRefusal(body: unknown, code: string, status?: number): Promise<ErrorBody["error"]> {
    const signedBefore = node.enclave.signCalls;
    const reply = await client.execute(body);
    expect(reply.body, JSON.stringify(reply.body)).to.have.property("error");
    const error = (reply.body as ErrorBody).error;
    expect(error.code).to.equal(code);
    if (status !== undefined) expect(reply.status).to.equal(status);
    expect(reply.body).to.not.have.property("cac");
    expect(reply.body).to.not.have.property("signature");
    expect(node.enclave.signCalls, "nothing signed").to.equal(signedBefore);
    // ... and the node keeps serving.
    const ok = await client.execute((await node.job({ roundId: BigInt(Math.floor(Math.random() * 1e9)) })).body);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    return error;
  }

  describe("happy path", () => {
    it("answers health with the enclave key and the simulated warning", async () => {
      const reply = await client.health();
      expect(reply.status).to.equal(200);
      expect(reply.body).to.deep.include({ status: "ok" });
      expect((reply.body as { enclave: Record<string, unknown> }).enclave).to.include({
        address: node.enclave.address,
        simulated: true,
        warning: "SIMULATED TEE - UNSAFE FOR PRODUCTION",
      });
    });

    it("executes a flood payout job and returns a CAC JSON that re-hashes to the signed EIP-712 digest", async () => {
      const { body, token } = await node.job();
      const reply = await client.execute(body);
      expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
      const result = reply.body as { cac: unknown; signature: Hex; digest: Hex; signer: Hex };
      const { cac, digest, json } = cacFromJson(result.cac);
      expect(digest).to.equal(result.digest);
      expect(await recoverCacSigner(result.cac, result.signature)).to.equal(node.enclave.address);
      expect(cac).to.include({ jobId: token.jobId, tenantId: TENANT_A, attempt: 1, inputHash: token.inputHash, codeHash: token.codeHash });
      expect(json.clause_id).to.equal("UNDRR::Disaster::FloodPayout@1.0.0");
      // The registration it runs under (docs/FORMATS.md §11), signed through the runtime hash.
      expect(json.runtime_info).to.include({ simulated: true, tee_type: 1, vendor: "simulated", tcb_status: "NotApplicable", attestation_id: node.attestationId, verdict_id: node.verdictId });
      expect(decodeClauseOutput(json.outputs.encoded as Hex)).to.deep.equal({ status: 1, action: "Payout:FloodRelief", amounts: [1200n * 50_000_000n] });
      expect(json.timestamp).to.equal(Number(await node.chain.chainTime()));
    });

    it("is replayable: the same inputs give the identical output hash, also on a retry with a new attempt", async () => {
      const first = await node.job({ roundId: 7n });
      const again = await node.job({ roundId: 7n, attempt: 2 });
      type Reply = { cac: { hash_graph: { output_hash: string; input_hash: string } } };
      const a = (await client.execute(first.body)).body as unknown as Reply;
      const b = (await client.execute(first.body)).body as unknown as Reply;
      const c = (await client.execute(again.body)).body as unknown as Reply;
      expect(b.cac.hash_graph.output_hash).to.equal(a.cac.hash_graph.output_hash);
      expect(c.cac.hash_graph.output_hash).to.equal(a.cac.hash_graph.output_hash);
      expect(c.cac.hash_graph.input_hash).to.equal(a.cac.hash_graph.input_hash);
    });

    it("runs all four example clauses", async () => {
      const cases: [string, Record<string, string>, number][] = [
        ["WHO::Health::PandemicAlert@1.0.0", { new_cases_7d: "2500", population: "1000000", reproduction_number_x100: "130" }, 3],
        ["CODEX::Food::ToxinThreshold@1.0.0", { lot_id: "77", toxin_ppm_x1000: "40" }, 2],
        ["UNFCCC::Climate::EmissionsPenalty@1.0.0", { measured_tco2e: "1200", cap_tco2e: "1000" }, 2],
      ];
      for (const [clause, values, status] of cases) {
        const reply = await client.execute((await node.job({ clause, values })).body);
        expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
        expect((reply.body as unknown as { cac: { outputs: { status: number } } }).cac.outputs.status).to.equal(status);
      }
    });
  });

  describe("bad input: a typed error, nothing signed, the node keeps serving", () => {
    it("malformed token", async () => {
      const { body } = await node.job();
      const token = { ...(body.token as Record<string, unknown>), jobId: "0x1234" };
      await expectRefusal({ ...body, token }, "NSF_REQUEST_MALFORMED", 400);
      await expectRefusal({ ...body, token: undefined }, "NSF_REQUEST_MALFORMED", 400);
      await expectRefusal("{not json", "NSF_REQUEST_MALFORMED", 400);
    });

    it("a node NodeRegistry does not hold (or holds with another attestation): no verdict to name, nothing signed", async () => {
      const { body } = await node.job();
      const signedBefore = node.enclave.signCalls;
      // (expectRefusal's "keeps serving" probe would need the registration back, so the reply is checked here.)
      for (const registration of [undefined, { ...node.registration, attestationId: `0x${"77".repeat(32)}` as Hex }]) {
        node.chain.setRegistration(node.enclave.address, registration);
        try {
          const reply = await client.execute(body);
          expect(reply.status).to.equal(503);
          expect((reply.body as ErrorBody).error.code).to.equal("NSF_NODE_NOT_REGISTERED");
          expect(reply.body).to.not.have.property("cac");
        } finally {
          node.chain.setRegistration(node.enclave.address, node.registration);
        }
      }
      expect(node.enclave.signCalls, "nothing signed").to.equal(signedBefore);
    });

    it("expired token (by chain time, not the node's clock)", async () => {
      const { body, token } = await node.job();
      node.chain.setChainTime(token.expiresAt + 1n);
      try {
        await expectRefusal(body, "NSF_TOKEN_EXPIRED", 403);
      } finally {
        node.chain.setChainTime(token.expiresAt - 600n);
      }
    });

    it("token addressed to another node", async () => {
      const { body } = await node.job();
      const misdirected = await node.resign(body, { executor: privateKeyToAccount(generatePrivateKey()).address });
      await expectRefusal(misdirected, "NSF_TOKEN_WRONG_EXECUTOR", 421);
    });

    it("token signed by a key that is not a registered scheduler", async () => {
      const { body } = await node.job({ scheduler: privateKeyToAccount(generatePrivateKey()) });
      await expectRefusal(body, "NSF_TOKEN_SIGNER_NOT_SCHEDULER", 403);
    });

    it("token whose fields were changed after signing", async () => {
      const { body } = await node.job();
      const token = { ...(body.token as Record<string, unknown>), attempt: 9 };
      await expectRefusal({ ...body, token }, "NSF_TOKEN_SIGNER_NOT_SCHEDULER", 403);
    });

    it("malleated (high-s) signature", async () => {
      const { body } = await node.job();
      const sig = body.signature as string;
      const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
      const s = n - BigInt(`0x${sig.slice(66, 130)}`);
      const v = sig.slice(130) === "1b" ? "1c" : "1b";
      await expectRefusal({ ...body, signature: `${sig.slice(0, 66)}${s.toString(16).padStart(64, "0")}${v}` }, "NSF_TOKEN_SIGNATURE_INVALID", 401);
    });

    it("wrong code hash", async () => {
      const { body } = await node.job({ token: { codeHash: `0x${"ab".repeat(32)}` } });
      await expectRefusal(body, "NSF_CODE_HASH_MISMATCH", 409);
    });

    it("clause paused on chain", async () => {
      const clauseId = clauseIdOf("UNDRR::Disaster::FloodPayout@1.0.0");
      const registered = (await node.chain.getClause(clauseId))!;
      const { body } = await node.job();
      node.chain.setClause(clauseId, { ...registered, status: ClauseStatus.Paused });
      const reply = await client.execute(body);
      node.chain.setClause(clauseId, registered);
      expect((reply.body as ErrorBody).error.code).to.equal("NSF_CLAUSE_NOT_ACTIVE");
    });

    it("tampered payload (ECIES authentication failure)", async () => {
      const { body } = await node.job();
      const payload = body.payload as string;
      const last = payload.slice(-2) === "00" ? "01" : "00";
      await expectRefusal({ ...body, payload: `${payload.slice(0, -2)}${last}` }, "NSF_PAYLOAD_DECRYPT_FAILED", 400);
    });

    it("input bundle changed after the token fixed its hash", async () => {
      const { body } = await node.job({ mutateBundle: (b) => ((b.values as Record<string, string>).rainfall_72h_mm_x10 = "9999") });
      await expectRefusal(body, "NSF_INPUT_HASH_MISMATCH", 422);
    });

    it("input values outside the manifest schema", async () => {
      const { body } = await node.job({ values: { rainfall_72h_mm_x10: "1.5", insured_households: "10" } });
      await expectRefusal(body, "NSF_INPUT_SCHEMA_VIOLATION", 422);
    });

    it("invalid WASM registered for the clause", async () => {
      const { body } = await node.job({ clause: HOSTILE_CLAUSES.invalid.id });
      await expectRefusal(body, "NSF_WASM_MALFORMED", 422);
    });

    it("WASM with float instructions", async () => {
      const { body } = await node.job({ clause: HOSTILE_CLAUSES.float.id });
      await expectRefusal(body, "NSF_WASM_FLOAT_FORBIDDEN", 422);
    });

    it("an infinite loop (step limit)", async () => {
      const { body } = await node.job({ clause: HOSTILE_CLAUSES.loop.id });
      await expectRefusal(body, "NSF_CLAUSE_STEP_LIMIT", 422);
    });

    it("a memory bomb (memory.grow beyond the cap)", async () => {
      const { body } = await node.job({ clause: HOSTILE_CLAUSES.bomb.id });
      await expectRefusal(body, "NSF_CLAUSE_MEMORY_LIMIT", 422);
    });

    it("oversized input: payload above the cap, and a body above the HTTP limit", async () => {
      const { body } = await node.job();
      await expectRefusal({ ...body, payload: `0x${"ab".repeat(64 * 1024 + 1)}` }, "NSF_PAYLOAD_TOO_LARGE", 413);
      await expectRefusal({ ...body, padding: "x".repeat(200 * 1024) }, "NSF_REQUEST_TOO_LARGE", 413);
    });

    it("an unknown route", async () => {
      const response = await fetch(new URL("/v1/nope", server.server.address() ? `http://127.0.0.1:${(server.server.address() as { port: number }).port}` : ""));
      expect(response.status).to.equal(404);
      expect(((await response.json()) as ErrorBody).error.code).to.equal("NSF_NODE_ROUTE_NOT_FOUND");
    });
  });

  describe("tenant separation", () => {
    it("opens a payload only under the token's own tenant key", async () => {
      // Tenant B's token carrying a payload sealed for tenant A: refused, even on the same node.
      const { body } = await node.job({ tenant: TENANT_B, sealForTenant: TENANT_A });
      await expectRefusal(body, "NSF_PAYLOAD_DECRYPT_FAILED", 400);
    });

    it("a failure reply carries nothing from another tenant's job", async () => {
      const a = await node.job({ tenant: TENANT_A, values: { rainfall_72h_mm_x10: "2345", insured_households: "4321" } });
      expect((await client.execute(a.body)).status).to.equal(200);
      const b = await node.job({ tenant: TENANT_B, token: { codeHash: `0x${"cd".repeat(32)}` } });
      const reply = await client.execute(b.body);
      const text = JSON.stringify(reply.body);
      expect((reply.body as ErrorBody).error.code).to.equal("NSF_CODE_HASH_MISMATCH");
      for (const secret of [TENANT_A.slice(2), a.token.jobId.slice(2), a.token.inputHash.slice(2), "2345", "4321"]) {
        expect(text).to.not.contain(secret);
      }
    });

    it("tags every job log line with its tenant", async () => {
      const jobLines = node.logs.filter((line) => line.component === "executor");
      expect(jobLines.length).to.be.greaterThan(10);
      for (const line of jobLines) expect(line, JSON.stringify(line)).to.have.property("tenant");
      const tenants = new Set(jobLines.map((l) => l.tenant));
      expect(tenants).to.include(TENANT_A).and.to.include(TENANT_B);
      // Lines about tenant B's jobs never name tenant A.
      for (const line of jobLines.filter((l) => l.tenant === TENANT_B)) expect(JSON.stringify(line)).to.not.contain(TENANT_A.slice(2));
    });

    it("never logs input values or payloads", async () => {
      // Timings (`time`, `ms`) are numbers that can contain any digits by chance: not checked for input values.
      const text = node.logs.map(({ time: _time, ms: _ms, ...l }) => JSON.stringify(l)).join("\n");
      // Input values of the tenant-A job above; field names are public (the manifest) and may appear.
      // Matched as standalone tokens: hashes and addresses in log lines are hex and contain any digit run by chance.
      const standalone = (value: string) => new RegExp(`(^|[^0-9a-zA-Z])${value}([^0-9a-zA-Z]|$)`);
      expect(text).to.not.match(standalone("4321"));
      expect(text).to.not.match(standalone("2345"));
      for (const line of node.logs) expect(line).to.not.have.any.keys("payload", "values", "bundle");
    });
  });

  describe("attestation endpoints", () => {
    it("serves fresh evidence for a nonce and certified tenant payload keys", async () => {
      const nonce = `0x${"42".repeat(32)}` as Hex;
      const reply = await client.evidence(nonce);
      expect(reply.status).to.equal(200);
      expect(reply.body).to.include({ teeType: 1, simulated: true });
      const key = await client.payloadKey(TENANT_B);
      expect(key.status).to.equal(200);
      expect(key.body).to.include({ tenantId: TENANT_B });
      expect((await client.evidence("0x12" as Hex)).status).to.equal(400);
    });
  });
});
