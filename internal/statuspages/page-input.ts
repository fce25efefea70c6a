import { type StatusPageSpec, StatusPageTheme } from "../../gen/pulsar/v1/status_page_pb.js";
import { InvalidArgumentError } from "../core/errors.js";
import { requireText } from "../core/text-input.js";
import { requireUuid } from "../core/validate.js";

/** PageTheme is status_pages.theme. */
export type PageTheme = "auto" | "light" | "dark";

/** ResolvedPageMonitor is one monitor of a page as stored. */
export interface ResolvedPageMonitor {
  monitorId: string;
  /** '' shows the monitor's own name. */
  displayName: string;
  showUrl: boolean;
}

/** ResolvedPageGroup is a named group of a page's monitors, in order. */
export interface ResolvedPageGroup {
  name: string;
  monitors: ResolvedPageMonitor[];
}

/** ResolvedPageSpec is a validated StatusPageSpec, as stored. */
export interface ResolvedPageSpec {
  slug: string;
  title: string;
  description: string;
  logoUrl: string;
  theme: PageTheme;
  showResponseTimes: boolean;
  groups: ResolvedPageGroup[];
  /** Lower case, sorted (the order they are stored and answered in). */
  domains: string[];
}

/** The bounds of a page, as status_page.proto states them. */
export const PAGE_LIMITS = {
  groups: 20,
  monitorsPerGroup: 100,
  monitors: 200,
  domains: 5,
  logoUrlLength: 2048,
} as const;

/**
 * SLUG_PATTERN is a page's slug: 3–60 of [a-z0-9-], not starting or ending with '-' (the
 * status_pages CHECK says the same).
 */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$/;

/** A DNS label: 1–63 of [a-z0-9-], not starting or ending with '-'. */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const THEMES: Readonly<Record<number, PageTheme>> = {
  [StatusPageTheme.UNSPECIFIED]: "auto",
  [StatusPageTheme.AUTO]: "auto",
  [StatusPageTheme.LIGHT]: "light",
  [StatusPageTheme.DARK]: "dark",
};

/** PageRules are what the installation adds to the proto's rules. */
export interface PageRules {
  /**
   * Host names no page may claim: the installation's own (PUBLIC_URL's), whose requests would
   * otherwise be answered with an organization's page instead of the dashboard.
   */
  reservedDomains?: readonly string[];
}

/**
 * resolvePageSpec validates a StatusPageSpec from a client (field names as the client wrote
 * them, under `page.`) and returns it as stored. Whether its monitors are the organization's,
 * and whether its slug and domains are free, is for the database to say (pages-db.ts).
 * Counts are checked before anything is walked, so a hostile spec costs little.
 */
export function resolvePageSpec(
  spec: StatusPageSpec | undefined,
  rules: PageRules = {},
): ResolvedPageSpec {
  if (!spec) throw new InvalidArgumentError("page", "is required");
  if (spec.slug === "") throw new InvalidArgumentError("page.slug", "is required");
  if (!SLUG_PATTERN.test(spec.slug)) {
    throw new InvalidArgumentError(
      "page.slug",
      "must be 3–60 lowercase letters, digits or '-', not starting or ending with '-'",
    );
  }
  const theme = THEMES[spec.theme];
  if (!theme) throw new InvalidArgumentError("page.theme", "is not a known theme");
  return {
    slug: spec.slug,
    title: requireText("page.title", spec.title, { min: 1, max: 100 }),
    description: requireText("page.description", spec.description, {
      min: 0,
      max: 1000,
      multiline: true,
    }),
    logoUrl: resolveLogoUrl(spec.logoUrl),
    theme,
    showResponseTimes: spec.showResponseTimes,
    groups: resolveGroups(spec),
    domains: resolveDomains(spec.domains, rules.reservedDomains ?? []),
  };
}

