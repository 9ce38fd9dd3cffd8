// Who signs content: the MLR reviewers (admin holds every role). Brand review joins with the full workflow.
import type { ReviewerRole } from "../shared/vocabulary.ts";

export const REVIEWER_ROLES_FOR_CONTENT: readonly ReviewerRole[] = ["reviewer:medical", "reviewer:legal", "reviewer:regulatory"];
