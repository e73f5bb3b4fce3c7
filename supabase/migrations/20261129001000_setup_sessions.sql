-- No-code onboarding: a setup session per company, its steps with their dependencies, and the rule
-- table that turns every failure into a diagnosis. The database decides which steps are ready and what
-- the session's status is; workers (`trackai work setup`) only run steps and report (setup.report_step).

create schema setup;
grant usage on schema setup to authenticated, service_role;

-- The journey: validating -> provisioning -> awaiting_event -> event_received -> active, with
-- needs_attention reachable from each (a failure the lead must fix). Statuses may be skipped forward
-- because steps overlap; going back happens only when the lead corrects a field or re-validates.
create table setup.sessions (
    id uuid primary key default gen_random_uuid(),
    company_id uuid not null references app.companies (id) on delete cascade,
    created_by uuid references auth.users (id) on delete set null,
    status text not null default 'validating' check (status in (
        'validating', 'provisioning', 'awaiting_event', 'event_received', 'active', 'needs_attention'
    )),
    pixel_id text not null check (pixel_id ~ '^[0-9]{15,16}$'),
    gateway text not null check (gateway in ('perfectpay', 'mercadopago')),
    landing_url text not null check (landing_url ~* '^https?://[^\s/?#]+' and length(landing_url) <= 2000),
    tracking_domain text not null check (
        tracking_domain ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.){2,}[a-z]{2,63}$'
        and length(tracking_domain) <= 253
    ),
    test_event_code text check (test_event_code ~ '^[A-Za-z0-9]{4,32}$'),
    webhook_key text not null references tracking.endpoints (public_key),
    collector_key text not null references tracking.endpoints (public_key),
    gateway_secret_at timestamptz not null default app.now(),
    validating_at timestamptz not null default app.now(),
    provisioning_at timestamptz,
    awaiting_event_at timestamptz,
    event_received_at timestamptz,
    active_at timestamptz,
    needs_attention_at timestamptz,
    created_at timestamptz not null default app.now(),
    updated_at timestamptz not null default app.now(),
    check (status <> 'provisioning' or provisioning_at is not null),
    check (status <> 'awaiting_event' or awaiting_event_at is not null),
    check (status <> 'event_received' or event_received_at is not null),
    check (status <> 'active' or (active_at is not null and event_received_at is not null)),
    check (status <> 'needs_attention' or needs_attention_at is not null)
);
create unique index sessions_one_per_company_idx on setup.sessions (company_id);
create index sessions_event_received_idx on setup.sessions (company_id) where status = 'event_received';
comment on table setup.sessions is
'One onboarding per company: the five fields the lead gave (secrets live encrypted in app.secrets), '
'the keys made for it, and where the journey stands.';
select app.guard_tenant_table('setup.sessions');

-- The steps and what they need: a step is ready when every step it depends on has succeeded; a
-- correction of a field re-runs the steps that read it and everything downstream.
create table setup.step_kinds (
    name text primary key check (name ~ '^[a-z_]{3,40}$'),
    phase text not null check (phase in ('validate', 'provision', 'qa')),
    depends_on text [] not null default '{}',
    reads text [] not null default '{}',
    position int not null unique
);
comment on table setup.step_kinds is 'The step graph (dependencies) and the session fields each step reads.';
-- Reference data: read through setup.status_report, so no policy for dashboard users.
alter table setup.step_kinds enable row level security;

