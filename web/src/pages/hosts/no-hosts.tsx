import { EmptyState } from "../../components/empty-state";
import { Link } from "../../components/link";

/** NoHosts is the hosts page before any host has reported: where hosts come from. */
export function NoHosts() {
  return (
    <EmptyState title="No hosts yet">
      <p>
        Every Pulsar worker reports the machine it runs on: CPU, memory, disks, network and
        processes, every couple of seconds. A host appears here as soon as a worker has sent its
        first sample.
      </p>
      <p className="mt-2">
        Workers started with a Worker token from{" "}
        <Link
          href="/settings/tokens"
          className="text-indigo-600 hover:underline dark:text-indigo-400"
        >
          API tokens
        </Link>{" "}
        report to this organization. The standalone agent, for machines that run no worker, will
        report the same way.
      </p>
    </EmptyState>
  );
}
