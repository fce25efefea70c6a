import type { Client } from "@connectrpc/connect";
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import type { Monitor, MonitorService } from "../../../../gen/pulsar/v1/monitor_pb";
import { type ApiProblem, isUnauthenticated, problemOf } from "../../api/errors";
import { kindOf } from "../../lib/monitor-kind";
import { specOf } from "./build-spec";
import { parseExpectedStatus } from "./expected-status";
import { fieldOfPath, pathOfProblem } from "./field-paths";
import { type FieldErrors, type MonitorFormValues, NEW_MONITOR, valuesOf } from "./form-values";
import { parseRegions } from "./regions";
import { parseTlsExpiryDays } from "./tls-expiry-days";

/** MonitorWriter is the part of MonitorService the form needs. */
export type MonitorWriter = Pick<
  Client<typeof MonitorService>,
  "getMonitor" | "createMonitor" | "updateMonitor"
>;

/** MonitorFormDeps are what the form talks to: the API, and where to go afterwards. */
export interface MonitorFormDeps {
  client: MonitorWriter;
  /** The monitor to edit; absent to create one. */
  id?: string;
  onSaved: (monitor: Monitor) => void;
  onUnauthenticated: () => void;
}

/** LoadState is the monitor being edited: loading, failed to load, or there (or none: new). */
export type LoadState =
  | { phase: "loading" }
  | { phase: "error"; problem: ApiProblem }
  | { phase: "ready" };

/**
 * useMonitorForm is the add / edit form's state: it loads the monitor to edit (GetMonitor),
 * sends CreateMonitor or UpdateMonitor (with the full spec: UpdateMonitor replaces it), and
 * puts the server's validation message beside the field it names.
 */
export function useMonitorForm({ client, id, onSaved, onUnauthenticated }: MonitorFormDeps) {
  const [load, setLoad] = useState<LoadState>(id ? { phase: "loading" } : { phase: "ready" });
  const [base, setBase] = useState<Monitor>();
  const [values, setValues] = useState<MonitorFormValues>(NEW_MONITOR);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  /** Counts rejected submits, so the view can move focus to the first field in error. */
  const [rejected, setRejected] = useState(0);
  /** The values as last rendered: an edit compares against them. */
  const current = useRef(values);
  current.current = values;
  const deps = useRef({ onSaved, onUnauthenticated });
  deps.current = { onSaved, onUnauthenticated };

  useEffect(() => {
    setBase(undefined);
    setValues(NEW_MONITOR);
    setErrors({});
    setFormError(undefined);
    if (!id) {
      setLoad({ phase: "ready" });
      return;
    }
    setLoad({ phase: "loading" });
    const abort = new AbortController();
    client.getMonitor({ id }, { signal: abort.signal }).then(
      ({ monitor }) => {
        if (!monitor) throw new Error("GetMonitor answered without a monitor");
        setBase(monitor);
        setValues(valuesOf(monitor));
        setLoad({ phase: "ready" });
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        if (isUnauthenticated(error)) deps.current.onUnauthenticated();
        setLoad({ phase: "error", problem: problemOf(error) });
      },
    );
    return () => abort.abort();
  }, [client, id]);

  const change = useCallback(
    <K extends keyof MonitorFormValues>(field: K, value: MonitorFormValues[K]) => {
      const previous = current.current;
      setValues((held) => ({ ...held, [field]: value }));
      // The message was about the old value.
      setErrors((held) => withoutStaleErrors(held, field, previous, value));
    },
    [],
  );

  /** blur checks what the form can check by itself as soon as the field is left. */
  const blur = useCallback(
    (field: keyof MonitorFormValues) => {
      if (field === "expectedStatus") {
        const parsed = parseExpectedStatus(values.expectedStatus);
        setErrors((previous) => ({
          ...previous,
          expectedStatus: "error" in parsed ? parsed.error : undefined,
        }));
      } else if (field === "tlsExpiryDays") {
        const parsed = parseTlsExpiryDays(values.tlsExpiryDays);
        setErrors((previous) => ({
          ...previous,
          tlsExpiryDays: "error" in parsed ? parsed.error : undefined,
        }));
      } else if (field === "regions") {
        const parsed = parseRegions(values.regions);
        setErrors((previous) => ({
          ...previous,
          regions: "error" in parsed ? parsed.error : undefined,
        }));
      }
    },
    [values.expectedStatus, values.tlsExpiryDays, values.regions],
  );

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setFormError(undefined);
    // Blank condition lines are not sent: drop them from the editor too, so that the line a
    // server error names ("monitor.conditions[2]") is the one shown third.
    const sent = { ...values, conditions: values.conditions.filter((line) => line.trim() !== "") };
    if (sent.conditions.length !== values.conditions.length) setValues(sent);
    const built = specOf(sent, base);
    if ("errors" in built) {
      setErrors(built.errors);
      setRejected((n) => n + 1);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const { monitor } = id
        ? await client.updateMonitor({ id, monitor: built.spec })
        : await client.createMonitor({ monitor: built.spec });
      setBusy(false);
      if (monitor) deps.current.onSaved(monitor);
    } catch (error) {
      setBusy(false);
      if (isUnauthenticated(error)) deps.current.onUnauthenticated();
      const problem = problemOf(error);
      const field = fieldOfPath(pathOfProblem(problem));
      if (field) setErrors({ [field]: problem.message });
      else setFormError(problem.message);
      setRejected((n) => n + 1);
    }
  };

  const storedKind = base && kindOf(base);
  return { load, values, errors, formError, busy, rejected, storedKind, change, blur, submit };
}

/**
 * withoutStaleErrors drops the errors an edit made stale: the field's own; for the conditions,
 * the message of each line whose text changed, or all of them when a line was added or
 * removed (the lines they named moved).
 */
function withoutStaleErrors<K extends keyof MonitorFormValues>(
  errors: FieldErrors,
  field: K,
  previous: MonitorFormValues,
  value: MonitorFormValues[K],
): FieldErrors {
  if (field === "conditions" && Array.isArray(value)) {
    const before = previous.conditions;
    const next: FieldErrors = { ...errors, conditions: undefined };
    for (const key of Object.keys(errors) as (keyof FieldErrors)[]) {
      const line = /^conditions\[(\d+)\]$/.exec(key)?.[1];
      if (line === undefined) continue;
      if (value.length !== before.length || value[Number(line)] !== before[Number(line)]) {
        delete next[key];
      }
    }
    return next;
  }
  return field in errors ? { ...errors, [field]: undefined } : errors;
}