-- Order per provisioning.md §5: GTM server container -> Stape container -> Stape domain -> Cloudflare
-- CNAME -> Stape verifies; the GTM web container runs in parallel from the start.
insert into setup.step_kinds (name, phase, depends_on, reads, position) values
('validate_meta', 'validate', '{}', '{pixel_id,meta_access_token}', 1),
('validate_gateway', 'validate', '{}', '{gateway,gateway_secret,gateway_access_token}', 2),
('validate_landing', 'validate', '{}', '{landing_url,pixel_id}', 3),
('validate_cloudflare', 'validate', '{}', '{tracking_domain,cloudflare_api_token}', 4),
('validate_gtm_access', 'validate', '{}', '{}', 5),
('provision_gtm_server', 'provision', '{validate_gtm_access}', '{tracking_domain}', 6),
('provision_stape', 'provision', '{provision_gtm_server}', '{tracking_domain}', 7),
('provision_dns', 'provision', '{provision_stape,validate_cloudflare}', '{tracking_domain,cloudflare_api_token}', 8),
('provision_gtm_web', 'provision', '{validate_gtm_access}', '{pixel_id,tracking_domain}', 9),
('render_snippet', 'provision', '{validate_meta}', '{pixel_id,landing_url,gateway}', 10),
('test_event', 'qa',
 '{validate_meta,validate_gateway,validate_landing,provision_dns,provision_gtm_web,render_snippet}',
 '{test_event_code,gateway,gateway_secret,meta_access_token,pixel_id}', 11);

-- A step's life: pending (waiting for its dependencies) -> queued -> running -> succeeded | retrying
-- (a transient failure; queued again with backoff) | failed (the lead must fix something).
create table setup.steps (
    id bigint generated always as identity primary key,
    session_id uuid not null references setup.sessions (id) on delete cascade,
    company_id uuid not null references app.companies (id) on delete cascade,
    name text not null references setup.step_kinds (name),
    status text not null default 'pending' check (
        status in ('pending', 'queued', 'running', 'succeeded', 'retrying', 'failed')
    ),
    attempts int not null default 0,
    result jsonb not null default '{}'::jsonb,
    diagnosis_code text,
    last_error text,
    queued_at timestamptz,
    started_at timestamptz,
    finished_at timestamptz,
    next_attempt_at timestamptz,
    updated_at timestamptz not null default app.now(),
    unique (session_id, name),
    check (status <> 'queued' or queued_at is not null),
    check (status <> 'running' or started_at is not null),
    check (status <> 'succeeded' or finished_at is not null),
    check (status <> 'retrying' or (next_attempt_at is not null and diagnosis_code is not null)),
    check (status <> 'failed' or (finished_at is not null and diagnosis_code is not null))
);
create index steps_company_idx on setup.steps (company_id);
select app.guard_tenant_table('setup.steps');

-- Every failure code a step can report, in plain words (pt-BR and English), with the field the lead
-- should fix, the next action, and whether the step retries by itself (with exponential backoff).
create table setup.diagnosis_rules (
    code text primary key check (code ~ '^[a-z_]+\.[a-z_]+$'),
    severity text not null check (severity in ('error', 'warning')),
    message_pt text not null,
    message_en text not null,
    field text,
    next_action text not null,
    retries boolean not null,
    max_attempts int not null default 1 check (max_attempts >= 1),
    backoff_s int not null default 5 check (backoff_s >= 1)
);
alter table setup.diagnosis_rules enable row level security;
alter table setup.steps add foreign key (diagnosis_code) references setup.diagnosis_rules (code);

insert into setup.diagnosis_rules (code, severity, message_pt, message_en, field, next_action, retries,
                                   max_attempts, backoff_s) values
('meta.token_invalid', 'error',
 'O token da API de Conversões é inválido, expirou ou foi revogado.',
 'The Conversions API access token is invalid, expired or revoked.',
 'meta_access_token', 'Gere um novo token no Gerenciador de Eventos e corrija o campo.', false, 1, 5),
('meta.pixel_not_accessible', 'error',
 'O pixel não existe ou este token não tem acesso a ele.',
 'The pixel does not exist or this token cannot access it.',
 'pixel_id', 'Confira o ID do pixel ou dê acesso ao pixel para o usuário do sistema do token.', false, 1, 5),
('meta.rate_limited', 'warning', 'A Meta pediu para esperar (limite de chamadas).',
 'Meta asked us to slow down (rate limit).', null, 'Nada: tentaremos de novo sozinhos.', true, 8, 30),
('meta.unavailable', 'warning', 'A API da Meta está instável.', 'The Meta API is unavailable.',
 null, 'Nada: tentaremos de novo sozinhos.', true, 8, 10),
