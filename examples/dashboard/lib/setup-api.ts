// The setup API (FastAPI, /api/v1/setup) typed from openapi.json: `paths` is openapi-typescript's output
// (trackai-api.ts; `make openapi`), so a changed route or answer breaks this file's type check.
import type { paths } from "./trackai-api";

type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;

export type NewSession = Json<paths["/api/v1/setup/sessions"]["post"]["requestBody"]>;
export type SessionCreated = Json<paths["/api/v1/setup/sessions"]["post"]["responses"][201]>;
export type SessionStatus = Json<paths["/api/v1/setup/sessions/{session_id}/status"]["get"]["responses"][200]>;
export type ApiError = Json<paths["/api/v1/setup/sessions/{session_id}/status"]["get"]["responses"][404]>;

export interface Api {
  baseUrl: string;
  accessToken: string; // the signed-in user's Supabase access token
}

async function call<T>(api: Api, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${api.accessToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const { error } = (await response.json()) as ApiError;
    throw new Error(`${response.status} ${error.code}: ${error.message}`);
  }
  return (await response.json()) as T;
}

export function createSession(api: Api, fields: NewSession): Promise<SessionCreated> {
  return call(api, "POST", "/api/v1/setup/sessions", fields);
}

export function sessionStatus(api: Api, sessionId: string): Promise<SessionStatus> {
  return call(api, "GET", `/api/v1/setup/sessions/${encodeURIComponent(sessionId)}/status`);
}

/** What the status page shows for a step that needs the lead: the diagnosis in their language. */
export function stepsNeedingAttention(status: SessionStatus, language: "pt" | "en"): string[] {
  return (status.steps ?? []).flatMap(({ name, diagnosis }) =>
    diagnosis && diagnosis.severity === "error"
      ? [`${name}: ${language === "pt" ? diagnosis.message_pt : diagnosis.message_en}`]
      : []);
}
