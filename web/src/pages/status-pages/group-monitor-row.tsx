import { CheckboxField } from "../../components/checkbox-field";
import { Button, Field } from "../../components/form";
import type { MonitorValues } from "./page-values";

/**
 * GroupMonitorRow is one monitor of a group: the name the page shows (the monitor's own when
 * left empty), whether its URL is public, and remove.
 */
export function GroupMonitorRow({
  monitor,
  name,
  error,
  onChange,
  onRemove,
}: {
  monitor: MonitorValues;
  /** The monitor's own name. */
  name: string;
  error?: string;
  onChange: (monitor: MonitorValues) => void;
  onRemove: () => void;
}) {
  return (
    <li className="flex flex-wrap items-end gap-3 rounded-md bg-slate-50 p-2 dark:bg-slate-900">
      <Field
        label={`Display name for ${name}`}
        className="min-w-0 flex-1"
        placeholder={name}
        maxLength={200}
        value={monitor.displayName}
        onChange={(e) => onChange({ ...monitor, displayName: e.target.value })}
        error={error}
      />
      <CheckboxField
        label="Show the URL"
        hint="Public on the page"
        checked={monitor.showUrl}
        onChange={(e) => onChange({ ...monitor, showUrl: e.target.checked })}
      />
      <Button kind="secondary" aria-label={`Remove ${name} from the group`} onClick={onRemove}>
        Remove
      </Button>
    </li>
  );
}
