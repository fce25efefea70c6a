import { create } from "@bufbuild/protobuf";
import {
  type StatusPage,
  type StatusPageSpec,
  StatusPageSpecSchema,
  StatusPageTheme,
} from "../../../../gen/pulsar/v1/status_page_pb";

/** MonitorValues are one monitor of a group as the form holds it. */
export interface MonitorValues {
  monitorId: string;
  displayName: string;
  showUrl: boolean;
}

/** GroupValues are one group as the form holds it; key keeps React's rows apart on reorder. */
export interface GroupValues {
  key: string;
  name: string;
  monitors: MonitorValues[];
}

/** PageFormValues are the status page form's fields as typed. */
export interface PageFormValues {
  slug: string;
  title: string;
  description: string;
  logoUrl: string;
  theme: StatusPageTheme;
  showResponseTimes: boolean;
  domains: string[];
  groups: GroupValues[];
}

/**
 * PageErrors are errors shown beside the form's parts, by key: "slug", "title", "description",
 * "logoUrl", "domains", "groups" (the groups as a whole), "groups.1" (a group),
 * "groups.1.monitors.0" (a monitor of a group).
 */
export type PageErrors = Record<string, string>;

let nextKey = 0;
/** newGroupKey is a key for a group row that no other row of this tab has. */
export function newGroupKey(): string {
  nextKey += 1;
  return `g${nextKey}`;
}

/** NEW_PAGE is the empty form: one group to fill, the theme following the reader's system. */
export function newPageValues(): PageFormValues {
  return {
    slug: "",
    title: "",
    description: "",
    logoUrl: "",
    theme: StatusPageTheme.AUTO,
    showResponseTimes: false,
    domains: [],
    groups: [{ key: newGroupKey(), name: "Services", monitors: [] }],
  };
}

/** pageValuesOf is a stored page as the form edits it. */
export function pageValuesOf(page: StatusPage): PageFormValues {
  const spec = page.spec ?? create(StatusPageSpecSchema);
  return {
    slug: spec.slug,
    title: spec.title,
    description: spec.description,
    logoUrl: spec.logoUrl,
    theme: spec.theme === StatusPageTheme.UNSPECIFIED ? StatusPageTheme.AUTO : spec.theme,
    showResponseTimes: spec.showResponseTimes,
    domains: [...spec.domains],
    groups: spec.groups.map((group) => ({
      key: newGroupKey(),
      name: group.name,
      monitors: group.monitors.map((m) => ({
        monitorId: m.monitorId,
        displayName: m.displayName,
        showUrl: m.showUrl,
      })),
    })),
  };
}

/** SLUG_PATTERN is the server's rule for a slug: 3–60 of [a-z0-9-], no '-' at either end. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$/;

/**
 * pageSpecOf turns the form into the StatusPageSpec to send, or the errors the form can tell by
 * itself (a slug the server would refuse, a missing title); the server checks the rest and
 * says so in its own words.
 */
export function pageSpecOf(
  values: PageFormValues,
): { spec: StatusPageSpec } | { errors: PageErrors } {
  const errors: PageErrors = {};
  const slug = values.slug.trim();
  if (!SLUG_PATTERN.test(slug)) {
    errors.slug =
      "Use 3–60 lowercase letters, digits and hyphens, starting and ending with a letter or digit";
  }
  if (values.title.trim() === "") errors.title = "Enter a title";
  values.groups.forEach((group, i) => {
    if (group.name.trim() === "") errors[`groups.${i}`] = "Name the group";
  });
  if (Object.keys(errors).length > 0) return { errors };
  return {
    spec: create(StatusPageSpecSchema, {
      slug,
      title: values.title.trim(),
      description: values.description.trim(),
      logoUrl: values.logoUrl.trim(),
      theme: values.theme,
      showResponseTimes: values.showResponseTimes,
      domains: values.domains.map((d) => d.trim().toLowerCase()).filter(Boolean),
      groups: values.groups.map((group) => ({
        name: group.name.trim(),
        monitors: group.monitors.map((m) => ({
          monitorId: m.monitorId,
          displayName: m.displayName.trim(),
          showUrl: m.showUrl,
        })),
      })),
    }),
  };
}

const FIELDS: Record<string, string> = {
  slug: "slug",
  title: "title",
  description: "description",
  logourl: "logoUrl",
  theme: "theme",
  domains: "domains",
  groups: "groups",
};

/**
 * pageErrorKeyOf maps the request field a server error names ("page.groups[1].monitors[0]
 * .monitorId", "page.logo_url") to the PageErrors key of the part it is about; undefined for
 * one the form does not show, whose message then goes below the form.
 */
export function pageErrorKeyOf(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const match = /^page\.([A-Za-z_]+)(?:\[(\d+)\](?:\.monitors\[(\d+)\])?)?/.exec(path);
  if (!match) return undefined;
  const [, name = "", group, monitor] = match;
  const field = FIELDS[name.replaceAll("_", "").toLowerCase()];
  if (field !== "groups" || group === undefined) return field;
  return monitor === undefined ? `groups.${group}` : `groups.${group}.monitors.${monitor}`;
}

/** THEMES are the theme choices in the order the form offers them. */
export const THEMES = [
  { value: String(StatusPageTheme.AUTO), label: "Auto (the reader's system)" },
  { value: String(StatusPageTheme.LIGHT), label: "Light" },
  { value: String(StatusPageTheme.DARK), label: "Dark" },
];

/**
 * serverErrorKeyOf is where the form shows a server's refusal: beside the field it names. A
 * validation error names it first ("page.slug must …"; problemOf reads it); a conflict
 * (already_exists: the slug or a domain is taken elsewhere on the installation) too when it
 * starts with the field, else by what it is about.
 */
export function serverErrorKeyOf(problem: {
  code: number;
  message: string;
  field?: string;
}): string | undefined {
  if (problem.field) return pageErrorKeyOf(problem.field);
  if (problem.code !== ALREADY_EXISTS) return undefined;
  const named = pageErrorKeyOf(/^(page\.[\w.[\]]+) /.exec(problem.message)?.[1]);
  if (named) return named;
  return /domain/i.test(problem.message) ? "domains" : "slug";
}

/** ALREADY_EXISTS is Connect's Code.AlreadyExists (kept a number: this file imports no Connect). */
const ALREADY_EXISTS = 6;
