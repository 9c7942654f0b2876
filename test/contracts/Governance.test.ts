import { expect } from "chai";
import type { Signer } from "ethers";
import { network } from "hardhat";
import { keccak256, toBytes, toHex, type Address, type Hex } from "viem";
import { ClauseStatus, TeeType } from "../../relayer/core/formats/enums.js";
import { clauseIdOf, clauseLineOf, packClauseVersion, parseClauseId } from "../../relayer/core/formats/clauseRef.js";
import { jurisdictionToBytes3, tenantIdOf } from "../../relayer/core/formats/ids.js";
import { bootstrapNetwork, devNetworkRoles, handOverAdmin, type NetworkRoles } from "../../relayer/devnet/bootstrapNetwork.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { deployDao, passProposal, type Dao, type PassedProposal } from "../../relayer/devnet/dao.js";
import { deployNetwork, type DeployedNetwork } from "../../relayer/devnet/deployNetwork.js";
import { devAccount } from "../../relayer/devnet/devKeys.js";
import { SIMULATED_DEV_MEASUREMENT } from "../../relayer/devnet/nodes.js";
import { baseFixture, clauseSpec, FLOOD_ID, impersonate, KEN, ZERO32, type BaseFixture } from "../helpers/fixtures.js";

const DEFAULT_ADMIN_ROLE = ZERO32;
const PROPOSER_ROLE = keccak256(toBytes("PROPOSER_ROLE"));
const CANCELLER_ROLE = keccak256(toBytes("CANCELLER_ROLE"));
const EXECUTOR_ROLE = keccak256(toBytes("EXECUTOR_ROLE"));
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
/** TimelockController: `bytes32(1 << uint8(OperationState.Ready))`. */
const READY_BITMAP = toHex(1n << 2n, { size: 32 });
/** Governor.ProposalState. */
const ProposalState = { Pending: 0, Active: 1, Canceled: 2, Defeated: 3, Succeeded: 4, Queued: 5, Expired: 6, Executed: 7 } as const;

const FLOOD_V110 = "UNDRR::Disaster::FloodPayout@1.1.0";
const floodId = clauseIdOf(FLOOD_ID);
const floodLine = clauseLineOf(parseClauseId(FLOOD_ID));

/** GovernorTimelockControl's operation salt: `bytes20(governor) ^ descriptionHash`. */
function timelockSalt(governor: Address, descriptionHash: Hex): Hex {
  return toHex((BigInt(governor) << 96n) ^ BigInt(descriptionHash), { size: 32 });
}

type GovernedFixture = BaseFixture & {
  /** The proposal that registered the flood clause (propose → vote → queue → execute). */
  registration: PassedProposal;
  /** A second real DAO, also a tenant of KEN. */
  rival: Dao;
};

/** Base network; ReliefDAO registers the flood clause through a real proposal; a rival DAO exists beside it. */
async function governedFixture(connection: DevConnection): Promise<GovernedFixture> {
  const base = await baseFixture(connection);
  const { clauseRegistry, jurisdictionRegistry } = base.network.contracts;
  const registration = await passProposal(
    connection,
    base.relief,
    [{ target: base.network.addresses.clauseRegistry, data: clauseRegistry.interface.encodeFunctionData("registerClause", [clauseSpec(FLOOD_ID)]) as Hex }],
    "Register UNDRR::Disaster::FloodPayout@1.0.0",
  );
  const signers = (await connection.ethers.getSigners()) as Signer[];
  const rival = await deployDao(connection, { name: "RivalDAO", voters: signers.slice(15, 17) });
  await (await jurisdictionRegistry.connect(base.actors.kenAuthority).admitTenant(rival.timelockAddress, KEN)).wait();
  return { ...base, registration, rival };
}

