// Worker-thread entry of the sandbox runner, in plain JavaScript on purpose: a worker does not always
// inherit the parent's TypeScript loader (Hardhat registers tsx in-process; Node's own type stripping
// then loads .ts files but does not map their `.js` import specifiers). Registering tsx here makes the
// worker load `sandboxWorker.ts` the same way under `tsx`, mocha --import=tsx and `hardhat test`.
import { register } from "tsx/esm/api";

register();
await import("./sandboxWorker.ts");
