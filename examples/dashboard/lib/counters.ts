// Today's counters: monitoring.company_counters holds one row per company for the current day (refreshed
// by pg_cron), read once and then followed through Realtime.
import type { RealtimePostgresChangesPayload } from "@supabase/supabase-js";
import type { Dashboard, Tables } from "./supabase";

export type Counters = Pick<Tables<{ schema: "monitoring" }, "company_counters">,
  "day" | "received" | "queued" | "sent" | "retrying" | "dead" | "skipped" | "duplicates" | "open_alerts"
  | "updated_at">;

const COLUMNS = "day, received, queued, sent, retrying, dead, skipped, duplicates, open_alerts, updated_at";

/** null before the company's first event of the day was counted. */
export async function todaysCounters(supabase: Dashboard, companyId: string): Promise<Counters | null> {
  const { data, error } = await supabase
    .schema("monitoring")
    .from("company_counters")
    .select(COLUMNS)
    .eq("company_id", companyId)
    .maybeSingle();
  if (error) throw new Error(error.message);
  return data;
}

/** Calls onChange with each new figure; returns the function that stops listening. */
export function followCounters(supabase: Dashboard, companyId: string, onChange: (counters: Counters) => void) {
  const channel = supabase
    .channel(`counters-${companyId}`)
    .on(
      "postgres_changes",
      { event: "*", schema: "monitoring", table: "company_counters", filter: `company_id=eq.${companyId}` },
      (change: RealtimePostgresChangesPayload<Tables<{ schema: "monitoring" }, "company_counters">>) => {
        if (change.eventType !== "DELETE") onChange(change.new);
      },
    )
    .subscribe();
  return () => supabase.removeChannel(channel);
}
