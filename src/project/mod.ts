/**
 * Project's public entry: the delivery plan and its status.
 *
 * @module
 */
export { createProjectService, type ProjectService } from "./service.ts";
export { relayStatusEvents } from "./status_events.ts";
