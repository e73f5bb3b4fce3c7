// Forcing a pixel's circuit breaker open or closed, for a while and with a reason: the company's owners and
// admins only (delivery.set_breaker_override refuses the others, an unknown pixel and a past expiry). Each
// change is audited and published to Realtime; the global Meta breaker stays with the service role.
import type { Dashboard, Tables } from "./supabase";

export type Force = "open" | "closed";

export type BreakerState = Pick<Tables<{ schema: "delivery" }, "breakers">,
  "destination_id" | "state" | "reason" | "changed_at">;

/** The override's id (delivery.breaker_overrides), to end it early. */
export async function forceBreaker(
  supabase: Dashboard,
  destinationId: number,
  force: Force,
  reason: string,
  expiresAt: Date,
): Promise<number> {
  const { data, error } = await supabase.schema("delivery").rpc("set_breaker_override", {
    destination_id: destinationId,
    force,
    reason,
    expires_at: expiresAt.toISOString(),
  });
  if (error) throw new Error(`${error.code}: ${error.message}`);
  return data;
}

export async function endOverride(supabase: Dashboard, overrideId: number): Promise<void> {
  const { error } = await supabase.schema("delivery").rpc("end_breaker_override", { override_id: overrideId });
  if (error) throw new Error(`${error.code}: ${error.message}`);
}

/** The pixel's breaker as the dispatcher sees it now. */
export async function breakerState(supabase: Dashboard, destinationId: number): Promise<BreakerState | null> {
  const { data, error } = await supabase
    .schema("delivery")
    .from("breakers")
    .select("destination_id, state, reason, changed_at")
    .eq("destination_id", destinationId)
    .maybeSingle();
  if (error) throw new Error(error.message);
  return data;
}
