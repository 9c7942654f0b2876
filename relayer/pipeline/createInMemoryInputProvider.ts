import type { Hex } from "viem";
import type { SensorBinding } from "../core/scheduling/inputBundle.js";
import type { InputProvider } from "./InputProvider.js";

export type InMemoryInputProvider = InputProvider & {
  putDocument(tenantId: Hex, commitment: Hex, document: unknown): void;
  putSensorBinding(clauseId: Hex, tenantId: Hex | undefined, binding: SensorBinding): void;
};

/** In-memory documents and bindings: the fake for tests and the benchmark. */
export function createInMemoryInputProvider(): InMemoryInputProvider {
  const documents = new Map<string, unknown>();
  const bindings = new Map<string, SensorBinding>();
  const key = (a: Hex, b: Hex | undefined) => `${a.toLowerCase()}:${b?.toLowerCase() ?? "*"}`;
  return {
    document: async (tenantId, commitment) => documents.get(key(tenantId, commitment)),
    sensorBinding: async (clauseId, tenantId) => bindings.get(key(clauseId, tenantId)) ?? bindings.get(key(clauseId, undefined)),
    describe: (tenantId, commitment) => `in-memory input provider, tenant ${tenantId}, commitment ${commitment}`,
    putDocument: (tenantId, commitment, document) => documents.set(key(tenantId, commitment), document),
    putSensorBinding: (clauseId, tenantId, binding) => bindings.set(key(clauseId, tenantId), binding),
  };
}
