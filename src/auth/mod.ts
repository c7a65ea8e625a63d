/**
 * Auth's public entry: who a request acts for. Other domains import the
 * viewer from here; the edge resolves it from a request's credentials.
 *
 * @module
 */
export { bearerToken, LOCAL_VIEWER, localViewer, resolveViewer, type Viewer } from "./viewer.ts";
export { permissionsOf } from "./permissions.ts";
