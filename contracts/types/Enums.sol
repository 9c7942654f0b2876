// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

// Numeric values are part of the formats (docs/FORMATS.md §1); append only, never reorder.

enum TriggerType {
    Dao,
    Sensor,
    Simulation
}

enum TeeType {
    None,
    Simulated,
    IntelSgx,
    IntelTdx,
    AmdSevSnp,
    AwsNitro
}

enum ExecutionModel {
    Single,
    Quorum,
    SovereignOverride,
    // k-of-n executors that also prove the clause's circuit (Groth16); ClauseRegistry.setZkBinding names it.
    Zk
}

enum PriorityClass {
    Disaster,
    Finance,
    Planning
}

enum ClauseStatus {
    None,
    Active,
    Paused,
    Frozen,
    Deprecated
}

enum NodeStatus {
    None,
    Active,
    Revoked,
    Ejected,
    Deregistered
}

enum JobStatus {
    None,
    Requested,
    Expired,
    Failed
}
