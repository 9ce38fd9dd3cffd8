// A problem with one event or one import row, named by field so a person can fix the source.
export interface Problem {
  field: string;
  message: string;
  /** It names something (an HCP, a decision) that does not exist yet; it may on a later try. */
  unresolved?: true;
}

export const describeProblems = (problems: readonly Problem[]) => problems.map((p) => `${p.field}: ${p.message}`).join("; ");
