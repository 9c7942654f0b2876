import type { Signer } from "ethers";
import { keccak256, toBytes, type Address, type Hex } from "viem";
import { buildDaoModule, type DaoSettings } from "../../ignition/modules/Dao.js";
import type { NSFGovernor, NSFTimelock, NSFVotesToken } from "../../typechain-types/index.js";
import type { DevConnection } from "./connection.js";

export type Dao = {
  name: string;
  token: NSFVotesToken;
  timelock: NSFTimelock;
  governor: NSFGovernor;
  timelockAddress: Address;
  settings: DaoSettings;
  voters: Signer[];
};

export type ProposalAction = { target: Address; value?: bigint; data: Hex };

export type PassedProposal = {
  proposalId: bigint;
  descriptionHash: Hex;
  transactions: { propose: Hex; votes: Hex[]; queue: Hex; execute: Hex };
};

/** Deploys one DAO with Ignition; its founding holders delegate to themselves so their votes count. */
export async function deployDao(
  connection: DevConnection,
  options: { name: string; voters: Signer[]; votesEach?: bigint; votingDelayBlocks?: bigint; votingPeriodBlocks?: bigint; timelockDelaySeconds?: bigint; deploymentId?: string },
): Promise<Dao> {
  const holders = (await Promise.all(options.voters.map((v) => v.getAddress()))) as Address[];
  const settings: DaoSettings = {
    name: options.name,
    symbol: options.name.replace(/[^A-Z]/g, "").slice(0, 6) || "VOTE",
    votingDelayBlocks: options.votingDelayBlocks ?? 1n,
    votingPeriodBlocks: options.votingPeriodBlocks ?? 20n,
    timelockDelaySeconds: options.timelockDelaySeconds ?? 3600n,
    quorumPercent: 10n,
    holders,
    amounts: holders.map(() => options.votesEach ?? 1_000_000n * 10n ** 18n),
  };
  const deployed = (await connection.ignition.deploy(buildDaoModule(settings), { displayUi: false, ...(options.deploymentId ? { deploymentId: options.deploymentId } : {}) })) as unknown as {
    token: NSFVotesToken;
    timelock: NSFTimelock;
    governor: NSFGovernor;
  };
  for (const voter of options.voters) {
    await (await deployed.token.connect(voter).delegate(await voter.getAddress())).wait();
  }
  return {
    name: options.name,
    ...deployed,
    timelockAddress: (await deployed.timelock.getAddress()) as Address,
    settings,
    voters: options.voters,
  };
}

/**
 * A DAO already deployed, rebuilt from the chain: its governor's token, timelock, voting delay and period and
 * the timelock's delay; its voters are the accounts of `candidates` holding delegated votes (on a local node,
 * its unlocked accounts). Used by `nsf clause register|trigger` to run proposals on a running dev network.
 */
export async function attachDao(connection: DevConnection, parameters: { name: string; governor: Address; candidates: Signer[] }): Promise<Dao> {
  const governor = (await connection.ethers.getContractAt("NSFGovernor", parameters.governor)) as unknown as NSFGovernor;
  const token = (await connection.ethers.getContractAt("NSFVotesToken", await governor.token())) as unknown as NSFVotesToken;
  const timelock = (await connection.ethers.getContractAt("NSFTimelock", await governor.timelock())) as unknown as NSFTimelock;
  const voters: Signer[] = [];
  for (const candidate of parameters.candidates) if ((await token.getVotes(await candidate.getAddress())) > 0n) voters.push(candidate);
  const settings: DaoSettings = {
    name: parameters.name,
    symbol: await token.symbol(),
    votingDelayBlocks: await governor.votingDelay(),
    votingPeriodBlocks: await governor.votingPeriod(),
    timelockDelaySeconds: await timelock.getMinDelay(),
    quorumPercent: 0n,
    holders: (await Promise.all(voters.map((v) => v.getAddress()))) as Address[],
    amounts: [],
  };
  return { name: parameters.name, token, timelock, governor, timelockAddress: (await timelock.getAddress()) as Address, settings, voters };
}

/**
 * Mines `count` blocks one `evm_mine` at a time. Not `hardhat_mine(count)`: EDR reserves the middle blocks of a
 * multi-block mine and reports for them a parentHash that does not match the previous block's reported hash
 * (seen with EDR 0.3.x), which a relayer's chain watcher rightly refuses as an inconsistent chain until those
 * blocks leave its reorg window.
 */
export async function mineBlocks(connection: DevConnection, count: bigint): Promise<void> {
  for (let i = 0n; i < count; i++) await connection.provider.request({ method: "evm_mine", params: [] });
}

/**
 * Runs a real Governor proposal to completion: propose → (voting delay) → every voter votes for →
 * (voting period) → queue on the timelock → (timelock delay) → execute. Time and blocks advance with
 * the local chain's helpers; on a real network the same calls happen over days.
 */
export async function passProposal(connection: DevConnection, dao: Dao, actions: ProposalAction[], description: string): Promise<PassedProposal> {
  const { networkHelpers } = connection;
  const targets = actions.map((a) => a.target);
  const values = actions.map((a) => a.value ?? 0n);
  const calldatas = actions.map((a) => a.data);
  const descriptionHash = keccak256(toBytes(description));
  const proposer = dao.governor.connect(dao.voters[0]!);

  const proposeTx = await (await proposer.propose(targets, values, calldatas, description)).wait();
  const proposalId = await dao.governor.hashProposal(targets, values, calldatas, descriptionHash);
  await mineBlocks(connection, dao.settings.votingDelayBlocks + 1n);

  const votes: Hex[] = [];
  for (const voter of dao.voters) {
    const receipt = await (await dao.governor.connect(voter).castVote(proposalId, 1)).wait();
    votes.push(receipt!.hash as Hex);
  }
  await mineBlocks(connection, dao.settings.votingPeriodBlocks + 1n);

  const queueTx = await (await proposer.queue(targets, values, calldatas, descriptionHash)).wait();
  await networkHelpers.time.increase(dao.settings.timelockDelaySeconds + 1n);
  const executeTx = await (await proposer.execute(targets, values, calldatas, descriptionHash)).wait();
  return {
    proposalId,
    descriptionHash,
    transactions: { propose: proposeTx!.hash as Hex, votes, queue: queueTx!.hash as Hex, execute: executeTx!.hash as Hex },
  };
}
