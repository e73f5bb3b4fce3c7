-- Revenue (issue 22): attribution models are rows, attribution is kept per purchase as sales and touches
-- arrive (the 15-minute rebuild of every company is unscheduled; `trackai revenue rebuild --company`
-- repairs one), and a company's reporting choices are settings.

-- A model splits a purchase across its touches by position: the first touch gets first_share, the last
-- last_share, those between share the rest equally (two touches: first_share : last_share). Both null:
-- every touch the same (linear). Adding a model is adding a row.
create table revenue.attribution_models (
    model text primary key check (model ~ '^[a-z][a-z0-9_]{1,39}$'),
    first_share numeric check (first_share between 0 and 1),
    last_share numeric check (last_share between 0 and 1),
    description text not null,
    check ((first_share is null) = (last_share is null)),
    check (first_share + last_share > 0 and first_share + last_share <= 1)
);
comment on table revenue.attribution_models is 'Attribution models: the share of the first, last and middle touches.';
insert into revenue.attribution_models (model, first_share, last_share, description) values
('last_touch', 0, 1, 'All the credit to the last touch before the purchase.'),
('linear', null, null, 'The same credit to every touch in the lookback.'),
('position_based', 0.4, 0.4, '40 % to the first touch, 40 % to the last, 20 % shared by the touches between.');
-- global, like the gateways: members read their attributions, not this table
alter table revenue.attribution_models enable row level security;

-- attributions: any model of the table; the lead and the purchase time are kept so that a late touch
-- finds the purchases it may change with one index probe; utm_campaign is the touch's UTM campaign
-- (a campaign's name when no spend row names it).
alter table revenue.attributions drop constraint attributions_model_check;
alter table revenue.attributions add foreign key (model) references revenue.attribution_models (model)
on update cascade;
alter table revenue.attributions add column lead_visitor_id text;
alter table revenue.attributions add column purchased_at timestamptz;
alter table revenue.attributions add column utm_campaign text;
create index attributions_lead_idx on revenue.attributions (company_id, lead_visitor_id, purchased_at)
where lead_visitor_id is not null;

-- Reporting choices: the month a refund or chargeback lowers (the purchase's, or the refund's: closed
-- months then stay closed), and who counts as a new customer for CAC (paying customers by default).
alter table revenue.settings add column refunds_in text not null default 'purchase_month'
check (refunds_in in ('purchase_month', 'refund_month'));
alter table revenue.settings add column cac_customers text not null default 'paying'
check (cac_customers in ('paying', 'all'));

-- (pg_cron exists only in the database it runs in; the per-test copies have none)
do $$
begin
  if exists (select 1 from pg_catalog.pg_extension where extname = 'pg_cron') then
    perform cron.unschedule(j.jobid) from cron.job as j where j.jobname = 'trackai-revenue-attribution';
  end if;
end
$$;

-- a visitor who gets a hashed e-mail or phone finds the purchases that carry it (their lead may now be
-- that visitor: revenue.attribute_visitor_leads) without reading the company's sales or events
create index sales_em_idx on tracking.sales (company_id, em) where em is not null;
create index sales_ph_idx on tracking.sales (company_id, ph) where ph is not null;
create index events_purchase_em_idx on tracking.events (company_id, (user_data ->> 'em'))
where event_name = 'Purchase' and source in ('api', 'crm');
create index events_purchase_ph_idx on tracking.events (company_id, (user_data ->> 'ph'))
where event_name = 'Purchase' and source in ('api', 'crm');
