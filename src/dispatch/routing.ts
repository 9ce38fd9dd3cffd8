// Which adapter carries which channel: email by SMTP and field work (suggestions, CRM writes) by the
// signed webhook when those are configured; everything else, and those when they are not, to the file.
import type { Channel } from "../shared/vocabulary.ts";
import type { ChannelAdapter } from "./adapters/adapter.ts";
import type { DispatchConfig } from "./config.ts";
import { FileSink } from "./adapters/file.ts";
import { SmtpAdapter } from "./adapters/smtp.ts";
import { WebhookAdapter } from "./adapters/webhook.ts";

export interface ChannelAdapters {
  smtp: ChannelAdapter | null;
  webhook: ChannelAdapter | null;
  file: ChannelAdapter;
}

export function adaptersFor(config: DispatchConfig): ChannelAdapters {
  return {
    smtp: config.smtp ? new SmtpAdapter({ ...config.smtp, unsubscribeUrl: config.unsubscribeUrl, timeoutMs: config.timeoutMs }) : null,
    webhook: config.webhook ? new WebhookAdapter({ ...config.webhook, timeoutMs: config.timeoutMs }) : null,
    file: new FileSink(config.outboxFile),
  };
}

export function adapterFor(channel: Channel, adapters: ChannelAdapters): ChannelAdapter {
  switch (channel) {
    case "email":
      return adapters.smtp ?? adapters.file;
    case "field":
      return adapters.webhook ?? adapters.file;
    case "web":
    case "phone":
      return adapters.file;
    default: {
      const unreachable: never = channel;
      throw new Error(`unknown channel ${String(unreachable)}`);
    }
  }
}

export async function closeAdapters(adapters: ChannelAdapters): Promise<void> {
  const all = new Set([adapters.smtp, adapters.webhook, adapters.file].filter((a): a is ChannelAdapter => a !== null));
  await Promise.allSettled([...all].map((a) => a.close()));
}
