import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { keccak256, toBytes } from "viem";

const PROPOSER_ROLE = keccak256(toBytes("PROPOSER_ROLE"));
const CANCELLER_ROLE = keccak256(toBytes("CANCELLER_ROLE"));
const EXECUTOR_ROLE = keccak256(toBytes("EXECUTOR_ROLE"));
const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}` as const;

export type DaoSettings = {
  /** Module id suffix and on-chain names: one module per DAO. */
  name: string;
  symbol: string;
  votingDelayBlocks: bigint;
  votingPeriodBlocks: bigint;
  timelockDelaySeconds: bigint;
  quorumPercent: bigint;
  holders: readonly `0x${string}`[];
  amounts: readonly bigint[];
};

/**
 * One DAO: votes token, TimelockController and Governor (OpenZeppelin). Only the Governor may propose
 * and cancel on the timelock, anyone may execute a ready operation, and the deployer's temporary
 * timelock admin role is renounced in the same deployment, so from then on the timelock answers
 * to proposals alone.
 */
export function buildDaoModule(settings: DaoSettings) {
  return buildModule(`Dao_${settings.name}`, (m) => {
    const deployer = m.getAccount(0);
    const token = m.contract("NSFVotesToken", [`${settings.name} Votes`, settings.symbol, [...settings.holders], [...settings.amounts]]);
    const timelock = m.contract("NSFTimelock", [settings.timelockDelaySeconds, [], [], deployer]);
    const governor = m.contract("NSFGovernor", [
      `${settings.name} Governor`,
      token,
      timelock,
      settings.votingDelayBlocks,
      settings.votingPeriodBlocks,
      0n,
      settings.quorumPercent,
    ]);
    const proposer = m.call(timelock, "grantRole", [PROPOSER_ROLE, governor], { id: "GrantProposer" });
    const canceller = m.call(timelock, "grantRole", [CANCELLER_ROLE, governor], { id: "GrantCanceller" });
    const executor = m.call(timelock, "grantRole", [EXECUTOR_ROLE, "0x0000000000000000000000000000000000000000"], { id: "OpenExecutor" });
    m.call(timelock, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer], { id: "RenounceAdmin", after: [proposer, canceller, executor] });
    return { token, timelock, governor };
  });
}
