/**
 * The scale-out scenarios, each on its own cluster of real server processes
 * (tests/support/replicas.ts): one file, so the suite runs them one after
 * another in one of its parallel slots (two clusters at once starve a
 * two-core machine past the timings they assert), and early, since this
 * folder sorts near the front.
 *
 * @module
 */
import "./cross_replica.ts";
import "./documents.ts";
import "./kill.ts";
import "./many_streams.ts";