('gateway.token_mismatch', 'error',
 'O gateway enviou um postback com um token diferente do informado.',
 'The gateway sent a postback whose token differs from the one you gave.',
 'gateway_secret', 'Copie o token do painel do gateway e corrija o campo.', false, 1, 5),
('gateway.credentials_invalid', 'error', 'As credenciais do gateway foram recusadas.',
 'The gateway refused the credentials.', 'gateway_access_token',
 'Gere um novo access token no painel do gateway e corrija o campo.', false, 1, 5),
('gateway.secret_missing', 'error', 'Falta o segredo do gateway.', 'The gateway secret is missing.',
 'gateway_secret', 'Informe o token/segredo do webhook do gateway.', false, 1, 5),
('landing.unreachable', 'warning', 'Não conseguimos abrir a landing page.', 'The landing page could not be fetched.',
 'landing_url', 'Confira o endereço; tentaremos de novo sozinhos.', true, 4, 15),
('landing.blocked_address', 'error',
 'O endereço da landing page aponta para uma rede privada ou usa um protocolo não permitido.',
 'The landing page address points to a private network or uses a protocol we do not fetch.',
 'landing_url', 'Informe o endereço público (http ou https) da página.', false, 1, 5),
('landing.bad_status', 'error', 'A landing page respondeu com erro.', 'The landing page answered with an error.',
 'landing_url', 'Confira se a página está publicada e corrija o endereço.', false, 1, 5),
('landing.snippet_missing', 'error', 'O snippet da Track AI não está instalado na landing page.',
 'The Track AI snippet is not installed on the landing page.', null,
 'Cole o snippet no <head> da página e clique em validar de novo.', false, 1, 5),
('landing.pixel_mismatch', 'error', 'A landing page carrega outro pixel da Meta.',
 'The landing page loads a different Meta pixel.', 'pixel_id',
 'Use o mesmo pixel na página e no cadastro.', false, 1, 5),
('cloudflare.unauthorized', 'error', 'O token da Cloudflare foi recusado.', 'Cloudflare refused the API token.',
 'cloudflare_api_token', 'Crie um token com permissão Zone.DNS:Edit para a zona e corrija o campo.', false, 1, 5),
('cloudflare.zone_not_found', 'error', 'A zona do domínio não existe nesta conta da Cloudflare ou o token não a vê.',
 'The domain''s zone is not in this Cloudflare account, or the token cannot see it.',
 'tracking_domain', 'Confira o domínio de rastreamento ou dê acesso à zona ao token.', false, 1, 5),
('cloudflare.record_conflict', 'error', 'Já existe outro registro DNS com esse nome.',
 'Another DNS record already holds that name.', 'tracking_domain',
 'Apague o registro existente ou escolha outro subdomínio.', false, 1, 5),
('cloudflare.rate_limited', 'warning', 'A Cloudflare pediu para esperar.', 'Cloudflare asked us to slow down.',
 null, 'Nada: tentaremos de novo sozinhos.', true, 8, 30),
('cloudflare.unavailable', 'warning', 'A API da Cloudflare está instável.', 'The Cloudflare API is unavailable.',
 null, 'Nada: tentaremos de novo sozinhos.', true, 8, 10),
('stape.unauthorized', 'error', 'A chave da Stape foi recusada.', 'Stape refused our API key.', null,
 'Suporte Track AI: confira STAPE_API_KEY.', false, 1, 5),
('stape.invalid_request', 'error', 'A Stape recusou o pedido de criação.', 'Stape refused the request.', null,
 'Suporte Track AI: veja o erro registrado.', false, 1, 5),
('stape.container_stuck', 'warning', 'O container da Stape ainda não está rodando.',
 'The Stape container is not running yet.', null, 'Nada: continuaremos verificando.', true, 10, 20),
('stape.container_failed', 'error', 'O container da Stape falhou.', 'The Stape container failed.', null,
 'Suporte Track AI: veja o container no painel da Stape.', false, 1, 5),
