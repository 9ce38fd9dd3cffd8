// Misleading testimonials, speed and ease.
import { describe, expect, it } from "vitest";
import { testimonialOrEase } from "./testimonial-ease.ts";
import { sentence } from "./test-context.ts";

const codes = (text: string, language: "en" | "de" | "fr" = "en") => testimonialOrEase(sentence(text, { language })).map((h) => h.code);

describe("misleading testimonials, speed and ease", () => {
  it.each([
    ["\"I haven't needed my rescue inhaler since,\" says Tom, 52.", "TESTIMONIAL"],
    ["My asthma finally stopped running my weekends.", "TESTIMONIAL"],
    ["Veltrava gets to work in days.", "SPEED_CLAIM"],
    ["Feel the difference from the very first dose.", "SPEED_CLAIM"],
    ["Veltrava is one quick shot a month — that's it.", "EASE_CLAIM"],
    ["An autoinjector so simple you can use it anywhere.", "EASE_CLAIM"],
  ])("flags %j (%s)", (text, code) => {
    expect(codes(text)).toContain(code);
  });

  it("quotes the testimonial as its span and files it under its category", () => {
    const text = "\"I haven't needed my rescue inhaler since,\" says Tom, 52.";
    const [hit] = testimonialOrEase(sentence(text));
    expect(hit).toMatchObject({ code: "TESTIMONIAL", category: "misleading_testimonial_or_ease", severity: "warning" });
    expect(text.slice(hit!.start, hit!.end)).toBe("\"I haven't needed my rescue inhaler since,\"");
  });

  it.each([
    "I would like to invite you to our webinar on the SIROCCO-2 results.",
    "Administer Veltrava within 30 minutes of removing it from the refrigerator.",
    "In Trial 1, FEV1 improved at week 4 and was maintained through week 52.",
    "Inject Veltrava subcutaneously into the thigh or abdomen every 4 weeks.",
  ])("leaves %j alone", (text) => {
    expect(codes(text)).toEqual([]);
  });

  it("reads German and French", () => {
    expect(codes("Veltrava wirkt sofort.", "de")).toEqual(["SPEED_CLAIM"]);
    expect(codes("Une seule injection, en toute simplicité.", "fr")).toEqual(["EASE_CLAIM"]);
  });
});
