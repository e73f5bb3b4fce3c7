-- The GTM web container's tag is the rendered landing snippet (one description of what runs on the
-- page), so building it waits for render_snippet; it still runs beside the server branch.
update setup.step_kinds set depends_on = '{validate_gtm_access,render_snippet}' where name = 'provision_gtm_web';

insert into setup.diagnosis_rules (code, severity, message_pt, message_en, field, next_action, retries,
                                   max_attempts, backoff_s) values
('cloudflare.invalid_request', 'error', 'A Cloudflare recusou o registro DNS.',
 'Cloudflare refused the DNS record.', 'tracking_domain',
 'Confira o domínio de rastreamento; se persistir, fale com o suporte.', false, 1, 5);
