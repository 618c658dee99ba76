// Sends Content Piece track calls and one identify call with RudderStack's Node SDK, as an app's backend would, to
// the data plane URL and write key given; exits 1 with the SDK's error when a flush fails.
// Usage: node send.js DATA_PLANE_URL WRITE_KEY USER_ID
const Analytics = require('@rudderstack/rudder-sdk-node');

const [dataPlaneUrl, writeKey, userId] = process.argv.slice(2);
// flushAt 3: the first call is sent at once (the SDK flushes its first call), the next ones in batches.
const analytics = new Analytics(writeKey, { dataPlaneUrl, flushAt: 3, flushInterval: 200, retryCount: 0 });

const context = { timezone: 'Europe/Berlin', locale: 'de-DE' };
const uri = 'sevenmind://content/single/abc12/recording/xyz34';
function track(event, messageId, time, properties) {
  analytics.track({
    userId, event, messageId, originalTimestamp: new Date(time), context,
    properties: { object_uri: uri, ...properties },
  });
}

track('Content Piece Started', 'sdk-1', '2024-05-01T10:00:00Z', { session_id: 's-1' });
track('Content Piece Completed', 'sdk-2', '2024-05-01T10:10:00Z', { session_id: 's-1', position_seconds: 600 });
analytics.identify({ userId, messageId: 'sdk-3', traits: { plan: 'premium' }, context });
track('Content Piece Started', 'sdk-4', '2024-05-01T11:00:00Z', { session_id: 's-2' });
track('Content Piece Cancelled', 'sdk-5', '2024-05-01T11:02:00Z', { session_id: 's-2', position_seconds: 120.5 });

analytics.flush()
  .then(() => console.log('flushed'))
  .catch((err) => {
    console.error(`flush failed: ${err.message}`);
    process.exit(1);
  });