function resolveLogoUrl(value: string): string {
  const field = "page.logoUrl";
  if (value === "") return "";
  if (value.length > PAGE_LIMITS.logoUrlLength) {
    throw new InvalidArgumentError(
      field,
      `must be at most ${PAGE_LIMITS.logoUrlLength} characters`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(field, "must be an https:// URL");
  }
  if (url.protocol !== "https:") throw new InvalidArgumentError(field, "must be an https:// URL");
  // A reader's browser fetches it: credentials in it would be published to every reader.
  if (url.username !== "" || url.password !== "") {
    throw new InvalidArgumentError(field, "must not contain a user name or password");
  }
  return url.href;
}

function resolveGroups(spec: StatusPageSpec): ResolvedPageGroup[] {
  if (spec.groups.length > PAGE_LIMITS.groups) {
    throw new InvalidArgumentError(
      "page.groups",
      `has ${spec.groups.length} groups; at most ${PAGE_LIMITS.groups}`,
    );
  }
  const total = spec.groups.reduce((sum, group) => sum + group.monitors.length, 0);
  if (total > PAGE_LIMITS.monitors) {
    throw new InvalidArgumentError(
      "page.groups",
      `hold ${total} monitors; at most ${PAGE_LIMITS.monitors} in all`,
    );
  }
  const seen = new Set<string>();
  return spec.groups.map((group, g) => {
    const at = `page.groups[${g}]`;
    if (group.monitors.length === 0) {
      throw new InvalidArgumentError(`${at}.monitors`, "must name at least one monitor");
    }
    if (group.monitors.length > PAGE_LIMITS.monitorsPerGroup) {
      throw new InvalidArgumentError(
        `${at}.monitors`,
        `has ${group.monitors.length} monitors; at most ${PAGE_LIMITS.monitorsPerGroup}`,
      );
    }
    return {
      name: requireText(`${at}.name`, group.name, { min: 1, max: 100 }),
      monitors: group.monitors.map((monitor, m) => {
        const field = `${at}.monitors[${m}]`;
        const monitorId = requireUuid(`${field}.monitorId`, monitor.monitorId);
        if (seen.has(monitorId)) {
          throw new InvalidArgumentError(
            `${field}.monitorId`,
            "is on the page already: a monitor may appear once per page",
          );
        }
        seen.add(monitorId);
        return {
          monitorId,
          displayName: requireText(`${field}.displayName`, monitor.displayName, {
            min: 0,
            max: 200,
          }),
          showUrl: monitor.showUrl,
        };
      }),
    };
  });
}

function resolveDomains(values: readonly string[], reserved: readonly string[]): string[] {
  if (values.length > PAGE_LIMITS.domains) {
    throw new InvalidArgumentError(
      "page.domains",
      `has ${values.length} domains; at most ${PAGE_LIMITS.domains}`,
    );
  }
  const domains = values.map((value, i) => {
    const field = `page.domains[${i}]`;
    const domain = value.toLowerCase();
    if (!isHostName(domain)) {
      throw new InvalidArgumentError(
        field,
        'must be a host name such as "status.example.com" (no scheme, port, path or IP address)',
      );
    }
    if (reserved.includes(domain)) {
      throw new InvalidArgumentError(field, "is this installation's own address");
    }
    if (values.slice(0, i).some((earlier) => earlier.toLowerCase() === domain)) {
      throw new InvalidArgumentError(field, "is listed twice");
    }
    return domain;
  });
  return domains.sort();
}

/**
 * isHostName says whether text is a fully qualified DNS name: two or more labels, at most 253
 * characters, and a top-level label that is not all digits (so no IPv4 address; an IPv6 one
 * has ':' and fails the labels).
 */
export function isHostName(text: string): boolean {
  if (text.length > 253) return false;
  const labels = text.split(".");
  if (labels.length < 2) return false;
  if (!labels.every((label) => DNS_LABEL.test(label))) return false;
  return !/^[0-9]+$/.test(labels.at(-1) ?? "");
}
