import { expect } from "chai";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalArweave } from "../../relayer/archive/startLocalArweave.js";

describe("startLocalArweave", function () {
  this.timeout(60_000);

  it("starts arlocal on a free port: a signed, tagged transaction is accepted, mined, read back and found by GraphQL; stop() ends it and removes its data", async () => {
    const gateway = await startLocalArweave();
    try {
      const { arweave } = gateway;
      const wallet = await arweave.wallets.generate();
      const address = await arweave.wallets.jwkToAddress(wallet);
      await gateway.mint(address);
      const tx = await arweave.createTransaction({ data: new TextEncoder().encode("hello arlocal") }, wallet);
      tx.addTag("App-Name", "nsf-starter-test");
      await arweave.transactions.sign(tx, wallet);
      const posted = await arweave.transactions.post(tx);
      expect(posted.status).to.equal(200);
      await gateway.mine();
      const status = await arweave.transactions.getStatus(tx.id);
      expect(status.status).to.equal(200);
      const data = await arweave.transactions.getData(tx.id, { decode: true, string: true });
      expect(data).to.equal("hello arlocal");
      const found = await arweave.api.post("graphql", {
        query: `{ transactions(tags: [{ name: "App-Name", values: ["nsf-starter-test"] }]) { edges { node { id } } } }`,
      });
      expect(found.data.data.transactions.edges.map((e: { node: { id: string } }) => e.node.id)).to.deep.equal([tx.id]);
    } finally {
      await gateway.stop();
    }
    const after = await fetch(`${gateway.url}/info`).then(() => "answered", () => "refused");
    expect(after).to.equal("refused");
  });

  it("keeps a caller-owned data directory across stop and start on the same port (a gateway that goes down and comes back)", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "nsf-arlocal-test-"));
    try {
      const first = await startLocalArweave({ dataDir });
      const wallet = await first.arweave.wallets.generate();
      const tx = await first.arweave.createTransaction({ data: "persisted" }, wallet);
      await first.arweave.transactions.sign(tx, wallet);
      await first.mint(await first.arweave.wallets.jwkToAddress(wallet));
      expect((await first.arweave.transactions.post(tx)).status).to.equal(200);
      await first.mine();
      await first.stop();
      expect(await readdir(dataDir)).to.include("db");

      const second = await startLocalArweave({ dataDir, port: first.port });
      try {
        expect(second.url).to.equal(first.url);
        expect(await second.arweave.transactions.getData(tx.id, { decode: true, string: true })).to.equal("persisted");
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
