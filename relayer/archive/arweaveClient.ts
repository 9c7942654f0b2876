import Arweave from "arweave";

/** An arweave-js client for a gateway URL (`http(s)://host[:port]`), e.g. arlocal's or https://arweave.net. */
export function arweaveClient(gatewayUrl: string): Arweave {
  const url = new URL(gatewayUrl);
  const protocol = url.protocol.replace(":", "");
  return Arweave.init({ host: url.hostname, port: url.port ? Number(url.port) : protocol === "https" ? 443 : 80, protocol, logging: false });
}
