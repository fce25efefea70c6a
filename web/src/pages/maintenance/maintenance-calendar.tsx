import type { ReactNode } from "react";
import type { Maintenance } from "../../../../gen/pulsar/v1/maintenance_pb";
import { Button } from "../../components/form";
import { coverText, recurrenceText, windowText } from "./describe";
import type { Calendar, Occurrence } from "./upcoming-days";

/** MaintenanceCalendarProps are the laid-out windows and what each entry's buttons start. */
export interface MaintenanceCalendarProps {
  calendar: Calendar;
  onEdit: (maintenance: Maintenance) => void;
  onDelete: (maintenance: Maintenance) => void;
}

/**
 * MaintenanceCalendar is the list of windows: those on now on top ("In progress"), then the
 * upcoming ones under the day they start (in the reader's time zone), then maintenances with
 * no window ahead.
 */
export function MaintenanceCalendar({ calendar, onEdit, onDelete }: MaintenanceCalendarProps) {
  const entry = (occurrence: Occurrence, onNow: boolean) => (
    <Entry
      key={`${occurrence.maintenance.id}:${occurrence.startMs}`}
      maintenance={occurrence.maintenance}
      when={windowText(occurrence.startMs, occurrence.endMs)}
      onNow={onNow}
      onEdit={onEdit}
      onDelete={onDelete}
    />
  );
  return (
    <div className="space-y-6">
      {calendar.inProgress.length > 0 && (
        <Day title="In progress">{calendar.inProgress.map((o) => entry(o, true))}</Day>
      )}
      {calendar.days.map((day) => (
        <Day
          key={day.key}
          title={new Date(day.dayMs).toLocaleDateString(undefined, {
            weekday: "long",
            month: "long",
            day: "numeric",
          })}
          dateTime={day.key}
        >
          {day.occurrences.map((o) => entry(o, false))}
        </Day>
      ))}
      {calendar.idle.length > 0 && (
        <Day title="No window in the next 90 days">
          {calendar.idle.map((maintenance) => (
            <Entry
              key={maintenance.id}
              maintenance={maintenance}
              when=""
              onNow={false}
              onEdit={onEdit}
              onDelete={onDelete}
            />
          ))}
        </Day>
      )}
    </div>
  );
}

/** Day is a heading and the windows under it. */
function Day({
  title,
  dateTime,
  children,
}: {
  title: string;
  dateTime?: string;
  children: ReactNode;
}) {
  return (
    <section aria-label={title} className="space-y-2">
      <h2 className="text-sm font-semibold text-slate-600 dark:text-slate-300">
        {dateTime ? <time dateTime={dateTime}>{title}</time> : title}
      </h2>
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
        {children}
      </ul>
    </section>
  );
}

/** Entry is one window of a maintenance: when, what, how it repeats, Edit and Delete. */
function Entry({
  maintenance,
  when,
  onNow,
  onEdit,
  onDelete,
}: {
  maintenance: Maintenance;
  when: string;
  onNow: boolean;
  onEdit: (maintenance: Maintenance) => void;
  onDelete: (maintenance: Maintenance) => void;
}) {
  const title = maintenance.spec?.title ?? "";
  // A recurring maintenance is listed once per window: the buttons say which one.
  const which = when ? `${title}, ${when}` : title;
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-2 p-3">
      <div className="w-full min-w-0 sm:w-auto sm:flex-1">
        <p className="flex flex-wrap items-center gap-2">
          {when && <span className="font-mono text-sm">{when}</span>}
          <span className="font-medium break-words">{title}</span>
          {onNow && (
            <span className="rounded-full bg-sky-100 px-2 py-0.5 text-xs font-medium text-sky-800 dark:bg-sky-950 dark:text-sky-300">
              In progress
            </span>
          )}
        </p>
        <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
          {recurrenceText(maintenance)} · {coverText(maintenance)}
        </p>
      </div>
      <div className="flex gap-2">
        <Button kind="secondary" aria-label={`Edit ${which}`} onClick={() => onEdit(maintenance)}>
          Edit
        </Button>
        <Button
          kind="secondary"
          aria-label={`Delete ${which}`}
          onClick={() => onDelete(maintenance)}
        >
          Delete
        </Button>
      </div>
    </li>
  );
}
