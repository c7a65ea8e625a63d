/// <reference lib="dom" />
/**
 * The console's one client and its session: the token (in sessionStorage,
 * only where the server requires one) and the API URL on this same host.
 *
 * @module
 */
import { createClient, type GraphmindClient } from "../client/mod.ts";

const TOKEN_KEY = "graphmind.console.token";

/** `token` when the server requires sign-in (staging, production); `none` in development. */
export const AUTH_MODE: "token" | "none" = document.body.dataset.auth === "token"
  ? "token"
  : "none";

export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function storeToken(token: string | undefined): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A client for this server; the token is read on every connection, so signing in applies at once. */
export function consoleClient(): GraphmindClient {
  return createClient({
    url: new URL("/graphql", location.href).href,
    transport: "ws",
    token: () => AUTH_MODE === "token" ? storedToken() : undefined,
  });
}

/** An error as one line for the page. */
export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
