import { useEffect, useState } from "react";
import { ApiError, getJson } from "./api.js";

export type Loaded<T> = { state: "loading" } | { state: "error"; error: ApiError } | { state: "ok"; data: T };

export function useApi<T>(path: string | null): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setLoaded({ state: "loading" });
    getJson<T>(path).then(
      (data) => live && setLoaded({ state: "ok", data }),
      (error: unknown) => live && setLoaded({ state: "error", error: error instanceof ApiError ? error : new ApiError("NSF_EXPLORER_PAGE", String(error), 0) }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  return loaded;
}
