-- Issue 19: the landing fetch (jobs/landing_page.py) refuses ports other than 80 and 443 outside the sandbox.
insert into setup.diagnosis_rules (code, severity, message_pt, message_en, field, next_action, retries,
                                   max_attempts, backoff_s) values
('landing.blocked_port', 'error',
 'O endereço da landing page usa uma porta que não acessamos (só 80 e 443).',
 'The landing page address uses a port we do not fetch (only 80 and 443).',
 'landing_url', 'Informe o endereço público da página sem porta, ou com :80 (http) ou :443 (https).', false, 1, 5);
