// SMTP email through nodemailer to STEWARD_SMTP_URL (smtp://host:port, smtps://user:pass@host:465).
// The Message-ID is derived from the outbox id, so a message sent again after a crash carries the same
// id and a receiving system can recognise it as the same message.
import nodemailer from "nodemailer";
import type { ChannelAdapter, Delivered } from "./adapter.ts";
import { DeliveryFailure } from "./adapter.ts";
import type { Outbound } from "../outbound.ts";
import { renderEmail, type EmailOptions } from "../email.ts";

export interface SmtpOptions extends EmailOptions {
  url: string;
  timeoutMs: number;
}

type SmtpError = Error & { responseCode?: number; code?: string; response?: string };

export class SmtpAdapter implements ChannelAdapter {
  readonly name = "smtp" as const;
  private readonly transport;

  constructor(private readonly options: SmtpOptions) {
    // A small pool: connections are reused across a batch instead of one handshake per message.
    this.transport = nodemailer.createTransport({
      url: options.url,
      pool: true,
      maxConnections: 4,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
  }

  async deliver(item: Outbound): Promise<Delivered> {
    const email = renderEmail(item, this.options);
    try {
      const info = await this.transport.sendMail({
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        messageId: email.messageId,
        headers: email.headers,
      });
      if (info.rejected.length > 0) {
        throw new DeliveryFailure(`SMTP server refused recipient ${info.rejected.join(", ")}: ${info.response}`, true);
      }
      return { duplicate: false, detail: info.response };
    } catch (error) {
      if (error instanceof DeliveryFailure) throw error;
      const e = error as SmtpError;
      // 5xx: the server refuses this message for good; 4xx and connection trouble may pass later.
      const permanent = (e.responseCode !== undefined && e.responseCode >= 500) || (e.code === "EENVELOPE" && e.responseCode === undefined);
      throw new DeliveryFailure(`SMTP ${e.code ?? "error"}: ${e.response ?? e.message}`, permanent);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
