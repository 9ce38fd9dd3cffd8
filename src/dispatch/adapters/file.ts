// The JSONL file sink: one line per delivered item, the export a downstream system picks up, and the
// default when no SMTP server or webhook is configured.
//
// Exactly once, write-then-mark: the line is written and flushed to disk before the dispatcher marks
// the item sent. A crash between the two leaves an item `sending` whose line exists; when it is tried
// again the sink finds its id in the file and does not write it twice. The ids already in the file are
// read once when the sink opens (the recovery scan) and then from wherever the file has grown since,
// so lines another process appended count too. A line torn by a crash mid-write (no final newline)
// was never delivered: the scan cuts it off, and the item is written whole when it is tried again.
import { mkdirSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import type { ChannelAdapter, Delivered } from "./adapter.ts";
import { DeliveryFailure } from "./adapter.ts";
import type { Outbound } from "../outbound.ts";
import { GroupCommit } from "../../shared/group-commit.ts";

export class FileSink implements ChannelAdapter {
  readonly name = "file" as const;
  private handle: FileHandle | null = null;
  private readonly known = new Set<string>();
  /** Bytes of the file already scanned for ids. */
  private scanned = 0;
  /** Lines that arrive while one group is written and flushed go together in the next (one fsync each group). */
  private readonly writes = new GroupCommit<Outbound, Delivered>((take) => this.append(take()));

  constructor(readonly path: string) {}

  deliver(item: Outbound): Promise<Delivered> {
    return this.writes.submit(item);
  }

  async close(): Promise<void> {
    await this.writes.idle();
    await this.handle?.close();
    this.handle = null;
  }

  private async append(items: Outbound[]): Promise<Delivered[]> {
    try {
      const handle = await this.file();
      await this.catchUp(handle);
      const results: Delivered[] = [];
      const lines: string[] = [];
      const fresh: string[] = [];
      for (const item of items) {
        const id = item.document.id;
        if (this.known.has(id) || fresh.includes(id)) {
          results.push({ duplicate: true, detail: "already in the outbox file" });
          continue;
        }
        fresh.push(id);
        lines.push(JSON.stringify(item.document) + "\n");
        results.push({ duplicate: false, detail: null });
      }
      if (lines.length > 0) {
        const buffer = Buffer.from(lines.join(""));
        // One append of whole lines at the end of the file, then to disk before any of them is marked sent.
        for (let offset = 0; offset < buffer.length;) {
          offset += (await handle.write(buffer, offset, buffer.length - offset, null)).bytesWritten;
        }
        await handle.sync();
        // `scanned` stays put: the next scan reads these lines back, with any another process appended first.
        for (const id of fresh) this.known.add(id);
      }
      return results;
    } catch (error) {
      // A disk that is full or unwritable may recover: transient.
      throw new DeliveryFailure(`outbox file ${this.path}: ${(error as Error).message}`, false);
    }
  }

  private async file(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    mkdirSync(dirname(this.path), { recursive: true });
    const handle = await open(this.path, "a+");
    await this.repairTornTail(handle);
    this.handle = handle;
    return handle;
  }

  private async repairTornTail(handle: FileHandle): Promise<void> {
    const { size } = await handle.stat();
    if (size === 0) return;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return;
    const content = await this.readRange(handle, 0, size);
    const end = content.lastIndexOf(0x0a) + 1;
    await handle.truncate(end);
    await handle.sync();
  }

  /** Reads ids from the part of the file not scanned yet (whole lines only). */
  private async catchUp(handle: FileHandle): Promise<void> {
    const { size } = await handle.stat();
    if (size <= this.scanned) return;
    const chunk = await this.readRange(handle, this.scanned, size);
    const end = chunk.lastIndexOf(0x0a) + 1;
    if (end === 0) return;
    for (const line of chunk.subarray(0, end).toString("utf8").split("\n")) {
      if (line.length === 0) continue;
      try {
        const id = (JSON.parse(line) as { id?: unknown }).id;
        if (typeof id === "string") this.known.add(id);
      } catch {
        // Not a line this sink wrote: it names no item, so it cannot stand for one.
      }
    }
    this.scanned += end;
  }

  private async readRange(handle: FileHandle, from: number, to: number): Promise<Buffer> {
    const buffer = Buffer.alloc(to - from);
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, from + offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return buffer.subarray(0, offset);
  }
}
