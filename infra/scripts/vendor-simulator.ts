/**
 * The recording provider's stand-in for the development stack: the connectors package's simulator
 * (an 8x8-shaped deletion API) on 127.0.0.1:4010. It only listens on loopback, so the compose file
 * runs it with `network_mode: service:lifecycle`, inside the lifecycle container's network. It starts
 * empty: a deletion answers 404 and the record's receipt says "absent". Development only.
 */
import { startVendorSimulator } from '@custodian/connectors';

async function main() {
  const token = process.env.CUSTODIAN_DEV_VENDOR_TOKEN;
  if (!token) throw new Error('CUSTODIAN_DEV_VENDOR_TOKEN is not set (sh infra/scripts/dev-env.sh writes it)');
  const sim = await startVendorSimulator({ token, host: '127.0.0.1', port: Number(process.env.VENDOR_SIMULATOR_PORT ?? 4010) });
  process.stdout.write(`vendor simulator on ${sim.url}\n`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
