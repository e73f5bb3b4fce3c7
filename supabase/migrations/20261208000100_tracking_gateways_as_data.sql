-- Every Brazilian checkout (issue 17): a gateway is one row of tracking.gateways, one SQL adapter from
-- its payload to tracking.sale_input (supabase/schemas/tracking/<gateway>_sale.sql), its status rows in
-- tracking.status_mappings and, where the check needs the raw bytes, one signature verifier in Python
-- (service/signatures.py). The ingest core (tracking.ingest_webhook_batch, tracking.process_inbound_batch)
-- reads the row and calls the adapter by name; nothing in it names a gateway.

create table tracking.gateways (
    gateway text primary key check (gateway ~ '^[a-z][a-z0-9_]{1,30}$'),
    label text not null,
    -- the function (inbound) -> tracking.sale_input; a name, because the function comes after this row
    adapter text not null check (adapter ~ '^tracking\.[a-z][a-z0-9_]{1,50}$'),
    -- token: a static credential compared by its SHA-256 here; hmac_*: the API checks a signature over the
    -- raw body with the decrypted secret; mercadopago: its x-signature manifest (gateways.md §2.2)
    auth text not null check (auth in ('token', 'hmac_sha1_hex', 'hmac_sha256_hex', 'mercadopago')),
    -- where the credential travels, tried in order: header:<name>, query:<name> or body:<key>
    credential_in text [] not null check (
        cardinality(credential_in) between 1 and 4
        and array_to_string(credential_in, ' ') ~ '^((header|query|body):[A-Za-z0-9_.-]{1,60} ?)+$'),
    -- what the seller pastes into Track AI, as named on the platform's own screen
    credential_label text not null,
    -- the app.secrets kind holding it, encrypted (also the key of a signature)
    secret_kind text not null check (secret_kind ~ '^[a-z][a-z0-9_]{1,40}$'),
    body_format text not null default 'json' check (body_format in ('json', 'form')),
    -- checkout hosts whose links the landing snippet decorates, and the query parameters the platform
    -- carries through to its notification: the visitor id goes in each
    checkout_hosts text [] not null default '{}',
    visitor_params text [] not null default '{}',
    -- the response the platform expects for a stored notification (2xx: none of them retries those)
    ack_status int not null default 200 check (ack_status between 200 and 299)
);
comment on table tracking.gateways is
'One row per gateway: how its notifications authenticate, its adapter, and what onboarding shows.';
alter table tracking.gateways enable row level security;

insert into tracking.gateways (gateway, label, adapter, auth, credential_in, credential_label, secret_kind,
                               body_format, checkout_hosts, visitor_params) values
('perfectpay', 'Perfect Pay', 'tracking.perfectpay_sale', 'token', '{body:token}', 'token',
 'perfectpay_token', 'json', '{checkout.perfectpay.com.br,go.perfectpay.com.br}', '{src}'),
('mercadopago', 'Mercado Pago', 'tracking.mercadopago_sale', 'mercadopago', '{header:x-signature}',
 'assinatura secreta / secret signature', 'mercadopago_webhook_secret', 'json',
 '{mercadopago.com.br,mpago.la}', '{src}'),
('hotmart', 'Hotmart', 'tracking.hotmart_sale', 'token', '{header:x-hotmart-hottok,body:hottok}', 'hottok',
 'hotmart_hottok', 'json', '{pay.hotmart.com,go.hotmart.com}', '{sck,xcod}'),
('kiwify', 'Kiwify', 'tracking.kiwify_sale', 'hmac_sha1_hex', '{query:signature}', 'token do webhook / webhook token',
 'kiwify_token', 'json', '{pay.kiwify.com.br,kiwify.app}', '{sck,src}'),
('eduzz', 'Eduzz', 'tracking.eduzz_sale', 'hmac_sha256_hex', '{header:x-signature}',
 'chave secreta / secret key', 'eduzz_secret', 'json', '{chk.eduzz.com,sun.eduzz.com}', '{src,sck}'),
('monetizze', 'Monetizze', 'tracking.monetizze_sale', 'token', '{body:chave_unica}', 'chave única',
 'monetizze_chave_unica', 'form', '{app.monetizze.com.br}', '{src}'),
('braip', 'Braip', 'tracking.braip_sale', 'token', '{body:basic_authentication}', 'chave única',
 'braip_basic_authentication', 'json', '{ev.braip.com,checkout.braip.com}', '{src}'),
('kirvano', 'Kirvano', 'tracking.kirvano_sale', 'token', '{header:security-token,query:token,body:token}', 'token',
 'kirvano_token', 'json', '{pay.kirvano.com}', '{src,sck}'),
