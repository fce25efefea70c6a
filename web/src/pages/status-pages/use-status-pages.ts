import { useCallback } from "react";
import type { StatusPage, StatusPageSpec } from "../../../../gen/pulsar/v1/status_page_pb";
import { type Collection, rethrowing, useCollection } from "../alerts/use-collection";
import type { StatusPagesClient } from "./client";

/** StatusPagesData are the organization's pages and what the list changes. */
export interface StatusPagesData extends Collection<StatusPage> {
  /** deletePage deletes a page; it rejects with the server's error for the dialog to show. */
  deletePage: (id: string) => Promise<void>;
}

/** useStatusPages lists the organization's status pages (ListStatusPages) and deletes them. */
export function useStatusPages(
  client: StatusPagesClient,
  onUnauthenticated: () => void,
): StatusPagesData {
  const load = useCallback(
    async (signal: AbortSignal) => (await client.listStatusPages({}, { signal })).pages,
    [client],
  );
  const pages = useCollection(load, onUnauthenticated);
  const { remove } = pages;
  const deletePage = useCallback(
    async (id: string) => {
      await client.deleteStatusPage({ id }).catch(rethrowing(onUnauthenticated));
      remove(id);
    },
    [client, onUnauthenticated, remove],
  );
  return { ...pages, deletePage };
}

/** createPage creates a page and answers it; it rejects with the server's error. */
export async function createPage(
  client: StatusPagesClient,
  spec: StatusPageSpec,
  onUnauthenticated: () => void,
): Promise<StatusPage | undefined> {
  const answer = await client.createStatusPage({ page: spec }).catch(rethrowing(onUnauthenticated));
  return answer.page;
}
