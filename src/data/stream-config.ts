// Where server mode's event stream is, kept apart from the NATS client so embedded mode never loads it.

export interface StreamConfig {
  /** nats://host:port */
  url: string;
  /** The JetStream stream; created (capturing `subject`) when it does not exist. */
  stream: string;
  /** The subject the consumer takes events from (wildcards allowed). */
  subject: string;
  /** The durable consumer's name, shared by every Steward process of a deployment. */
  durable: string;
}

/** STEWARD_NATS_URL turns the stream on; it is a server-mode feature (PostgreSQL shared by processes). */
export function streamConfigFromEnv(env: NodeJS.ProcessEnv): StreamConfig | null {
  if (!env.STEWARD_NATS_URL) return null;
  return {
    url: env.STEWARD_NATS_URL,
    stream: env.STEWARD_NATS_STREAM || "STEWARD_EVENTS",
    subject: env.STEWARD_NATS_SUBJECT || "steward.events.>",
    durable: env.STEWARD_NATS_DURABLE || "steward-ingest",
  };
}
