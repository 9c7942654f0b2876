import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLeaseStore, leaseMigrations } from "../../../relayer/store/leaseStore.js";
import { openDatabase } from "../../../relayer/store/openDatabase.js";

describe("relayer/store/leaseStore", () => {
  it("one holder at a time across two connections to one file; renewal extends, expiry or release hands it over", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "nsf-lease-")), "relayer.db");
    const a = createLeaseStore(openDatabase({ file, migrations: { lease: leaseMigrations } }));
    const b = createLeaseStore(openDatabase({ file, migrations: { lease: leaseMigrations } }));
    expect(a.tryHold("A", 1_000, 10_000)).to.equal(true);
    expect(b.tryHold("B", 1_000, 10_500)).to.equal(false);
    expect(a.tryHold("A", 1_000, 10_900)).to.equal(true); // renewed until 11_900
    expect(b.tryHold("B", 1_000, 11_500)).to.equal(false);
    expect(b.holder(11_500)).to.equal("A");
    expect(b.tryHold("B", 1_000, 11_901)).to.equal(true); // A's term ran out
    expect(a.tryHold("A", 1_000, 11_950), "a leader that missed its renewal finds the lease taken").to.equal(false);
    b.release("B");
    expect(a.holder(12_000)).to.equal(undefined);
    expect(a.tryHold("A", 1_000, 12_000)).to.equal(true);
  });
});
