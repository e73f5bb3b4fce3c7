"""`trackai work notify`: deliver alert notifications (monitoring.notifications) to Slack and e-mail.

monitoring.evaluate_alerts() (pg_cron, every minute) opens and resolves alerts; each opening and each
resolution puts one row per channel in the monitoring.notifications outbox and one message on the
`notify` pgmq queue (same transaction). This worker (jobs.base.QueueWorker: woken by pgmq's insert
NOTIFY) takes each message and, in ONE transaction:

1. `monitoring.claim_notification(id)` locks the row FOR UPDATE SKIP LOCKED while it is pending, so two
   notifiers never send the same notification (a second copy of a message, or one whose visibility
   timeout ran out while the first notifier was still sending, finds the row locked or done);
2. posts to the Slack incoming webhook (SLACK_WEBHOOK_URL) or sends the e-mail (SMTP_*);
3. `monitoring.finish_notification(id, outcome, error, retry_after)` records it: sent, skipped (the
   channel is not configured), failed (refused for good) or retry (Slack's Retry-After, else backoff).

A crash between the send and the commit sends that one message again: at least once, never twice
from two live notifiers. The webhook URL carries a secret and is never logged.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

import httpx
import psycopg

from core.settings import Settings
from jobs.base import Message

log = logging.getLogger("trackai.jobs.notify")

QUEUE = "notify"
HELD_RETRY_S = 5.0  # another notifier holds the row: look again after this

_CLAIM = "select id, channel, kind, attempts, alert from monitoring.claim_notification(%s)"
_FINISH = "select monitoring.finish_notification(%s::bigint, %s::text, %s::text, %s::numeric)"
_STATE = ("select status, greatest(0, extract(epoch from next_attempt_at - now()))::float8"
          " from monitoring.notifications where id = %s")

SEVERITY_EMOJI = {"critical": ":rotating_light:", "warning": ":warning:", "info": ":information_source:"}


class Notifier:
    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.http = httpx.Client(timeout=settings.notify_timeout_s, transport=transport)

    # ---- the queue -------------------------------------------------------------------------------
    def handle(self, conn: psycopg.Connection, messages: list[Message]) -> None:
        for m in messages:
            try:
                nid = int((m.message or {}).get("notification") or 0)
            except (TypeError, ValueError, AttributeError):
                nid = 0
            delay = self.deliver(conn, nid) if nid else None
            if delay is None:
                conn.execute("select pgmq.delete(%s, %s::bigint)", (QUEUE, m.msg_id))
            else:
                conn.execute("select pgmq.set_vt(%s, %s::bigint, %s::int)",
                             (QUEUE, m.msg_id, max(1, round(delay))))

    def deliver(self, conn: psycopg.Connection, notification: int) -> float | None:
        """Claim, send and record one notification. Returns the delay before it is due again, or None when
        there is nothing more to do for it (sent, skipped, failed, gone)."""
        try:
            with conn.transaction():
                row = conn.execute(_CLAIM, (notification,)).fetchone()
                if row is None:
                    state = conn.execute(_STATE, (notification,)).fetchone()
                    if state is None or state[0] != "pending":
                        return None
                    return max(state[1], HELD_RETRY_S)  # not due yet, or another notifier holds it
                nid, channel, kind, attempts, alert = row
                outcome, error, retry_after = self.send(channel, kind, alert)
                delay = conn.execute(_FINISH, (nid, outcome, error, retry_after)).fetchone()[0]
        except psycopg.OperationalError:
            raise
        except psycopg.Error as exc:
            log.warning("notification rolled back", extra={"notification": notification,
                                                           "error": f"{type(exc).__name__}: {exc}"[:300]})
            return HELD_RETRY_S
        log.info("notification", extra={
            "notification": nid, "alert": alert.get("id"), "code": alert.get("code"), "channel": channel,
            "kind": kind, "outcome": outcome, "attempt": attempts + 1, "error": error})
        return None if delay is None else float(delay)

    # ---- the channels ----------------------------------------------------------------------------
    def send(self, channel: str, kind: str, alert: dict) -> tuple[str, str | None, float | None]:
        """(outcome, error, retry_after_s) with outcome sent | skipped | failed | retry."""
        if channel == "slack":
            return self.send_slack(kind, alert)
        if channel == "email":
            return self.send_email(kind, alert)
        return "failed", f"unknown channel {channel!r}", None

    def send_slack(self, kind: str, alert: dict) -> tuple[str, str | None, float | None]:
        url = self.settings.slack_webhook_url
        if not url:
            return "skipped", "SLACK_WEBHOOK_URL is not set", None
        try:
            r = self.http.post(url, json=slack_payload(kind, alert))
        except httpx.HTTPError as exc:
            return "retry", f"slack unreachable: {type(exc).__name__}", None
        answer = r.text.strip()[:100]
        if r.status_code == 200:
            return "sent", None, None
        if r.status_code == 429:
            return "retry", f"slack 429 {answer}", _seconds(r.headers.get("retry-after"))
        if r.status_code >= 500:
            return "retry", f"slack {r.status_code} {answer}", None
        # 400 invalid_payload / no_text, 403, 404 no_service, 410 channel_is_archived: will not get better
        return "failed", f"slack {r.status_code} {answer}", None

    def send_email(self, kind: str, alert: dict) -> tuple[str, str | None, float | None]:
        s = self.settings
        if not (s.smtp_host and s.smtp_from and s.alert_email_to):
            return "skipped", "SMTP_HOST, SMTP_FROM or ALERT_EMAIL_TO is not set", None
        msg = email_message(kind, alert, s.smtp_from, s.alert_email_to)
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.notify_timeout_s) as smtp:
                if s.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password or "")
                smtp.send_message(msg)
        except smtplib.SMTPResponseException as exc:
            permanent = 500 <= exc.smtp_code < 600
            return ("failed" if permanent else "retry"), f"smtp {exc.smtp_code}", None
        except smtplib.SMTPRecipientsRefused as exc:
            return "failed", f"smtp recipients refused: {len(exc.recipients)}", None
        except (smtplib.SMTPException, OSError) as exc:
            return "retry", f"smtp unreachable: {type(exc).__name__}", None
        return "sent", None, None


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _value(alert: dict, key: str) -> str:
    v = alert.get(key)
    if v is None:
        return "n/a"
    unit = alert.get("unit") or ""
    return f"{float(v):g}{' ' + unit if unit else ''}"


def summary(kind: str, alert: dict) -> tuple[str, str]:
    """(headline, body) of a notification, shared by Slack and e-mail."""
    where = alert.get("company_slug") or "all tenants"
    if kind == "resolved":
        headline = f"Resolved: {alert['title']}"
        body = (f"Back to normal for {where} (last value {_value(alert, 'last_value')}, "
                f"peak {_value(alert, 'peak_value')}). Opened {alert.get('opened_at')}, "
                f"resolved {alert.get('resolved_at')}.")
    else:
        headline = f"[{alert['severity'].upper()}] {alert['title']}"
        cmp = alert.get("comparator") or ">"
        body = (f"{where}: value {_value(alert, 'last_value')} (alert when {cmp} "
                f"{float(alert['threshold']):g}{' ' + alert['unit'] if alert.get('unit') else ''}).")
        details = alert.get("details") or {}
        if details.get("diagnosis"):
            body += f"\n{details['diagnosis']}"
    body += f"\nRunbook: {alert.get('runbook')} · alert #{alert.get('id')} ({alert.get('code')})"
    return headline, body


def slack_payload(kind: str, alert: dict) -> dict:
    headline, body = summary(kind, alert)
    emoji = (":white_check_mark:" if kind == "resolved"
             else SEVERITY_EMOJI.get(alert.get("severity"), ":bell:"))
    text = f"{emoji} {headline}"
    return {
        "text": f"{text}\n{body}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*\n{body}"}},
        ],
    }


def email_message(kind: str, alert: dict, sender: str, to: tuple[str, ...]) -> EmailMessage:
    headline, body = summary(kind, alert)
    msg = EmailMessage()
    msg["Subject"] = f"[Track AI] {headline}"
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["X-TrackAI-Alert"] = f"{alert.get('id')}:{kind}"
    msg.set_content(body)
    return msg
