import { createContext, useContext, type ReactNode } from "react";
import type { ApiError } from "../api.js";
import type { Info } from "../api.js";
import type { Loaded } from "../useApi.js";

export const InfoContext = createContext<Info | null>(null);

export const short = (value: string, keep = 10) => (value.length > keep * 2 + 2 ? `${value.slice(0, keep + 2)}…${value.slice(-keep + 2)}` : value);

/** A hash with a block-explorer deep link when one is configured. */
export function ChainLink({ kind, value }: { kind: "tx" | "address" | "block"; value: string }) {
  const info = useContext(InfoContext);
  const text = <code title={value}>{short(value)}</code>;
  if (!info?.explorerBaseUrl) return text;
  return (
    <a href={`${info.explorerBaseUrl}/${kind}/${value}`} target="_blank" rel="noreferrer" aria-label={`${kind} ${value} on the block explorer`}>
      {text} <span aria-hidden="true">↗</span>
    </a>
  );
}

const WHAT_TO_DO: Record<string, string> = {
  rpc: "The RPC endpoint given to nsf explorer (--rpc) did not answer. Check that the node is running and reachable from the explorer, then reload.",
  gateway: "The Arweave gateway given to nsf explorer (--gateway) did not answer. The chain data is still shown where it can be; bundle checks stay undecided until the gateway is back.",
  relayer: "The relayer's metrics endpoint did not answer; everything else works without it.",
  explorer: "The explorer server itself did not answer. Is nsf explorer still running?",
};

/** What went wrong, in words: never a blank page. */
export function ErrorPanel({ error }: { error: ApiError }) {
  return (
    <section className="error-panel" role="alert" aria-labelledby="error-title">
      <h2 id="error-title">{error.source === "rpc" ? "The chain cannot be read" : error.source === "gateway" ? "The Arweave gateway cannot be read" : error.status === 404 ? "Not found" : "Something went wrong"}</h2>
      <p>{error.message}</p>
      {error.source && <p>{WHAT_TO_DO[error.source]}</p>}
      <p className="muted">
        code <code>{error.code}</code>
        {error.status ? ` · HTTP ${error.status}` : ""}
      </p>
    </section>
  );
}

export function Load<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  if (loaded.state === "loading") return <p aria-live="polite">Loading…</p>;
  if (loaded.state === "error") return <ErrorPanel error={loaded.error} />;
  return <>{children(loaded.data)}</>;
}

export function Title({ children, sub }: { children: ReactNode; sub?: ReactNode }) {
  return (
    <header className="page-header">
      <h1 id="page-title" tabIndex={-1}>
        {children}
      </h1>
      {sub && <p className="muted">{sub}</p>}
    </header>
  );
}

export const time = (seconds: number | null) => (seconds === null ? "—" : new Date(seconds * 1000).toISOString().replace("T", " ").replace(".000Z", " UTC"));

export function duration(seconds: number): string {
  const abs = Math.abs(seconds);
  const text = abs >= 86400 ? `${(abs / 86400).toFixed(1)} d` : abs >= 3600 ? `${(abs / 3600).toFixed(1)} h` : abs >= 60 ? `${Math.round(abs / 60)} min` : `${abs} s`;
  return seconds < 0 ? `expired ${text} ago` : text;
}

/** A packed clause version (`major << 32 | minor << 16 | patch`, FORMATS §1) as "1.0.0". */
export const versionText = (packed: number) => `${Math.floor(packed / 2 ** 32)}.${Math.floor(packed / 2 ** 16) % 2 ** 16}.${packed % 2 ** 16}`;
