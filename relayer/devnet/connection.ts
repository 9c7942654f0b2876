import type { NetworkConnection } from "hardhat/types/network";

/** A Hardhat network connection with the ethers, ignition and network-helpers plugins loaded. */
export type DevConnection = NetworkConnection<"generic">;
