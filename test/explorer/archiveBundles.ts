import { keccak256, toBytes, type Address } from "viem";
import type { LocalArweave } from "../../relayer/archive/startLocalArweave.js";
import { BUNDLE_APP_NAME, BundleTag } from "../../relayer/verify/ArweaveSource.js";

export type DevBundlePost = { batchSeq: bigint; chainId: bigint; rollupAnchor: Address; bytes: string; bundleHash?: string };

/**
 * DEVELOPMENT ONLY, until the relayer archives its bundles itself (issue 5's uploader): posts anchored batch bundles to
 * the local gateway (arlocal) with the bundle tags, so `nsf dev`'s explorer and `nsf verify` find them by tags (the
 * anchors carry no locator yet). `bytes` are posted as given: the relayer's canonical bundle JSON, or a tampered copy
 * in tests. One funded dev wallet, one mined block per post so GraphQL sees it at once. Returns the Arweave ids.
 */
export async function archiveDevBundles(gateway: LocalArweave, posts: readonly DevBundlePost[]): Promise<string[]> {
  const { arweave } = gateway;
  const wallet = await arweave.wallets.generate();
  await gateway.mint(await arweave.wallets.jwkToAddress(wallet));
  const ids: string[] = [];
  for (const post of posts) {
    const tx = await arweave.createTransaction({ data: new TextEncoder().encode(post.bytes) }, wallet);
    const tags: Record<string, string> = {
      "Content-Type": "application/json",
      [BundleTag.AppName]: BUNDLE_APP_NAME,
      [BundleTag.ChainId]: post.chainId.toString(),
      [BundleTag.BatchSeq]: post.batchSeq.toString(),
      [BundleTag.AnchorContract]: post.rollupAnchor,
      [BundleTag.BundleHash]: post.bundleHash ?? keccak256(toBytes(post.bytes)),
    };
    for (const [name, value] of Object.entries(tags)) tx.addTag(name, value);
    await arweave.transactions.sign(tx, wallet);
    const posted = await arweave.transactions.post(tx);
    if (posted.status !== 200) throw new Error(`arlocal refused the bundle of batch ${post.batchSeq}: HTTP ${posted.status}`);
    await gateway.mine();
    ids.push(tx.id);
  }
  return ids;
}
