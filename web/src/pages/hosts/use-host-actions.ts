import type { MessageInitShape } from "@bufbuild/protobuf";
import { useState } from "react";
import type { UpdateHostRequestSchema } from "../../../../gen/pulsar/v1/host_pb";
import { isUnauthenticated } from "../../api/errors";
import type { HostsDeps } from "./client";
import type { HostEdit } from "./host-edits";

/** HostChange is what an UpdateHost changes: any of name, labels, reset_labels, agent settings. */
export type HostChange = Omit<MessageInitShape<typeof UpdateHostRequestSchema>, "id" | "$typeName">;

/** HostActions change or delete a host; they reject with the server's error for the form. */
export interface HostActions {
  edits: readonly HostEdit[];
  update: (id: string, change: HostChange) => Promise<void>;
  remove: (id: string) => Promise<void>;
}

// Edits older than this are long covered by a fresher poll of the list.
const EDIT_KEPT_MS = 5 * 60_000;

/**
 * useHostActions runs UpdateHost and DeleteHost and remembers their answers as edits, which the
 * host lists lay over what they polled. An expired session goes back to sign-in.
 */
export function useHostActions({ client, onUnauthenticated }: HostsDeps): HostActions {
  const [edits, setEdits] = useState<HostEdit[]>([]);
  const record = (edit: Omit<HostEdit, "atMs">) => {
    const atMs = Date.now();
    setEdits((held) => [...held.filter((e) => e.atMs > atMs - EDIT_KEPT_MS), { ...edit, atMs }]);
  };
  const fail = (error: unknown): never => {
    if (isUnauthenticated(error)) onUnauthenticated();
    throw error;
  };
  return {
    edits,
    async update(id, change) {
      const { host } = await client.updateHost({ ...change, id }).catch(fail);
      if (host) record({ id, host });
    },
    async remove(id) {
      await client.deleteHost({ id }).catch(fail);
      record({ id });
    },
  };
}
