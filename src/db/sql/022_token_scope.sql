-- 022: what an API key opens (issue 22 review). 'full': the JSON API (/api/) and, for an
-- administrator, the monitoring scrape /metrics — every key made before is one; 'metrics':
-- only /metrics, for Prometheus, so that the scraper's credential reads no results, risk
-- or signs. web/route.c's authenticate() applies it; model/user.c is the only writer.
ALTER TABLE api_token ADD COLUMN kind TEXT NOT NULL DEFAULT 'full' CHECK (kind IN ('full', 'metrics'));
