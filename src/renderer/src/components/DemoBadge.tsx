import { useT } from '../i18n';

/** Marks a profile whose user pool is the local demo one, so nobody mistakes it for production. */
export function DemoBadge() {
  const t = useT();
  return (
    <span className="badge badge-demo" title={t('demo.badge.title')}>
      {t('demo.badge')}
    </span>
  );
}
