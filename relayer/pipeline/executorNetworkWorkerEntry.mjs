// Worker-thread entry of the threaded executor network, in plain JavaScript for the same reason as
// relayer/executor/sandbox/sandboxWorkerEntry.mjs: register tsx so the TypeScript worker loads under tsx,
// mocha --import=tsx and `hardhat test` alike.
import { register } from "tsx/esm/api";

register();
await import("./executorNetworkWorker.ts");
