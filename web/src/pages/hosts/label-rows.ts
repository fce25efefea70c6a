/** LabelRow is one row of the labels editor, as typed. */
export interface LabelRow {
  key: string;
  value: string;
}

/** LABEL_KEY_PATTERN is what a label key may look like (the server's LABEL_KEY). */
export const LABEL_KEY_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
/** MAX_LABELS is how many labels a host may have. */
export const MAX_LABELS = 20;
/** MAX_LABEL_VALUE is a label value's length limit. */
export const MAX_LABEL_VALUE = 100;

/** LabelsCheck is the labels to send, or what is wrong with the rows (by row index). */
export type LabelsCheck =
  | { labels: Record<string, string> }
  | { rowErrors: Record<number, string>; error?: string };

/** labelRows are a host's labels as editor rows, in key order. */
export function labelRows(labels: Readonly<Record<string, string>>): LabelRow[] {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ key, value }));
}

/**
 * checkLabels reads the editor's rows into labels, or says what the form can tell by itself is
 * wrong (a key's shape, a repeated key, too many); rows left wholly blank are ignored. The
 * server checks again and its words show too.
 */
export function checkLabels(rows: readonly LabelRow[]): LabelsCheck {
  const labels: Record<string, string> = {};
  const rowErrors: Record<number, string> = {};
  rows.forEach((row, index) => {
    const key = row.key.trim();
    const value = row.value.trim();
    if (key === "" && value === "") return;
    if (!LABEL_KEY_PATTERN.test(key)) {
      rowErrors[index] =
        "Key: 1 to 63 lower-case letters, digits, “_”, “.” or “-”, starting with a letter or digit";
    } else if (Object.hasOwn(labels, key)) {
      rowErrors[index] = `Key ${key} is already used above`;
    } else if (value.length > MAX_LABEL_VALUE) {
      rowErrors[index] = `Value: at most ${MAX_LABEL_VALUE} characters`;
    } else {
      labels[key] = value;
    }
  });
  const count = Object.keys(labels).length + Object.keys(rowErrors).length;
  const error = count > MAX_LABELS ? `At most ${MAX_LABELS} labels` : undefined;
  if (Object.keys(rowErrors).length > 0 || error) return { rowErrors, error };
  return { labels };
}

/** sameLabels says whether two label sets hold the same keys and values. */
export function sameLabels(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}
