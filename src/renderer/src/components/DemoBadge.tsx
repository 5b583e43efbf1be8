/** Marks a profile whose user pool is the local demo one, so nobody mistakes it for production. */
export function DemoBadge() {
  return (
    <span className="badge badge-demo" title="This environment uses the local demo user pool, not a real one">
      Demo user pool
    </span>
  );
}
