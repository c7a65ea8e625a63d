/**
 * `get_current_time`: models do not know the date; this tells them.
 *
 * @module
 */
import { z } from "zod";
import { defineTool } from "../../core/tool.ts";

/** The clock tool. */
export const clockTool = defineTool({
  name: "get_current_time",
  description: "Returns the current date and time, in UTC or in the given IANA time zone.",
  permission: "basic",
  schema: z.object({
    timeZone: z.string().optional().describe("An IANA time zone, e.g. Europe/Paris."),
  }),
  run({ timeZone }) {
    const zone = timeZone ?? "UTC";
    try {
      return new Intl.DateTimeFormat("en-GB", {
        timeZone: zone,
        dateStyle: "full",
        timeStyle: "long",
      }).format(new Date());
    } catch {
      return `Unknown time zone "${zone}"; use an IANA name such as Europe/Paris.`;
    }
  },
  offlineArgs: (said) => /\b(time|date|today|clock)\b/i.test(said) ? {} : undefined,
});
