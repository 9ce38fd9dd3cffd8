// A reference webhook receiver: what an integrator's endpoint must do with Steward's webhooks, in the
// fewest lines. It reads the raw body, recomputes the HMAC-SHA256 signature over it (401 when it does
// not match), and applies each Idempotency-Key once: a repeated delivery is answered 200 and not
// applied again. Tests and the benchmark run it on the loopback interface; it keeps everything in memory.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verifySignature } from "./signature.ts";

export interface ReceivedCall {
  key: string;
  attempt: number;
  body: string;
  signature: string;
  signatureValid: boolean;
}

export interface ReceiverHooks {
  /** Before the effect: a status (≥ 300) refuses the call and nothing is applied. */
  refuse?: (call: ReceivedCall, index: number) => number | undefined;
  /** After the effect, before the answer: a slow or vanished receiver (a promise that never settles). */
  delay?: (call: ReceivedCall, index: number) => Promise<void> | void;
}

export interface WebhookReceiver {
  url: string;
  /** Every request, in arrival order, duplicates included. */
  calls: ReceivedCall[];
  /** The effects: idempotency key → the body applied, once each. */
  applied: Map<string, unknown>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startWebhookReceiver(secret: string, hooks: ReceiverHooks = {}): Promise<WebhookReceiver> {
  const calls: ReceivedCall[] = [];
  const applied = new Map<string, unknown>();
  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const signature = String(req.headers[SIGNATURE_HEADER] ?? "");
      const call: ReceivedCall = {
        key: String(req.headers[IDEMPOTENCY_HEADER] ?? ""),
        attempt: Number(req.headers["x-steward-attempt"] ?? 0),
        body,
        signature,
        signatureValid: verifySignature(secret, body, signature),
      };
      const index = calls.push(call) - 1;
      if (!call.signatureValid) return answer(res, 401, { error: "bad signature" });
      if (!call.key) return answer(res, 400, { error: "Idempotency-Key required" });
      if (applied.has(call.key)) return answer(res, 200, { duplicate: true });
      const refusal = hooks.refuse?.(call, index);
      if (refusal !== undefined && refusal >= 300) return answer(res, refusal, { error: "refused" });
      applied.set(call.key, JSON.parse(body));
      await hooks.delay?.(call, index);
      answer(res, 200, { applied: true });
    } catch (error) {
      answer(res, 400, { error: (error as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/steward`,
    calls,
    applied,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
