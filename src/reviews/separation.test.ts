import { describe, expect, it } from "vitest";
import { isAgentOwner, ownerConfirmationRefusal } from "./separation.ts";

const dev = { username: "dpatel", name: "Dev Patel" };

describe("who owns an agent", () => {
  it("matches the owner text by username, e-mail, e-mail's local part or display name, case and spacing aside", () => {
    expect(isAgentOwner("dpatel", dev)).toBe(true);
    expect(isAgentOwner("  DPatel ", dev)).toBe(true);
    expect(isAgentOwner("Someone Else <dpatel@example.com>", dev)).toBe(true);
    expect(isAgentOwner("Team <x@example.com>", { username: "x@example.com", name: "X" })).toBe(true);
    expect(isAgentOwner("Dev  Patel <dev.patel@example.com>, Commercial Excellence", dev)).toBe(true);
    expect(isAgentOwner("Dev Patel, Commercial Excellence", dev)).toBe(true);
  });

  it("does not match someone the text does not name", () => {
    expect(isAgentOwner("Dr. Amira Haddad <amira.haddad@example.com>, Medical Affairs", dev)).toBe(false);
    expect(isAgentOwner("Commercial Excellence", dev)).toBe(false);
    expect(isAgentOwner("dpatel2 <dpatel2@example.com>", dev)).toBe(false);
    expect(isAgentOwner("<dev@example.com>", dev)).toBe(false);
  });

  it("refuses the owner's confirmation unless the bundle allows it", () => {
    const review = { id: "rev-1", agentId: "nba" };
    expect(ownerConfirmationRefusal(review, "Dev Patel <d@example.com>", dev, false)).toMatchObject({ status: 403, code: "SEPARATION_OF_DUTIES" });
    expect(ownerConfirmationRefusal(review, "Dev Patel <d@example.com>", dev, true)).toBeNull();
    expect(ownerConfirmationRefusal(review, "Jane Roe", dev, false)).toBeNull();
  });
});
