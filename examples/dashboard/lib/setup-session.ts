// A setup session's status and steps, live: the first state through the setup API (its typed answer,
// openapi-typescript's `paths`), then every change to setup.sessions and setup.steps through Realtime.
import type { RealtimeChannel, RealtimePostgresChangesPayload } from "@supabase/supabase-js";
import type { Dashboard, Tables } from "./supabase";
import { sessionStatus, type SessionStatus } from "./setup-api";

export type SessionRow = Pick<Tables<{ schema: "setup" }, "sessions">,
  "id" | "company_id" | "status" | "updated_at" | "active_at" | "needs_attention_at">;
export type StepRow = Pick<Tables<{ schema: "setup" }, "steps">,
  "id" | "session_id" | "name" | "status" | "attempts" | "last_error" | "diagnosis_code" | "finished_at">;

export interface SessionWatch {
  initial: SessionStatus;
  stop: () => Promise<void>;
}

/** Calls onSession / onStep with each change; the filter keeps the channel to this one session. */
export async function watchSession(
  supabase: Dashboard,
  api: { baseUrl: string; accessToken: string },
  sessionId: string,
  onSession: (session: SessionRow) => void,
  onStep: (step: StepRow) => void,
): Promise<SessionWatch> {
  const channel: RealtimeChannel = supabase
    .channel(`setup-session-${sessionId}`)
    .on(
      "postgres_changes",
      { event: "UPDATE", schema: "setup", table: "sessions", filter: `id=eq.${sessionId}` },
      (change: RealtimePostgresChangesPayload<Tables<{ schema: "setup" }, "sessions">>) => {
        if (change.eventType === "UPDATE") onSession(change.new);
      },
    )
    .on(
      "postgres_changes",
      { event: "*", schema: "setup", table: "steps", filter: `session_id=eq.${sessionId}` },
      (change: RealtimePostgresChangesPayload<Tables<{ schema: "setup" }, "steps">>) => {
        if (change.eventType !== "DELETE") onStep(change.new);
      },
    )
    .subscribe();
  // read after subscribing: a change between the two is not lost, only seen twice
  const initial = await sessionStatus(api, sessionId);
  return { initial, stop: async () => void (await supabase.removeChannel(channel)) };
}

/** The steps as the status page lists them, straight from the table (RLS: members of the company). */
export async function sessionSteps(supabase: Dashboard, sessionId: string): Promise<StepRow[]> {
  const { data, error } = await supabase
    .schema("setup")
    .from("steps")
    .select("id, session_id, name, status, attempts, last_error, diagnosis_code, finished_at")
    .eq("session_id", sessionId)
    .order("id");
  if (error) throw new Error(error.message);
  return data;
}
