// A client generated from openapi.json (openapi-typescript's types, openapi-fetch's calls), used as a team's service
// would: push one event, read the user's projections, read the user's events. It prints what it read as one JSON
// line for ApiClientTest, and exits 1 naming the call that failed. Compiled with tsc --strict, it also holds the
// document to what a client needs: drop-in projections readable without a cast, `metadata` and `EventType` typed.
// Usage: node generated/client.js BASE_URL USER_ID
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api";

type NativeEvent = components["schemas"]["NativeEvent"];
type PubSubMetadata = NonNullable<NonNullable<NativeEvent["metadata"]>["pubsub"]>;

// Compiles only when T is exactly U.
type Exactly<T, U> = [T] extends [U] ? ([U] extends [T] ? true : false) : false;
const eventTypeIsAString: Exactly<NativeEvent["event_type"], string> = true;
const messageIdIsTyped: Exactly<PubSubMetadata["messageId"], string | null> = true;

async function main(baseUrl: string, userId: string): Promise<void> {
  const client = createClient<paths>({ baseUrl });
  const event: NativeEvent = {
    event_type: "ContentPieceStarted",
    unique_id: "ts-1",
    user_id: userId,
    session_id: "s-1",
    timestamp: "2024-05-01T10:00:00Z",
    timezone: "Europe/Berlin",
    locale: "de-DE",
    object_uri: "sevenmind://content/single/abc12/recording/xyz34",
    metadata: { pubsub: { messageId: "m-1", publishTime: "2024-05-01T10:00:01Z", attributes: { origin: "ts" } } },
  };
  const pushed = await client.POST("/events", { body: [event] });
  if (pushed.data === undefined) {
    throw new Error(`POST /events answered ${pushed.response.status}: ${JSON.stringify(pushed.error)}`);
  }

  const path = { user_id: userId };
  const projected = await client.GET("/users/{user_id}/projections", { params: { path } });
  if (projected.data === undefined) {
    throw new Error(`GET /users/{user_id}/projections answered ${projected.response.status}`);
  }
  const projections = projected.data.projections;
  // A drop-in's view is read by its name, as any JSON value: no cast.
  const views: Record<string, unknown> = {};
  for (const name of Object.keys(projections).sort()) {
    views[name] = name === "stats" ? projections.stats?.total : projections[name] !== undefined;
  }

  const read = await client.GET("/users/{user_id}/events", { params: { path, query: { limit: 10 } } });
  if (read.data === undefined) {
    throw new Error(`GET /users/{user_id}/events answered ${read.response.status}`);
  }
  const events = read.data.events.map((e) => ({
    unique_id: e.unique_id,
    event_type: e.event_type,
    message_id: e.metadata?.pubsub?.messageId,
    origin: e.metadata?.pubsub?.attributes?.["origin"],
  }));
  console.log(JSON.stringify({ pushed: pushed.data, views, events, next: read.data.next }));
}

const [baseUrl, userId] = process.argv.slice(2);
if (baseUrl === undefined || userId === undefined || !eventTypeIsAString || !messageIdIsTyped) {
  console.error("usage: node generated/client.js BASE_URL USER_ID");
  process.exit(2);
}
main(baseUrl, userId).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
