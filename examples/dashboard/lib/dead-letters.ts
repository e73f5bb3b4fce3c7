// Dead letters: events Meta would not take without a human. Listed from delivery.dead_letters (RLS: the
// company's members), named by their events' Meta event_id (tracking.events), and replayed one at a time
// with delivery.retry_failed, which refuses anyone below marketing or backoffice admin.
import type { Dashboard, Tables } from "./supabase";

export type DeadLetter = Pick<Tables<{ schema: "delivery" }, "dead_letters">,
  "id" | "event_pk" | "dead_at" | "reason" | "error_code" | "error_message"> & {
  event: Pick<Tables<{ schema: "tracking" }, "events">, "id" | "event_id" | "event_name"> | null;
};

/** The company's open dead letters, newest first. */
export async function openDeadLetters(supabase: Dashboard, companyId: string, limit = 50): Promise<DeadLetter[]> {
  const letters = await supabase
    .schema("delivery")
    .from("dead_letters")
    .select("id, event_pk, dead_at, reason, error_code, error_message")
    .eq("company_id", companyId)
    .is("replayed_at", null)
    .order("dead_at", { ascending: false })
    .limit(limit);
  if (letters.error) throw new Error(letters.error.message);
  // PostgREST embeds within one schema only: the events are a second read
  const events = await supabase
    .schema("tracking")
    .from("events")
    .select("id, event_id, event_name")
    .in("id", letters.data.map((letter) => letter.event_pk));
  if (events.error) throw new Error(events.error.message);
  const byPk = new Map(events.data.map((event) => [event.id, event]));
  return letters.data.map((letter) => ({ ...letter, event: byPk.get(letter.event_pk) ?? null }));
}

export interface Replayed {
  replayId: number | null;
  replayed: number;
}

/** Put one dead letter's event back on the queue (admins). */
export async function replayOne(supabase: Dashboard, companyId: string, letter: DeadLetter): Promise<Replayed> {
  if (!letter.event) throw new Error(`dead letter ${letter.id} has no readable event`);
  const { data, error } = await supabase
    .schema("delivery")
    .rpc("retry_failed", { company: companyId, event_ids: [letter.event.event_id] });
  if (error) throw new Error(`${error.code}: ${error.message}`); // 42501: not an admin of the company
  const [row] = data;
  return { replayId: row?.replay_id ?? null, replayed: row?.replayed ?? 0 };
}
