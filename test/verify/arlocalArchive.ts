import type { LocalArweave } from "../../relayer/archive/startLocalArweave.js";
import { canonicalJson } from "../../relayer/core/formats/canonicalJson.js";
import type { Archive } from "./verifyFixture.js";

/**
 * Posts bundles to a real local gateway (arlocal) with arweave-js, as the archive uploader does: the canonical JSON
 * bytes (what bundleHash hashes), the bundle tags, a funded dev wallet, one mined block per post so GraphQL sees it.
 */
export async function arlocalArchive(gateway: LocalArweave): Promise<Archive> {
  const { arweave } = gateway;
  const wallet = await arweave.wallets.generate();
  await gateway.mint(await arweave.wallets.jwkToAddress(wallet));
  return async (document, tags) => {
    const tx = await arweave.createTransaction({ data: new TextEncoder().encode(canonicalJson(document)) }, wallet);
    tx.addTag("Content-Type", "application/json");
    for (const [name, value] of Object.entries(tags)) tx.addTag(name, value);
    await arweave.transactions.sign(tx, wallet);
    const posted = await arweave.transactions.post(tx);
    if (posted.status !== 200) throw new Error(`arlocal refused the bundle: HTTP ${posted.status}`);
    await gateway.mine();
    return tx.id;
  };
}
