import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Hex } from "viem";
import { openDatabase, type Database } from "../../../relayer/store/openDatabase.js";
import { AttemptStatus } from "../../../relayer/store/jobStore.js";
import { createDispatchHarness } from "../helpers/dispatchHarness.js";

const MIGRATIONS = { t: [{ id: "0001", sql: "CREATE TABLE t (v INTEGER NOT NULL)" }] };

/** A second, independent connection: it sees only what is committed (in WAL mode, what a restart would see). */
function observer(file: string) {
  const db = new DatabaseSync(file, { readOnly: true });
  return { values: () => (db.prepare("SELECT v FROM t ORDER BY v").all() as { v: number }[]).map((r) => r.v), close: () => db.close() };
}

function fresh(): { file: string; database: Database } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "nsf-group-")), "g.db");
  return { file, database: openDatabase({ file, migrations: MIGRATIONS }) };
}

describe("relayer/store/openDatabase group commit", () => {
  it("commits every grouped write of one turn together, visible elsewhere only once durable() resolved", async () => {
    const { file, database } = fresh();
    const other = observer(file);
    const insert = database.db.prepare("INSERT INTO t (v) VALUES (?)");
    database.groupTransaction(() => insert.run(1));
    database.groupTransaction(() => insert.run(2));
    // This connection reads its own writes at once; nobody else does yet.
    expect((database.db.prepare("SELECT COUNT(*) AS n FROM t").get() as { n: number }).n).to.equal(2);
    expect(other.values()).to.deep.equal([]);
    const both = [database.durable(), database.durable()];
    await Promise.all(both);
    expect(other.values()).to.deep.equal([1, 2]);
    // Nothing pending: durable() resolves at once.
    await database.durable();
    other.close();
    database.close();
  });

  it("rolls back only the grouped write that threw", async () => {
    const { file, database } = fresh();
    const insert = database.db.prepare("INSERT INTO t (v) VALUES (?)");
    database.groupTransaction(() => insert.run(1));
    expect(() =>
      database.groupTransaction(() => {
        insert.run(2);
        throw new Error("refused");
      }),
    ).to.throw("refused");
    database.groupTransaction(() => insert.run(3));
    await database.durable();
    const other = observer(file);
    expect(other.values()).to.deep.equal([1, 3]);
    other.close();
    database.close();
  });

  it("a plain transaction commits the pending group with it, durable on return (also when nested in a grouped one)", () => {
    const { file, database } = fresh();
    const other = observer(file);
    const insert = database.db.prepare("INSERT INTO t (v) VALUES (?)");
    database.groupTransaction(() => insert.run(1));
    database.transaction(() => insert.run(2));
    expect(other.values()).to.deep.equal([1, 2]);
    database.groupTransaction(() => {
      insert.run(3);
      database.transaction(() => insert.run(4));
      expect(other.values()).to.deep.equal([1, 2]);
    });
    expect(other.values()).to.deep.equal([1, 2, 3, 4]);
    other.close();
    database.close();
  });

  it("makes writes durable with its own fsync of the WAL: after every transaction, and asynchronously, shared, for durable()", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "nsf-group-")), "g.db");
    const held: ((error: NodeJS.ErrnoException | null) => void)[] = [];
    let syncCalls = 0;
    const database = openDatabase({
      file,
      migrations: MIGRATIONS,
      fileSync: {
        fsync: (_fd, done) => held.push(done),
        fsyncSync: () => {
          syncCalls++;
        },
      },
    });
    expect((database.db.prepare("PRAGMA synchronous").get() as { synchronous: number }).synchronous, "NORMAL: commits do not fsync themselves").to.equal(1);
    const insert = database.db.prepare("INSERT INTO t (v) VALUES (?)");
    const before = syncCalls;
    database.transaction(() => insert.run(1));
    expect(syncCalls, "a transaction is synced before it returns").to.equal(before + 1);

    let first = false;
    let second = false;
    database.groupTransaction(() => insert.run(2));
    const a = database.durable().then(() => (first = true));
    const b = database.durable();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(held, "one fsync for both waiters, started once the group committed").to.have.length(1);
    // A write after that fsync started is not covered by it.
    database.groupTransaction(() => insert.run(3));
    const c = database.durable().then(() => (second = true));
    await new Promise((r) => setImmediate(r));
    expect(first).to.equal(false);
    held.shift()!(null);
    await Promise.all([a, b]);
    expect(first).to.equal(true);
    await new Promise((r) => setImmediate(r));
    expect(second, "the later write waits for the next fsync").to.equal(false);
    expect(held).to.have.length(1);
    held.shift()!(null);
    await c;
    expect(second).to.equal(true);

    // A failed fsync: nothing since can be promised, now or later.
    database.groupTransaction(() => insert.run(4));
    const d = database.durable();
    await new Promise((r) => setImmediate(r));
    held.shift()!(Object.assign(new Error("EIO"), { code: "EIO" }));
    await d.then(
      () => expect.fail("durable() must reject after a failed fsync"),
      (error: unknown) => expect(error).to.have.property("code", "NSF_STORE_SYNC_FAILED"),
    );
    await database.durable().then(
      () => expect.fail("and keep rejecting"),
      (error: unknown) => expect(error).to.have.property("code", "NSF_STORE_SYNC_FAILED"),
    );
    database.db.close();
  });

  it("close() commits what is pending", () => {
    const { file, database } = fresh();
    database.groupTransaction(() => database.db.prepare("INSERT INTO t (v) VALUES (?)").run(7));
    database.close();
    const other = observer(file);
    expect(other.values()).to.deep.equal([7]);
    other.close();
  });
});

describe("relayer dispatcher on a grouped store: persisted before every side effect", function () {
  this.timeout(60_000);

  it("each token is sent only once its attempt row is committed, each result handed on only once its CACs are", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "nsf-group-dispatch-")), "relayer.db");
    let reader: DatabaseSync | undefined;
    const committed = () => (reader ??= new DatabaseSync(file, { readOnly: true }));
    const violations: string[] = [];
    let sends = 0;
    let submits = 0;
    const h = await createDispatchHarness({
      commit: "grouped",
      file,
      observe: {
        execute(jobId: Hex, attempt: number) {
          sends++;
          const row = committed().prepare("SELECT status FROM attempts WHERE job_id = ? AND attempt = ?").get(jobId.toLowerCase(), attempt) as { status: string } | undefined;
          if (row?.status !== AttemptStatus.Open) violations.push(`token ${jobId}#${attempt} sent before its attempt was committed (${row?.status ?? "no row"})`);
        },
        submit(jobId: Hex) {
          submits++;
          const { n } = committed().prepare("SELECT COUNT(*) AS n FROM cacs WHERE job_id = ? AND valid = 1").get(jobId.toLowerCase()) as { n: number };
          if (n < 3) violations.push(`result of ${jobId} handed on with ${n} committed CACs`);
        },
      },
    });
    for (let i = 1; i <= 20; i++) h.addSensorJob(BigInt(i));
    await h.settle();
    expect(violations).to.deep.equal([]);
    expect(sends).to.equal(60);
    expect(submits).to.equal(20);
    expect(h.store.countByState()).to.deep.equal({ agreed: 20 });
    reader?.close();
    h.store.database.close();
  });
});
