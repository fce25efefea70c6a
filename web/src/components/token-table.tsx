import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { ago, timestampMs } from "../lib/format";
import { Button } from "./form";

/** TokenRow is what the table shows of any kind of token (API, agent, probe). */
export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt?: Timestamp;
  lastUsedAt?: Timestamp;
  createdBy: string;
}

/** TokenTableProps are the tokens, the column that tells their kind apart, and revoking. */
export interface TokenTableProps<T extends TokenRow> {
  tokens: readonly T[];
  /** The table's name for screen readers: "API tokens". */
  caption: string;
  /** Shown instead of the table when there are none. */
  empty: string;
  /** The second column: its header and each token's value (its scope, its region). */
  kind: { header: string; of: (token: T) => string };
  /** What revoking one starts (a confirmation). */
  onRevoke: (token: T) => void;
}

/**
 * TokenTable is the table of live tokens: name, kind, prefix, created, last used, created by,
 * and a Revoke button each. It scrolls sideways on a phone rather than squeezing.
 */
export function TokenTable<T extends TokenRow>({
  tokens,
  caption,
  empty,
  kind,
  onRevoke,
}: TokenTableProps<T>) {
  if (tokens.length === 0) {
    return <p className="text-sm text-slate-500 dark:text-slate-400">{empty}</p>;
  }
  const cell = "px-3 py-2 whitespace-nowrap";
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left text-xs text-slate-500 dark:bg-slate-900 dark:text-slate-400">
          <tr>
            {["Name", kind.header, "Prefix", "Created", "Last used", "Created by"].map((h) => (
              <th key={h} scope="col" className={cell}>
                {h}
              </th>
            ))}
            <th scope="col" className={cell}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {tokens.map((token) => {
            const created = timestampMs(token.createdAt);
            const lastUsed = timestampMs(token.lastUsedAt);
            return (
              <tr key={token.id}>
                <th scope="row" className={`${cell} text-left font-medium`}>
                  {token.name}
                </th>
                <td className={cell}>{kind.of(token)}</td>
                <td className={`${cell} font-mono`}>{token.prefix}</td>
                <td
                  className={cell}
                  title={created ? new Date(created).toLocaleString() : undefined}
                >
                  {created ? new Date(created).toLocaleDateString() : "—"}
                </td>
                <td
                  className={cell}
                  title={lastUsed ? new Date(lastUsed).toLocaleString() : undefined}
                >
                  {ago(lastUsed)}
                </td>
                <td className={cell}>{token.createdBy || "—"}</td>
                <td className={`${cell} text-right`}>
                  <Button
                    kind="secondary"
                    aria-label={`Revoke ${token.name}`}
                    onClick={() => onRevoke(token)}
                  >
                    Revoke
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
