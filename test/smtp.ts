// A real SMTP server (smtp-server) on the loopback interface for tests: it keeps every message it
// accepted, parsed by mailparser, with its envelope recipients.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";

export interface ReceivedMail {
  mail: ParsedMail;
  rcptTo: string[];
}

export interface SmtpReceiver {
  url: string;
  received: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({ mail, rcptTo: session.envelope.rcptTo.map((r) => r.address) });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * SMTP's end of data needs the message to end in a line break: a text without one arrives with one
 * (nodemailer writes CRLF, mailparser reads it back as "\n"). Every other byte arrives as sent.
 */
export const asReceived = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);