('stape.domain_not_ready', 'warning', 'A Stape ainda não verificou o domínio.',
 'Stape has not verified the domain yet.', null, 'Nada: continuaremos verificando.', true, 10, 20),
('stape.rate_limited', 'warning', 'A Stape pediu para esperar.', 'Stape asked us to slow down.', null,
 'Nada: tentaremos de novo sozinhos.', true, 8, 30),
('stape.unavailable', 'warning', 'A API da Stape está instável.', 'The Stape API is unavailable.', null,
 'Nada: tentaremos de novo sozinhos.', true, 8, 10),
('gtm.unauthorized', 'error', 'Nossa conta de serviço não tem acesso à conta do Google Tag Manager.',
 'Our service account has no access to the Google Tag Manager account.', null,
 'Suporte Track AI: adicione a conta de serviço como administradora da conta GTM.', false, 1, 5),
('gtm.account_not_found', 'error', 'A conta do Google Tag Manager não existe.',
 'The Google Tag Manager account does not exist.', null, 'Suporte Track AI: confira GTM_ACCOUNT_ID.', false, 1, 5),
('gtm.rate_limited', 'warning', 'O Google Tag Manager pediu para esperar (cota de chamadas).',
 'Google Tag Manager asked us to slow down (quota).', null, 'Nada: tentaremos de novo sozinhos.', true, 10, 5),
('gtm.compiler_error', 'error', 'O container do GTM não compila.', 'The GTM container does not compile.', null,
 'Suporte Track AI: veja o container no GTM.', false, 1, 5),
('gtm.invalid_request', 'error', 'O GTM recusou o pedido.', 'GTM refused the request.', null,
 'Suporte Track AI: veja o erro registrado.', false, 1, 5),
('gtm.unavailable', 'warning', 'A API do GTM está instável.', 'The GTM API is unavailable.', null,
 'Nada: tentaremos de novo sozinhos.', true, 8, 10),
('network.timeout', 'warning', 'Um serviço demorou demais para responder.', 'A provider took too long to answer.',
 null, 'Nada: tentaremos de novo sozinhos.', true, 6, 10),
('network.unreachable', 'warning', 'Não conseguimos conectar a um serviço.', 'A provider could not be reached.',
 null, 'Nada: tentaremos de novo sozinhos.', true, 6, 10),
('test_event.not_delivered', 'warning', 'O evento de teste ainda não chegou à Meta.',
 'The test event has not reached Meta yet.', null, 'Nada: continuaremos verificando.', true, 20, 2),
('test_event.rejected', 'error', 'O webhook recusou o evento de teste.', 'The webhook refused the test event.',
 'gateway_secret', 'Confira o token do gateway.', false, 1, 5),
('internal.error', 'warning', 'Erro interno ao executar o passo.', 'Internal error while running the step.', null,
 'Nada: tentaremos de novo; se persistir, fale com o suporte.', true, 3, 10);

-- Rendered templates (snippet, GTM export, webhook instructions): numbered versions per company and
-- kind; the same inputs give the same hash and no new version.
create table setup.renders (
    id bigint generated always as identity primary key,
    company_id uuid not null references app.companies (id) on delete cascade,
    kind text not null check (kind in ('landing_snippet', 'gtm_web_export', 'webhook_instructions')),
    version int not null check (version >= 1),
    sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
    inputs jsonb not null,
    body text not null,
    author text not null,
    created_at timestamptz not null default app.now(),
    unique (company_id, kind, version),
    unique (company_id, kind, sha256)
);
select app.guard_tenant_table('setup.renders');

alter table setup.sessions enable row level security;
alter table setup.steps enable row level security;
alter table setup.renders enable row level security;
create policy "Members can read their setup session" on setup.sessions
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their setup steps" on setup.steps
for select to authenticated using (app.has_company_access(company_id));
create policy "Members can read their rendered templates" on setup.renders
for select to authenticated using (app.has_company_access(company_id));
grant select on setup.sessions, setup.steps, setup.renders to authenticated;
grant all on all tables in schema setup to service_role;

select pgmq.create('setup');