('ticto', 'Ticto', 'tracking.ticto_sale', 'token', '{body:token}', 'token', 'ticto_token', 'json',
 '{checkout.ticto.app,payment.ticto.app}', '{src,sck}'),
('utmify', 'Utmify orders API', 'tracking.utmify_sale', 'token', '{header:x-api-token}', 'x-api-token',
 'utmify_api_token', 'json', '{}', '{src,sck}');

-- the gateway lists the schema checked by hand become references to the rows
alter table tracking.status_mappings drop constraint status_mappings_gateway_check,
    add constraint status_mappings_gateway_fkey foreign key (gateway) references tracking.gateways (gateway);
alter table setup.sessions drop constraint sessions_gateway_check,
    add constraint sessions_gateway_fkey foreign key (gateway) references tracking.gateways (gateway);
alter table tracking.endpoints drop constraint endpoints_kind_check,
    add constraint endpoints_kind_check check (kind = 'collector' or kind ~ '^[a-z][a-z0-9_]{1,30}$'),
    add column gateway text generated always as (nullif(kind, 'collector')) stored
        references tracking.gateways (gateway),
    -- a token gateway's endpoint without a digest refuses every notification (401): fails closed
    drop constraint endpoints_check;
-- Utmify's format carries no key in the URL: the company is found by its token
create unique index endpoints_token_idx on tracking.endpoints (kind, token_sha256) where kind = 'utmify';
alter table tracking.inbound drop constraint inbound_source_check,
    add constraint inbound_source_check check (source ~ '^[a-z][a-z0-9_]{1,30}$');

-- what a status means beyond its event and effect: refused, abandoned_cart, dispute, test ... kept on
-- the inbound row's flags, so that the dashboard can count them
alter table tracking.status_mappings add column flag text check (flag ~ '^[a-z][a-z_]{1,30}$');
update tracking.status_mappings set flag = 'refused' where company_id is null and gateway_status = 'rejected';
update tracking.status_mappings set flag = 'abandoned_cart'
where company_id is null and gateway = 'perfectpay' and gateway_status = 'precheckout';

