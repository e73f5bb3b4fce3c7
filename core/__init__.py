"""The base every layer imports: settings, secrets, logs, the request id, Sentry, the migration runner,
tenant provisioning helpers and the public URLs. It imports nothing from `service/`, `jobs/`, `trackai/`
or `fakes/` (tests/test_layers_import_downward_only.py)."""
