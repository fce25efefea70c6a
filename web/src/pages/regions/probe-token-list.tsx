import type { ProbeToken } from "../../../../gen/pulsar/v1/probe_pb";
import { Button } from "../../components/form";
import { ago, timestampMs } from "../../lib/format";

/** ProbeTokenListProps are the tokens and what revoking one starts (a confirmation). */
export interface ProbeTokenListProps {
  tokens: readonly ProbeToken[];
  onRevoke: (token: ProbeToken) => void;
}

/**
 * ProbeTokenList is the table of live probe tokens: name, region, prefix, created, last used,
 * created by, and a Revoke button each.
 */
export function ProbeTokenList({ tokens, onRevoke }: ProbeTokenListProps) {
  if (tokens.length === 0) {
    return <p className="text-sm text-slate-500 dark:text-slate-400">No probe tokens yet.</p>;
  }
  const cell = "px-3 py-2 whitespace-nowrap";
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
      <table className="w-full text-sm">
        <caption className="sr-only">Probe tokens</caption>
        <thead className="bg-slate-50 text-left text-xs text-slate-500 dark:bg-slate-900 dark:text-slate-400">
          <tr>
            {["Name", "Region", "Prefix", "Created", "Last used", "Created by"].map((h) => (
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
                <td className={cell}>{token.region}</td>
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