-- the adapters' gateway_status is the platform's own status (or event) in lower case, as documented in
-- ../shared/reference/gateways_br.md; approved -> Purchase, pending PIX/boleto -> InitiateCheckout,
-- refunded / chargeback -> the sale reversed, refused / abandoned / unknown -> stored and flagged
insert into tracking.status_mappings (company_id, gateway, gateway_status, meta_event, sale_effect, flag)
select null as company_id, m.gateway, m.status, nullif(m.event, '') as meta_event, m.effect, nullif(m.flag, '') as flag
from (values
  ('hotmart', 'purchase_approved', 'Purchase', 'sale', ''),
  ('hotmart', 'purchase_complete', 'Purchase', 'sale', ''),
  ('hotmart', 'purchase_billet_printed', 'InitiateCheckout', 'pending', ''),
  ('hotmart', 'purchase_delayed', '', 'none', ''),
  ('hotmart', 'purchase_expired', '', 'cancel', ''),
  ('hotmart', 'purchase_canceled', '', 'cancel', 'refused'),
  ('hotmart', 'purchase_protest', '', 'none', 'dispute'),
  ('hotmart', 'purchase_refunded', '', 'refund', ''),
  ('hotmart', 'purchase_chargeback', '', 'chargeback', ''),
  ('hotmart', 'purchase_out_of_shopping_cart', '', 'none', 'abandoned_cart'),
  ('kiwify', 'order_approved', 'Purchase', 'sale', ''),
  ('kiwify', 'subscription_renewed', 'Purchase', 'sale', ''),
  ('kiwify', 'billet_created', 'InitiateCheckout', 'pending', ''),
  ('kiwify', 'pix_created', 'InitiateCheckout', 'pending', ''),
  ('kiwify', 'order_rejected', '', 'cancel', 'refused'),
  ('kiwify', 'order_refunded', '', 'refund', ''),
  ('kiwify', 'chargeback', '', 'chargeback', ''),
  ('kiwify', 'subscription_canceled', '', 'none', ''),
  ('kiwify', 'subscription_late', '', 'none', ''),
  ('kiwify', 'cart_abandoned', '', 'none', 'abandoned_cart'),
  ('eduzz', 'invoice_paid', 'Purchase', 'sale', ''),
  ('eduzz', 'invoice_opened', '', 'none', ''),
  ('eduzz', 'invoice_waiting_payment', 'InitiateCheckout', 'pending', ''),
  ('eduzz', 'invoice_refused', '', 'cancel', 'refused'),
  ('eduzz', 'invoice_expired', '', 'cancel', ''),
  ('eduzz', 'invoice_canceled', '', 'cancel', ''),
  ('eduzz', 'invoice_overdue', '', 'none', ''),
  ('eduzz', 'invoice_waiting_refund', '', 'none', 'dispute'),
  ('eduzz', 'invoice_refunded', '', 'refund', ''),
  ('eduzz', 'invoice_chargeback', '', 'chargeback', ''),
  ('eduzz', 'cart_abandonment', '', 'none', 'abandoned_cart'),
  ('eduzz', 'ping', '', 'none', 'ping'),
  ('monetizze', '1', 'InitiateCheckout', 'pending', ''),
  ('monetizze', '2', 'Purchase', 'sale', ''),
  ('monetizze', '3', '', 'cancel', 'refused'),
  ('monetizze', '4', '', 'refund', ''),
  ('monetizze', '5', '', 'none', 'dispute'),
  ('monetizze', '6', 'Purchase', 'sale', ''),
  ('monetizze', '7', '', 'none', 'abandoned_cart'),
  ('monetizze', 'not_for_producer', '', 'none', 'not_for_producer'),
  ('braip', '1', 'InitiateCheckout', 'pending', ''),
  ('braip', '2', 'Purchase', 'sale', ''),
  ('braip', '11', '', 'none', ''),
  ('braip', 'pagamento_aprovado', 'Purchase', 'sale', ''),
  ('braip', 'aguardando_pagamento', 'InitiateCheckout', 'pending', ''),
  ('braip', 'cancelada', '', 'cancel', ''),
  ('braip', 'pagamento_recusado', '', 'cancel', 'refused'),
  ('braip', 'recusada', '', 'cancel', 'refused'),
  ('braip', 'devolvida', '', 'refund', ''),
  ('braip', 'reembolsada', '', 'refund', ''),
  ('braip', 'estornada', '', 'refund', ''),
  ('braip', 'chargeback', '', 'chargeback', ''),
  ('braip', 'abandono', '', 'none', 'abandoned_cart'),
  ('kirvano', 'sale_approved', 'Purchase', 'sale', ''),
  ('kirvano', 'subscription_renewed', 'Purchase', 'sale', ''),
  ('kirvano', 'pix_generated', 'InitiateCheckout', 'pending', ''),
  ('kirvano', 'bank_slip_generated', 'InitiateCheckout', 'pending', ''),
  ('kirvano', 'sale_pending', 'InitiateCheckout', 'pending', ''),
  ('kirvano', 'pix_expired', '', 'cancel', ''),
  ('kirvano', 'sale_refused', '', 'cancel', 'refused'),
  ('kirvano', 'sale_refunded', '', 'refund', ''),
  ('kirvano', 'sale_chargeback', '', 'chargeback', ''),
  ('kirvano', 'subscription_canceled', '', 'none', ''),
  ('kirvano', 'subscription_expired', '', 'none', ''),
  ('kirvano', 'abandoned_cart', '', 'none', 'abandoned_cart'),
  ('ticto', 'authorized', 'Purchase', 'sale', ''),
  ('ticto', 'waiting_payment', 'InitiateCheckout', 'pending', ''),
  ('ticto', 'pix_created', 'InitiateCheckout', 'pending', ''),
  ('ticto', 'bank_slip_created', 'InitiateCheckout', 'pending', ''),
  ('ticto', 'pix_expired', '', 'cancel', ''),
  ('ticto', 'bank_slip_delayed', '', 'none', ''),
  ('ticto', 'refused', '', 'cancel', 'refused'),
  ('ticto', 'refunded', '', 'refund', ''),
  ('ticto', 'chargeback', '', 'chargeback', ''),
  ('ticto', 'claimed', '', 'none', 'dispute'),
  ('ticto', 'abandoned_cart', '', 'none', 'abandoned_cart'),
  ('utmify', 'waiting_payment', 'InitiateCheckout', 'pending', ''),
  ('utmify', 'paid', 'Purchase', 'sale', ''),
  ('utmify', 'refused', '', 'cancel', 'refused'),
  ('utmify', 'refunded', '', 'refund', ''),
  ('utmify', 'chargedback', '', 'chargeback', '')
) as m (gateway, status, event, effect, flag);

-- an adapter also says whether the notification is the platform's test (its test flag or fixed test
-- payload), and the first field it could not read ({field, message}), which refuses it with a 4xx
alter type tracking.sale_input add attribute test boolean, add attribute problem jsonb;
