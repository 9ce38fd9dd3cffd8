// A real external audit anchor for tests: an HTTP server holding the latest signed head it was sent.
// POST {seq, hash, at, signature[, reset]} → 204 (409 when it would move backwards without reset);
// GET → the latest head, or 404 while it holds none. It keeps every head it received.
import { createServer } from "node:http";
import { createPublicKey, verify } from "node:crypto";
import type { AddressInfo } from "node:net";

export interface Head {
  seq: number;
  hash: string;
  at: string;
  reset?: true;
  signature: string;
}

export interface AnchorServer {
  url: string;
  received: Head[];
  latest(): Head | null;
  /** Makes it hold `head` from now on (to play an anchor that answers something else). */
  hold(head: Head): void;
  /** Checks a head's Ed25519 signature over the canonical JSON of its other fields, as documented. */
  signedBy(head: Head, publicKeyPem: string): boolean;
  close(): Promise<void>;
}

export async function startAnchorServer(): Promise<AnchorServer> {
  let latest: Head | null = null;
  const received: Head[] = [];
  const server = createServer((req, res) => {
    if (req.method === "GET") {
      if (!latest) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(latest));
      return;
    }
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const head = JSON.parse(body) as Head;
      if (latest && head.seq < latest.seq && head.reset !== true) {
        res.writeHead(409).end();
        return;
      }
      received.push(head);
      latest = head;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/anchor/steward`,
    received,
    latest: () => latest,
    hold(head) {
      latest = head;
    },
    signedBy(head, publicKeyPem) {
      const { signature, ...body } = head;
      const canonical = JSON.stringify(Object.fromEntries(Object.entries(body).sort(([a], [b]) => (a < b ? -1 : 1))));
      return verify(null, Buffer.from(canonical), createPublicKey(publicKeyPem), Buffer.from(signature, "base64"));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
