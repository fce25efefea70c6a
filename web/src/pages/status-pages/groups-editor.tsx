import { Button, Field } from "../../components/form";
import { GroupMonitorRow } from "./group-monitor-row";
import type { MonitorChoice } from "./monitor-choices";
import { MonitorSearch } from "./monitor-search";
import { type GroupValues, newGroupKey, type PageErrors } from "./page-values";

/** GroupsEditorProps are the page's groups, the monitors to choose from, and the errors. */
export interface GroupsEditorProps {
  groups: GroupValues[];
  onChange: (groups: GroupValues[]) => void;
  choices: readonly MonitorChoice[];
  errors: PageErrors;
}

/**
 * GroupsEditor edits the page's groups in the order the page shows them: add, rename, move up
 * or down, remove; each with its monitors, picked from the organization's (a monitor at most
 * once per page: one already in another group says which).
 */
export function GroupsEditor({ groups, onChange, choices, errors }: GroupsEditorProps) {
  const names = new Map(choices.map((c) => [c.id, c.name]));
  const groupOf = new Map<string, string>();
  for (const group of groups) for (const m of group.monitors) groupOf.set(m.monitorId, group.name);

  const update = (index: number, group: GroupValues) =>
    onChange(groups.map((g, i) => (i === index ? group : g)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...groups];
    const [moved] = next.splice(index, 1);
    if (moved) next.splice(index + by, 0, moved);
    onChange(next);
  };

  return (
    <fieldset className="space-y-4">
      <legend className="text-sm font-medium">Groups</legend>
      {errors.groups && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {errors.groups}
        </p>
      )}
      {groups.map((group, index) => {
        const label = group.name.trim() || `Group ${index + 1}`;
        return (
          <section
            key={group.key}
            aria-label={`Group ${label}`}
            className="space-y-3 rounded-lg border border-slate-200 p-3 dark:border-slate-800"
          >
            <div className="flex flex-wrap items-end gap-2">
              <Field
                label="Group name"
                className="min-w-0 flex-1"
                maxLength={100}
                value={group.name}
                onChange={(e) => update(index, { ...group, name: e.target.value })}
                error={errors[`groups.${index}`]}
              />
              <Button
                kind="secondary"
                aria-label={`Move ${label} up`}
                disabled={index === 0}
                onClick={() => move(index, -1)}
              >
                ↑
              </Button>
              <Button
                kind="secondary"
                aria-label={`Move ${label} down`}
                disabled={index === groups.length - 1}
                onClick={() => move(index, 1)}
              >
                ↓
              </Button>
              <Button
                kind="secondary"
                aria-label={`Remove ${label}`}
                onClick={() => onChange(groups.filter((_, i) => i !== index))}
              >
                Remove
              </Button>
            </div>
            <MonitorSearch
              legend={`Monitors in ${label}`}
              choices={choices}
              selected={group.monitors.map((m) => m.monitorId)}
              unavailable={(id) => {
                const other = groupOf.get(id);
                return other === undefined ? undefined : `in ${other || "another group"}`;
              }}
              onToggle={(id, on) =>
                update(index, {
                  ...group,
                  monitors: on
                    ? [...group.monitors, { monitorId: id, displayName: "", showUrl: false }]
                    : group.monitors.filter((m) => m.monitorId !== id),
                })
              }
            />
            {group.monitors.length > 0 && (
              <ul aria-label={`Monitors shown in ${label}`} className="space-y-2">
                {group.monitors.map((monitor, m) => (
                  <GroupMonitorRow
                    key={monitor.monitorId}
                    monitor={monitor}
                    name={names.get(monitor.monitorId) ?? "A deleted monitor"}
                    error={errors[`groups.${index}.monitors.${m}`]}
                    onChange={(next) =>
                      update(index, {
                        ...group,
                        monitors: group.monitors.map((old, j) => (j === m ? next : old)),
                      })
                    }
                    onRemove={() =>
                      update(index, {
                        ...group,
                        monitors: group.monitors.filter((_, j) => j !== m),
                      })
                    }
                  />
                ))}
              </ul>
            )}
          </section>
        );
      })}
      <Button
        kind="secondary"
        onClick={() => onChange([...groups, { key: newGroupKey(), name: "", monitors: [] }])}
      >
        Add group
      </Button>
    </fieldset>
  );
}
