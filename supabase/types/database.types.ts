export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  app: {
    Tables: {
      companies: {
        Row: {
          created_at: string
          id: string
          name: string
          slug: string
          test_event_code: string | null
          updated_at: string
        }
        Insert: {
          created_at?: string
          id?: string
          name: string
          slug: string
          test_event_code?: string | null
          updated_at?: string
        }
        Update: {
          created_at?: string
          id?: string
          name?: string
          slug?: string
          test_event_code?: string | null
          updated_at?: string
        }
        Relationships: []
      }
      company_members: {
        Row: {
          company_id: string
          created_at: string
          role: string
          user_id: string
        }
        Insert: {
          company_id: string
          created_at?: string
          role: string
          user_id: string
        }
        Update: {
          company_id?: string
          created_at?: string
          role?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "company_members_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["id"]
          },
        ]
      }
      cron_heartbeat: {
        Row: {
          beat_at: string
          id: boolean
        }
        Insert: {
          beat_at: string
          id?: boolean
        }
        Update: {
          beat_at?: string
          id?: boolean
        }
        Relationships: []
      }
      secrets: {
        Row: {
          ciphertext: string
          company_id: string
          created_at: string
          id: number
          key_id: string
          kind: string
          updated_at: string
        }
        Insert: {
          ciphertext: string
          company_id: string
          created_at?: string
          id?: never
          key_id: string
          kind: string
          updated_at?: string
        }
        Update: {
          ciphertext?: string
          company_id?: string
          created_at?: string
          id?: never
          key_id?: string
          kind?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "secrets_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      admin_company: {
        Args: { action: string; company: string }
        Returns: string
      }
      cron_beat: { Args: Record<PropertyKey, never>; Returns: undefined }
      guard_tenant_table: { Args: { tbl: unknown }; Returns: undefined }
      has_company_access: {
        Args: { company: string; min_role?: string }
        Returns: boolean
      }
      is_anonymous: { Args: Record<PropertyKey, never>; Returns: boolean }
      my_company_ids: { Args: { min_role?: string }; Returns: string[] }
      now: { Args: Record<PropertyKey, never>; Returns: string }
      retime_messages: {
        Args: { msg_ids: number[]; queue_name: string; visible_at: string }
        Returns: undefined
      }
      role_rank: { Args: { role: string }; Returns: number }
      schedule: {
        Args: { command: string; cron_schedule: string; job_name: string }
        Returns: undefined
      }
      wake_workers_on_insert: {
        Args: { queue_name: string }
        Returns: undefined
      }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  delivery: {
    Tables: {
      alerts: {
        Row: {
          company_id: string | null
          created_at: string
          destination_id: number | null
          details: NonNullable<Json>
          diagnosis: string
          id: number
          kind: string
          resolved_at: string | null
          severity: string
          title: string
        }
        Insert: {
          company_id?: string | null
          created_at?: string
          destination_id?: number | null
          details?: NonNullable<Json>
          diagnosis: string
          id?: never
          kind: string
          resolved_at?: string | null
          severity: string
          title: string
        }
        Update: {
          company_id?: string | null
          created_at?: string
          destination_id?: number | null
          details?: NonNullable<Json>
          diagnosis?: string
          id?: never
          kind?: string
          resolved_at?: string | null
          severity?: string
          title?: string
        }
        Relationships: [
          {
            foreignKeyName: "alerts_destination_id_fkey"
            columns: ["destination_id"]
            isOneToOne: false
            referencedRelation: "destinations"
            referencedColumns: ["id"]
          },
        ]
      }
      attempts: {
        Row: {
          attempted_at: string
          company_id: string
          destination_id: number | null
          error_code: number | null
          error_message: string | null
          error_subcode: number | null
          error_type: string | null
          error_user_msg: string | null
          error_user_title: string | null
          event_count: number
          event_pks: number[]
          events_received: number | null
          failure: string | null
          fbtrace_id: string | null
          http_status: number | null
          id: number
          is_transient: boolean | null
          latency_ms: number | null
          messages: Json | null
          outcome: string
          pixel_id: string
          probe: boolean
          request_id: string
          response_headers: NonNullable<Json>
          rule_id: number | null
        }
        Insert: {
          attempted_at?: string
          company_id: string
          destination_id?: number | null
          error_code?: number | null
          error_message?: string | null
          error_subcode?: number | null
          error_type?: string | null
          error_user_msg?: string | null
          error_user_title?: string | null
          event_count: number
          event_pks: number[]
          events_received?: number | null
          failure?: string | null
          fbtrace_id?: string | null
          http_status?: number | null
          id?: never
          is_transient?: boolean | null
          latency_ms?: number | null
          messages?: Json | null
          outcome: string
          pixel_id: string
          probe?: boolean
          request_id: string
          response_headers?: NonNullable<Json>
          rule_id?: number | null
        }
        Update: {
          attempted_at?: string
          company_id?: string
          destination_id?: number | null
          error_code?: number | null
          error_message?: string | null
          error_subcode?: number | null
          error_type?: string | null
          error_user_msg?: string | null
          error_user_title?: string | null
          event_count?: number
          event_pks?: number[]
          events_received?: number | null
          failure?: string | null
          fbtrace_id?: string | null
          http_status?: number | null
          id?: never
          is_transient?: boolean | null
          latency_ms?: number | null
          messages?: Json | null
          outcome?: string
          pixel_id?: string
          probe?: boolean
          request_id?: string
          response_headers?: NonNullable<Json>
          rule_id?: number | null
        }
        Relationships: [
          {
            foreignKeyName: "attempts_destination_id_fkey"
            columns: ["destination_id"]
            isOneToOne: false
            referencedRelation: "destinations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "attempts_rule_id_fkey"
            columns: ["rule_id"]
            isOneToOne: false
            referencedRelation: "error_rules"
            referencedColumns: ["id"]
          },
        ]
      }
      breaker_changes: {
        Row: {
          breaker_id: number
          changed_at: string
          company_id: string | null
          destination_id: number | null
          error_rate: number | null
          from_state: string
          id: number
          reason: string | null
          scope: string
          to_state: string
          window_attempts: number | null
        }
        Insert: {
          breaker_id: number
          changed_at?: string
          company_id?: string | null
          destination_id?: number | null
          error_rate?: number | null
          from_state: string
          id?: never
          reason?: string | null
          scope: string
          to_state: string
          window_attempts?: number | null
        }
        Update: {
          breaker_id?: number
          changed_at?: string
          company_id?: string | null
          destination_id?: number | null
          error_rate?: number | null
          from_state?: string
          id?: never
          reason?: string | null
          scope?: string
          to_state?: string
          window_attempts?: number | null
        }
        Relationships: [
          {
            foreignKeyName: "breaker_changes_breaker_id_fkey"
            columns: ["breaker_id"]
            isOneToOne: false
            referencedRelation: "breakers"
            referencedColumns: ["id"]
          },
        ]
      }
      breaker_override_changes: {
        Row: {
          action: string
          after: NonNullable<Json>
          before: Json | null
          changed_at: string
          changed_by: string
          company_id: string | null
          destination_id: number | null
          id: number
          override_id: number
          scope: string
        }
        Insert: {
          action: string
          after: NonNullable<Json>
          before?: Json | null
          changed_at?: string
          changed_by: string
          company_id?: string | null
          destination_id?: number | null
          id?: never
          override_id: number
          scope: string
        }
        Update: {
          action?: string
          after?: NonNullable<Json>
          before?: Json | null
          changed_at?: string
          changed_by?: string
          company_id?: string | null
          destination_id?: number | null
          id?: never
          override_id?: number
          scope?: string
        }
        Relationships: []
      }
      breaker_overrides: {
        Row: {
          company_id: string | null
          created_at: string
          created_by: string
          destination_id: number | null
          expires_at: string
          force: string
          id: number
          reason: string
          scope: string
        }
        Insert: {
          company_id?: string | null
          created_at?: string
          created_by: string
          destination_id?: number | null
          expires_at: string
          force: string
          id?: never
          reason: string
          scope: string
        }
        Update: {
          company_id?: string | null
          created_at?: string
          created_by?: string
          destination_id?: number | null
          expires_at?: string
          force?: string
          id?: never
          reason?: string
          scope?: string
        }
        Relationships: [
          {
            foreignKeyName: "breaker_overrides_destination_id_fkey"
            columns: ["destination_id"]
            isOneToOne: false
            referencedRelation: "destinations"
            referencedColumns: ["id"]
          },
        ]
      }
      breakers: {
        Row: {
          changed_at: string
          closed_at: string | null
          company_id: string | null
          destination_id: number | null
          error_rate: number | null
          half_open_at: string | null
          id: number
          opened_at: string | null
          probe_at: string | null
          reason: string | null
          scope: string
          state: string
          window_attempts: number | null
        }
        Insert: {
          changed_at?: string
          closed_at?: string | null
          company_id?: string | null
          destination_id?: number | null
          error_rate?: number | null
          half_open_at?: string | null
          id?: never
          opened_at?: string | null
          probe_at?: string | null
          reason?: string | null
          scope: string
          state?: string
          window_attempts?: number | null
        }
        Update: {
          changed_at?: string
          closed_at?: string | null
          company_id?: string | null
          destination_id?: number | null
          error_rate?: number | null
          half_open_at?: string | null
          id?: never
          opened_at?: string | null
          probe_at?: string | null
          reason?: string | null
          scope?: string
          state?: string
          window_attempts?: number | null
        }
        Relationships: [
          {
            foreignKeyName: "breakers_destination_id_fkey"
            columns: ["destination_id"]
            isOneToOne: true
            referencedRelation: "destinations"
            referencedColumns: ["id"]
          },
        ]
      }
      dead_letters: {
        Row: {
          attempt_id: number | null
          company_id: string
          dead_at: string
          destination_id: number | null
          error_code: number | null
          error_message: string | null
          error_subcode: number | null
          event_pk: number
          id: number
          reason: string
          replay_id: number | null
          replayed_at: string | null
        }
        Insert: {
          attempt_id?: number | null
          company_id: string
          dead_at?: string
          destination_id?: number | null
          error_code?: number | null
          error_message?: string | null
          error_subcode?: number | null
          event_pk: number
          id?: never
          reason: string
          replay_id?: number | null
          replayed_at?: string | null
        }
        Update: {
          attempt_id?: number | null
          company_id?: string
          dead_at?: string
          destination_id?: number | null
          error_code?: number | null
          error_message?: string | null
          error_subcode?: number | null
          event_pk?: number
          id?: never
          reason?: string
          replay_id?: number | null
          replayed_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "dead_letters_attempt_id_fkey"
            columns: ["attempt_id"]
            isOneToOne: false
            referencedRelation: "attempts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "dead_letters_attempt_id_fkey"
            columns: ["attempt_id"]
            isOneToOne: false
            referencedRelation: "event_history"
            referencedColumns: ["attempt_id"]
          },
          {
            foreignKeyName: "dead_letters_destination_id_fkey"
            columns: ["destination_id"]
            isOneToOne: false
            referencedRelation: "destinations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "dead_letters_event_pk_fkey"
            columns: ["event_pk"]
            isOneToOne: false
            referencedRelation: "event_history"
            referencedColumns: ["event_pk"]
          },
          {
            foreignKeyName: "dead_letters_replay_id_fkey"
            columns: ["replay_id"]
            isOneToOne: false
            referencedRelation: "replays"
            referencedColumns: ["id"]
          },
        ]
      }
      destinations: {
        Row: {
          company_id: string
          created_at: string
          id: number
          paused_at: string | null
          paused_reason: string | null
          pixel_id: string
          status: string
          test_event_code: string | null
          updated_at: string
        }
        Insert: {
          company_id: string
          created_at?: string
          id?: never
          paused_at?: string | null
          paused_reason?: string | null
          pixel_id: string
          status?: string
          test_event_code?: string | null
          updated_at?: string
        }
        Update: {
          company_id?: string
          created_at?: string
          id?: never
          paused_at?: string | null
          paused_reason?: string | null
          pixel_id?: string
          status?: string
          test_event_code?: string | null
          updated_at?: string
        }
        Relationships: []
      }
      error_rules: {
        Row: {
          code_max: number | null
          code_min: number | null
          diagnosis: string | null
          failure: string | null
          http_max: number | null
          http_min: number | null
          id: number
          outcome: string
          reason: string
          source: string
          subcode: number | null
          transient: boolean | null
        }
        Insert: {
          code_max?: number | null
          code_min?: number | null
          diagnosis?: string | null
          failure?: string | null
          http_max?: number | null
          http_min?: number | null
          id: number
          outcome: string
          reason: string
          source: string
          subcode?: number | null
          transient?: boolean | null
        }
        Update: {
          code_max?: number | null
          code_min?: number | null
          diagnosis?: string | null
          failure?: string | null
          http_max?: number | null
          http_min?: number | null
          id?: number
          outcome?: string
          reason?: string
          source?: string
          subcode?: number | null
          transient?: boolean | null
        }
        Relationships: []
      }
      replays: {
        Row: {
          actor: string
          company_id: string
          created_at: string
          event_count: number
          filter: NonNullable<Json>
          id: number
          requested_by: string | null
          via: string
        }
        Insert: {
          actor: string
          company_id: string
          created_at?: string
          event_count: number
          filter: NonNullable<Json>
          id?: never
          requested_by?: string | null
          via: string
        }
        Update: {
          actor?: string
          company_id?: string
          created_at?: string
          event_count?: number
          filter?: NonNullable<Json>
          id?: never
          requested_by?: string | null
          via?: string
        }
        Relationships: []
      }
      settings: {
        Row: {
          backoff_s: number[]
          breaker_close_rate: number
          breaker_cooldown: string
          breaker_min_attempts: number
          breaker_open_rate: number
          breaker_window: string
          id: boolean
          jitter: number
          max_attempts: number
          probe_timeout: string
          updated_at: string
        }
        Insert: {
          backoff_s?: number[]
          breaker_close_rate?: number
          breaker_cooldown?: string
          breaker_min_attempts?: number
          breaker_open_rate?: number
          breaker_window?: string
          id?: boolean
          jitter?: number
          max_attempts?: number
          probe_timeout?: string
          updated_at?: string
        }
        Update: {
          backoff_s?: number[]
          breaker_close_rate?: number
          breaker_cooldown?: string
          breaker_min_attempts?: number
          breaker_open_rate?: number
          breaker_window?: string
          id?: boolean
          jitter?: number
          max_attempts?: number
          probe_timeout?: string
          updated_at?: string
        }
        Relationships: []
      }
    }
    Views: {
      event_history: {
        Row: {
          attempt_id: number | null
          attempted_at: string | null
          company_id: string | null
          dead_at: string | null
          error_code: number | null
          error_message: string | null
          error_subcode: number | null
          error_type: string | null
          error_user_msg: string | null
          event_attempts: number | null
          event_count: number | null
          event_id: string | null
          event_name: string | null
          event_pk: number | null
          event_time: string | null
          events_received: number | null
          failure: string | null
          fbtrace_id: string | null
          http_status: number | null
          is_transient: boolean | null
          last_error: string | null
          latency_ms: number | null
          outcome: string | null
          pixel_id: string | null
          probe: boolean | null
          queued_at: string | null
          received_at: string | null
          request_id: string | null
          response_headers: Json | null
          sent_at: string | null
          status: string | null
        }
        Relationships: []
      }
    }
    Functions: {
      admin_destination_company: {
        Args: { action: string; destination: number }
        Returns: string
      }
      build_payload: {
        Args: { destination: number; event_pks: number[] }
        Returns: Json
      }
      bury: {
        Args: {
          attempt?: number
          code?: number
          event_pks: number[]
          message?: string
          msg_ids: number[]
          subcode?: number
          why: string
        }
        Returns: number
      }
      claim: {
        Args: { destination: number; event_list: number[]; msg_list: number[] }
        Returns: {
          ciphertext: string
          company_id: string
          event_pks: number[]
          key_id: string
          msg_ids: number[]
          payload: string
          pixel_id: string
        }[]
      }
      classify_error: {
        Args: {
          code: number
          failure: string
          http_status: number
          subcode: number
          transient: boolean
        }
        Returns: {
          diagnosis: string
          outcome: string
          reason: string
          rule_id: number
        }[]
      }
      destination_breaker: { Args: { destination: number }; Returns: number }
      end_breaker_override: {
        Args: { override_id: number }
        Returns: undefined
      }
      evaluate_breakers: {
        Args: { destination: number; outcome: string; probe: boolean }
        Returns: undefined
      }
      event_window: { Args: { action_source: string }; Returns: string }
      may_send: {
        Args: { destination: number }
        Returns: Record<string, unknown>
      }
      override_breaker: {
        Args: {
          created_by: string
          destination: number
          expires_at: string
          force: string
          reason: string
        }
        Returns: number
      }
      pause_destination: {
        Args: {
          destination: number
          details?: Json
          diagnosis: string
          reason: string
        }
        Returns: boolean
      }
      plan: {
        Args: { event_list: number[]; msg_list: number[] }
        Returns: {
          destination_id: number
          event_pks: number[]
          msg_ids: number[]
          probe: boolean
        }[]
      }
      record_attempt: {
        Args: {
          destination: number
          event_list: number[]
          failure?: string
          failure_detail?: string
          http_status: number
          latency_ms: number
          msg_list: number[]
          probe?: boolean
          request_id: string
          response_body: string
          response_headers?: Json
        }
        Returns: string
      }
      replay_dead: {
        Args: {
          actor?: string
          company: string
          dead_since?: string
          dead_until?: string
          error_code?: number
          event_ids?: string[]
          requested_by?: string
          via?: string
        }
        Returns: {
          company_id: string
          replay_id: number
          replayed: number
        }[]
      }
      resume_destination: { Args: { destination: number }; Returns: number }
      retry_failed: {
        Args: {
          company?: string
          dead_since?: string
          dead_until?: string
          error_code?: number
          event_ids?: string[]
        }
        Returns: {
          company_id: string
          replay_id: number
          replayed: number
        }[]
      }
      safe_headers: { Args: { headers: Json }; Returns: Json }
      set_breaker: {
        Args: {
          breaker: number
          n?: number
          rate?: number
          to_state: string
          why: string
        }
        Returns: boolean
      }
      set_breaker_override: {
        Args: {
          destination_id: number
          expires_at: string
          force: string
          reason: string
        }
        Returns: number
      }
      try_jsonb: { Args: { body: string }; Returns: Json }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  monitoring: {
    Tables: {
      alert_rules: {
        Row: {
          channels: string[]
          clear_evaluations: number
          clear_threshold: number
          code: string
          company_id: string | null
          comparator: string
          created_at: string
          enabled: boolean
          id: number
          min_samples: number
          settle: string
          severity: string
          threshold: number
          time_window: string | null
          title: string
          unit: string
          updated_at: string
        }
        Insert: {
          channels?: string[]
          clear_evaluations?: number
          clear_threshold: number
          code: string
          company_id?: string | null
          comparator?: string
          created_at?: string
          enabled?: boolean
          id?: never
          min_samples?: number
          settle?: string
          severity: string
          threshold: number
          time_window?: string | null
          title: string
          unit?: string
          updated_at?: string
        }
        Update: {
          channels?: string[]
          clear_evaluations?: number
          clear_threshold?: number
          code?: string
          company_id?: string | null
          comparator?: string
          created_at?: string
          enabled?: boolean
          id?: never
          min_samples?: number
          settle?: string
          severity?: string
          threshold?: number
          time_window?: string | null
          title?: string
          unit?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "alert_rules_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "alert_rules_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "setup_funnel"
            referencedColumns: ["company_id"]
          },
        ]
      }
      alerts: {
        Row: {
          clear_streak: number
          code: string
          company_id: string | null
          comparator: string
          delivery_alert_id: number | null
          details: NonNullable<Json>
          first_value: number | null
          id: number
          last_evaluated_at: string
          last_run: number
          last_seen_at: string
          last_value: number | null
          opened_at: string
          peak_value: number | null
          resolved_at: string | null
          rule_id: number | null
          samples: number | null
          severity: string
          status: string
          subject: string
          threshold: number
          title: string
          unit: string
        }
        Insert: {
          clear_streak?: number
          code: string
          company_id?: string | null
          comparator: string
          delivery_alert_id?: number | null
          details?: NonNullable<Json>
          first_value?: number | null
          id?: never
          last_evaluated_at: string
          last_run?: number
          last_seen_at: string
          last_value?: number | null
          opened_at: string
          peak_value?: number | null
          resolved_at?: string | null
          rule_id?: number | null
          samples?: number | null
          severity: string
          status?: string
          subject: string
          threshold: number
          title: string
          unit?: string
        }
        Update: {
          clear_streak?: number
          code?: string
          company_id?: string | null
          comparator?: string
          delivery_alert_id?: number | null
          details?: NonNullable<Json>
          first_value?: number | null
          id?: never
          last_evaluated_at?: string
          last_run?: number
          last_seen_at?: string
          last_value?: number | null
          opened_at?: string
          peak_value?: number | null
          resolved_at?: string | null
          rule_id?: number | null
          samples?: number | null
          severity?: string
          status?: string
          subject?: string
          threshold?: number
          title?: string
          unit?: string
        }
        Relationships: [
          {
            foreignKeyName: "alerts_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "alerts_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "setup_funnel"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "alerts_rule_id_fkey"
            columns: ["rule_id"]
            isOneToOne: false
            referencedRelation: "alert_rules"
            referencedColumns: ["id"]
          },
        ]
      }
      company_counters: {
        Row: {
          company_id: string
          day: string
          dead: number
          duplicates: number
          open_alerts: number
          queued: number
          received: number
          retrying: number
          sent: number
          skipped: number
          updated_at: string
        }
        Insert: {
          company_id: string
          day: string
          dead?: number
          duplicates?: number
          open_alerts?: number
          queued?: number
          received?: number
          retrying?: number
          sent?: number
          skipped?: number
          updated_at: string
        }
        Update: {
          company_id?: string
          day?: string
          dead?: number
          duplicates?: number
          open_alerts?: number
          queued?: number
          received?: number
          retrying?: number
          sent?: number
          skipped?: number
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "company_counters_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: true
            referencedRelation: "companies"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "company_counters_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: true
            referencedRelation: "setup_funnel"
            referencedColumns: ["company_id"]
          },
        ]
      }
      count_deltas: {
        Row: {
          amount: number
          bucket: number | null
          code: number | null
          company_id: string
          day: string
          event_name: string | null
          id: number
          metric: string
          n: number
          reason: string | null
          received: number
          source: string | null
          status: string | null
          units: number
        }
        Insert: {
          amount?: number
          bucket?: number | null
          code?: number | null
          company_id: string
          day: string
          event_name?: string | null
          id?: never
          metric: string
          n?: number
          reason?: string | null
          received?: number
          source?: string | null
          status?: string | null
          units?: number
        }
        Update: {
          amount?: number
          bucket?: number | null
          code?: number | null
          company_id?: string
          day?: string
          event_name?: string | null
          id?: never
          metric?: string
          n?: number
          reason?: string | null
          received?: number
          source?: string | null
          status?: string | null
          units?: number
        }
        Relationships: [
          {
            foreignKeyName: "count_deltas_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "count_deltas_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "setup_funnel"
            referencedColumns: ["company_id"]
          },
        ]
      }
      daily_counts: {
        Row: {
          amount: number
          bucket: number | null
          code: number | null
          company_id: string
          day: string
          event_name: string | null
          metric: string
          n: number
          reason: string | null
          received: number
          source: string | null
          status: string | null
          units: number
        }
        Insert: {
          amount?: number
          bucket?: number | null
          code?: number | null
          company_id: string
          day: string
          event_name?: string | null
          metric: string
          n?: number
          reason?: string | null
          received?: number
          source?: string | null
          status?: string | null
          units?: number
        }
        Update: {
          amount?: number
          bucket?: number | null
          code?: number | null
          company_id?: string
          day?: string
          event_name?: string | null
          metric?: string
          n?: number
          reason?: string | null
          received?: number
          source?: string | null
          status?: string | null
          units?: number
        }
        Relationships: [
          {
            foreignKeyName: "daily_counts_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "daily_counts_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "setup_funnel"
            referencedColumns: ["company_id"]
          },
        ]
      }
      duplicates: {
        Row: {
          company_id: string
          event_name: string
          event_pk: number
          id: number
          seen_at: string
          source: string
        }
        Insert: {
          company_id: string
          event_name: string
          event_pk: number
          id?: never
          seen_at?: string
          source: string
        }
        Update: {
          company_id?: string
          event_name?: string
          event_pk?: number
          id?: never
          seen_at?: string
          source?: string
        }
        Relationships: [
          {
            foreignKeyName: "duplicates_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "duplicates_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "setup_funnel"
            referencedColumns: ["company_id"]
          },
        ]
      }
      notifications: {
        Row: {
          alert_id: number
          attempts: number
          channel: string
          company_id: string | null
          created_at: string
          finished_at: string | null
          id: number
          kind: string
          last_error: string | null
          next_attempt_at: string
          sent_at: string | null
          status: string
        }
        Insert: {
          alert_id: number
          attempts?: number
          channel: string
          company_id?: string | null
          created_at?: string
          finished_at?: string | null
          id?: never
          kind: string
          last_error?: string | null
          next_attempt_at?: string
          sent_at?: string | null
          status?: string
        }
        Update: {
          alert_id?: number
          attempts?: number
          channel?: string
          company_id?: string | null
          created_at?: string
          finished_at?: string | null
          id?: never
          kind?: string
          last_error?: string | null
          next_attempt_at?: string
          sent_at?: string | null
          status?: string
        }
        Relationships: [
          {
            foreignKeyName: "notifications_alert_id_fkey"
            columns: ["alert_id"]
            isOneToOne: false
            referencedRelation: "alerts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "notifications_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "notifications_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "setup_funnel"
            referencedColumns: ["company_id"]
          },
        ]
      }
      readers: {
        Row: {
          company_id: string | null
          created_at: string
          role_name: unknown
        }
        Insert: {
          company_id?: string | null
          created_at?: string
          role_name: unknown
        }
        Update: {
          company_id?: string | null
          created_at?: string
          role_name?: unknown
        }
        Relationships: [
          {
            foreignKeyName: "readers_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "readers_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "setup_funnel"
            referencedColumns: ["company_id"]
          },
        ]
      }
    }
    Views: {
      accuracy: {
        Row: {
          accepted: number | null
          accuracy_pct: number | null
          company_id: string | null
          day: string | null
          dead: number | null
          in_flight: number | null
          invalid: number | null
          meta_events_received: number | null
          not_sent_reasons: Json | null
          purchase_events: number | null
          sales: number | null
          sales_amount: number | null
          skipped: number | null
        }
        Relationships: []
      }
      all_counts: {
        Row: {
          amount: number | null
          bucket: number | null
          code: number | null
          company_id: string | null
          day: string | null
          event_name: string | null
          metric: string | null
          n: number | null
          reason: string | null
          received: number | null
          source: string | null
          status: string | null
          units: number | null
        }
        Relationships: []
      }
      breaker_states: {
        Row: {
          breaker_id: number | null
          changed_at: string | null
          closed_at: string | null
          company_id: string | null
          destination_id: number | null
          error_rate: number | null
          half_open_at: string | null
          opened_at: string | null
          pixel_id: string | null
          reason: string | null
          scope: string | null
          state: string | null
          window_attempts: number | null
        }
        Relationships: [
          {
            foreignKeyName: "breakers_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "breakers_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "setup_funnel"
            referencedColumns: ["company_id"]
          },
        ]
      }
      campaign_names: {
        Row: {
          campaign_id: string | null
          campaign_name: string | null
          company_id: string | null
        }
        Relationships: [
          {
            foreignKeyName: "spend_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "spend_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "setup_funnel"
            referencedColumns: ["company_id"]
          },
        ]
      }
      companies: {
        Row: {
          company_id: string | null
          created_at: string | null
          name: string | null
          slug: string | null
        }
        Insert: {
          company_id?: string | null
          created_at?: string | null
          name?: string | null
          slug?: string | null
        }
        Update: {
          company_id?: string | null
          created_at?: string | null
          name?: string | null
          slug?: string | null
        }
        Relationships: []
      }
      dead_letters: {
        Row: {
          company_id: string | null
          error_code: number | null
          newest_dead_at: string | null
          oldest_dead_at: string | null
          open_letters: number | null
          reason: string | null
        }
        Relationships: [
          {
            foreignKeyName: "dead_letters_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "dead_letters_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "setup_funnel"
            referencedColumns: ["company_id"]
          },
        ]
      }
      duplicate_rate: {
        Row: {
          company_id: string | null
          day: string | null
          duplicate_rate_pct: number | null
          duplicates: number | null
          new_events: number | null
          source: string | null
        }
        Relationships: []
      }
      error_rate: {
        Row: {
          attempts: number | null
          company_id: string | null
          day: string | null
          error_code: number | null
          events: number | null
          outcome: string | null
          reason: string | null
          share_pct: number | null
        }
        Relationships: []
      }
      events_daily: {
        Row: {
          company_id: string | null
          day: string | null
          events: number | null
          source: string | null
          status: string | null
        }
        Relationships: []
      }
      fbtrace_events: {
        Row: {
          attempt_id: number | null
          attempted_at: string | null
          company_id: string | null
          dispatch_request_id: string | null
          error_code: number | null
          error_message: string | null
          event_id: string | null
          event_name: string | null
          event_pk: number | null
          event_status: string | null
          fbtrace_id: string | null
          http_status: number | null
          ingest_request_id: string | null
          outcome: string | null
          pixel_id: string | null
          received_at: string | null
          source: string | null
        }
        Relationships: [
          {
            foreignKeyName: "attempts_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "companies"
            referencedColumns: ["company_id"]
          },
          {
            foreignKeyName: "attempts_company_id_fkey"
            columns: ["company_id"]
            isOneToOne: false
            referencedRelation: "setup_funnel"
            referencedColumns: ["company_id"]
          },
        ]
      }
      match_quality: {
        Row: {
          avg_match_quality: number | null
          below_2_pct: number | null
          company_id: string | null
          day: string | null
          events: number | null
          from_2_to_4_pct: number | null
          from_4_to_6_pct: number | null
          from_6_to_8_pct: number | null
          from_8_pct: number | null
        }
        Relationships: []
      }
      meta_latency: {
        Row: {
          attempts: number | null
          company_id: string | null
          day: string | null
          max_ms: number | null
          p50_ms: number | null
          p95_ms: number | null
          p99_ms: number | null
        }
        Relationships: []
      }
      queue_depth: {
        Row: {
          newest_msg_age_s: number | null
          oldest_msg_age_s: number | null
          queue_length: number | null
          queue_name: string | null
          scrape_time: string | null
          total_messages: number | null
        }
        Relationships: []
      }
      revenue_attribution_daily: {
        Row: {
          campaign: string | null
          campaign_name: string | null
          company_id: string | null
          currency: string | null
          day: string | null
          model: string | null
          purchases: number | null
          revenue: number | null
          roas: number | null
          spend: number | null
        }
        Relationships: []
      }
      revenue_campaign_daily: {
        Row: {
          campaign: string | null
          campaign_name: string | null
          company_id: string | null
          currency: string | null
          day: string | null
          purchases_last_touch: number | null
          revenue_last_touch: number | null
          revenue_linear: number | null
          roas_last_touch: number | null
          roas_linear: number | null
          spend: number | null
        }
        Relationships: []
      }
      revenue_cohorts: {
        Row: {
          active_customers: number | null
          cac: number | null
          cohort_month: string | null
          cohort_spend: number | null
          company_id: string | null
          cumulative_net_revenue: number | null
          currency: string | null
          customers: number | null
          months_since: number | null
          net_revenue: number | null
          paid_back: boolean | null
        }
        Relationships: []
      }
      revenue_monthly: {
        Row: {
          cac: number | null
          company_id: string | null
          currency: string | null
          gross_revenue: number | null
          month: string | null
          net_revenue: number | null
          new_customers: number | null
          purchases: number | null
          refunds: number | null
          roas: number | null
          spend: number | null
        }
        Relationships: []
      }
      revenue_payback: {
        Row: {
          cac: number | null
          cohort_month: string | null
          cohort_spend: number | null
          company_id: string | null
          currency: string | null
          customers: number | null
          net_revenue_to_date: number | null
          payback_months: number | null
        }
        Relationships: []
      }
      setup_funnel: {
        Row: {
          company_id: string | null
          configured_at: string | null
          created_at: string | null
          first_event_at: string | null
          first_sent_at: string | null
          has_token: boolean | null
          slug: string | null
          stage: string | null
        }
        Relationships: []
      }
    }
    Functions: {
      add_reader: {
        Args: { company?: string; reader: unknown }
        Returns: undefined
      }
      claim_notification: {
        Args: { notification: number }
        Returns: {
          alert: Json
          attempts: number
          channel: string
          id: number
          kind: string
        }[]
      }
      company_rules: {
        Args: { rule_code: string }
        Returns: {
          company_id: string
          rule_id: number
          settle: string
          time_window: string
        }[]
      }
      day_of: { Args: { ts: string }; Returns: string }
      evaluate_alerts: { Args: Record<PropertyKey, never>; Returns: Json }
      event_reason: {
        Args: { last_error: string; skip_reason: string; status: string }
        Returns: string
      }
      finish_notification: {
        Args: {
          error?: string
          notification: number
          outcome: string
          retry_after_s?: number
        }
        Returns: number
      }
      fold_counts: { Args: Record<PropertyKey, never>; Returns: number }
      latency_bucket: { Args: { ms: number }; Returns: number }
      member_of: { Args: { company: string }; Returns: boolean }
      observe: {
        Args: { as_of: string }
        Returns: {
          code: string
          company_id: string
          delivery_alert_id: number
          details: Json
          rule_id: number
          samples: number
          subject: string
          value: number
        }[]
      }
      prometheus_snapshot: {
        Args: Record<PropertyKey, never>
        Returns: {
          labels: Json
          metric: string
          value: number
        }[]
      }
      queue_metrics: {
        Args: Record<PropertyKey, never>
        Returns: {
          newest_msg_age_s: number
          oldest_msg_age_s: number
          queue_length: number
          queue_name: string
          scrape_time: string
          total_messages: number
        }[]
      }
      reader_companies: { Args: { who: unknown }; Returns: string[] }
      refresh_company_counters: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      rule_for: {
        Args: { company: string; rule_code: string }
        Returns: number
      }
      sees_all: { Args: { who: unknown }; Returns: boolean }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  public: {
    Tables: {
      [_ in never]: never
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      [_ in never]: never
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  revenue: {
    Tables: {
      attribution_models: {
        Row: {
          description: string
          first_share: number | null
          last_share: number | null
          model: string
        }
        Insert: {
          description: string
          first_share?: number | null
          last_share?: number | null
          model: string
        }
        Update: {
          description?: string
          first_share?: number | null
          last_share?: number | null
          model?: string
        }
        Relationships: []
      }
      attributions: {
        Row: {
          ad: string | null
          adset: string | null
          campaign: string | null
          company_id: string
          computed_at: string
          id: number
          lead_visitor_id: string | null
          model: string
          purchase_key: string
          purchased_at: string | null
          touch_id: number | null
          touch_kind: string | null
          touched_at: string | null
          utm_campaign: string | null
          weight: number
        }
        Insert: {
          ad?: string | null
          adset?: string | null
          campaign?: string | null
          company_id: string
          computed_at?: string
          id?: never
          lead_visitor_id?: string | null
          model: string
          purchase_key: string
          purchased_at?: string | null
          touch_id?: number | null
          touch_kind?: string | null
          touched_at?: string | null
          utm_campaign?: string | null
          weight: number
        }
        Update: {
          ad?: string | null
          adset?: string | null
          campaign?: string | null
          company_id?: string
          computed_at?: string
          id?: never
          lead_visitor_id?: string | null
          model?: string
          purchase_key?: string
          purchased_at?: string | null
          touch_id?: number | null
          touch_kind?: string | null
          touched_at?: string | null
          utm_campaign?: string | null
          weight?: number
        }
        Relationships: [
          {
            foreignKeyName: "attributions_model_fkey"
            columns: ["model"]
            isOneToOne: false
            referencedRelation: "attribution_models"
            referencedColumns: ["model"]
          },
        ]
      }
      audience_batches: {
        Row: {
          at: string
          batch_seq: number
          company_id: string
          error: string | null
          http_status: number | null
          id: number
          job_id: number
          num_invalid_entries: number | null
          num_received: number | null
          row_count: number
          status: string
        }
        Insert: {
          at?: string
          batch_seq: number
          company_id: string
          error?: string | null
          http_status?: number | null
          id?: never
          job_id: number
          num_invalid_entries?: number | null
          num_received?: number | null
          row_count: number
          status: string
        }
        Update: {
          at?: string
          batch_seq?: number
          company_id?: string
          error?: string | null
          http_status?: number | null
          id?: never
          job_id?: number
          num_invalid_entries?: number | null
          num_received?: number | null
          row_count?: number
          status?: string
        }
        Relationships: [
          {
            foreignKeyName: "audience_batches_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "audience_jobs"
            referencedColumns: ["id"]
          },
        ]
      }
      audience_jobs: {
        Row: {
          attempts: number
          audience_id: string | null
          batch_size: number
          batches: number | null
          company_id: string
          completed_at: string | null
          confirmed_batches: number
          created_at: string
          criteria: NonNullable<Json>
          failed_at: string | null
          id: number
          last_error: string | null
          name: string
          requested_by: string | null
          retrying_at: string | null
          session_id: number
          started_at: string | null
          status: string
          total: number
          updated_at: string
        }
        Insert: {
          attempts?: number
          audience_id?: string | null
          batch_size?: number
          batches?: never
          company_id: string
          completed_at?: string | null
          confirmed_batches?: number
          created_at?: string
          criteria: NonNullable<Json>
          failed_at?: string | null
          id?: never
          last_error?: string | null
          name: string
          requested_by?: string | null
          retrying_at?: string | null
          session_id: number
          started_at?: string | null
          status?: string
          total: number
          updated_at?: string
        }
        Update: {
          attempts?: number
          audience_id?: string | null
          batch_size?: number
          batches?: never
          company_id?: string
          completed_at?: string | null
          confirmed_batches?: number
          created_at?: string
          criteria?: NonNullable<Json>
          failed_at?: string | null
          id?: never
          last_error?: string | null
          name?: string
          requested_by?: string | null
          retrying_at?: string | null
          session_id?: number
          started_at?: string | null
          status?: string
          total?: number
          updated_at?: string
        }
        Relationships: []
      }
      audience_members: {
        Row: {
          company_id: string
          em: string | null
          job_id: number
          ph: string | null
          position: number
        }
        Insert: {
          company_id: string
          em?: string | null
          job_id: number
          ph?: string | null
          position: number
        }
        Update: {
          company_id?: string
          em?: string | null
          job_id?: number
          ph?: string | null
          position?: number
        }
        Relationships: [
          {
            foreignKeyName: "audience_members_job_id_fkey"
            columns: ["job_id"]
            isOneToOne: false
            referencedRelation: "audience_jobs"
            referencedColumns: ["id"]
          },
        ]
      }
      conversion_rules: {
        Row: {
          action: string
          active: boolean
          company_id: string
          created_at: string
          custom_data_contains: NonNullable<Json>
          emit_event_name: string | null
          event_name: string
          id: number
          min_value: number | null
          name: string
        }
        Insert: {
          action: string
          active?: boolean
          company_id: string
          created_at?: string
          custom_data_contains?: NonNullable<Json>
          emit_event_name?: string | null
          event_name: string
          id?: never
          min_value?: number | null
          name: string
        }
        Update: {
          action?: string
          active?: boolean
          company_id?: string
          created_at?: string
          custom_data_contains?: NonNullable<Json>
          emit_event_name?: string | null
          event_name?: string
          id?: never
          min_value?: number | null
          name?: string
        }
        Relationships: []
      }
      conversions: {
        Row: {
          company_id: string
          created_at: string
          emitted_event_pk: number | null
          event_pk: number
          id: number
          rule_id: number
          value: number | null
        }
        Insert: {
          company_id: string
          created_at?: string
          emitted_event_pk?: number | null
          event_pk: number
          id?: never
          rule_id: number
          value?: number | null
        }
        Update: {
          company_id?: string
          created_at?: string
          emitted_event_pk?: number | null
          event_pk?: number
          id?: never
          rule_id?: number
          value?: number | null
        }
        Relationships: [
          {
            foreignKeyName: "conversions_rule_id_fkey"
            columns: ["rule_id"]
            isOneToOne: false
            referencedRelation: "conversion_rules"
            referencedColumns: ["id"]
          },
        ]
      }
      settings: {
        Row: {
          ad_account_id: string | null
          cac_customers: string
          company_id: string
          insights_days: number
          lookback_days: number
          refunds_in: string
          time_zone: string
          updated_at: string
        }
        Insert: {
          ad_account_id?: string | null
          cac_customers?: string
          company_id: string
          insights_days?: number
          lookback_days?: number
          refunds_in?: string
          time_zone?: string
          updated_at?: string
        }
        Update: {
          ad_account_id?: string | null
          cac_customers?: string
          company_id?: string
          insights_days?: number
          lookback_days?: number
          refunds_in?: string
          time_zone?: string
          updated_at?: string
        }
        Relationships: []
      }
      spend: {
        Row: {
          ad_id: string
          adset_id: string
          campaign_id: string
          campaign_name: string | null
          company_id: string
          currency: string
          day: string
          source: string
          spend: number
          updated_at: string
        }
        Insert: {
          ad_id?: string
          adset_id?: string
          campaign_id: string
          campaign_name?: string | null
          company_id: string
          currency?: string
          day: string
          source: string
          spend: number
          updated_at?: string
        }
        Update: {
          ad_id?: string
          adset_id?: string
          campaign_id?: string
          campaign_name?: string | null
          company_id?: string
          currency?: string
          day?: string
          source?: string
          spend?: number
          updated_at?: string
        }
        Relationships: []
      }
    }
    Views: {
      customer_purchases: {
        Row: {
          amount: number | null
          cohort_month: string | null
          company_id: string | null
          conversation_id: number | null
          currency: string | null
          customer_key: string | null
          day: string | null
          em: string | null
          event_pk: number | null
          lead_visitor_id: string | null
          month: string | null
          net_amount: number | null
          ph: string | null
          product_name: string | null
          product_ref: string | null
          provider_ref: string | null
          purchase_key: string | null
          purchased_at: string | null
          refund_month: string | null
          refunded_amount: number | null
          refunded_at: string | null
          sale_id: number | null
          source: string | null
        }
        Relationships: []
      }
      purchases: {
        Row: {
          amount: number | null
          company_id: string | null
          conversation_id: number | null
          currency: string | null
          em: string | null
          event_pk: number | null
          lead_visitor_id: string | null
          net_amount: number | null
          ph: string | null
          product_name: string | null
          product_ref: string | null
          provider_ref: string | null
          purchase_key: string | null
          purchased_at: string | null
          refunded_amount: number | null
          refunded_at: string | null
          sale_id: number | null
          source: string | null
        }
        Relationships: []
      }
      touches: {
        Row: {
          ad: string | null
          adset: string | null
          campaign: string | null
          company_id: string | null
          touch_id: number | null
          touched_at: string | null
          utm_campaign: string | null
          visit: number | null
          visitor_id: string | null
        }
        Relationships: []
      }
    }
    Functions: {
      admin_company: {
        Args: { action: string; company: string }
        Returns: string
      }
      attribute: { Args: { company: string; keys: string[] }; Returns: number }
      attribute_by_company: {
        Args: { company_ids: string[]; keys: string[] }
        Returns: undefined
      }
      audience_batch_rows: {
        Args: { batch_seq: number; job: number }
        Returns: {
          em: string
          ph: string
        }[]
      }
      create_audience_job: {
        Args: { company: string; criteria: Json; job_name?: string }
        Returns: {
          company_id: string
          job_id: number
          status: string
          total: number
        }[]
      }
      insights_job: {
        Args: { company: string }
        Returns: {
          ad_account_id: string
          ciphertext: string
          key_id: string
        }[]
      }
      position_weight: {
        Args: {
          first_share: number
          last_share: number
          n: number
          pos: number
        }
        Returns: number
      }
      queue_insights: { Args: Record<PropertyKey, never>; Returns: number }
      record_audience_batch: {
        Args: {
          batch_seq: number
          err: string
          give_up?: boolean
          http_status: number
          job: number
          n_rows: number
          num_invalid: number
          num_received: number
          ok: boolean
        }
        Returns: string
      }
      record_audience_created: {
        Args: { job: number; meta_audience_id: string }
        Returns: undefined
      }
      record_spend: {
        Args: { company: string; spend_rows: Json; spend_source: string }
        Returns: number
      }
      refresh_attribution: { Args: { company: string }; Returns: number }
      segment: {
        Args: { company: string; criteria: Json }
        Returns: {
          em: string
          ph: string
        }[]
      }
      start_audience_upload: {
        Args: { job: number }
        Returns: {
          ad_account_id: string
          audience_id: string
          batch_size: number
          batches: number
          ciphertext: string
          company_id: string
          key_id: string
          name: string
          next_batch: number
          session_id: number
          status: string
          total: number
        }[]
      }
      upload_spend: {
        Args: { company: string; spend_rows: Json }
        Returns: {
          company_id: string
          written: number
        }[]
      }
      url_param: { Args: { name: string; url: string }; Returns: string }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  setup: {
    Tables: {
      diagnosis_rules: {
        Row: {
          backoff_s: number
          code: string
          field: string | null
          max_attempts: number
          message_en: string
          message_pt: string
          next_action: string
          retries: boolean
          severity: string
        }
        Insert: {
          backoff_s?: number
          code: string
          field?: string | null
          max_attempts?: number
          message_en: string
          message_pt: string
          next_action: string
          retries: boolean
          severity: string
        }
        Update: {
          backoff_s?: number
          code?: string
          field?: string | null
          max_attempts?: number
          message_en?: string
          message_pt?: string
          next_action?: string
          retries?: boolean
          severity?: string
        }
        Relationships: []
      }
      renders: {
        Row: {
          author: string
          body: string
          company_id: string
          created_at: string
          id: number
          inputs: NonNullable<Json>
          kind: string
          sha256: string
          version: number
        }
        Insert: {
          author: string
          body: string
          company_id: string
          created_at?: string
          id?: never
          inputs: NonNullable<Json>
          kind: string
          sha256: string
          version: number
        }
        Update: {
          author?: string
          body?: string
          company_id?: string
          created_at?: string
          id?: never
          inputs?: NonNullable<Json>
          kind?: string
          sha256?: string
          version?: number
        }
        Relationships: []
      }
      sessions: {
        Row: {
          active_at: string | null
          awaiting_event_at: string | null
          collector_key: string
          company_id: string
          created_at: string
          created_by: string | null
          event_received_at: string | null
          gateway: string
          gateway_secret_at: string
          id: string
          landing_url: string
          needs_attention_at: string | null
          pixel_id: string
          provisioning_at: string | null
          status: string
          test_event_code: string | null
          tracking_domain: string
          updated_at: string
          validating_at: string
          webhook_key: string
        }
        Insert: {
          active_at?: string | null
          awaiting_event_at?: string | null
          collector_key: string
          company_id: string
          created_at?: string
          created_by?: string | null
          event_received_at?: string | null
          gateway: string
          gateway_secret_at?: string
          id?: string
          landing_url: string
          needs_attention_at?: string | null
          pixel_id: string
          provisioning_at?: string | null
          status?: string
          test_event_code?: string | null
          tracking_domain: string
          updated_at?: string
          validating_at?: string
          webhook_key: string
        }
        Update: {
          active_at?: string | null
          awaiting_event_at?: string | null
          collector_key?: string
          company_id?: string
          created_at?: string
          created_by?: string | null
          event_received_at?: string | null
          gateway?: string
          gateway_secret_at?: string
          id?: string
          landing_url?: string
          needs_attention_at?: string | null
          pixel_id?: string
          provisioning_at?: string | null
          status?: string
          test_event_code?: string | null
          tracking_domain?: string
          updated_at?: string
          validating_at?: string
          webhook_key?: string
        }
        Relationships: []
      }
      step_kinds: {
        Row: {
          depends_on: string[]
          name: string
          phase: string
          position: number
          reads: string[]
        }
        Insert: {
          depends_on?: string[]
          name: string
          phase: string
          position: number
          reads?: string[]
        }
        Update: {
          depends_on?: string[]
          name?: string
          phase?: string
          position?: number
          reads?: string[]
        }
        Relationships: []
      }
      steps: {
        Row: {
          attempts: number
          company_id: string
          diagnosis_code: string | null
          finished_at: string | null
          id: number
          last_error: string | null
          name: string
          next_attempt_at: string | null
          queued_at: string | null
          result: NonNullable<Json>
          session_id: string
          started_at: string | null
          status: string
          updated_at: string
        }
        Insert: {
          attempts?: number
          company_id: string
          diagnosis_code?: string | null
          finished_at?: string | null
          id?: never
          last_error?: string | null
          name: string
          next_attempt_at?: string | null
          queued_at?: string | null
          result?: NonNullable<Json>
          session_id: string
          started_at?: string | null
          status?: string
          updated_at?: string
        }
        Update: {
          attempts?: number
          company_id?: string
          diagnosis_code?: string | null
          finished_at?: string | null
          id?: never
          last_error?: string | null
          name?: string
          next_attempt_at?: string | null
          queued_at?: string | null
          result?: NonNullable<Json>
          session_id?: string
          started_at?: string | null
          status?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "steps_diagnosis_code_fkey"
            columns: ["diagnosis_code"]
            isOneToOne: false
            referencedRelation: "diagnosis_rules"
            referencedColumns: ["code"]
          },
          {
            foreignKeyName: "steps_name_fkey"
            columns: ["name"]
            isOneToOne: false
            referencedRelation: "step_kinds"
            referencedColumns: ["name"]
          },
          {
            foreignKeyName: "steps_session_id_fkey"
            columns: ["session_id"]
            isOneToOne: false
            referencedRelation: "sessions"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      advance: { Args: { session: string }; Returns: number }
      correct: {
        Args: {
          fields: Json
          secret_fields: string[]
          session: string
          webhook_token_sha256: string
        }
        Returns: string[]
      }
      create_session: {
        Args: {
          by_user: string
          company: string
          company_name: string
          fields: Json
          webhook_token_sha256: string
        }
        Returns: {
          active_at: string | null
          awaiting_event_at: string | null
          collector_key: string
          company_id: string
          created_at: string
          created_by: string | null
          event_received_at: string | null
          gateway: string
          gateway_secret_at: string
          id: string
          landing_url: string
          needs_attention_at: string | null
          pixel_id: string
          provisioning_at: string | null
          status: string
          test_event_code: string | null
          tracking_domain: string
          updated_at: string
          validating_at: string
          webhook_key: string
        }
        SetofOptions: {
          from: "*"
          to: "sessions"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      derived_status: { Args: { session: string }; Returns: string }
      fail_step: {
        Args: {
          code: string
          message: string
          session: string
          step_name: string
        }
        Returns: undefined
      }
      gateway_refusals_since_secret: {
        Args: { session: string }
        Returns: {
          label: string
          last_message: string
          refused: number
          secret_kind: string
          token_digest_missing: boolean
        }[]
      }
      gateway_test_notification: {
        Args: { session: string }
        Returns: {
          awaiting_code: string
          error: string
          event_id: string
          event_name: string
          event_status: string
          fbtrace_id: string
          flags: string[]
          inbound_id: number
          inbound_status: string
          label: string
          match_quality: number
          received_at: string
        }[]
      }
      latest_gateway_event: {
        Args: { session: string }
        Returns: {
          event_id: string
          fbtrace_id: string
          match_quality: number
          status: string
        }[]
      }
      record_render: {
        Args: {
          company: string
          render_author: string
          render_body: string
          render_inputs: Json
          render_kind: string
          render_sha256: string
        }
        Returns: {
          created: boolean
          sha256: string
          version: number
        }[]
      }
      refresh: { Args: { session: string }; Returns: string }
      reopen: {
        Args: { session: string; step_names: string[] }
        Returns: string[]
      }
      report_step: {
        Args: {
          attempt: number
          error_code?: string
          error_message?: string
          result: Json
          step: number
        }
        Returns: string
      }
      revalidate: {
        Args: { all_steps?: boolean; session: string }
        Returns: string[]
      }
      start_step: {
        Args: { step: number }
        Returns: {
          attempt: number
          company_id: string
          name: string
          results: Json
          secrets: Json
          session: Json
          session_id: string
          step_id: number
        }[]
      }
      status_rank: { Args: { status: string }; Returns: number }
      status_report: { Args: { session: string }; Returns: Json }
      test_event_delivery: {
        Args: { meta_event_id: string; session: string }
        Returns: {
          fbtrace_id: string
          last_error: string
          match_quality: number
          status: string
        }[]
      }
      test_postback: { Args: { session: string }; Returns: Json }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
  tracking: {
    Tables: {
      action_source_rules: {
        Row: {
          action_source: string
          browser_known: boolean | null
          happened: string
          position: number
          reference: string
        }
        Insert: {
          action_source: string
          browser_known?: boolean | null
          happened: string
          position: number
          reference: string
        }
        Update: {
          action_source?: string
          browser_known?: boolean | null
          happened?: string
          position?: number
          reference?: string
        }
        Relationships: []
      }
      allowed_origins: {
        Row: {
          company_id: string
          created_at: string
          origin: string
        }
        Insert: {
          company_id: string
          created_at?: string
          origin: string
        }
        Update: {
          company_id?: string
          created_at?: string
          origin?: string
        }
        Relationships: []
      }
      api_keys: {
        Row: {
          company_id: string
          created_at: string
          id: number
          key_sha256: string
          name: string
          prefix: string
          revoked_at: string | null
        }
        Insert: {
          company_id: string
          created_at?: string
          id?: never
          key_sha256: string
          name: string
          prefix: string
          revoked_at?: string | null
        }
        Update: {
          company_id?: string
          created_at?: string
          id?: never
          key_sha256?: string
          name?: string
          prefix?: string
          revoked_at?: string | null
        }
        Relationships: []
      }
      currencies: {
        Row: {
          code: string
        }
        Insert: {
          code: string
        }
        Update: {
          code?: string
        }
        Relationships: []
      }
      endpoints: {
        Row: {
          company_id: string
          created_at: string
          disabled_at: string | null
          gateway: string | null
          id: number
          kind: string
          public_key: string
          token_sha256: string | null
        }
        Insert: {
          company_id: string
          created_at?: string
          disabled_at?: string | null
          gateway?: never
          id?: never
          kind: string
          public_key: string
          token_sha256?: string | null
        }
        Update: {
          company_id?: string
          created_at?: string
          disabled_at?: string | null
          gateway?: never
          id?: never
          kind?: string
          public_key?: string
          token_sha256?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "endpoints_gateway_fkey"
            columns: ["gateway"]
            isOneToOne: false
            referencedRelation: "gateways"
            referencedColumns: ["gateway"]
          },
        ]
      }
      event_keys: {
        Row: {
          company_id: string
          created_at: string
          event_id: string
          event_pk: number
        }
        Insert: {
          company_id: string
          created_at?: string
          event_id: string
          event_pk: number
        }
        Update: {
          company_id?: string
          created_at?: string
          event_id?: string
          event_pk?: number
        }
        Relationships: []
      }
      event_mappings: {
        Row: {
          action_source: string
          business_event: string
          company_id: string | null
          deal_status: string
          id: number
          meta_event: string | null
        }
        Insert: {
          action_source?: string
          business_event: string
          company_id?: string | null
          deal_status?: string
          id?: never
          meta_event?: string | null
        }
        Update: {
          action_source?: string
          business_event?: string
          company_id?: string | null
          deal_status?: string
          id?: never
          meta_event?: string | null
        }
        Relationships: []
      }
      events: {
        Row: {
          action_source: string
          attempts: number
          company_id: string
          custom_data: NonNullable<Json>
          dead_at: string | null
          destination_id: number | null
          event_id: string
          event_name: string
          event_source_url: string | null
          event_time: string
          extra: NonNullable<Json>
          id: number
          inbound_id: number | null
          invalid_at: string | null
          last_error: string | null
          match_key: string | null
          match_lag: string | null
          match_quality: number
          next_attempt_at: string | null
          provider_ref: string | null
          queued_at: string | null
          received_at: string
          request_id: string | null
          retrying_at: string | null
          sent_at: string | null
          skip_reason: string | null
          skipped_at: string | null
          source: string
          status: string
          user_data: NonNullable<Json>
          visitor_id: string | null
        }
        Insert: {
          action_source: string
          attempts?: number
          company_id: string
          custom_data?: NonNullable<Json>
          dead_at?: string | null
          destination_id?: number | null
          event_id: string
          event_name: string
          event_source_url?: string | null
          event_time: string
          extra?: NonNullable<Json>
          id?: never
          inbound_id?: number | null
          invalid_at?: string | null
          last_error?: string | null
          match_key?: string | null
          match_lag?: string | null
          match_quality: number
          next_attempt_at?: string | null
          provider_ref?: string | null
          queued_at?: string | null
          received_at?: string
          request_id?: string | null
          retrying_at?: string | null
          sent_at?: string | null
          skip_reason?: string | null
          skipped_at?: string | null
          source: string
          status?: string
          user_data: NonNullable<Json>
          visitor_id?: string | null
        }
        Update: {
          action_source?: string
          attempts?: number
          company_id?: string
          custom_data?: NonNullable<Json>
          dead_at?: string | null
          destination_id?: number | null
          event_id?: string
          event_name?: string
          event_source_url?: string | null
          event_time?: string
          extra?: NonNullable<Json>
          id?: never
          inbound_id?: number | null
          invalid_at?: string | null
          last_error?: string | null
          match_key?: string | null
          match_lag?: string | null
          match_quality?: number
          next_attempt_at?: string | null
          provider_ref?: string | null
          queued_at?: string | null
          received_at?: string
          request_id?: string | null
          retrying_at?: string | null
          sent_at?: string | null
          skip_reason?: string | null
          skipped_at?: string | null
          source?: string
          status?: string
          user_data?: NonNullable<Json>
          visitor_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "events_inbound_id_fkey"
            columns: ["inbound_id"]
            isOneToOne: false
            referencedRelation: "inbound"
            referencedColumns: ["id"]
          },
        ]
      }
      gateways: {
        Row: {
          ack_status: number
          adapter: string
          auth: string
          body_format: string
          checkout_hosts: string[]
          credential_in: string[]
          credential_label: string
          credential_min_length: number
          gateway: string
          label: string
          secret_kind: string
          visitor_params: string[]
        }
        Insert: {
          ack_status?: number
          adapter: string
          auth: string
          body_format?: string
          checkout_hosts?: string[]
          credential_in: string[]
          credential_label: string
          credential_min_length?: number
          gateway: string
          label: string
          secret_kind: string
          visitor_params?: string[]
        }
        Update: {
          ack_status?: number
          adapter?: string
          auth?: string
          body_format?: string
          checkout_hosts?: string[]
          credential_in?: string[]
          credential_label?: string
          credential_min_length?: number
          gateway?: string
          label?: string
          secret_kind?: string
          visitor_params?: string[]
        }
        Relationships: []
      }
      idempotency_keys: {
        Row: {
          company_id: string
          created_at: string
          http_status: number | null
          key: string
          request_sha256: string
          response: Json | null
        }
        Insert: {
          company_id: string
          created_at?: string
          http_status?: number | null
          key: string
          request_sha256: string
          response?: Json | null
        }
        Update: {
          company_id?: string
          created_at?: string
          http_status?: number | null
          key?: string
          request_sha256?: string
          response?: Json | null
        }
        Relationships: []
      }
      inbound: {
        Row: {
          attempts: number
          body: NonNullable<Json>
          company_id: string
          error: string | null
          failed_at: string | null
          flags: string[]
          headers: NonNullable<Json>
          id: number
          processed_at: string | null
          received_at: string
          request_id: string
          source: string
          status: string
        }
        Insert: {
          attempts?: number
          body: NonNullable<Json>
          company_id: string
          error?: string | null
          failed_at?: string | null
          flags?: string[]
          headers?: NonNullable<Json>
          id?: never
          processed_at?: string | null
          received_at?: string
          request_id: string
          source: string
          status?: string
        }
        Update: {
          attempts?: number
          body?: NonNullable<Json>
          company_id?: string
          error?: string | null
          failed_at?: string | null
          flags?: string[]
          headers?: NonNullable<Json>
          id?: never
          processed_at?: string | null
          received_at?: string
          request_id?: string
          source?: string
          status?: string
        }
        Relationships: []
      }
      meta_event_rules: {
        Row: {
          action_source: string | null
          allowed: string[] | null
          check_kind: string
          code: string
          diagnosis_code: string
          event_name: string | null
          path: string[] | null
          position: number
          reference: string
        }
        Insert: {
          action_source?: string | null
          allowed?: string[] | null
          check_kind: string
          code: string
          diagnosis_code: string
          event_name?: string | null
          path?: string[] | null
          position: number
          reference: string
        }
        Update: {
          action_source?: string | null
          allowed?: string[] | null
          check_kind?: string
          code?: string
          diagnosis_code?: string
          event_name?: string | null
          path?: string[] | null
          position?: number
          reference?: string
        }
        Relationships: []
      }
      rejected_requests: {
        Row: {
          body_bytes: number | null
          company_id: string | null
          error_code: string
          http_status: number
          id: number
          message: string
          received_at: string
          request_id: string
          source: string
        }
        Insert: {
          body_bytes?: number | null
          company_id?: string | null
          error_code: string
          http_status: number
          id?: never
          message: string
          received_at?: string
          request_id: string
          source: string
        }
        Update: {
          body_bytes?: number | null
          company_id?: string | null
          error_code?: string
          http_status?: number
          id?: never
          message?: string
          received_at?: string
          request_id?: string
          source?: string
        }
        Relationships: []
      }
      sales: {
        Row: {
          amount: number | null
          approved_at: string | null
          charged_back_at: string | null
          company_id: string
          currency: string
          em: string | null
          first_seen_at: string
          gateway: string
          id: number
          ph: string | null
          product_name: string | null
          product_ref: string | null
          provider_ref: string
          purchase_event_pk: number | null
          refunded_amount: number
          refunded_at: string | null
          sale_effect: string
          status: string
          updated_at: string
          visitor_id: string | null
        }
        Insert: {
          amount?: number | null
          approved_at?: string | null
          charged_back_at?: string | null
          company_id: string
          currency?: string
          em?: string | null
          first_seen_at?: string
          gateway: string
          id?: never
          ph?: string | null
          product_name?: string | null
          product_ref?: string | null
          provider_ref: string
          purchase_event_pk?: number | null
          refunded_amount?: number
          refunded_at?: string | null
          sale_effect: string
          status: string
          updated_at?: string
          visitor_id?: string | null
        }
        Update: {
          amount?: number | null
          approved_at?: string | null
          charged_back_at?: string | null
          company_id?: string
          currency?: string
          em?: string | null
          first_seen_at?: string
          gateway?: string
          id?: never
          ph?: string | null
          product_name?: string | null
          product_ref?: string | null
          provider_ref?: string
          purchase_event_pk?: number | null
          refunded_amount?: number
          refunded_at?: string | null
          sale_effect?: string
          status?: string
          updated_at?: string
          visitor_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "sales_purchase_event_pk_fkey"
            columns: ["purchase_event_pk"]
            isOneToOne: false
            referencedRelation: "events"
            referencedColumns: ["id"]
          },
        ]
      }
      status_mappings: {
        Row: {
          company_id: string | null
          flag: string | null
          gateway: string
          gateway_status: string
          id: number
          meta_event: string | null
          sale_effect: string
        }
        Insert: {
          company_id?: string | null
          flag?: string | null
          gateway: string
          gateway_status: string
          id?: never
          meta_event?: string | null
          sale_effect: string
        }
        Update: {
          company_id?: string | null
          flag?: string | null
          gateway?: string
          gateway_status?: string
          id?: never
          meta_event?: string | null
          sale_effect?: string
        }
        Relationships: [
          {
            foreignKeyName: "status_mappings_gateway_fkey"
            columns: ["gateway"]
            isOneToOne: false
            referencedRelation: "gateways"
            referencedColumns: ["gateway"]
          },
        ]
      }
      touchpoints: {
        Row: {
          company_id: string
          event_name: string | null
          fbc: string | null
          fbclid: string | null
          fbp: string | null
          id: number
          occurred_at: string
          referrer: string | null
          url: string | null
          utm_campaign: string | null
          utm_content: string | null
          utm_medium: string | null
          utm_source: string | null
          utm_term: string | null
          visitor_id: string
        }
        Insert: {
          company_id: string
          event_name?: string | null
          fbc?: string | null
          fbclid?: string | null
          fbp?: string | null
          id?: never
          occurred_at: string
          referrer?: string | null
          url?: string | null
          utm_campaign?: string | null
          utm_content?: string | null
          utm_medium?: string | null
          utm_source?: string | null
          utm_term?: string | null
          visitor_id: string
        }
        Update: {
          company_id?: string
          event_name?: string | null
          fbc?: string | null
          fbclid?: string | null
          fbp?: string | null
          id?: never
          occurred_at?: string
          referrer?: string | null
          url?: string | null
          utm_campaign?: string | null
          utm_content?: string | null
          utm_medium?: string | null
          utm_source?: string | null
          utm_term?: string | null
          visitor_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "touchpoints_company_id_visitor_id_fkey"
            columns: ["company_id", "visitor_id"]
            isOneToOne: false
            referencedRelation: "visitors"
            referencedColumns: ["company_id", "visitor_id"]
          },
        ]
      }
      visitors: {
        Row: {
          client_ip_address: string | null
          client_user_agent: string | null
          company_id: string
          em: string | null
          external_id: string | null
          fbc: string | null
          fbp: string | null
          first_seen_at: string
          landing_url: string | null
          last_seen_at: string
          ph: string | null
          visitor_id: string
        }
        Insert: {
          client_ip_address?: string | null
          client_user_agent?: string | null
          company_id: string
          em?: string | null
          external_id?: string | null
          fbc?: string | null
          fbp?: string | null
          first_seen_at: string
          landing_url?: string | null
          last_seen_at: string
          ph?: string | null
          visitor_id: string
        }
        Update: {
          client_ip_address?: string | null
          client_user_agent?: string | null
          company_id?: string
          em?: string | null
          external_id?: string | null
          fbc?: string | null
          fbp?: string | null
          first_seen_at?: string
          landing_url?: string | null
          last_seen_at?: string
          ph?: string | null
          visitor_id?: string
        }
        Relationships: []
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      adapt: {
        Args: {
          i: Database["tracking"]["Tables"]["inbound"]["Row"]
          identify_only?: boolean
        }
        Returns: Database["tracking"]["CompositeTypes"]["sale_input"]
        SetofOptions: {
          from: "*"
          to: "sale_input"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      api_key_company: { Args: { key_sha256: string }; Returns: string }
      birth_year_ceiling: { Args: Record<PropertyKey, never>; Returns: number }
      birthdate_if_valid: { Args: { ymd: string }; Returns: string }
      braip_sale: {
        Args: {
          i: Database["tracking"]["Tables"]["inbound"]["Row"]
          identify_only?: boolean
        }
        Returns: Database["tracking"]["CompositeTypes"]["sale_input"]
        SetofOptions: {
          from: "*"
          to: "sale_input"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      brt_timestamp: { Args: { value: string }; Returns: string }
      build_fbc: { Args: { fbclid: string; seen_at: string }; Returns: string }
      build_user_data: { Args: { raw: Json; seen_at: string }; Returns: Json }
      collector_origin_allowed: {
        Args: { key: string; origin: string }
        Returns: boolean
      }
      derive_event_id: {
        Args: {
          company: string
          event_name: string
          provider_ref: string
          source: string
        }
        Returns: string
      }
      eduzz_sale: {
        Args: {
          i: Database["tracking"]["Tables"]["inbound"]["Row"]
          identify_only?: boolean
        }
        Returns: Database["tracking"]["CompositeTypes"]["sale_input"]
        SetofOptions: {
          from: "*"
          to: "sale_input"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      endpoint_secret: {
        Args: { endpoint_kind: string; key: string; secret_kind: string }
        Returns: {
          ciphertext: string
          company_id: string
          key_id: string
        }[]
      }
      estimate_match_quality: { Args: { user_data: Json }; Returns: number }
      event_violations: {
        Args: { events: Json[]; ords: number[] }
        Returns: {
          ord: number
          rule: string
        }[]
      }
      expire_event_keys: { Args: Record<PropertyKey, never>; Returns: number }
      fail_inbound: {
        Args: { err: string; inbound_pk: number }
        Returns: undefined
      }
      has_customer_information: { Args: { user_data: Json }; Returns: boolean }
      hash_user_field: {
        Args: { field: string; value: string }
        Returns: string
      }
      hotmart_sale: {
        Args: {
          i: Database["tracking"]["Tables"]["inbound"]["Row"]
          identify_only?: boolean
        }
        Returns: Database["tracking"]["CompositeTypes"]["sale_input"]
        SetofOptions: {
          from: "*"
          to: "sale_input"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      ingest_api: {
        Args: {
          body: string
          idempotency_key: string
          key_sha256: string
          kind: string
          request: string
        }
        Returns: {
          http_status: number
          response: Json
        }[]
      }
      ingest_collect: {
        Args: {
          body: string
          client_ip: string
          key: string
          origin: string
          request: string
          user_agent: string
        }
        Returns: {
          http_status: number
          response: Json
        }[]
      }
      ingest_collect_batch: {
        Args: {
          bodies: string[]
          client_ips: string[]
          keys: string[]
          origins: string[]
          requests: string[]
          user_agents: string[]
        }
        Returns: {
          http_status: number
          ord: number
          response: Json
        }[]
      }
      ingest_mercadopago: {
        Args: { body: string; headers: Json; key: string; request: string }
        Returns: {
          http_status: number
          response: Json
        }[]
      }
      ingest_webhook: {
        Args: {
          body: string
          credential: string
          gateway: string
          headers: Json
          key: string
          request: string
        }
        Returns: {
          http_status: number
          response: Json
        }[]
      }
      ingest_webhook_batch: {
        Args: {
          bodies: string[]
          credentials: string[]
          gateway: string
          headers: Json[]
          keys: string[]
          requests: string[]
        }
        Returns: {
          http_status: number
          ord: number
          response: Json
        }[]
      }
      is_valid_cnpj: { Args: { chars: string }; Returns: boolean }
      is_valid_cpf: { Args: { digits: string }; Returns: boolean }
      is_valid_fbc: { Args: { v: string }; Returns: boolean }
      is_valid_fbp: { Args: { v: string }; Returns: boolean }
      kirvano_sale: {
        Args: {
          i: Database["tracking"]["Tables"]["inbound"]["Row"]
          identify_only?: boolean
        }
        Returns: Database["tracking"]["CompositeTypes"]["sale_input"]
        SetofOptions: {
          from: "*"
          to: "sale_input"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      kiwify_sale: {
        Args: {
          i: Database["tracking"]["Tables"]["inbound"]["Row"]
          identify_only?: boolean
        }
        Returns: Database["tracking"]["CompositeTypes"]["sale_input"]
        SetofOptions: {
          from: "*"
          to: "sale_input"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      mark_inbound: {
        Args: {
          add_flags?: string[]
          err?: string
          inbound_ids: number[]
          ok: boolean
        }
        Returns: undefined
      }
      mercadopago_job: {
        Args: { inbound_pk: number }
        Returns: {
          ciphertext: string
          company_id: string
          key_id: string
          payment_id: string
          status: string
        }[]
      }
      mercadopago_sale: {
        Args: {
          i: Database["tracking"]["Tables"]["inbound"]["Row"]
          identify_only?: boolean
        }
        Returns: Database["tracking"]["CompositeTypes"]["sale_input"]
        SetofOptions: {
          from: "*"
          to: "sale_input"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      monetizze_sale: {
        Args: {
          i: Database["tracking"]["Tables"]["inbound"]["Row"]
          identify_only?: boolean
        }
        Returns: Database["tracking"]["CompositeTypes"]["sale_input"]
        SetofOptions: {
          from: "*"
          to: "sale_input"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      normalize_birthdate: { Args: { value: string }; Returns: string }
      normalize_country: { Args: { value: string }; Returns: string }
      normalize_email: { Args: { value: string }; Returns: string }
      normalize_external_id: { Args: { value: string }; Returns: string }
      normalize_gender: { Args: { value: string }; Returns: string }
      normalize_ip: { Args: { v: string }; Returns: string }
      normalize_letters: { Args: { value: string }; Returns: string }
      normalize_phone: { Args: { value: string }; Returns: string }
      normalize_state: { Args: { value: string }; Returns: string }
      normalize_user_field: {
        Args: { field: string; value: string }
        Returns: string
      }
      normalize_zip: { Args: { value: string }; Returns: string }
      parse_amount: { Args: { unit: string; value: Json }; Returns: number }
      parse_time: { Args: { form: string; value: Json }; Returns: string }
      perfectpay_field_problem: { Args: { b: Json }; Returns: Json }
      perfectpay_sale: {
        Args: {
          i: Database["tracking"]["Tables"]["inbound"]["Row"]
          identify_only?: boolean
        }
        Returns: Database["tracking"]["CompositeTypes"]["sale_input"]
        SetofOptions: {
          from: "*"
          to: "sale_input"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      perfectpay_status: { Args: { body: Json }; Returns: string }
      process_inbound: {
        Args: { inbound_pk: number; payment?: Json }
        Returns: string
      }
      process_inbound_batch: {
        Args: { inbound_ids: number[] }
        Returns: {
          inbound_id: number
          outcome: string
        }[]
      }
      queue_event: { Args: { event_pk: number }; Returns: string }
      queue_waiting_events: { Args: { company: string }; Returns: number }
      record_event: {
        Args: {
          action_source: string
          browser_event_id?: string
          company: string
          custom_data: Json
          event_name: string
          event_source_url: string
          event_time: string
          extra?: Json
          inbound_pk: number
          provider_ref: string
          raw_user: Json
          request?: string
          source: string
          visitor?: string
        }
        Returns: Record<string, unknown>
      }
      record_events: {
        Args: {
          events: Database["tracking"]["CompositeTypes"]["event_input"][]
        }
        Returns: {
          duplicate: boolean
          event_id: string
          event_pk: number
          ord: number
          status: string
        }[]
      }
      record_sales: {
        Args: { sales: Database["tracking"]["CompositeTypes"]["sale_input"][] }
        Returns: {
          flags: string[]
          inbound_id: number
        }[]
      }
      reject: {
        Args: {
          body_bytes: number
          code: string
          company: string
          http_status: number
          message: string
          request: string
          source: string
        }
        Returns: Json
      }
      replay_failed: {
        Args: { company?: string }
        Returns: {
          inbound_id: number
          outcome: string
        }[]
      }
      replay_inbound: { Args: { inbound_pk: number }; Returns: string }
      replay_invalid: {
        Args: { company?: string }
        Returns: {
          inbound_id: number
          outcome: string
        }[]
      }
      rule_message: { Args: { rule: string }; Returns: string }
      sale_action_source: {
        Args: { browser_known: boolean; happened: string }
        Returns: string
      }
      sale_identity: {
        Args: {
          gateway_status: string
          i: Database["tracking"]["Tables"]["inbound"]["Row"]
          problem: Json
          provider_ref: string
          test: boolean
        }
        Returns: Database["tracking"]["CompositeTypes"]["sale_input"]
        SetofOptions: {
          from: "*"
          to: "sale_input"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      status_mapping_of: {
        Args: { company: string; gateway: string; gateway_status: string }
        Returns: {
          company_id: string | null
          flag: string | null
          gateway: string
          gateway_status: string
          id: number
          meta_event: string | null
          sale_effect: string
        }[]
        SetofOptions: {
          from: "*"
          to: "status_mappings"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      store_inbound: {
        Args: {
          body: Json
          company: string
          headers: Json
          processed?: boolean
          request: string
          source: string
        }
        Returns: number
      }
      tax_id_if_valid: { Args: { value: string }; Returns: string }
      ticto_sale: {
        Args: {
          i: Database["tracking"]["Tables"]["inbound"]["Row"]
          identify_only?: boolean
        }
        Returns: Database["tracking"]["CompositeTypes"]["sale_input"]
        SetofOptions: {
          from: "*"
          to: "sale_input"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      touch_visitor: {
        Args: { company: string; raw: Json; seen_at: string; visitor: string }
        Returns: undefined
      }
      touch_visitors: {
        Args: {
          companies: string[]
          raws: Json[]
          seen: string[]
          visitor_ids: string[]
        }
        Returns: undefined
      }
      unidentified: {
        Args: { sale: Database["tracking"]["CompositeTypes"]["sale_input"] }
        Returns: boolean
      }
      upsert_sale: {
        Args: {
          amount: number
          at: string
          company: string
          currency: string
          effect: string
          gateway: string
          gateway_status: string
          product_name: string
          product_ref: string
          provider_ref: string
          purchase_event: number
          user_data: Json
          visitor: string
        }
        Returns: number
      }
      upsert_sales: {
        Args: { sales: Database["tracking"]["CompositeTypes"]["sale_state"][] }
        Returns: undefined
      }
      user_field_prehashed: {
        Args: { field: string; value: string }
        Returns: string
      }
      utmify_sale: {
        Args: {
          i: Database["tracking"]["Tables"]["inbound"]["Row"]
          identify_only?: boolean
        }
        Returns: Database["tracking"]["CompositeTypes"]["sale_input"]
        SetofOptions: {
          from: "*"
          to: "sale_input"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      write_adapt: { Args: Record<PropertyKey, never>; Returns: undefined }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      event_input: {
        ord: number | null
        company_id: string | null
        inbound_id: number | null
        source: string | null
        provider_ref: string | null
        event_name: string | null
        event_time: string | null
        action_source: string | null
        event_source_url: string | null
        raw_user: Json | null
        custom_data: Json | null
        visitor: string | null
        browser_event_id: string | null
        request_id: string | null
        extra: Json | null
      }
      sale_input: {
        inbound_id: number | null
        company_id: string | null
        gateway: string | null
        provider_ref: string | null
        gateway_status: string | null
        amount: number | null
        currency: string | null
        product_ref: string | null
        product_name: string | null
        visitor: string | null
        raw_user: Json | null
        occurred_at: string | null
        request_id: string | null
        charge_number: number | null
        test: boolean | null
        problem: Json | null
      }
      sale_state: {
        company_id: string | null
        gateway: string | null
        provider_ref: string | null
        status: string | null
        sale_effect: string | null
        amount: number | null
        currency: string | null
        product_ref: string | null
        product_name: string | null
        visitor_id: string | null
        em: string | null
        ph: string | null
        at: string | null
        purchase_event_pk: number | null
      }
    }
  }
  whatsapp: {
    Tables: {
      accounts: {
        Row: {
          company_id: string
          created_at: string
          name: string | null
          waba_id: string
        }
        Insert: {
          company_id: string
          created_at?: string
          name?: string | null
          waba_id: string
        }
        Update: {
          company_id?: string
          created_at?: string
          name?: string | null
          waba_id?: string
        }
        Relationships: []
      }
      contacts: {
        Row: {
          company_id: string
          first_seen_at: string
          first_touch_at: string | null
          first_touch_conversation_id: number | null
          first_touch_ctwa_clid: string | null
          first_touch_source_id: string | null
          id: number
          last_inbound_at: string
          last_touch_at: string | null
          last_touch_conversation_id: number | null
          last_touch_ctwa_clid: string | null
          last_touch_source_id: string | null
          profile_name: string | null
          updated_at: string
          wa_id: string
        }
        Insert: {
          company_id: string
          first_seen_at: string
          first_touch_at?: string | null
          first_touch_conversation_id?: number | null
          first_touch_ctwa_clid?: string | null
          first_touch_source_id?: string | null
          id?: never
          last_inbound_at: string
          last_touch_at?: string | null
          last_touch_conversation_id?: number | null
          last_touch_ctwa_clid?: string | null
          last_touch_source_id?: string | null
          profile_name?: string | null
          updated_at?: string
          wa_id: string
        }
        Update: {
          company_id?: string
          first_seen_at?: string
          first_touch_at?: string | null
          first_touch_conversation_id?: number | null
          first_touch_ctwa_clid?: string | null
          first_touch_source_id?: string | null
          id?: never
          last_inbound_at?: string
          last_touch_at?: string | null
          last_touch_conversation_id?: number | null
          last_touch_ctwa_clid?: string | null
          last_touch_source_id?: string | null
          profile_name?: string | null
          updated_at?: string
          wa_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "contacts_first_touch_conversation_id_fkey"
            columns: ["first_touch_conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "contacts_first_touch_conversation_id_fkey"
            columns: ["first_touch_conversation_id"]
            isOneToOne: false
            referencedRelation: "open_windows"
            referencedColumns: ["conversation_id"]
          },
          {
            foreignKeyName: "contacts_last_touch_conversation_id_fkey"
            columns: ["last_touch_conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "contacts_last_touch_conversation_id_fkey"
            columns: ["last_touch_conversation_id"]
            isOneToOne: false
            referencedRelation: "open_windows"
            referencedColumns: ["conversation_id"]
          },
        ]
      }
      conversations: {
        Row: {
          ad_body: string | null
          close_reason: string | null
          closed_at: string | null
          company_id: string
          contact_id: number
          created_at: string
          ctwa_clid: string | null
          headline: string | null
          id: number
          inbound_count: number
          last_inbound_at: string
          media_type: string | null
          phone_number_id: string
          referral_at: string | null
          referral_wamid: string | null
          source_id: string | null
          source_type: string | null
          source_url: string | null
          started_at: string
          wa_id: string
          waba_id: string
          window_expires_at: string | null
        }
        Insert: {
          ad_body?: string | null
          close_reason?: string | null
          closed_at?: string | null
          company_id: string
          contact_id: number
          created_at?: string
          ctwa_clid?: string | null
          headline?: string | null
          id?: never
          inbound_count?: number
          last_inbound_at: string
          media_type?: string | null
          phone_number_id: string
          referral_at?: string | null
          referral_wamid?: string | null
          source_id?: string | null
          source_type?: string | null
          source_url?: string | null
          started_at: string
          wa_id: string
          waba_id: string
          window_expires_at?: never
        }
        Update: {
          ad_body?: string | null
          close_reason?: string | null
          closed_at?: string | null
          company_id?: string
          contact_id?: number
          created_at?: string
          ctwa_clid?: string | null
          headline?: string | null
          id?: never
          inbound_count?: number
          last_inbound_at?: string
          media_type?: string | null
          phone_number_id?: string
          referral_at?: string | null
          referral_wamid?: string | null
          source_id?: string | null
          source_type?: string | null
          source_url?: string | null
          started_at?: string
          wa_id?: string
          waba_id?: string
          window_expires_at?: never
        }
        Relationships: [
          {
            foreignKeyName: "conversations_contact_id_fkey"
            columns: ["contact_id"]
            isOneToOne: false
            referencedRelation: "contacts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "conversations_phone_number_id_fkey"
            columns: ["phone_number_id"]
            isOneToOne: false
            referencedRelation: "numbers"
            referencedColumns: ["phone_number_id"]
          },
        ]
      }
      message_statuses: {
        Row: {
          applied: boolean
          company_id: string
          conversation: Json | null
          errors: Json | null
          id: number
          inbound_id: number | null
          message_id: number
          pricing: Json | null
          received_at: string
          recipient_id: string | null
          status: string
          status_at: string
          wamid: string
        }
        Insert: {
          applied: boolean
          company_id: string
          conversation?: Json | null
          errors?: Json | null
          id?: never
          inbound_id?: number | null
          message_id: number
          pricing?: Json | null
          received_at?: string
          recipient_id?: string | null
          status: string
          status_at: string
          wamid: string
        }
        Update: {
          applied?: boolean
          company_id?: string
          conversation?: Json | null
          errors?: Json | null
          id?: never
          inbound_id?: number | null
          message_id?: number
          pricing?: Json | null
          received_at?: string
          recipient_id?: string | null
          status?: string
          status_at?: string
          wamid?: string
        }
        Relationships: [
          {
            foreignKeyName: "message_statuses_message_id_fkey"
            columns: ["message_id"]
            isOneToOne: false
            referencedRelation: "messages"
            referencedColumns: ["id"]
          },
        ]
      }
      messages: {
        Row: {
          company_id: string
          contact_id: number | null
          content: NonNullable<Json>
          conversation_id: number | null
          delivered_at: string | null
          direction: string
          error: Json | null
          failed_at: string | null
          id: number
          inbound_id: number | null
          phone_number_id: string
          played_at: string | null
          read_at: string | null
          received_at: string
          sent_at: string | null
          status: string
          status_at: string | null
          text_body: string | null
          type: string | null
          wa_id: string
          wamid: string
        }
        Insert: {
          company_id: string
          contact_id?: number | null
          content?: NonNullable<Json>
          conversation_id?: number | null
          delivered_at?: string | null
          direction: string
          error?: Json | null
          failed_at?: string | null
          id?: never
          inbound_id?: number | null
          phone_number_id: string
          played_at?: string | null
          read_at?: string | null
          received_at?: string
          sent_at?: string | null
          status: string
          status_at?: string | null
          text_body?: string | null
          type?: string | null
          wa_id: string
          wamid: string
        }
        Update: {
          company_id?: string
          contact_id?: number | null
          content?: NonNullable<Json>
          conversation_id?: number | null
          delivered_at?: string | null
          direction?: string
          error?: Json | null
          failed_at?: string | null
          id?: never
          inbound_id?: number | null
          phone_number_id?: string
          played_at?: string | null
          read_at?: string | null
          received_at?: string
          sent_at?: string | null
          status?: string
          status_at?: string | null
          text_body?: string | null
          type?: string | null
          wa_id?: string
          wamid?: string
        }
        Relationships: [
          {
            foreignKeyName: "messages_contact_id_fkey"
            columns: ["contact_id"]
            isOneToOne: false
            referencedRelation: "contacts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "messages_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "messages_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "open_windows"
            referencedColumns: ["conversation_id"]
          },
        ]
      }
      numbers: {
        Row: {
          added_by: string
          company_id: string
          created_at: string
          display_phone_number: string | null
          phone_number_id: string
          waba_id: string
        }
        Insert: {
          added_by?: string
          company_id: string
          created_at?: string
          display_phone_number?: string | null
          phone_number_id: string
          waba_id: string
        }
        Update: {
          added_by?: string
          company_id?: string
          created_at?: string
          display_phone_number?: string | null
          phone_number_id?: string
          waba_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "numbers_waba_id_company_id_fkey"
            columns: ["waba_id", "company_id"]
            isOneToOne: false
            referencedRelation: "accounts"
            referencedColumns: ["waba_id", "company_id"]
          },
        ]
      }
      sales: {
        Row: {
          attribution: string
          company_id: string
          conversation_id: number
          created_at: string
          ctwa_clid: string
          currency: string
          event_name: string
          event_pk: number | null
          id: number
          inbound_id: number | null
          request_sha256: string
          sale_ref: string
          value: number | null
          waba_id: string
        }
        Insert: {
          attribution: string
          company_id: string
          conversation_id: number
          created_at?: string
          ctwa_clid: string
          currency?: string
          event_name: string
          event_pk?: number | null
          id?: never
          inbound_id?: number | null
          request_sha256: string
          sale_ref: string
          value?: number | null
          waba_id: string
        }
        Update: {
          attribution?: string
          company_id?: string
          conversation_id?: number
          created_at?: string
          ctwa_clid?: string
          currency?: string
          event_name?: string
          event_pk?: number | null
          id?: never
          inbound_id?: number | null
          request_sha256?: string
          sale_ref?: string
          value?: number | null
          waba_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "sales_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "conversations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "sales_conversation_id_fkey"
            columns: ["conversation_id"]
            isOneToOne: false
            referencedRelation: "open_windows"
            referencedColumns: ["conversation_id"]
          },
        ]
      }
      settings: {
        Row: {
          ad_conversation_event: string | null
          company_id: string
          ctwa_window_days: number
          updated_at: string
        }
        Insert: {
          ad_conversation_event?: string | null
          company_id: string
          ctwa_window_days?: number
          updated_at?: string
        }
        Update: {
          ad_conversation_event?: string | null
          company_id?: string
          ctwa_window_days?: number
          updated_at?: string
        }
        Relationships: []
      }
      unrouted: {
        Row: {
          body: NonNullable<Json>
          id: number
          phone_number_id: string | null
          reason: string
          received_at: string
          request_id: string
          waba_id: string | null
        }
        Insert: {
          body: NonNullable<Json>
          id?: never
          phone_number_id?: string | null
          reason: string
          received_at?: string
          request_id: string
          waba_id?: string | null
        }
        Update: {
          body?: NonNullable<Json>
          id?: never
          phone_number_id?: string | null
          reason?: string
          received_at?: string
          request_id?: string
          waba_id?: string | null
        }
        Relationships: []
      }
    }
    Views: {
      open_windows: {
        Row: {
          company_id: string | null
          contact_id: number | null
          conversation_id: number | null
          from_ad: boolean | null
          last_inbound_at: string | null
          phone_number_id: string | null
          remaining: string | null
          wa_id: string | null
          window_expires_at: string | null
        }
        Insert: {
          company_id?: string | null
          contact_id?: number | null
          conversation_id?: number | null
          from_ad?: never
          last_inbound_at?: string | null
          phone_number_id?: string | null
          remaining?: never
          wa_id?: string | null
          window_expires_at?: string | null
        }
        Update: {
          company_id?: string | null
          contact_id?: number | null
          conversation_id?: number | null
          from_ad?: never
          last_inbound_at?: string | null
          phone_number_id?: string | null
          remaining?: never
          wa_id?: string | null
          window_expires_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "conversations_contact_id_fkey"
            columns: ["contact_id"]
            isOneToOne: false
            referencedRelation: "contacts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "conversations_phone_number_id_fkey"
            columns: ["phone_number_id"]
            isOneToOne: false
            referencedRelation: "numbers"
            referencedColumns: ["phone_number_id"]
          },
        ]
      }
    }
    Functions: {
      apply_inbound_message: {
        Args: {
          company: string
          inbound_pk: number
          m: Json
          phone_number: string
          profile_name: string
          request: string
          waba: string
        }
        Returns: boolean
      }
      apply_status: {
        Args: {
          company: string
          inbound_pk: number
          phone_number: string
          s: Json
        }
        Returns: boolean
      }
      connect_number: {
        Args: {
          company: string
          display_phone_number?: string
          phone_number: string
          waba: string
        }
        Returns: undefined
      }
      ingest_sale: {
        Args: {
          body: string
          idempotency_key: string
          key_sha256: string
          request: string
        }
        Returns: {
          http_status: number
          response: Json
        }[]
      }
      ingest_webhook: {
        Args: { body: string; headers: Json; request: string }
        Returns: {
          http_status: number
          response: Json
        }[]
      }
      is_messaging_event: { Args: { event_name: string }; Returns: boolean }
      next_status: {
        Args: { current_status: string; incoming: string }
        Returns: string
      }
      process_inbound: { Args: { inbound_pk: number }; Returns: string }
      process_payload: {
        Args: {
          company: string
          inbound_pk: number
          payload: Json
          request: string
        }
        Returns: string[]
      }
      process_stored: {
        Args: {
          company: string
          inbound_pk: number
          payload: Json
          prior_status: string
          request: string
        }
        Returns: string
      }
      record_outbound: {
        Args: {
          body_text: string
          company: string
          message_type: string
          message_wamid: string
          phone_number: string
          wa: string
        }
        Returns: number
      }
      unix_time: { Args: { value: string }; Returns: string }
      window_end: { Args: { last_inbound: string }; Returns: string }
    }
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  app: {
    Enums: {},
  },
  delivery: {
    Enums: {},
  },
  monitoring: {
    Enums: {},
  },
  public: {
    Enums: {},
  },
  revenue: {
    Enums: {},
  },
  setup: {
    Enums: {},
  },
  tracking: {
    Enums: {},
  },
  whatsapp: {
    Enums: {},
  },
} as const

