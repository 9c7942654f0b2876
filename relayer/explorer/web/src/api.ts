import type { ExplorerErrorBody, ExplorerInfo } from "../../server/ExplorerApi.js";

/** An API answer that is not the data: the server's typed error, or the server itself unreachable. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly source?: "rpc" | "gateway" | "relayer" | "explorer",
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: "application/json" } });
  } catch (error) {
    throw new ApiError("NSF_EXPLORER_UNREACHABLE", `the explorer server did not answer (${error instanceof Error ? error.message : String(error)})`, 0, "explorer");
  }
  const body = (await response.json().catch(() => undefined)) as unknown;
  if (!response.ok) {
    const e = (body as ExplorerErrorBody | undefined)?.error;
    throw new ApiError(e?.code ?? "NSF_EXPLORER_HTTP", e?.message ?? `HTTP ${response.status}`, response.status, e?.source);
  }
  return body as T;
}

export type Info = ExplorerInfo;
