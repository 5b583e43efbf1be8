import type { AwsIdentityView } from '../../../shared/session-state';
import { useFormat, useT } from '../i18n';

/** What a person may see of their AWS access (never the credentials): identity, role, expiry. */
export function AwsAccessPanel(props: { aws: AwsIdentityView }) {
  const t = useT();
  const format = useFormat();
  const { aws } = props;
  return (
    <section className="card stack" aria-labelledby="aws-access-heading" data-testid="aws-access">
      <h3 id="aws-access-heading">{t('aws.heading')}</h3>
      {aws.status === 'ready' ? (
        <dl className="facts">
          <dt>{t('aws.identityId')}</dt>
          <dd className="mono" data-i18n="raw">
            {aws.identityId}
          </dd>
          <dt>{t('aws.role')}</dt>
          <dd data-testid="aws-role">{aws.roleName ?? t('aws.defaultRole')}</dd>
          <dt>{t('aws.expires')}</dt>
          <dd>{format.time(aws.expiresAt)}</dd>
        </dl>
      ) : aws.status === 'fetching' ? (
        <p role="status" className="muted">
          {t('aws.fetching')}
        </p>
      ) : (
        <p className="notice notice-error" role="status">
          {t('aws.error')}{' '}
          <span className="mono" data-i18n="raw">
            {aws.error.code}
          </span>
        </p>
      )}
    </section>
  );
}
