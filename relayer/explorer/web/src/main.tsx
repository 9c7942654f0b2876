import { StrictMode, useEffect, useRef, type FormEvent } from "react";
import { createRoot } from "react-dom/client";
import { InfoContext, Load, Title } from "./components/common.js";
import { ClausePage } from "./pages/ClausePage.js";
import { ExecutionPage } from "./pages/ExecutionPage.js";
import { NodePage } from "./pages/NodePage.js";
import { OverviewPage } from "./pages/OverviewPage.js";
import { TenantPage } from "./pages/TenantPage.js";
import { href, useRoute, type Route } from "./router.js";
import type { Info } from "./api.js";
import { useApi } from "./useApi.js";
import "./styles.css";

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "overview":
      return <OverviewPage />;
    case "execution":
      return <ExecutionPage id={route.id} />;
    case "clause":
      return <ClausePage id={route.id} />;
    case "node":
      return <NodePage id={route.id} />;
    case "tenant":
      return <TenantPage id={route.id} />;
    case "not-found":
      return <Title sub="Use the search box, or go back to the overview.">No page at {route.path}</Title>;
  }
}

/** Paste an execution id, clause id, tenant id or node address. 32-byte ids are tried as executions first. */
function Search() {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // "/" focuses the search box from anywhere, as on most explorers.
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "/" && document.activeElement?.tagName !== "INPUT") {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = input.current?.value.trim() ?? "";
    if (/^0x[0-9a-fA-F]{40}$/.test(value)) window.location.hash = href.node(value);
    else if (/^0x[0-9a-fA-F]{64}$/.test(value)) window.location.hash = href.execution(value);
  };
  return (
    <form role="search" onSubmit={submit}>
      <label htmlFor="search">Go to</label>
      <input id="search" ref={input} placeholder="execution id or node address (press /)" spellCheck={false} />
      <button type="submit">Open</button>
    </form>
  );
}

function App() {
  const route = useRoute();
  const info = useApi<Info>("/api/info");
  return (
    <InfoContext.Provider value={info.state === "ok" ? info.data : null}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav aria-label="main">
        <a href={href.overview()} className="brand">
          NSF proof explorer
        </a>
        {info.state === "ok" && <span className="muted">chain {info.data.chainId}</span>}
        <Search />
      </nav>
      <main id="main">
        {info.state === "error" ? (
          <Load loaded={info}>{() => null}</Load>
        ) : (
          <>
            {info.state === "ok" && info.data.notes.length > 0 && (
              <aside className="notes" aria-label="limitations of this build">
                {info.data.notes.map((n) => (
                  <p key={n}>{n}</p>
                ))}
              </aside>
            )}
            <Page route={route} />
          </>
        )}
      </main>
    </InfoContext.Provider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
