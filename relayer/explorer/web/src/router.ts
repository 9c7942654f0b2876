import { useEffect, useState } from "react";

/** Hash routes (`#/execution/0x…`): the server serves one page for every path, links work without a server router. */
export type Route =
  | { page: "overview" }
  | { page: "execution"; id: string }
  | { page: "clause"; id: string }
  | { page: "node"; id: string }
  | { page: "tenant"; id: string }
  | { page: "not-found"; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "") || "/";
  if (path === "/") return { page: "overview" };
  const match = /^\/(execution|clause|node|tenant)\/([^/]+)$/.exec(path);
  if (match) return { page: match[1] as "execution" | "clause" | "node" | "tenant", id: decodeURIComponent(match[2]!) };
  return { page: "not-found", path };
}

export const href = {
  overview: () => "#/",
  execution: (id: string) => `#/execution/${id}`,
  clause: (id: string) => `#/clause/${id}`,
  node: (id: string) => `#/node/${id}`,
  tenant: (id: string) => `#/tenant/${id}`,
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => {
      setRoute(parseRoute(window.location.hash));
      // Move focus to the new page's heading so keyboard and screen-reader users land on the content.
      requestAnimationFrame(() => document.getElementById("page-title")?.focus());
    };
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
