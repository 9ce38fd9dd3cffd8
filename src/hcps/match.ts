// Records that are likely one person, for a person to merge: the same NPI on two records (kept from
// before identifiers were unique), or the same name, practice postcode and specialty. Proposals only:
// nothing here merges. Pure.

export interface MatchCandidate {
  id: string;
  name: string;
  specialty: string;
  market: string;
  npi: string | null;
  postalCode: string | null;
  createdAt: string;
}

export interface MergeProposal {
  survivor: string;
  from: string[];
  reason: string;
}

/** "Dr. JANE  A. Smith" and "Jane Smith" compare equal: no title, no initials, case and spacing folded. */
export function normalizedName(name: string): string {
  return name.toLowerCase().replace(/\b(dr|prof|mr|mrs|ms|md|do)\b\.?/g, " ").replace(/\b[a-z]\.?(?=\s|$)/g, " ").replace(/[^a-z\s-]/g, "").replace(/\s+/g, " ").trim();
}

export function likelyDuplicates(records: readonly MatchCandidate[]): MergeProposal[] {
  const proposals: MergeProposal[] = [];
  const used = new Set<string>();
  const group = (key: (r: MatchCandidate) => string | null, reason: (r: MatchCandidate) => string) => {
    const groups = new Map<string, MatchCandidate[]>();
    for (const r of records) {
      if (used.has(r.id)) continue;
      const k = key(r);
      if (k !== null) groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    for (const members of groups.values()) {
      // Two NPIs are two people (namesakes), whatever else they share.
      if (members.length < 2 || new Set(members.flatMap((m) => (m.npi ? [m.npi] : []))).size > 1) continue;
      // The survivor: the record holding an NPI, else the oldest.
      const sorted = [...members].sort((a, b) => Number(b.npi !== null) - Number(a.npi !== null) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      proposals.push({ survivor: sorted[0]!.id, from: sorted.slice(1).map((r) => r.id), reason: reason(sorted[0]!) });
      for (const r of members) used.add(r.id);
    }
  };
  group((r) => (r.npi ? `${r.market}|${r.npi}` : null), (r) => `same NPI ${r.npi}`);
  group((r) => (r.postalCode ? `${r.market}|${normalizedName(r.name)}|${r.postalCode}|${r.specialty.toLowerCase()}` : null),
    (r) => `same name (${normalizedName(r.name)}), practice postcode ${r.postalCode} and specialty ${r.specialty}`);
  return proposals;
}
