// Device health from job outcomes, one policy for the API (agents on other hosts report through
// POST /v1/agents/heartbeat) and for agents that share the database: a success resets the count of
// consecutive infrastructure failures; reaching MACE_QUARANTINE_AFTER (default 3) quarantines the
// device until an admin releases it (POST /v1/devices/:id/release).
import type { Db, Prisma } from '@mace/db';

export type JobOutcome = 'ok' | 'infrastructure';

export function quarantineAfter(): number {
  return Number(process.env.MACE_QUARANTINE_AFTER ?? 3);
}

/** Records a device job's outcome; says 'quarantined' when this outcome quarantined the device. */
export async function recordJobOutcome(
  db: Db,
  deviceId: string,
  outcome: JobOutcome,
  reason = '',
): Promise<'quarantined' | null> {
  if (outcome === 'ok') {
    await db.device.update({ where: { id: deviceId }, data: { consecutiveFailures: 0 } });
    return null;
  }
  const d = await db.device.update({ where: { id: deviceId }, data: { consecutiveFailures: { increment: 1 } } });
  if (d.consecutiveFailures < quarantineAfter() || d.state === 'quarantined') return null;
  await db.device.update({
    where: { id: deviceId },
    data: {
      state: 'quarantined',
      properties: {
        ...(d.properties as object),
        quarantine: {
          reason: `${d.consecutiveFailures} infrastructure failures in a row; last: ${reason}`,
          at: new Date().toISOString(),
          by: 'agent',
        },
      } as Prisma.InputJsonObject,
    },
  });
  return 'quarantined';
}
