/**
 * KeysetPage selects the rows after a position (none: from the start), at most limit of them:
 * the position is a row's `seq` (an identity column), so a page costs the same wherever it starts
 * and rows inserted meanwhile neither repeat nor go missing.
 */
export interface KeysetPage {
  afterSeq?: string;
  limit: number;
}
