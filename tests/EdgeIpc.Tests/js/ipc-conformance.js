// Drives the official Greengrass IPC client for JavaScript (aws-iot-device-sdk-v2) against a nucleus socket.
// The socket path and token come from the variables Greengrass sets: AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT
// and SVCUID. Each step prints one JSON line on stdout, so the C# test can check what the client saw.
//
//   node ipc-conformance.js <topic> <payload-text> <config-key>   publish, read config, report RUNNING, await one update
//   node ipc-conformance.js --connect-only                        connect and report the outcome
'use strict';

const { greengrasscoreipc } = require('aws-iot-device-sdk-v2');

const report = (step, data) => process.stdout.write(JSON.stringify({ step, ...data }) + '\n');

async function connectOnly() {
  const client = greengrasscoreipc.createClient();
  try {
    await client.connect();
    report('connect', { ok: true });
  } catch (err) {
    report('connect', { ok: false, error: String(err && err.description ? err.description : err) });
  } finally {
    client.close();
  }
}

async function fullRun(topic, payloadText, configKey) {
  const client = greengrasscoreipc.createClient();
  await client.connect();
  report('connect', { ok: true });

  await client.publishToIoTCore({
    topicName: topic,
    qos: greengrasscoreipc.model.QOS.AT_LEAST_ONCE,
    payload: Buffer.from(payloadText, 'utf8'),
  });
  report('publish', { ok: true });

  const config = await client.getConfiguration({ keyPath: [configKey] });
  report('getConfiguration', { componentName: config.componentName, value: config.value });

  await client.updateState({ state: greengrasscoreipc.model.ReportedLifecycleState.RUNNING });
  report('updateState', { ok: true });

  const subscription = client.subscribeToConfigurationUpdate({ keyPath: [configKey] });
  const firstEvent = new Promise((resolve, reject) => {
    subscription.on('message', resolve);
    subscription.on('streamError', reject);
  });
  await subscription.activate();
  report('subscribed', { ok: true });
  const event = await firstEvent;
  report('configurationUpdate', event.configurationUpdateEvent);

  await subscription.close();
  await client.close();
}

const timer = setTimeout(() => { report('timeout', {}); process.exit(4); }, 30000);
const args = process.argv.slice(2);
const run = args[0] === '--connect-only' ? connectOnly() : fullRun(args[0], args[1], args[2]);
run.then(
  () => { clearTimeout(timer); process.exit(0); },
  (err) => { report('error', { error: String(err && err.description ? err.description : err) }); process.exit(3); });
