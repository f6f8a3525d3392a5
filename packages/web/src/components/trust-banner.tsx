// The warning shown on every page of a commons whose history cannot be trusted: either this browser's own check
// failed (the server's signed log does not extend what it saw before), or the server found its log or read models
// do not verify (the commons is then read-only). Above the page's own heading, so its title is no heading.
import type { Integrity } from '../api/types';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/en';
import type { TrustResult } from '../log/trust';

type Failed = Extract<TrustResult, { ok: false }>;

export function TrustBanner({ integrity, trust }: { integrity?: Integrity; trust: TrustResult | null }) {
  const { t } = useI18n();
  const failed: Failed | null = trust && trust.ok === false ? trust : null;
  const broken = integrity && integrity.ok === false ? integrity : null;
  if (!failed && !broken) return null;
  return (
    <>
      {failed && (
        <div className="alert alert-error trust-banner" role="alert" data-trust={failed.failure}>
          <p className="trust-title">{t('trust.title')}</p>
          <p>
            {failed.served === null
              ? t('trust.rollbackUnknown', { seen: failed.seen })
              : t(`trust.${failed.failure}` as MessageKey, { seen: failed.seen, served: failed.served })}
          </p>
          <p>{t('trust.kept', { seen: failed.seen })}</p>
        </div>
      )}
      {broken && (
        <div className="alert alert-error trust-banner" role="alert" data-integrity={broken.where}>
          <p className="trust-title">{t('integrity.title')}</p>
          <p>
            {t(`integrity.${broken.where}` as MessageKey, {
              seq: broken.seq ?? '—',
              reason: broken.reason,
            })}
          </p>
          <p>{t('integrity.readOnly')}</p>
        </div>
      )}
    </>
  );
}
