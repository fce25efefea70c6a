import type { Client } from "@connectrpc/connect";
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import type { Monitor, MonitorService } from "../../../../gen/pulsar/v1/monitor_pb";
import { type ApiProblem, isUnauthenticated, problemOf } from "../../api/errors";
import { parseExpectedStatus } from "./expected-status";
import {
  type FieldErrors,
  fieldOfPath,
  type MonitorFormValues,
  NEW_MONITOR,
  specOf,
  valuesOf,
} from "./form-values";

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
      setValues((previous) => ({ ...previous, [field]: value }));
      // The message was about the old value.
      setErrors((previous) => (field in previous ? { ...previous, [field]: undefined } : previous));
    },
    [],
  );

  /** blur checks what the form can check by itself as soon as the field is left. */
  const blur = useCallback(
    (field: keyof MonitorFormValues) => {
      if (field !== "expectedStatus") return;
      const parsed = parseExpectedStatus(values.expectedStatus);
      setErrors((previous) => ({
        ...previous,
        expectedStatus: "error" in parsed ? parsed.error : undefined,
      }));
    },
    [values.expectedStatus],
  );

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setFormError(undefined);
    const built = specOf(values, base);
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
      const field = fieldOfPath(problem.field);
      if (field) setErrors({ [field]: problem.message });
      else setFormError(problem.message);
      setRejected((n) => n + 1);
    }
  };

  return { load, values, errors, formError, busy, rejected, change, blur, submit };
}
