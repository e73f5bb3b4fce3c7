-- A touch's campaign / ad set / ad: Meta's ids in the landing URL (campaign_id, adset_id, ad_id, as
-- Meta's URL parameters {{campaign.id}} etc. put them) win over the UTMs (utm_campaign, utm_term as the
-- ad set, utm_content as the ad, the convention of Meta's dynamic UTM template).
create or replace function revenue.url_param(url text, name text) returns text
language sql immutable parallel safe
return nullif(pg_catalog.substring(url, '[?&]' || name || '=([^&#]+)'), '');
revoke all on function revenue.url_param(text,text) from public, anon, authenticated, service_role, looker_reader;
grant execute on function revenue.url_param(text,text) to authenticated, service_role;
