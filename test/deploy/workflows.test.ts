import { describe, expect, it } from "vitest";
import { readYaml } from "./files.js";

// GitHub Actions cannot run here: these hold the workflows to what the release and CI need.

interface Step {
  uses?: string;
  run?: string;
  id?: string;
  with?: Record<string, string | boolean | number>;
}
interface Workflow {
  on: Record<string, { tags?: string[]; branches?: string[] } | null>;
  jobs: Record<string, { "runs-on": string; steps: Step[] }>;
}

const release = readYaml<Workflow>(".github/workflows/release.yml");
const ci = readYaml<Workflow>(".github/workflows/ci.yml");
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);
const action = (workflow: Workflow, name: string) =>
  steps(workflow).find((step) => step.uses?.split("@")[0] === name);

describe("the release workflow", () => {
  it("runs on pushed tags v*, and on nothing else", () => {
    expect(release.on).toEqual({ push: { tags: ["v*"] } });
  });

  it("pins every action to a major version", () => {
    for (const step of steps(release).filter((s) => s.uses)) {
      expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    }
  });

  it("sets up QEMU and Buildx, and logs in to Docker Hub with the two secrets", () => {
    expect(action(release, "docker/setup-qemu-action")).toBeDefined();
    expect(action(release, "docker/setup-buildx-action")).toBeDefined();
    const secret = (name: string) => `\${{ secrets.${name} }}`;
    expect(action(release, "docker/login-action")?.with).toEqual({
      username: secret("DOCKERHUB_USERNAME"),
      password: secret("DOCKERHUB_TOKEN"),
    });
  });

  it("tags the image with the version and latest", () => {
    const meta = action(release, "docker/metadata-action");
    const tags = String(meta?.with?.tags)
      .split("\n")
      .map((line) => line.trim());
    expect(tags).toContain("type=semver,pattern={{version}}");
    expect(tags.some((tag) => tag.startsWith("type=raw,value=latest"))).toBe(true);
    expect(String(meta?.with?.images)).toContain("pulsar/pulsar");
  });

  it("builds for amd64 and arm64 and pushes, with the GitHub Actions cache", () => {
    const build = action(release, "docker/build-push-action");
    const meta = action(release, "docker/metadata-action");
    expect(build?.with?.platforms).toBe("linux/amd64,linux/arm64");
    expect(build?.with?.push).toBe(true);
    expect(build?.with?.tags).toBe(`\${{ steps.${meta?.id}.outputs.tags }}`);
    expect(build?.with?.["cache-from"]).toBe("type=gha");
    expect(build?.with?.["cache-to"]).toBe("type=gha,mode=max");
  });
});

describe("the CI workflow", () => {
  it("runs on every push and pull request", () => {
    expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
  });

  it("runs .ci/run as root on ubuntu-latest with Node 20", () => {
    const [job] = Object.values(ci.jobs);
    expect(job?.["runs-on"]).toBe("ubuntu-latest");
    expect(action(ci, "actions/setup-node")?.with?.["node-version"]).toBe(20);
    const run = steps(ci).find((step) => step.run?.includes(".ci/run"));
    expect(run?.run).toMatch(/^sudo -E .*bash \.ci\/run$/);
    for (const step of steps(ci).filter((s) => s.uses)) {
      expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    }
  });
});
