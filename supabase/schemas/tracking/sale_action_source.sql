-- A gateway sale's action_source, by what happened (tracking.action_source_rules): a checkout is website
-- when its page URL and the buyer's user agent are known, an automatic renewal or a refund is
-- system_generated, and so on.
create or replace function tracking.sale_action_source(happened text, browser_known boolean) returns text
language sql stable
set search_path = ''
as $$
  select r.action_source
  from tracking.action_source_rules r
  where r.happened = sale_action_source.happened
    and (r.browser_known is null or r.browser_known = coalesce(sale_action_source.browser_known, false))
  order by r.position
  limit 1
$$;
comment on function tracking.sale_action_source(text, boolean) is
'The action_source of a sale''s event: what happened (checkout, renewal, refund) and whether the browser is known.';
revoke all on function tracking.sale_action_source(text, boolean) from public, anon, authenticated, service_role, looker_reader;
grant execute on function tracking.sale_action_source(text, boolean) to service_role;
