/* @name InsertPage */
INSERT INTO status_pages (org_id, slug, title, description, logo_url, theme,
  show_response_times, group_names)
VALUES (:orgId!, :slug!, :title!, :description!, :logoUrl!, :theme!, :showResponseTimes!,
  :groupNames!::text[])
RETURNING id, created_at, updated_at;

/* @name UpdatePage */
-- Another organization's page is as absent as a missing one: no row, and nothing changed.
UPDATE status_pages
SET slug = :slug!, title = :title!, description = :description!, logo_url = :logoUrl!,
  theme = :theme!, show_response_times = :showResponseTimes!,
  group_names = :groupNames!::text[], updated_at = now()
WHERE id = :id! AND org_id = :orgId!
RETURNING id, created_at, updated_at;

/* @name DeletePageMonitors */
DELETE FROM status_page_monitors WHERE page_id = :pageId!;

/* @name DeletePageDomains */
DELETE FROM status_page_domains WHERE page_id = :pageId!;

/* @name InsertPageMonitors */
-- One row per monitor of the page, from parallel arrays in page order. Only monitors of the
-- organization are stored: the service checked them, and one deleted meanwhile stays out
-- rather than failing the whole write.
INSERT INTO status_page_monitors (page_id, monitor_id, group_index, position, display_name,
  show_url)
SELECT :pageId!, u.monitor_id, u.group_index, u.position, u.display_name, u.show_url
FROM unnest(:monitorIds!::uuid[], :groupIndexes!::integer[], :positions!::integer[],
  :displayNames!::text[], :showUrls!::boolean[])
  AS u(monitor_id, group_index, position, display_name, show_url)
WHERE EXISTS (SELECT 1 FROM monitors m WHERE m.id = u.monitor_id AND m.org_id = :orgId!);

/* @name InsertPageDomains */
INSERT INTO status_page_domains (domain, page_id)
SELECT d, :pageId! FROM unnest(:domains!::text[]) AS d;

/* @name FindTakenDomains */
-- Which of the names another page already holds (whoever's it is).
SELECT domain FROM status_page_domains
WHERE domain = ANY(:domains!::text[]) AND page_id <> :pageId!;

/* @name FindTakenSlug */
SELECT EXISTS (SELECT 1 FROM status_pages WHERE slug = :slug! AND id <> :pageId!) AS "taken!";

/* @name FilterOrgMonitorIds */
-- Which of the given ids are monitors of the organization.
SELECT id FROM monitors WHERE org_id = :orgId! AND id = ANY(:ids!::uuid[]);

/* @name ListOrgPages */
-- Oldest first, as ListStatusPages answers.
SELECT id, org_id, slug, title, description, logo_url, theme, show_response_times,
  group_names AS "group_names!", created_at, updated_at
FROM status_pages
WHERE org_id = :orgId!
ORDER BY created_at, id;

/* @name GetOrgPage */
SELECT id, org_id, slug, title, description, logo_url, theme, show_response_times,
  group_names AS "group_names!", created_at, updated_at
FROM status_pages
WHERE id = :id! AND org_id = :orgId!;

/* @name GetPageBySlug */
-- For the public pages: the slug is unique on the installation, whoever's page it is.
SELECT id, org_id, slug, title, description, logo_url, theme, show_response_times,
  group_names AS "group_names!", created_at, updated_at
FROM status_pages
WHERE slug = :slug!;

/* @name GetPageByDomain */
SELECT p.id, p.org_id, p.slug, p.title, p.description, p.logo_url, p.theme,
  p.show_response_times, p.group_names AS "group_names!", p.created_at, p.updated_at
FROM status_page_domains d
JOIN status_pages p ON p.id = d.page_id
WHERE d.domain = :domain!;

/* @name ListPagesMonitors */
-- The monitors of the given pages, in page order (group, then position in it).
SELECT page_id, monitor_id, group_index, display_name, show_url
FROM status_page_monitors
WHERE page_id = ANY(:pageIds!::uuid[])
ORDER BY page_id, group_index, position;

/* @name ListPagesDomains */
-- In the order they were given is not kept: alphabetical, so answers are stable.
SELECT page_id, domain
FROM status_page_domains
WHERE page_id = ANY(:pageIds!::uuid[])
ORDER BY page_id, domain;

/* @name DeleteOrgPage */
-- Its monitors, domains, incidents and their updates cascade.
DELETE FROM status_pages WHERE id = :id! AND org_id = :orgId! RETURNING id, slug;

/* @name GetOrgPageSlug */
-- The slug of the organization's page: which public rendering a change makes stale.
SELECT slug FROM status_pages WHERE id = :id! AND org_id = :orgId!;
