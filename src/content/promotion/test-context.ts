// For the category modules' tests: a sentence in the context the pre-review gives it.
import type { SentenceContext } from "./categories.ts";
import { findTerms } from "../text.ts";

export function sentence(text: string, over: Partial<Omit<SentenceContext, "text">> & { product?: string } = {}): SentenceContext {
  const product = over.product ?? "Veltrava";
  const names = over.names ?? [product];
  return {
    text, language: "en", product, names, mentionsProduct: findTerms(text, names).length > 0, indications: null, headToHead: false, ...over,
  };
}
