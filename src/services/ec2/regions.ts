// The commercial regions enabled by default in every account (EC2 DescribeRegions without AllRegions),
// and the Availability Zones Tessera places instances in. The store keeps no region: an instance's
// region is its zone's, so a request signed for one region never sees another region's instances.

export const REGIONS: readonly string[] = [
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2',
  'ca-central-1', 'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1',
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];

/**
 * Zone letters accepted in every region. Real regions have between two and six zones (us-east-1:
 * a–f); Tessera offers the same six everywhere, so a scenario never depends on one account's map.
 */
export const ZONE_LETTERS = ['a', 'b', 'c', 'd', 'e', 'f'] as const;

/** The zones of `region`, `<region>a` first (RunInstances' default). */
export function zonesOf(region: string): string[] {
  return ZONE_LETTERS.map((l) => region + l);
}

/** True when `zone` is one of `region`'s zones. */
export function isZoneOf(zone: string, region: string): boolean {
  return zone.length === region.length + 1 && zone.startsWith(region) && (ZONE_LETTERS as readonly string[]).includes(zone.slice(-1));
}

/** The region of a zone name (`us-east-1a` → `us-east-1`). */
export function regionOfZone(zone: string): string {
  return zone.slice(0, -1);
}
