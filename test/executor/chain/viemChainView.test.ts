import { expect } from "chai";
import {
  createPublicClient,
  custom,
  decodeFunctionData,
  encodeErrorResult,
  encodeFunctionResult,
  type Address,
  type Hex,
} from "viem";
import { clauseRegistryViewAbi, nodeRegistryAbi as nodeRegistryViewAbi } from "../../../relayer/core/abi/contractAbis.js";
import { createViemChainView } from "../../../relayer/executor/chain/viemChainView.js";

const CLAUSE_REGISTRY = "0x00000000000000000000000000000000000a0004" as Address;
const NODE_REGISTRY = "0x00000000000000000000000000000000000a0003" as Address;
const SCHEDULER = "0x00000000000000000000000000000000000000b1" as Address;
const KNOWN = `0x${"01".repeat(32)}` as Hex;

/** An EIP-1193 provider answering like the deployed contracts would (ABI-encoded results and custom errors). */
function fakeProvider(options: { down?: boolean } = {}) {
  return custom(
    {
      async request({ method, params }: { method: string; params?: unknown }) {
        if (options.down) throw new Error("connection refused");
        if (method === "eth_chainId") return "0x7a69";
        if (method === "eth_getBlockByNumber")
          return {
            number: "0x10",
            timestamp: "0x684f6f80",
            hash: `0x${"ab".repeat(32)}`,
            transactions: [],
          };
        if (method === "eth_call") {
          const [{ to, data }] = params as [{ to: Address; data: Hex }];
          if (to.toLowerCase() === NODE_REGISTRY) {
            const { args } = decodeFunctionData({
              abi: nodeRegistryViewAbi,
              data,
            });
            return encodeFunctionResult({
              abi: nodeRegistryViewAbi,
              functionName: "isScheduler",
              result: String(args[0]).toLowerCase() === SCHEDULER,
            });
          }
          const { args } = decodeFunctionData({
            abi: clauseRegistryViewAbi,
            data,
          });
          if (args[0] !== KNOWN) {
            const revert = encodeErrorResult({
              abi: clauseRegistryViewAbi,
              errorName: "ClauseRegistryUnknownClause",
              args: [args[0]],
            });
            throw Object.assign(new Error("execution reverted"), {
              code: 3,
              data: revert,
            });
          }
          return encodeFunctionResult({
            abi: clauseRegistryViewAbi,
            functionName: "getClause",
            result: {
              owner: "0x00000000000000000000000000000000000000d1",
              version: 2 ** 32,
              model: 1,
              quorumK: 2,
              quorumN: 3,
              status: 1,
              priority: 0,
              policyFlags: 0,
              validFrom: 0n,
              validUntil: 0n,
              codeHash: `0x${"c0".repeat(32)}`,
              configDigest: `0x${"d0".repeat(32)}`,
              parent: `0x${"00".repeat(32)}`,
              line: `0x${"e0".repeat(32)}`,
              domain: `0x${"f0".repeat(32)}`,
              jurisdictions: ["0x4b454e", "0x49444e"],
            },
          });
        }
        throw new Error(`unexpected ${method}`);
      },
    },
    // Retries are the transport's policy, not the view's; off here so failures surface at once.
    { retryCount: 0 }
  );
}

describe("createViemChainView", () => {
  const view = (down = false) =>
    createViemChainView({
      client: createPublicClient({ transport: fakeProvider({ down }) }),
      clauseRegistry: CLAUSE_REGISTRY,
      nodeRegistry: NODE_REGISTRY,
    });

  it("reads chain time from the latest block", async () => {
    expect(await view().chainTime()).to.equal(0x684f6f80n);
  });

  it("reads scheduler registrations", async () => {
    expect(await view().isScheduler(SCHEDULER)).to.equal(true);
    expect(
      await view().isScheduler("0x00000000000000000000000000000000000000b2")
    ).to.equal(false);
  });

  it("decodes the ClauseRegistry struct, including its dynamic jurisdictions", async () => {
    expect(await view().getClause(KNOWN)).to.deep.equal({
      codeHash: `0x${"c0".repeat(32)}`,
      configDigest: `0x${"d0".repeat(32)}`,
      version: 2 ** 32,
      status: 1,
      // The execution model too (1 = quorum): a zk version (3) would also read its circuit binding.
      model: 1,
    });
  });

  it("maps the ClauseRegistryUnknownClause revert to undefined", async () => {
    expect(await view().getClause(`0x${"02".repeat(32)}`)).to.equal(undefined);
  });

  it("reports RPC failures as retryable NSF_CHAIN_UNAVAILABLE", async () => {
    for (const call of [
      () => view(true).chainTime(),
      () => view(true).isScheduler(SCHEDULER),
      () => view(true).getClause(KNOWN),
    ]) {
      try {
        await call();
        expect.fail("expected a failure");
      } catch (error) {
        expect(error).to.have.property("code", "NSF_CHAIN_UNAVAILABLE");
        expect(error).to.have.property("retryable", true);
      }
    }
  });
});
