import { useCallback, useEffect, useRef, useState } from "react";
import type {
  StatusIncident,
  StatusIncidentImpact,
  StatusIncidentStatus,
} from "../../../../../gen/pulsar/v1/status_page_pb";
import { type ApiProblem, isUnauthenticated, problemOf } from "../../../api/errors";
import { rethrowing } from "../../alerts/use-collection";
import type { StatusPagesClient } from "../client";

/** INCIDENT_LIMIT is how many incidents the page shows: open ones, then the most recent. */
export const INCIDENT_LIMIT = 50;

/** NewIncident is what "New incident" sends. */
export interface NewIncident {
  title: string;
  impact: StatusIncidentImpact;
  monitorIds: string[];
  status: StatusIncidentStatus;
  message: string;
}

/** IncidentEdit is what "Edit" sends: the title, impact and affected monitors. */
export interface IncidentEdit {
  title: string;
  impact: StatusIncidentImpact;
  monitorIds: string[];
}

/** IncidentsData are a page's incidents and what changes them; each change rejects with the server's error. */
export interface IncidentsData {
  /** Open ones first, then newest first; undefined while loading. */
  items: StatusIncident[] | undefined;
  problem: ApiProblem | undefined;
  create: (incident: NewIncident) => Promise<void>;
  postUpdate: (id: string, status: StatusIncidentStatus, message: string) => Promise<void>;
  edit: (id: string, edit: IncidentEdit) => Promise<void>;
  remove: (id: string) => Promise<void>;
}

/**
 * useIncidents is a page's incidents (ListStatusIncidents), kept in step with what this page
 * posts: each answer replaces the incident it is about, in place (a new one goes on top).
 */
export function useIncidents(
  client: StatusPagesClient,
  pageId: string,
  onUnauthenticated: () => void,
): IncidentsData {
  const [items, setItems] = useState<StatusIncident[]>();
  const [problem, setProblem] = useState<ApiProblem>();
  const expired = useRef(onUnauthenticated);
  expired.current = onUnauthenticated;

  useEffect(() => {
    const controller = new AbortController();
    setItems(undefined);
    setProblem(undefined);
    client
      .listStatusIncidents({ pageId, limit: INCIDENT_LIMIT }, { signal: controller.signal })
      .then(
        (answer) => setItems(answer.incidents),
        (error: unknown) => {
          if (controller.signal.aborted) return;
          if (isUnauthenticated(error)) expired.current();
          setProblem(problemOf(error));
        },
      );
    return () => controller.abort();
  }, [client, pageId]);

  const put = useCallback((incident: StatusIncident | undefined) => {
    if (!incident) return;
    setItems((held = []) =>
      held.some((i) => i.id === incident.id)
        ? held.map((i) => (i.id === incident.id ? incident : i))
        : [incident, ...held],
    );
  }, []);
  const fail = useCallback((error: unknown) => rethrowing(expired.current)(error), []);

  const create = useCallback(
    async (incident: NewIncident) =>
      put((await client.createStatusIncident({ pageId, ...incident }).catch(fail)).incident),
    [client, pageId, put, fail],
  );
  const postUpdate = useCallback(
    async (id: string, status: StatusIncidentStatus, message: string) =>
      put(
        (await client.addStatusIncidentUpdate({ incidentId: id, status, message }).catch(fail))
          .incident,
      ),
    [client, put, fail],
  );
  const edit = useCallback(
    async (id: string, { title, impact, monitorIds }: IncidentEdit) =>
      put(
        (
          await client
            .updateStatusIncident({ id, title, impact, monitorIds, updateMonitors: true })
            .catch(fail)
        ).incident,
      ),
    [client, put, fail],
  );
  const remove = useCallback(
    async (id: string) => {
      await client.deleteStatusIncident({ id }).catch(fail);
      setItems((held) => held?.filter((i) => i.id !== id));
    },
    [client, fail],
  );
  return { items, problem, create, postUpdate, edit, remove };
}
