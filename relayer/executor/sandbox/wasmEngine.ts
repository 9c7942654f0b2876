/**
 * The part of the engine's WebAssembly JS API the sandbox uses, typed here because the project's `lib`
 * has no DOM types (and adding them would bring in much more than this). Stateless wrappers only.
 */
export interface WasmModule {
  readonly __brand?: "WebAssembly.Module";
}
export type WasmGlobal = { value: number | bigint };
export type WasmMemory = { readonly buffer: ArrayBuffer };
export type WasmInstance = { readonly exports: Record<string, unknown> };

type EngineApi = {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, never>) => WasmInstance;
  RuntimeError: new (message?: string) => Error;
};

const engine = (): EngineApi => (globalThis as unknown as { WebAssembly: EngineApi }).WebAssembly;

export const validateWasm = (bytes: Uint8Array): boolean => engine().validate(bytes);
export const compileWasm = (bytes: Uint8Array): WasmModule => new (engine().Module)(bytes);
/** Instantiates with an empty import object: a clause can reach nothing but its own memory. */
export const instantiateWasm = (module: WasmModule): WasmInstance => new (engine().Instance)(module, {});
export const isWasmTrap = (error: unknown): error is Error => error instanceof engine().RuntimeError;
