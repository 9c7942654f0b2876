// Worker-thread entry of the aggregator benchmark (plain JS: registers tsx itself, like the sandbox worker).
import { register } from "tsx/esm/api";

register();
await import("./aggregatorWorker.ts");