describe("Governance", () => {
  describe("a DAO's clauses through its Governor and timelock (invariant 6)", () => {
    let connection: DevConnection;
    let f: GovernedFixture;

    before(async () => {
      connection = (await network.create()) as unknown as DevConnection;
    });
    beforeEach(async () => {
      f = await connection.networkHelpers.loadFixture(governedFixture);
    });

    const registry = () => f.network.contracts.clauseRegistry;
    const registerData = (id: string) => registry().interface.encodeFunctionData("registerClause", [clauseSpec(id)]) as Hex;
    const pauseData = () => registry().interface.encodeFunctionData("setClauseStatus", [floodId, ClauseStatus.Paused]) as Hex;

    it("registers a clause through a real proposal (propose → vote → queue → execute), owned by the DAO's timelock", async () => {
      expect(await f.relief.governor.state(f.registration.proposalId)).to.equal(ProposalState.Executed);
      const receipt = await connection.ethers.provider.getTransactionReceipt(f.registration.transactions.execute);
      const registered = receipt!.logs
        .filter((l) => l.address.toLowerCase() === f.network.addresses.clauseRegistry.toLowerCase())
        .map((l) => registry().interface.parseLog(l))
        .find((e) => e?.name === "ClauseRegistered");
      expect(registered, "ClauseRegistered in the execute transaction").to.not.equal(undefined);
      expect(registered!.args.clauseId).to.equal(floodId);
      expect(registered!.args.owner).to.equal(f.relief.timelockAddress);
      expect(registered!.args.id).to.equal(FLOOD_ID);
      expect((await registry().getClause(floodId)).owner).to.equal(f.relief.timelockAddress);
      expect(await registry().lineOwner(floodLine)).to.equal(f.relief.timelockAddress);
    });

    it("walks the proposal through Pending, Active, Succeeded, Queued and Executed", async () => {
      const { governor } = f.relief;
      const { networkHelpers } = connection;
      const targets = [f.network.addresses.clauseRegistry];
      const calldatas = [registerData(FLOOD_V110)];
      const description = "Register FloodPayout 1.1.0";
      const descriptionHash = keccak256(toBytes(description));
      const proposer = governor.connect(f.relief.voters[0]!);
      await (await proposer.propose(targets, [0n], calldatas, description)).wait();
      const id = await governor.hashProposal(targets, [0n], calldatas, descriptionHash);
      expect(await governor.state(id)).to.equal(ProposalState.Pending);
      await networkHelpers.mine(f.relief.settings.votingDelayBlocks + 1n);
      expect(await governor.state(id)).to.equal(ProposalState.Active);
      for (const voter of f.relief.voters) await (await governor.connect(voter).castVote(id, 1)).wait();
      await networkHelpers.mine(f.relief.settings.votingPeriodBlocks + 1n);
      expect(await governor.state(id)).to.equal(ProposalState.Succeeded);
      await (await proposer.queue(targets, [0n], calldatas, descriptionHash)).wait();
      expect(await governor.state(id)).to.equal(ProposalState.Queued);
      await networkHelpers.time.increase(f.relief.settings.timelockDelaySeconds);
      await expect(proposer.execute(targets, [0n], calldatas, descriptionHash))
        .to.emit(registry(), "ClauseStatusChanged")
        .withArgs(clauseIdOf(FLOOD_V110), ClauseStatus.None, ClauseStatus.Active, f.relief.timelockAddress);
      expect(await governor.state(id)).to.equal(ProposalState.Executed);
    });

    describe("nobody but the owning timelock changes the DAO's clause (ClauseRegistryNotOwner)", () => {
      const callers: [string, (f: GovernedFixture) => Promise<Signer>][] = [
        ["the DAO's Governor contract itself", (f) => impersonate(connection, (f.relief.governor.target as Address))],
        ["a token holder", async (f) => f.relief.voters[1]!],
        ["the proposer", async (f) => f.relief.voters[0]!],
        ["the deployer", async (f) => f.actors.deployer],
        ["another DAO's timelock (a tenant of the same jurisdiction)", (f) => impersonate(connection, f.rival.timelockAddress)],
      ];
      for (const [label, signerOf] of callers) {
        it(`rejects a new version from ${label}`, async () => {
          const caller = await signerOf(f);
          await expect(registry().connect(caller).registerClause(clauseSpec(FLOOD_V110)))
            .to.be.revertedWithCustomError(registry(), "ClauseRegistryNotOwner")
            .withArgs(floodLine, await caller.getAddress(), f.relief.timelockAddress);
          expect(await registry().latestVersion(floodLine)).to.equal(packClauseVersion(parseClauseId(FLOOD_ID)));
        });

        it(`rejects a status change from ${label}`, async () => {
          const caller = await signerOf(f);
          await expect(registry().connect(caller).setClauseStatus(floodId, ClauseStatus.Paused))
            .to.be.revertedWithCustomError(registry(), "ClauseRegistryNotOwner")
            .withArgs(floodLine, await caller.getAddress(), f.relief.timelockAddress);
          expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Active);
        });
      }
    });

    it("fails another DAO's passed proposal that targets this DAO's clause, at execution (ClauseRegistryNotOwner)", async () => {
      await expect(
        passProposal(connection, f.rival, [{ target: f.network.addresses.clauseRegistry, data: pauseData() }], "Pause the rival's flood clause"),
      )
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryNotOwner")
        .withArgs(floodLine, f.rival.timelockAddress, f.relief.timelockAddress);
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Active);
    });

    it("changes the clause when the owning DAO executes a passed proposal: a new version and a pause in one proposal", async () => {
      const passed = await passProposal(
        connection,
        f.relief,
        [
          { target: f.network.addresses.clauseRegistry, data: registerData(FLOOD_V110) },
          { target: f.network.addresses.clauseRegistry, data: pauseData() },
        ],
        "FloodPayout 1.1.0; pause 1.0.0",
      );
      expect(await f.relief.governor.state(passed.proposalId)).to.equal(ProposalState.Executed);
      expect(await registry().latestVersion(floodLine)).to.equal(packClauseVersion(parseClauseId(FLOOD_V110)));
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Paused);
      expect((await registry().getClause(clauseIdOf(FLOOD_V110))).owner).to.equal(f.relief.timelockAddress);
    });

    describe("no path skips the timelock", () => {
      it("cannot execute a proposal before it is queued (GovernorUnexpectedProposalState) nor one second before the timelock ETA (TimelockUnexpectedOperationState); at the ETA it executes", async () => {
        const { governor, timelock } = f.relief;
        const { networkHelpers } = connection;
        const targets = [f.network.addresses.clauseRegistry];
        const calldatas = [registerData(FLOOD_V110)];
        const description = "Register FloodPayout 1.1.0 early";
        const descriptionHash = keccak256(toBytes(description));
        const proposer = governor.connect(f.relief.voters[0]!);
        await (await proposer.propose(targets, [0n], calldatas, description)).wait();
        const id = await governor.hashProposal(targets, [0n], calldatas, descriptionHash);
        await networkHelpers.mine(f.relief.settings.votingDelayBlocks + 1n);
        for (const voter of f.relief.voters) await (await governor.connect(voter).castVote(id, 1)).wait();
        await networkHelpers.mine(f.relief.settings.votingPeriodBlocks + 1n);

        const operationId = await timelock.hashOperationBatch(targets, [0n], calldatas, ZERO32, timelockSalt(governor.target as Address, descriptionHash));
        // Succeeded but not queued: the Governor refuses to execute a proposal the timelock never received.
        await expect(proposer.execute(targets, [0n], calldatas, descriptionHash, { gasLimit: 1_000_000n }))
          .to.be.revertedWithCustomError(governor, "GovernorUnexpectedProposalState")
          .withArgs(id, ProposalState.Succeeded, toHex(1n << BigInt(ProposalState.Queued), { size: 32 }));

        await (await proposer.queue(targets, [0n], calldatas, descriptionHash)).wait();
        expect(await timelock.isOperationPending(operationId)).to.equal(true);
        const eta = await governor.proposalEta(id);
        await networkHelpers.time.setNextBlockTimestamp(eta - 1n);
        await expect(proposer.execute(targets, [0n], calldatas, descriptionHash, { gasLimit: 1_000_000n }))
          .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
          .withArgs(operationId, READY_BITMAP);
        expect(await registry().latestVersion(floodLine)).to.equal(packClauseVersion(parseClauseId(FLOOD_ID)));

        await networkHelpers.time.setNextBlockTimestamp(eta);
        await (await proposer.execute(targets, [0n], calldatas, descriptionHash, { gasLimit: 1_000_000n })).wait();
        expect(await registry().latestVersion(floodLine)).to.equal(packClauseVersion(parseClauseId(FLOOD_V110)));
      });

      it("rejects scheduling on the timelock by anyone but the Governor (AccessControlUnauthorizedAccount)", async () => {
        const { timelock } = f.relief;
        const delay = await timelock.getMinDelay();
        for (const caller of [f.relief.voters[0]!, f.actors.deployer]) {
          await expect(
            timelock.connect(caller).schedule(f.network.addresses.clauseRegistry, 0n, pauseData(), ZERO32, ZERO32, delay),
          )
            .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
            .withArgs(await caller.getAddress(), PROPOSER_ROLE);
        }
      });

      it("rejects executing an operation the timelock never scheduled, even though execution is open to anyone (TimelockUnexpectedOperationState)", async () => {
        const { timelock } = f.relief;
        const id = await timelock.hashOperation(f.network.addresses.clauseRegistry, 0n, pauseData(), ZERO32, ZERO32);
        await expect(timelock.connect(f.actors.stranger).execute(f.network.addresses.clauseRegistry, 0n, pauseData(), ZERO32, ZERO32))
          .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
          .withArgs(id, READY_BITMAP);
        expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Active);
      });

      it("rejects the Governor's relay outside governance (GovernorOnlyExecutor)", async () => {
        const { governor } = f.relief;
        for (const caller of [f.relief.voters[0]!, f.actors.deployer]) {
          await expect(governor.connect(caller).relay(f.network.addresses.clauseRegistry, 0n, pauseData()))
            .to.be.revertedWithCustomError(governor, "GovernorOnlyExecutor")
            .withArgs(await caller.getAddress());
        }
      });

      it("rejects a change of the timelock delay except by the timelock itself (TimelockUnauthorizedCaller)", async () => {
        const { timelock } = f.relief;
        await expect(timelock.connect(f.relief.voters[0]!).updateDelay(0n))
          .to.be.revertedWithCustomError(timelock, "TimelockUnauthorizedCaller")
          .withArgs(await f.relief.voters[0]!.getAddress());
        expect(await timelock.getMinDelay()).to.equal(f.relief.settings.timelockDelaySeconds);
      });

      it("renounced the deployer's timelock admin role at deployment; only the Governor proposes and cancels", async () => {
        const { timelock, governor } = f.relief;
        const deployer = await f.actors.deployer.getAddress();
        expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, deployer)).to.equal(false);
        expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, f.relief.timelockAddress)).to.equal(true);
        expect(await timelock.hasRole(PROPOSER_ROLE, governor.target as Address)).to.equal(true);
        expect(await timelock.hasRole(CANCELLER_ROLE, governor.target as Address)).to.equal(true);
        expect(await timelock.hasRole(PROPOSER_ROLE, deployer)).to.equal(false);
        expect(await timelock.hasRole(EXECUTOR_ROLE, ZERO_ADDRESS)).to.equal(true);
        for (const voter of f.relief.voters) {
          expect(await timelock.hasRole(PROPOSER_ROLE, await voter.getAddress())).to.equal(false);
        }
        await expect(timelock.connect(f.actors.deployer).grantRole(PROPOSER_ROLE, deployer))
          .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
          .withArgs(deployer, DEFAULT_ADMIN_ROLE);
      });
    });
  });

  describe("network bootstrap and hand-over to the network DAO", () => {
    type HandedOverFixture = {
      network: DeployedNetwork;
      roles: NetworkRoles;
      networkDao: Dao;
      otherDao: Dao;
      deployer: Signer;
      kenAuthority: Signer;
    };

    /** A fresh network bootstrapped by the deployer, then handed over to the network DAO's timelock. */
    async function handedOverFixture(connection: DevConnection): Promise<HandedOverFixture> {
      const signers = (await connection.ethers.getSigners()) as Signer[];
      const [deployer, kenAuthority] = signers as [Signer, Signer];
      const deployed = await deployNetwork(connection);
      const networkDao = await deployDao(connection, { name: "NetworkDAO", voters: signers.slice(10, 13) });
      const otherDao = await deployDao(connection, { name: "MemberDAO", voters: signers.slice(13, 15) });
      const roles = devNetworkRoles();
      await bootstrapNetwork(deployed, {
        roles,
        measurements: [SIMULATED_DEV_MEASUREMENT],
        allowSimulatedTee: true,
        authorities: { KEN: kenAuthority },
        tenants: [{ dao: otherDao.timelockAddress, jurisdiction: "KEN", jobsPerEpoch: 10 }],
      });
      await handOverAdmin(connection, deployed, networkDao.timelockAddress);
      return { network: deployed, roles, networkDao, otherDao, deployer, kenAuthority };
    }

    let connection: DevConnection;
    let h: HandedOverFixture;

    before(async () => {
      connection = (await network.create()) as unknown as DevConnection;
    });
    beforeEach(async () => {
      h = await connection.networkHelpers.loadFixture(handedOverFixture);
    });

    it("bootstrap configured validators, aggregators, scheduler, allowlists, authorities and tenants", async () => {
      const { nodeRegistry, rollupAnchor, jurisdictionRegistry } = h.network.contracts;
      expect(await nodeRegistry.isScheduler(h.roles.scheduler.address)).to.equal(true);
      expect(await nodeRegistry.isMeasurementAllowed(SIMULATED_DEV_MEASUREMENT)).to.equal(true);
      expect(await nodeRegistry.isTeeTypeAllowed(TeeType.Simulated)).to.equal(true);
      const [, , validatorThreshold, validators] = await nodeRegistry.validatorConfig();
      expect(validatorThreshold).to.equal(h.roles.validatorThreshold);
      expect([...validators]).to.deep.equal(h.roles.validators.map((v) => v.address));
      const [, , threshold, aggregators] = await rollupAnchor.config();
      expect(threshold).to.equal(h.roles.aggregatorThreshold);
      expect([...aggregators]).to.deep.equal(h.roles.aggregators.map((a) => a.address));
      expect(await jurisdictionRegistry.authorityOf(KEN)).to.equal(await h.kenAuthority.getAddress());
      expect(await jurisdictionRegistry.isTenant(h.otherDao.timelockAddress, KEN)).to.equal(true);
    });

    it("moves the access manager's admin role from the deployer to the network DAO's timelock", async () => {
      const { accessManager } = h.network.contracts;
      const [deployerIsAdmin] = await accessManager.hasRole(0n, await h.deployer.getAddress());
      const [timelockIsAdmin, delay] = await accessManager.hasRole(0n, h.networkDao.timelockAddress);
      expect(deployerIsAdmin).to.equal(false);
      expect(timelockIsAdmin).to.equal(true);
      expect(delay).to.equal(0n);
    });

    it("rejects every restricted call from the former deployer admin (AccessManagedUnauthorized)", async () => {
      const { nodeRegistry, rollupAnchor, jurisdictionRegistry, jobRouter } = h.network.contracts;
      const deployer = await h.deployer.getAddress();
      const newKey = devAccount("scheduler", 7).address;
      const calls: [string, { interface: unknown }, () => Promise<unknown>][] = [
        ["NodeRegistry.setScheduler", nodeRegistry, () => nodeRegistry.connect(h.deployer).setScheduler(newKey, true)],
        ["NodeRegistry.setMeasurementAllowed", nodeRegistry, () => nodeRegistry.connect(h.deployer).setMeasurementAllowed(ZERO32, true)],
        ["RollupAnchor.setConfig", rollupAnchor, () => rollupAnchor.connect(h.deployer).setConfig([newKey], 1)],
        ["RollupAnchor.setSafeMode", rollupAnchor, () => rollupAnchor.connect(h.deployer).setSafeMode(true, ZERO32)],
        [
          "JurisdictionRegistry.setJurisdictionAuthority",
          jurisdictionRegistry,
          () => jurisdictionRegistry.connect(h.deployer).setJurisdictionAuthority(jurisdictionToBytes3("FRA"), deployer),
        ],
        ["JobRouter.setTenantQuota", jobRouter, () => jobRouter.connect(h.deployer).setTenantQuota(tenantIdOf(h.otherDao.timelockAddress, "KEN"), 99)],
      ];
      for (const [label, contract, call] of calls) {
        await expect(call(), label)
          .to.be.revertedWithCustomError(contract as never, "AccessManagedUnauthorized")
          .withArgs(deployer);
      }
      expect(await nodeRegistry.isScheduler(newKey)).to.equal(false);
      expect(await rollupAnchor.safeMode()).to.equal(false);
    });

    it("rejects the former deployer admin re-granting itself a role (AccessManagerUnauthorizedAccount)", async () => {
      const { accessManager } = h.network.contracts;
      const deployer = await h.deployer.getAddress();
      await expect(accessManager.connect(h.deployer).grantRole(0n, deployer, 0))
        .to.be.revertedWithCustomError(accessManager, "AccessManagerUnauthorizedAccount")
        .withArgs(deployer, 0n);
    });

    it("lets the network DAO's timelock call a restricted function through a passed proposal (setScheduler)", async () => {
      const { nodeRegistry } = h.network.contracts;
      const newKey = devAccount("scheduler", 7).address;
      const passed = await passProposal(
        connection,
        h.networkDao,
        [{ target: h.network.addresses.nodeRegistry, data: nodeRegistry.interface.encodeFunctionData("setScheduler", [newKey, true]) as Hex }],
        "Add a second scheduler key",
      );
      const receipt = await connection.ethers.provider.getTransactionReceipt(passed.transactions.execute);
      const events = receipt!.logs.map((l) => nodeRegistry.interface.parseLog(l)).filter((e) => e?.name === "SchedulerSet");
      expect(events.map((e) => [e!.args.scheduler, e!.args.allowed])).to.deep.equal([[newKey, true]]);
      expect(await nodeRegistry.isScheduler(newKey)).to.equal(true);
    });

    it("fails a member DAO's passed proposal calling a restricted function: only the network DAO governs (AccessManagedUnauthorized)", async () => {
      const { nodeRegistry } = h.network.contracts;
      const newKey = devAccount("scheduler", 7).address;
      await expect(
        passProposal(
          connection,
          h.otherDao,
          [{ target: h.network.addresses.nodeRegistry, data: nodeRegistry.interface.encodeFunctionData("setScheduler", [newKey, true]) as Hex }],
          "A member DAO tries to add a scheduler",
        ),
      )
        .to.be.revertedWithCustomError(nodeRegistry, "AccessManagedUnauthorized")
        .withArgs(h.otherDao.timelockAddress);
      expect(await nodeRegistry.isScheduler(newKey)).to.equal(false);
    });
  });
});

