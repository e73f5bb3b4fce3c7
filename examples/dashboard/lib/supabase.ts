// One typed client for the dashboard: supabase-js with the `Database` type Supabase's generator wrote
// (supabase/types/database.types.ts; `make types`). A Next.js app would build it once, from
// NEXT_PUBLIC_SUPABASE_URL and NEXT_PUBLIC_SUPABASE_ANON_KEY, signed in as a member of a company.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import type { Database, Tables } from "@/database.types";

export type Dashboard = SupabaseClient<Database>;
export type { Database, Tables };

export function dashboardClient(url: string, anonKey: string): Dashboard {
  return createClient<Database>(url, anonKey);
}

/** A PostgREST answer's data, or its error thrown with the message the database gave. */
export function dataOf<T>(answer: { data: T | null; error: { message: string; code?: string } | null }): T {
  if (answer.error) throw new Error(`${answer.error.code ?? "error"}: ${answer.error.message}`);
  if (answer.data === null) throw new Error("no data");
  return answer.data;
}
